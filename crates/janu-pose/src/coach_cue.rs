//! What the live coach says: one id per cue and the sentence a person hears.
//!
//! The ids are the wire spelling of the live protocol (`"soften-knee"`, ...):
//! the server sends them, the browser engine and the page read them, so they
//! never change. [`CueId::ALL`] lists them in the order of a practice: getting
//! into view, coming into the pose, the fold and the hold, form corrections,
//! then coming up and switching sides.
//!
//! ```
//! use janu_pose::CueId;
//!
//! assert_eq!(CueId::SoftenKnee.as_str(), "soften-knee");
//! assert_eq!(serde_json::to_string(&CueId::SoftenKnee).unwrap(), "\"soften-knee\"");
//! assert!(CueId::SoftenKnee.words().starts_with("Soften the straight knee"));
//! ```

use janu_body::Side;

use crate::ids::id_enum;

id_enum! {
    /// A live cue. Serialises as its kebab-case id.
    CueId, "cue" {
        /// Nobody in the picture.
        StepIntoView => "step-into-view",
        /// The bent leg is hidden: move the camera.
        CameraFrontDiagonal => "camera-front-diagonal",
        /// The pose cannot be told apart; the cue says why.
        CannotTell => "cannot-tell",
        /// Staff pose seen: how to come into Janusirsasana from it.
        FromStaff => "from-staff",
        /// Bound angle seen.
        FromBoundAngle => "from-bound-angle",
        /// The seated forward bend seen: bend one knee.
        BendOneKnee => "bend-one-knee",
        /// Wide-legged seated bend seen.
        FromWideLegs => "from-wide-legs",
        /// A seated twist seen.
        FromTwist => "from-twist",
        /// The revolved variation seen: face the straight leg.
        FaceTheLeg => "face-the-leg",
        /// Sitting tall before the fold.
        LengthenInhale => "lengthen-inhale",
        /// Folding on the out-breath.
        FoldExhale => "fold-exhale",
        /// The hold has begun.
        HoldBreathe => "hold-breathe",
        /// A breathing reminder during a long hold.
        KeepBreathing => "keep-breathing",
        /// The breath stopped during the hold.
        BreathHeld => "breath-held",
        /// The straight knee is locked.
        SoftenKnee => "soften-knee",
        /// The shoulders lift towards the ears.
        RelaxShoulders => "relax-shoulders",
        /// The spine rounds instead of the hips folding.
        HingeFromHips => "hinge-from-hips",
        /// The head is pushed to the knee.
        EaseHead => "ease-head",
        /// The pelvis twists.
        SquarePelvis => "square-pelvis",
        /// The bent knee's rotation is forced.
        SupportBentKnee => "support-bent-knee",
        /// The target hold is reached.
        ComeUp => "come-up",
        /// A side is done: the other side, or a rest when both are.
        SwitchSides => "switch-sides",
    }
}

impl CueId {
    /// The sentence said for this cue.
    ///
    /// Three cues add what the coach saw to these words: `camera-front-diagonal`
    /// is followed by where to put the camera, `cannot-tell` says the reason
    /// Janu could not judge the pose when it has one (these words otherwise),
    /// and `switch-sides` says these words once both sides are done and
    /// [`other_side_words`] after the first.
    pub const fn words(self) -> &'static str {
        match self {
            Self::StepIntoView => {
                "I can't see you. Come back into the picture, the whole body from head to feet."
            }
            Self::CameraFrontDiagonal => "Your bent leg is hidden from the camera.",
            Self::CannotTell => "I can't tell which pose this is.",
            Self::FromStaff => {
                "Staff pose. When you are ready, bend one knee and rest its sole against the inner thigh of the straight leg."
            }
            Self::FromBoundAngle => {
                "Bound angle warms the hips. Then stretch one leg out and keep the other foot at its inner thigh."
            }
            Self::BendOneKnee => {
                "Both legs are straight: that is the seated forward bend. For head-to-knee, bend one knee out to the side."
            }
            Self::FromWideLegs => {
                "Legs wide apart. Bring one leg in and rest its sole against the inner thigh of the other."
            }
            Self::FromTwist => {
                "That is a seated twist. Come back to face forward, one leg straight, for Janusirsasana."
            }
            Self::FaceTheLeg => {
                "That is the revolved variation. For Janusirsasana, turn your chest to face the straight leg."
            }
            Self::LengthenInhale => {
                "Sit tall on your sitting bones. Breathe in and lengthen your spine upward."
            }
            Self::FoldExhale => {
                "Now breathe out and fold forward from the hips, chest leading toward the foot."
            }
            Self::HoldBreathe => {
                "Stay here. Relax your shoulders and neck, and keep breathing slowly."
            }
            Self::KeepBreathing => {
                "Keep the breath slow and even; let each breath out soften the fold."
            }
            Self::BreathHeld => {
                "Keep breathing: let the breath flow slowly in and out, never held."
            }
            Self::SoftenKnee => {
                "Soften the straight knee a little; it should not be pressed stiff."
            }
            Self::RelaxShoulders => {
                "Let your shoulders drop away from your ears. If your hands strain to reach, loop a strap around the foot."
            }
            Self::HingeFromHips => {
                "Keep the back long: fold from the hips with the chest leading, rather than rounding."
            }
            Self::EaseHead => {
                "Don't push your head down to the knee. Come up a little, to where breathing is easy."
            }
            Self::SquarePelvis => "Even out your hips so that both face the straight leg.",
            Self::SupportBentKnee => {
                "Let the bent knee open only as far as it likes; rest it on a block rather than pressing it down."
            }
            Self::ComeUp => "Well held. On your next breath in, come up slowly with a long back.",
            Self::SwitchSides => {
                "Both sides done. Sit tall for a few easy breaths before you move on."
            }
        }
    }
}

/// A cue id equals its wire spelling (`CueId::SoftenKnee == "soften-knee"`).
impl PartialEq<str> for CueId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// See the `str` comparison.
impl PartialEq<&str> for CueId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The `switch-sides` cue after the first side: `done` is the extended leg of
/// the side just held.
pub fn other_side_words(done: Side) -> String {
    let next = done.other();
    format!(
        "Now the other side: stretch your {next} leg out and bend the {done} knee, sole to the inner thigh."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_ids_are_kebab_case_and_round_trip() {
        assert_eq!(CueId::ALL.len(), 22);
        assert_eq!(CueId::ALL[0], CueId::StepIntoView);
        assert_eq!(CueId::ALL[21], CueId::SwitchSides);
        for id in CueId::ALL {
            let json = serde_json::to_string(id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<CueId>(&json).unwrap(), *id);
            assert_eq!(id.as_str().parse::<CueId>().unwrap(), *id);
            assert!(*id == id.as_str());
            assert!(
                id.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn every_cue_has_its_own_sentence() {
        let mut seen = std::collections::HashSet::new();
        for id in CueId::ALL {
            let w = id.words();
            assert!(w.ends_with('.'), "{id}: {w}");
            assert!(seen.insert(w), "{id} repeats another cue's words");
        }
    }

    #[test]
    fn the_other_side_names_both_legs() {
        let w = other_side_words(Side::Left);
        assert!(
            w.contains("your right leg out") && w.contains("the left knee"),
            "{w}"
        );
    }
}
