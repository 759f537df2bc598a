//! Closed sets of ids and small enums shared by the knowledge, screening and plans.
//!
//! Each enum serialises as its kebab-case id (the same string the command line and
//! the data file use), parses from it with [`std::str::FromStr`], and lists all of
//! its values in `ALL`, so a caller can offer them as choices.

/// Defines a string-id enum: serde names, `ALL`, `as_str`, `Display`, `FromStr`.
macro_rules! id_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $id:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $id)] $variant ),+
        }

        impl $name {
            /// Every value, in a fixed order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The id as written in the data, on the command line and in JSON.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            /// All ids, comma-separated (for error messages and help).
            pub fn list() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::PoseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| crate::PoseError::UnknownId {
                        kind: $what,
                        given: s.to_string(),
                        valid: Self::list(),
                    })
            }
        }
    };
}

/// The macro by path, for the other modules' id enums (the live coach's cues).
pub(crate) use id_enum;

id_enum! {
    /// Where a piece of knowledge comes from.
    Source, "source" {
        /// Reference A: the long encyclopedic text (`000_*.txt`).
        A => "A",
        /// Reference B: the practice guide (`001_*.txt`).
        B => "B",
        /// Janu's own synthesis of A and B (timings, plan rules), never a fact on its own.
        J => "J",
    }
}

id_enum! {
    /// Practice level.
    Level, "level" {
        /// New to the pose.
        Beginner => "beginner",
        /// Comfortable in the pose with a long spine.
        Intermediate => "intermediate",
        /// Deep, steady fold; ready for binds and revolved forms.
        Advanced => "advanced",
    }
}

id_enum! {
    /// How cautious a screening answer is, from least to most. The order matters:
    /// combining conditions takes the maximum.
    Decision, "decision" {
        /// Practise as planned for the level.
        Proceed => "proceed",
        /// Practise a modified form with the props given.
        Modify => "modify",
        /// Practise only with a qualified teacher or therapist present, modified.
        Supervised => "supervised",
        /// Do not practise the pose.
        Avoid => "avoid",
    }
}

id_enum! {
    /// A health condition the screening knows about.
    ConditionId, "condition" {
        /// Nothing to report.
        None => "none",
        /// An acute hamstring strain or tear.
        AcuteHamstringInjury => "acute-hamstring-injury",
        /// A recent hamstring, calf or low-back injury.
        HamstringCalfOrLowBackInjury => "hamstring-calf-or-low-back-injury",
        /// A herniated (slipped) lumbar disc.
        HerniatedDisc => "herniated-disc",
        /// Active sciatica, a flare-up.
        SciaticaFlare => "sciatica-flare",
        /// Mild sciatica that is not flaring.
        SciaticaMild => "sciatica-mild",
        /// Sacroiliac joint instability.
        SacroiliacInstability => "sacroiliac-instability",
        /// A recent knee injury or knee surgery.
        KneeInjuryRecent => "knee-injury-recent",
        /// An old, healed knee injury.
        KneeInjuryOld => "knee-injury-old",
        /// A spinal injury (discs, bruising, swelling).
        SpinalInjury => "spinal-injury",
        /// Pregnancy; needs the trimester.
        Pregnancy => "pregnancy",
        /// Severe hip arthritis.
        SevereHipArthritis => "severe-hip-arthritis",
        /// Asthma, allergies, a chest infection or another breathing limit.
        BreathingConstraint => "breathing-constraint",
        /// Diarrhea.
        Diarrhea => "diarrhea",
    }
}

id_enum! {
    /// A practice goal, taken from the therapeutic uses.
    GoalId, "goal" {
        /// Chronic low-back stiffness.
        LowerBackStiffness => "lower-back-stiffness",
        /// Tight or uneven hamstrings.
        HamstringImbalance => "hamstring-imbalance",
        /// Mild sciatica, practised safely.
        MildSciatica => "mild-sciatica",
        /// Hip and pelvic asymmetry.
        HipAsymmetry => "hip-asymmetry",
        /// Sluggish digestion.
        Digestion => "digestion",
        /// Menstrual discomfort.
        MenstrualDiscomfort => "menstrual-discomfort",
        /// Stress, anxiety and poor sleep.
        StressSleep => "stress-sleep",
    }
}

id_enum! {
    /// The six common mistakes of reference A. Analysis findings use these ids.
    MistakeId, "mistake" {
        /// The spine collapses instead of hinging at the hips.
        CollapsedSpine => "collapsed-spine",
        /// The low back rounds to force the head to the knee.
        ForcingHeadToKnee => "forcing-head-to-knee",
        /// The pelvis twists unevenly toward the extended leg.
        UnevenPelvis => "uneven-pelvis",
        /// The extended knee is locked hard.
        LockedKnee => "locked-knee",
        /// Pulling on the foot and straining the shoulders.
        PullingFoot => "pulling-foot",
        /// The bent leg is forced into external rotation.
        ForcedRotation => "forced-rotation",
    }
}

id_enum! {
    /// A knowledge topic, as `janu pose TOPIC` takes it.
    Topic, "topic" {
        /// Names, Sanskrit parts and symbolism.
        Meaning => "meaning",
        /// Primary and secondary muscles with their roles.
        Muscles => "muscles",
        /// Joint mechanics per joint.
        Joints => "joints",
        /// Both step-by-step versions with the breath.
        Steps => "steps",
        /// Physiological, emotional and energetic benefits.
        Benefits => "benefits",
        /// Therapeutic uses (plan goals) and fascial lines.
        Therapy => "therapy",
        /// Variations by level and level-up poses.
        Variations => "variations",
        /// Props and modifications, with when to use each.
        Props => "props",
        /// The six mistakes and their corrections.
        Mistakes => "mistakes",
        /// Contraindications with severity per reference, and warning signs.
        Contraindications => "contraindications",
        /// Warm-ups before and follow-ups after.
        Sequence => "sequence",
        /// Breath guidance and hold lengths per level.
        Breath => "breath",
        /// Vayus, nadis, chakras and prana.
        Energy => "energy",
        /// The Ayurvedic view: doshas.
        Ayurveda => "ayurveda",
        /// Where the references disagree.
        Disagreements => "disagreements",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        for c in ConditionId::ALL {
            assert_eq!(c.as_str().parse::<ConditionId>().unwrap(), *c);
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(" Beginner ".parse::<Level>().unwrap(), Level::Beginner);
    }

    #[test]
    fn unknown_id_error_lists_the_valid_ones() {
        let err = "knee".parse::<ConditionId>().unwrap_err().to_string();
        assert!(err.contains("unknown condition `knee`"), "{err}");
        assert!(err.contains("knee-injury-recent"), "{err}");
    }

    #[test]
    fn decisions_are_ordered_by_caution() {
        assert!(Decision::Proceed < Decision::Modify);
        assert!(Decision::Modify < Decision::Supervised);
        assert!(Decision::Supervised < Decision::Avoid);
    }
}
