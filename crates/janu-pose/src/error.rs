//! The one error type of this crate.

use crate::ids::{Decision, Level};

/// Everything that can go wrong in `janu-pose`: bad ids, bad screening or plan
/// requests, a plan the screening rules out, a plan file that does not hold together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PoseError {
    /// A condition, goal, level, topic or other id that does not exist.
    #[error("unknown {kind} `{given}`; valid: {valid}")]
    UnknownId {
        /// What kind of id ("condition", "goal", ...).
        kind: &'static str,
        /// What was given.
        given: String,
        /// The valid ids, comma-separated.
        valid: String,
    },
    /// Screening was asked with no condition at all.
    #[error("no condition given: name at least one condition id, or `none`")]
    NoCondition,
    /// `none` was given together with real conditions.
    #[error("`none` cannot be combined with other conditions")]
    NoneWithOthers,
    /// Pregnancy without a trimester.
    #[error("pregnancy needs the trimester: 1, 2 or 3")]
    TrimesterRequired,
    /// A trimester without pregnancy.
    #[error("a trimester ({0}) was given but `pregnancy` is not among the conditions")]
    TrimesterWithoutPregnancy(u8),
    /// A trimester outside 1..=3.
    #[error("trimester must be 1, 2 or 3, not {0}")]
    BadTrimester(u8),
    /// Session length outside the supported range.
    #[error("the session must last between {min} and {max} minutes, not {given}")]
    MinutesOutOfRange {
        /// What was asked.
        given: u32,
        /// Shortest session.
        min: u32,
        /// Longest session.
        max: u32,
    },
    /// The screening says the pose should be avoided, so no plan is made.
    #[error("no plan: screening says {decision} for this pose ({reasons})")]
    NotAdvised {
        /// The screening decision (always `avoid`).
        decision: Decision,
        /// The reasons, joined.
        reasons: String,
    },
    /// No hold guidance for a level (a knowledge bug; tests guard against it).
    #[error("no hold guidance for level {0}")]
    NoHold(Level),
    /// A breath rhythm that cannot be used.
    #[error("bad breath rhythm `{given}`: {problem} (expected INHALE:EXHALE seconds, e.g. 4:6)")]
    BadPacing {
        /// What was given.
        given: String,
        /// What is wrong.
        problem: String,
    },
    /// A plan (e.g. read back from JSON) that does not hold together.
    #[error("invalid plan: {0}")]
    InvalidPlan(String),
    /// The knowledge data does not parse or does not validate.
    #[error("invalid knowledge data: {0}")]
    InvalidKnowledge(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_values_not_command_line_flags() {
        // The server and the pages show these too; flags are the CLI's words.
        for e in [
            PoseError::TrimesterRequired,
            PoseError::TrimesterWithoutPregnancy(2),
            PoseError::BadTrimester(4),
            PoseError::MinutesOutOfRange {
                given: 0,
                min: 5,
                max: 60,
            },
            PoseError::NoCondition,
            PoseError::NoneWithOthers,
        ] {
            assert!(!e.to_string().contains("--"), "{e}");
        }
    }
}
