//! Janusirsasana (the seated head-to-knee forward bend) as data, and the pure logic
//! built on it: safety screening, practice plans and timed cue scripts.
//!
//! - [`knowledge`]: everything the two references say about the pose, typed and
//!   validated, each item tagged with its source (`A` = the encyclopedic text,
//!   `B` = the practice guide). Look items up by id: [`Knowledge::mistake`],
//!   [`Knowledge::correction`], [`Knowledge::prop`], [`Knowledge::variation`],
//!   [`Knowledge::condition`], [`Knowledge::level_hold`] and more.
//! - [`screen`]: proceed / modify / supervised / avoid for a set of conditions; where
//!   the references disagree the more cautious view decides, and the answer says so.
//! - [`plan()`]: a whole session (warm-ups, both sides, follow-ups, closing breath)
//!   that honours the screening and the time budget.
//! - [`cue_script`]: the plan as timed cues, with [`CueScript::to_vtt`] for subtitles.
//! - [`render`]: plain-text renderings of all of the above.
//! - [`CueId`]: what the live coach says, each cue's id and its words.
//!
//! The crate does no I/O.
//!
//! ```
//! use janu_pose::{ConditionId, Decision, Level, Pacing, PlanRequest, ScreeningInput};
//!
//! // What is known: the six mistakes, each with its corrections.
//! let k = janu_pose::knowledge();
//! let fixes = k.corrections_for(janu_pose::MistakeId::LockedKnee);
//! assert_eq!(fixes[0].id, "micro-bend-knee");
//!
//! // Screening: a herniated disc is "supervised" in A and "avoid" in B -> avoid.
//! let input = ScreeningInput::new(vec![ConditionId::HerniatedDisc], None)?;
//! let s = janu_pose::screen(&input);
//! assert_eq!(s.decision, Decision::Avoid);
//! assert!(!s.cautious_choices.is_empty());
//!
//! // A 15-minute beginner plan and its cue script as WebVTT subtitles.
//! let plan = janu_pose::plan(&PlanRequest::new(Level::Beginner, 15))?;
//! assert!(plan.total_seconds.abs_diff(15 * 60) <= 90);
//! let script = janu_pose::cue_script(&plan, &Pacing::default());
//! assert!(script.to_vtt().starts_with("WEBVTT"));
//! # Ok::<(), janu_pose::PoseError>(())
//! ```

use std::sync::OnceLock;

mod coach_cue;
mod cue;
mod error;
mod ids;
mod lookup;
mod model;
mod plan;
pub mod render;
mod screen;
pub mod validate;

pub use coach_cue::{CueId, other_side_words};
pub use cue::{BreathPhase, BreathWindow, Cue, CueKind, CueScript, Pacing, ScriptStep, cue_script};
pub use error::PoseError;
pub use ids::{ConditionId, Decision, GoalId, Level, MistakeId, Source, Topic};
pub use janu_body::Side;
pub use model::*;
pub use plan::{
    DEFAULT_MINUTES, ENTRY_SECONDS, EXIT_SECONDS, MAX_MINUTES, MIN_MINUTES, Plan, PlanRequest,
    PlanStep, SECONDS_PER_BREATH, Section, StepCue, plan,
};
pub use screen::{CautiousChoice, Reason, Screening, ScreeningInput, screen};

/// The knowledge data, embedded in the binary.
const KNOWLEDGE_TOML: &str = include_str!("../data/janusirsasana.toml");

/// The validated knowledge about Janusirsasana.
///
/// The data is embedded at build time and parsed and validated once, on first use.
///
/// # Panics
///
/// Only if the embedded data is broken, which the crate's tests rule out
/// (`knowledge_parses_and_validates`).
pub fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| {
        Knowledge::from_toml(KNOWLEDGE_TOML)
            .unwrap_or_else(|e| panic!("embedded janusirsasana.toml is broken: {e}"))
    })
}

impl Knowledge {
    /// Parse knowledge from TOML text and validate it (see [`validate::validate`]).
    ///
    /// # Errors
    ///
    /// [`PoseError::InvalidKnowledge`] when the text does not parse into the model or a
    /// check fails (missing source, empty text, a link that does not resolve, ...).
    pub fn from_toml(text: &str) -> Result<Self, PoseError> {
        let k: Knowledge =
            toml::from_str(text).map_err(|e| PoseError::InvalidKnowledge(e.to_string()))?;
        validate::validate(&k)?;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knowledge_parses_and_validates() {
        let k = Knowledge::from_toml(KNOWLEDGE_TOML).unwrap();
        assert_eq!(&k, knowledge());
    }
}
