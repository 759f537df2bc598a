//! The practice level a session shows, from how deep and how far the person
//! folds. The references mark the levels by reach: beginners reduce the fold and
//! use a strap or hold the shin, intermediate practitioners hold the foot with
//! both hands, advanced ones bind beyond the foot with a steady deep fold.

use crate::metrics::HandReach;
use crate::report::{Severity, SideReport};

/// Trunk-to-thigh angle at or below which the fold is deep (chest on the thigh).
pub const ADVANCED_FOLD_DEG: f32 = 30.0;
/// Trunk-to-thigh angle at or below which the fold is intermediate.
pub const INTERMEDIATE_FOLD_DEG: f32 = 50.0;
/// Head to knee (torso lengths) at or below which the head reaches the knee area.
pub const ADVANCED_HEAD_TO_KNEE: f32 = 0.45;
/// Extended-knee flexion (degrees) above which the leg is visibly bent, which
/// marks the beginner modification "knee slightly bent".
pub const BEGINNER_KNEE_FLEXION_DEG: f32 = 15.0;

/// A level, as the knowledge names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// New to the pose.
    Beginner,
    /// Comfortable, holding the foot.
    Intermediate,
    /// Deep, steady, binding.
    Advanced,
}

impl Level {
    /// `beginner`, `intermediate`, `advanced`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Beginner => "beginner",
            Self::Intermediate => "intermediate",
            Self::Advanced => "advanced",
        }
    }
}

/// The level shown by a session: the best side sets it, high-severity findings
/// hold it back one step. `None` without any Janusirsasana.
pub fn estimate(
    sides: &[SideReport],
    worst_finding: Option<Severity>,
) -> Option<(Level, f32, Vec<String>)> {
    let mut best: Option<(Level, f32, Vec<String>)> = None;
    for s in sides {
        let m = &s.summary;
        let mut reasons = Vec::new();
        let fold = m.fold_angle_deg;
        let reach = m.hand_reach;
        if let Some(f) = fold {
            reasons.push(format!(
                "{} leg extended: fold {f:.0}° from the thigh",
                s.side
            ));
        }
        if let Some(r) = reach {
            reasons.push(format!("hands {}", r.words()));
        }
        let knee_bent = m
            .extended_knee_flexion_deg
            .is_some_and(|k| k > BEGINNER_KNEE_FLEXION_DEG);
        if knee_bent {
            reasons.push("extended knee kept bent".into());
        }
        let deep = fold.is_some_and(|f| f <= ADVANCED_FOLD_DEG)
            && (m.head_to_knee.is_some_and(|h| h <= ADVANCED_HEAD_TO_KNEE)
                || reach == Some(HandReach::Beyond));
        let middle = fold.is_some_and(|f| f <= INTERMEDIATE_FOLD_DEG)
            || reach.is_some_and(|r| r >= HandReach::Foot);
        let level = if knee_bent {
            Level::Beginner
        } else if deep {
            Level::Advanced
        } else if middle {
            Level::Intermediate
        } else {
            Level::Beginner
        };
        // Confidence: how much of the evidence was seen.
        let seen = [fold.is_some(), reach.is_some(), m.head_to_knee.is_some()]
            .iter()
            .filter(|b| **b)
            .count() as f32;
        let conf = 0.3 + 0.2 * seen;
        if best.as_ref().is_none_or(|(l, _, _)| level > *l) {
            best = Some((level, conf, reasons));
        }
    }
    let (mut level, conf, mut reasons) = best?;
    if worst_finding == Some(Severity::High) && level > Level::Beginner {
        level = if level == Level::Advanced {
            Level::Intermediate
        } else {
            Level::Beginner
        };
        reasons.push(
            "held back one level by a high-severity finding: fix it before going deeper".into(),
        );
    }
    Some((level, conf, reasons))
}
