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
        // Each reason is a sentence that says which band the measure fell
        // in; the measures themselves are reported once, elsewhere.
        let mut reasons = Vec::new();
        let fold = m.fold_angle_deg;
        let reach = m.hand_reach;
        let knee_bent = m
            .extended_knee_flexion_deg
            .is_some_and(|k| k > BEGINNER_KNEE_FLEXION_DEG);
        if sides.len() > 1 {
            reasons.push(format!(
                "Judged by your best side, the {} leg extended.",
                s.side
            ));
        }
        if let Some(f) = fold {
            reasons.push(fold_reason(f).to_string());
        }
        if let Some(r) = reach {
            reasons.push(reach_reason(r).to_string());
        }
        if knee_bent {
            reasons.push(format!(
                "The straight leg's knee stays bent (more than {BEGINNER_KNEE_FLEXION_DEG:.0}°): the beginner's modification."
            ));
        }
        let deep = fold.is_some_and(|f| f <= ADVANCED_FOLD_DEG)
            && (m.head_to_knee.is_some_and(|h| h <= ADVANCED_HEAD_TO_KNEE)
                || reach == Some(HandReach::Beyond));
        let middle = fold.is_some_and(|f| f <= INTERMEDIATE_FOLD_DEG)
            || reach.is_some_and(|r| r >= HandReach::Foot);
        // A deep fold with the head still away from the knee (and no bind) is
        // not yet the advanced pose: say so, or the deep fold reads as a
        // contradiction of the level.
        if !knee_bent
            && !deep
            && fold.is_some_and(|f| f <= ADVANCED_FOLD_DEG)
            && m.head_to_knee.is_some()
        {
            reasons.push(format!(
                "Your head stays more than {ADVANCED_HEAD_TO_KNEE:.2} torso lengths from the knee, short of the advanced fold."
            ));
        }
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
            "Held back one level by a serious finding: correct it before going deeper.".into(),
        );
    }
    Some((level, conf, reasons))
}

/// The band the fold fell in, as a sentence.
fn fold_reason(fold_deg: f32) -> &'static str {
    if fold_deg <= ADVANCED_FOLD_DEG {
        "Your trunk comes within 30° of the thigh: a deep fold."
    } else if fold_deg <= INTERMEDIATE_FOLD_DEG {
        "Your trunk comes within 50° of the thigh: a fold of middle depth."
    } else {
        "Your trunk stays more than 50° from the thigh: a gentle fold."
    }
}

/// What the hands' reach says about the level, as a sentence.
const fn reach_reason(reach: HandReach) -> &'static str {
    match reach {
        HandReach::NotOnLeg => "Your hands are not on the straight leg.",
        HandReach::Thigh => "Your hands rest on the thigh.",
        HandReach::Shin => "Your hands reach the shin.",
        HandReach::Ankle => "Your hands reach the ankle.",
        HandReach::Foot => "Your hands hold the foot.",
        HandReach::Beyond => "Your hands reach past the foot, in a bind.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bands_in_the_sentences_are_the_constants() {
        assert!(fold_reason(ADVANCED_FOLD_DEG).contains(&format!("{ADVANCED_FOLD_DEG:.0}°")));
        assert!(
            fold_reason(INTERMEDIATE_FOLD_DEG).contains(&format!("{INTERMEDIATE_FOLD_DEG:.0}°"))
        );
        assert!(
            fold_reason(INTERMEDIATE_FOLD_DEG + 1.0)
                .contains(&format!("{INTERMEDIATE_FOLD_DEG:.0}°"))
        );
    }
}
