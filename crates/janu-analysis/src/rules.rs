//! The mistake rules: one row per mistake Janu reads from the body's shape,
//! used by both the batch findings ([`crate::findings`]) and the live coach
//! ([`crate::live`]).
//!
//! A row names the measures it reads, the limit of each and which side of it
//! is a fault ([`Test`]), how the excess past the limit maps to a severity and
//! a certainty, and the live cue that corrects it. Findings judge the median
//! of a hold against the row; the live coach judges each frame of a trailing
//! window and speaks once most frames show the fault. Both compare through
//! [`Test::faulty`], so a value exactly at a limit is a fault in both.
//!
//! Where the two deliberately differ the difference is a field of the row,
//! with its reason: [`OnPhoto`] for a single photo, [`MistakeRule::report_needs_hands_at_foot`]
//! for the shoulders.
//!
//! ```
//! use janu_analysis::rules::{RULES, rule};
//! use janu_analysis::findings::FindingKind;
//!
//! let knee = rule(FindingKind::LockedKnee).unwrap();
//! assert!(knee.tests[0].faulty(-8.0));
//! assert!(!knee.tests[0].faulty(-2.0));
//! assert_eq!(knee.cue.unwrap().as_str(), "soften-knee");
//! assert_eq!(RULES.iter().filter(|r| r.cue.is_some()).count(), 6);
//! ```

use janu_pose::CueId;

use crate::findings::{
    COLLAPSE_MIN_FOLD_DEG, COLLAPSE_SHORTENING, FOOT_ROLL_OUT_DEG, FORCED_ROTATION_THIGH_DEG,
    FORCING_HEAD_DROP_DEG, FORCING_MIN_SHORTENING, FindingKind, LOCKED_KNEE_DEG,
    PHOTO_LOCKED_KNEE_DEG, PULLING_SHOULDER_ELEVATION, UNEVEN_PELVIS_DEG, caps,
};
use crate::metrics::FrameMetrics;
use crate::report::Severity;

/// A per-frame measure a rule reads (a field of [`FrameMetrics`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// [`FrameMetrics::torso_shortening`].
    TorsoShortening,
    /// [`FrameMetrics::fold_angle_deg`].
    FoldAngle,
    /// [`FrameMetrics::head_drop_deg`].
    HeadDrop,
    /// [`FrameMetrics::pelvis_turn_deg`].
    PelvisTurn,
    /// [`FrameMetrics::extended_knee_flexion_deg`].
    ExtendedKneeFlexion,
    /// [`FrameMetrics::shoulder_elevation`].
    ShoulderElevation,
    /// [`FrameMetrics::thigh_angle_deg`].
    ThighAngle,
    /// [`FrameMetrics::extended_foot_roll_deg`].
    ExtendedFootRoll,
}

impl Metric {
    /// The measure in one frame, when it could be measured.
    pub fn read(self, m: &FrameMetrics) -> Option<f32> {
        match self {
            Self::TorsoShortening => m.torso_shortening,
            Self::FoldAngle => m.fold_angle_deg,
            Self::HeadDrop => m.head_drop_deg,
            Self::PelvisTurn => m.pelvis_turn_deg,
            Self::ExtendedKneeFlexion => m.extended_knee_flexion_deg,
            Self::ShoulderElevation => m.shoulder_elevation,
            Self::ThighAngle => m.thigh_angle_deg,
            Self::ExtendedFootRoll => m.extended_foot_roll_deg,
        }
    }

    /// Its name in a finding's evidence (the field's name).
    pub const fn name(self) -> &'static str {
        match self {
            Self::TorsoShortening => "torso_shortening",
            Self::FoldAngle => "fold_angle_deg",
            Self::HeadDrop => "head_drop_deg",
            Self::PelvisTurn => "pelvis_turn_deg",
            Self::ExtendedKneeFlexion => "extended_knee_flexion_deg",
            Self::ShoulderElevation => "shoulder_elevation",
            Self::ThighAngle => "thigh_angle_deg",
            Self::ExtendedFootRoll => "extended_foot_roll_deg",
        }
    }

    /// Its unit in a finding's evidence.
    pub const fn unit(self) -> &'static str {
        match self {
            Self::TorsoShortening | Self::ShoulderElevation => "fraction",
            _ => "deg",
        }
    }
}

/// Which side of a limit is a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// At or above the limit.
    Above,
    /// At or below the limit.
    Below,
    /// At or above the limit either way from zero (a turn to either side).
    Beyond,
}

/// One comparison of a rule: a measure against its limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    /// What is measured.
    pub metric: Metric,
    /// The limit over a video's frames.
    pub limit: f32,
    /// Which side of the limit is a fault.
    pub fault: Fault,
}

impl Test {
    const fn new(metric: Metric, fault: Fault, limit: f32) -> Self {
        Self {
            metric,
            limit,
            fault,
        }
    }

    /// Whether `value` is a fault against [`Test::limit`].
    pub fn faulty(&self, value: f32) -> bool {
        self.faulty_at(value, self.limit)
    }

    /// Whether `value` is a fault against `limit` (the one comparison).
    pub fn faulty_at(&self, value: f32, limit: f32) -> bool {
        match self.fault {
            Fault::Above => value >= limit,
            Fault::Below => value <= limit,
            Fault::Beyond => value.abs() >= limit,
        }
    }

    /// How far past `limit` the value is, in the measure's unit (negative
    /// when it is not a fault).
    pub fn excess_at(&self, value: f32, limit: f32) -> f32 {
        match self.fault {
            Fault::Above => value - limit,
            Fault::Below => limit - value,
            Fault::Beyond => value.abs() - limit,
        }
    }

    /// The value as evidence shows it: a turn's size without its direction.
    pub fn shown(&self, value: f32) -> f32 {
        match self.fault {
            Fault::Beyond => value.abs(),
            Fault::Above | Fault::Below => value,
        }
    }

    /// `"above"` or `"below"`, for the evidence.
    pub const fn direction(&self) -> &'static str {
        match self.fault {
            Fault::Below => "below",
            Fault::Above | Fault::Beyond => "above",
        }
    }
}

/// How a rule judges a single photo, where no hold median averages the pose
/// model's depth error out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OnPhoto {
    /// As a video.
    AsVideo,
    /// With this limit on the first test instead.
    Limit(f32),
    /// Not at all: one frame's depth is too rough for it.
    NotJudged,
}

/// A mistake: what shows it and how much it matters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MistakeRule {
    /// The finding it gives.
    pub kind: FindingKind,
    /// All must be faults. The first is the mistake's own measure: its
    /// excess sets the severity and the certainty.
    pub tests: &'static [Test],
    /// How a single photo is judged.
    pub on_photo: OnPhoto,
    /// The report flags it only while the hands are at the foot for at least
    /// half the window; the live cue does not wait for that, because its words
    /// ask first to drop the shoulders, which a shrug needs anyway, and offer
    /// the strap only if the hands strain.
    pub report_needs_hands_at_foot: bool,
    /// Excess (in the first test's unit) at which the severity becomes medium,
    /// then high.
    pub severity_bands: [f32; 2],
    /// Excess at which the margin adds fully to the certainty.
    pub certainty_scale: f32,
    /// Most certainty landmarks allow for it ([`caps`]).
    pub certainty_cap: f32,
    /// Read against the upright baseline: the cap shrinks when the baseline
    /// was estimated rather than measured.
    pub needs_baseline: bool,
    /// What the live coach says for it (`None`: the coach does not cue it).
    pub cue: Option<CueId>,
}

impl MistakeRule {
    /// The severity for an excess past the first test's limit.
    pub fn severity(&self, excess: f32) -> Severity {
        let [medium, high] = self.severity_bands;
        if excess >= high {
            Severity::High
        } else if excess >= medium {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// The first test's limit for a photo (`one_frame`) or a video; `None`
    /// when a photo is not judged.
    pub fn limit(&self, one_frame: bool) -> Option<f32> {
        match (one_frame, self.on_photo) {
            (true, OnPhoto::NotJudged) => None,
            (true, OnPhoto::Limit(l)) => Some(l),
            _ => Some(self.tests[0].limit),
        }
    }

    /// Whether one frame's measures show the mistake (live), `None` when a
    /// measure is missing.
    pub fn seen(&self, m: &FrameMetrics) -> Option<bool> {
        let mut all = true;
        for t in self.tests {
            all &= t.faulty(t.metric.read(m)?);
        }
        Some(all)
    }
}

/// Every mistake rule, in the live coach's order: when several corrections
/// fall due on one frame, the earlier of the same urgency is said first.
pub const RULES: [MistakeRule; 7] = [
    MistakeRule {
        kind: FindingKind::LockedKnee,
        tests: &[Test::new(
            Metric::ExtendedKneeFlexion,
            Fault::Below,
            LOCKED_KNEE_DEG,
        )],
        // See PHOTO_LOCKED_KNEE_DEG: a quarter of real photos of straight legs
        // measure past the video limit.
        on_photo: OnPhoto::Limit(PHOTO_LOCKED_KNEE_DEG),
        report_needs_hands_at_foot: false,
        severity_bands: [3.0, 7.0],
        certainty_scale: 5.0,
        certainty_cap: caps::LOCKED_KNEE,
        needs_baseline: false,
        cue: Some(CueId::SoftenKnee),
    },
    MistakeRule {
        kind: FindingKind::PullingFoot,
        tests: &[Test::new(
            Metric::ShoulderElevation,
            Fault::Above,
            PULLING_SHOULDER_ELEVATION,
        )],
        on_photo: OnPhoto::AsVideo,
        report_needs_hands_at_foot: true,
        severity_bands: [0.1, 0.25],
        certainty_scale: 0.15,
        certainty_cap: caps::PULLING_FOOT,
        needs_baseline: true,
        cue: Some(CueId::RelaxShoulders),
    },
    MistakeRule {
        kind: FindingKind::CollapsedSpine,
        tests: &[
            Test::new(Metric::TorsoShortening, Fault::Above, COLLAPSE_SHORTENING),
            Test::new(Metric::FoldAngle, Fault::Above, COLLAPSE_MIN_FOLD_DEG),
        ],
        on_photo: OnPhoto::AsVideo,
        report_needs_hands_at_foot: false,
        severity_bands: [0.05, 0.12],
        certainty_scale: 0.1,
        certainty_cap: caps::COLLAPSED_SPINE,
        needs_baseline: true,
        cue: Some(CueId::HingeFromHips),
    },
    MistakeRule {
        kind: FindingKind::ForcingHeadToKnee,
        tests: &[
            Test::new(Metric::HeadDrop, Fault::Above, FORCING_HEAD_DROP_DEG),
            Test::new(
                Metric::TorsoShortening,
                Fault::Above,
                FORCING_MIN_SHORTENING,
            ),
        ],
        on_photo: OnPhoto::AsVideo,
        report_needs_hands_at_foot: false,
        severity_bands: [10.0, 25.0],
        certainty_scale: 20.0,
        certainty_cap: caps::FORCING_HEAD,
        needs_baseline: true,
        cue: Some(CueId::EaseHead),
    },
    MistakeRule {
        kind: FindingKind::UnevenPelvis,
        tests: &[Test::new(
            Metric::PelvisTurn,
            Fault::Beyond,
            UNEVEN_PELVIS_DEG,
        )],
        // On the shared real photos square pelvises (Dandasana) measure 11-19
        // degrees of turn and Paschimottanasana up to 43: judged over a hold.
        on_photo: OnPhoto::NotJudged,
        report_needs_hands_at_foot: false,
        severity_bands: [8.0, 18.0],
        certainty_scale: 15.0,
        certainty_cap: caps::UNEVEN_PELVIS,
        needs_baseline: false,
        cue: Some(CueId::SquarePelvis),
    },
    MistakeRule {
        kind: FindingKind::ForcedRotation,
        tests: &[Test::new(
            Metric::ThighAngle,
            Fault::Above,
            FORCED_ROTATION_THIGH_DEG,
        )],
        on_photo: OnPhoto::AsVideo,
        report_needs_hands_at_foot: false,
        severity_bands: [10.0, 25.0],
        certainty_scale: 15.0,
        certainty_cap: caps::FORCED_ROTATION,
        needs_baseline: false,
        cue: Some(CueId::SupportBentKnee),
    },
    MistakeRule {
        kind: FindingKind::FootRollingOut,
        tests: &[Test::new(
            Metric::ExtendedFootRoll,
            Fault::Above,
            FOOT_ROLL_OUT_DEG,
        )],
        // Feet with the toes up measure 19-58 degrees of roll on the shared
        // real photos: judged over a hold.
        on_photo: OnPhoto::NotJudged,
        report_needs_hands_at_foot: false,
        severity_bands: [10.0, 25.0],
        certainty_scale: 15.0,
        certainty_cap: caps::FOOT_ROLL,
        needs_baseline: false,
        // The live coach has no words for the foot's roll yet.
        cue: None,
    },
];

/// The rule of a finding kind (`None` for the kinds not read from the
/// body's shape: foot placement, breath, hold time).
pub fn rule(kind: FindingKind) -> Option<&'static MistakeRule> {
    RULES.iter().find(|r| r.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_at_the_limit_is_a_fault_either_way() {
        let above = Test::new(Metric::ThighAngle, Fault::Above, 115.0);
        assert!(above.faulty(115.0) && !above.faulty(114.9));
        let below = Test::new(Metric::ExtendedKneeFlexion, Fault::Below, -5.0);
        assert!(below.faulty(-5.0) && !below.faulty(-4.9));
        let beyond = Test::new(Metric::PelvisTurn, Fault::Beyond, 10.0);
        assert!(beyond.faulty(-10.0) && beyond.faulty(12.0) && !beyond.faulty(-9.0));
        assert_eq!(beyond.shown(-12.0), 12.0);
    }

    #[test]
    fn a_photo_is_judged_by_its_own_knee_limit_and_not_for_turns() {
        let knee = rule(FindingKind::LockedKnee).unwrap();
        assert_eq!(knee.limit(true), Some(PHOTO_LOCKED_KNEE_DEG));
        assert_eq!(knee.limit(false), Some(LOCKED_KNEE_DEG));
        assert_eq!(rule(FindingKind::UnevenPelvis).unwrap().limit(true), None);
        assert_eq!(rule(FindingKind::FootRollingOut).unwrap().limit(true), None);
    }

    #[test]
    fn each_mistake_has_one_rule_and_each_cue_one_mistake() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[..i].iter().all(|o| o.kind != r.kind), "{:?}", r.kind);
            assert!(
                r.cue.is_none() || RULES[..i].iter().all(|o| o.cue != r.cue),
                "{:?}",
                r.kind
            );
        }
    }

    #[test]
    fn severity_grows_with_the_excess() {
        let r = rule(FindingKind::ForcedRotation).unwrap();
        assert_eq!(r.severity(5.0), Severity::Low);
        assert_eq!(r.severity(10.0), Severity::Medium);
        assert_eq!(r.severity(30.0), Severity::High);
    }
}
