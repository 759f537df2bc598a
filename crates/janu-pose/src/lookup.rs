//! Look-ups by id on [`Knowledge`].
//!
//! Every id that the validated knowledge links to resolves, so for knowledge from
//! [`crate::knowledge`] these return `Some` for every id the knowledge itself uses
//! and for every value of the id enums.

use crate::ids::{ConditionId, GoalId, Level, MistakeId};
use crate::model::{
    Condition, Correction, Disagreement, Knowledge, LevelHold, Mistake, Modification, Prop,
    RelatedPose, TherapeuticUse, Variation,
};

impl Knowledge {
    /// A mistake by id.
    pub fn mistake(&self, id: MistakeId) -> Option<&Mistake> {
        self.mistakes.iter().find(|m| m.id == id)
    }

    /// The corrections of a mistake, in order (best first).
    pub fn corrections_for(&self, id: MistakeId) -> Vec<&Correction> {
        self.mistake(id)
            .map(|m| {
                m.corrections
                    .iter()
                    .filter_map(|c| self.correction(c))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A correction by id.
    pub fn correction(&self, id: &str) -> Option<&Correction> {
        self.corrections.iter().find(|c| c.id == id)
    }

    /// A prop by id.
    pub fn prop(&self, id: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.id == id)
    }

    /// A modification by id.
    pub fn modification(&self, id: &str) -> Option<&Modification> {
        self.modifications.iter().find(|m| m.id == id)
    }

    /// A variation by id.
    pub fn variation(&self, id: &str) -> Option<&Variation> {
        self.variations.iter().find(|v| v.id == id)
    }

    /// The variations for a level, in order (the first is the plan default).
    pub fn variations_for(&self, level: Level) -> Vec<&Variation> {
        self.variations
            .iter()
            .filter(|v| v.level == level)
            .collect()
    }

    /// Janu's hold per side for a level.
    pub fn level_hold(&self, level: Level) -> Option<&LevelHold> {
        self.breath.level_holds.iter().find(|h| h.level == level)
    }

    /// A screening condition by id.
    pub fn condition(&self, id: ConditionId) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.id == id)
    }

    /// A therapeutic use (plan goal) by id.
    pub fn therapy(&self, id: GoalId) -> Option<&TherapeuticUse> {
        self.therapy.iter().find(|t| t.id == id)
    }

    /// A pose of the catalogue by id.
    pub fn pose(&self, id: &str) -> Option<&RelatedPose> {
        self.poses.iter().find(|p| p.id == id)
    }

    /// A disagreement by id.
    pub fn disagreement(&self, id: &str) -> Option<&Disagreement> {
        self.disagreements.iter().find(|d| d.id == id)
    }
}
