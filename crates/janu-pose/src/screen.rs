//! Safety screening: may this person practise the pose, and how?

use serde::{Deserialize, Serialize};

use crate::error::PoseError;
use crate::ids::{ConditionId, Decision, Source};
use crate::knowledge;
use crate::model::{Condition, View};

/// The variation used when a condition asks for a modification but names none.
const DEFAULT_MODIFIED_VARIATION: &str = "beginner-supported";

/// Validated screening input: build it with [`ScreeningInput::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningInput {
    conditions: Vec<ConditionId>,
    trimester: Option<u8>,
}

impl ScreeningInput {
    /// Check and normalise the conditions (duplicates removed, order kept).
    ///
    /// # Errors
    ///
    /// [`PoseError::NoCondition`] for an empty list, [`PoseError::NoneWithOthers`] when `none`
    /// comes with real conditions, [`PoseError::TrimesterRequired`] for pregnancy without
    /// a trimester, [`PoseError::TrimesterWithoutPregnancy`] and [`PoseError::BadTrimester`].
    pub fn new(conditions: Vec<ConditionId>, trimester: Option<u8>) -> Result<Self, PoseError> {
        let mut unique: Vec<ConditionId> = Vec::with_capacity(conditions.len());
        for c in conditions {
            if !unique.contains(&c) {
                unique.push(c);
            }
        }
        if unique.is_empty() {
            return Err(PoseError::NoCondition);
        }
        if unique.len() > 1 && unique.contains(&ConditionId::None) {
            return Err(PoseError::NoneWithOthers);
        }
        let pregnant = unique.contains(&ConditionId::Pregnancy);
        match trimester {
            Some(t) if !(1..=3).contains(&t) => return Err(PoseError::BadTrimester(t)),
            Some(t) if !pregnant => return Err(PoseError::TrimesterWithoutPregnancy(t)),
            None if pregnant => return Err(PoseError::TrimesterRequired),
            _ => {}
        }
        Ok(Self {
            conditions: unique,
            trimester,
        })
    }

    /// No condition: proceed.
    pub fn none() -> Self {
        Self {
            conditions: vec![ConditionId::None],
            trimester: None,
        }
    }

    /// The conditions, without duplicates.
    pub fn conditions(&self) -> &[ConditionId] {
        &self.conditions
    }

    /// The trimester, when pregnant.
    pub fn trimester(&self) -> Option<u8> {
        self.trimester
    }
}

/// One reason behind a screening decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The condition.
    pub condition: ConditionId,
    /// The reference that says so, or `J` for Janu's own rule built on the
    /// reference views given for the same condition.
    pub source: Source,
    /// How cautious that reference is for this condition.
    pub decision: Decision,
    /// What it says.
    pub text: String,
}

/// A condition where the references disagree, and the cautious choice Janu made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CautiousChoice {
    /// The condition.
    pub condition: ConditionId,
    /// The decision Janu takes (the most cautious view).
    pub decision: Decision,
    /// A sentence naming both views and the choice.
    pub note: String,
}

/// The answer of the screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    /// proceed, modify, supervised or avoid: the most cautious over all conditions.
    pub decision: Decision,
    /// One sentence for people.
    pub summary: String,
    /// The conditions screened.
    pub conditions: Vec<ConditionId>,
    /// The trimester, when pregnant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trimester: Option<u8>,
    /// Every reference's view on every condition.
    pub reasons: Vec<Reason>,
    /// Where the references disagree and the cautious view decided.
    pub cautious_choices: Vec<CautiousChoice>,
    /// The variation to use when modifying or supervised (a variation id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation: Option<String>,
    /// Props to use when modifying or supervised (prop ids).
    pub props: Vec<String>,
    /// Pose tags a plan must leave out (e.g. `deep-fold`).
    pub excluded_tags: Vec<String>,
    /// Signs to stop on, whatever the decision.
    pub warning_signs: Vec<String>,
}

/// The views that apply to a condition (trimester-specific ones for pregnancy).
fn views_for(c: &Condition, trimester: Option<u8>) -> &[View] {
    trimester
        .and_then(|t| c.trimesters.iter().find(|tv| tv.trimester == t))
        .map_or(c.views.as_slice(), |tv| tv.views.as_slice())
}

/// Screen a person for the pose.
///
/// Each condition takes the most cautious view of the references (and the answer
/// says so where they disagree); several conditions combine to the most cautious
/// decision. Props are those of every condition that is not `proceed`; the
/// variation is that of the most cautious condition that names one.
pub fn screen(input: &ScreeningInput) -> Screening {
    let k = knowledge();
    let mut reasons = Vec::new();
    let mut cautious_choices = Vec::new();
    let mut decision = Decision::Proceed;
    let mut props: Vec<String> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let mut variation: Option<(Decision, String)> = None;

    for &id in &input.conditions {
        let Some(c) = k.condition(id) else { continue };
        let trimester = if c.needs_trimester {
            input.trimester
        } else {
            None
        };
        let views = views_for(c, trimester);
        let d = views
            .iter()
            .map(|v| v.decision)
            .max()
            .unwrap_or(Decision::Proceed);
        decision = decision.max(d);
        for v in views {
            reasons.push(Reason {
                condition: id,
                source: v.source,
                decision: v.decision,
                text: v.text.clone(),
            });
        }
        // Only the references can disagree; a `J` view is Janu's own rule built on
        // them and is listed among the reasons as such.
        let refs: Vec<&View> = views.iter().filter(|v| v.source != Source::J).collect();
        let most = refs.iter().map(|v| v.decision).max().unwrap_or(d);
        let least = refs.iter().map(|v| v.decision).min().unwrap_or(most);
        if least != most {
            let said: Vec<String> = refs
                .iter()
                .map(|v| format!("{} says {}", v.source, v.decision))
                .collect();
            cautious_choices.push(CautiousChoice {
                condition: id,
                decision: d,
                note: format!(
                    "The references disagree on {}: {}. Janu follows the more cautious view: {most}.{}",
                    c.name.to_lowercase(),
                    said.join(", "),
                    if d > most {
                        format!(" Janu's own rule goes further: {d}.")
                    } else {
                        String::new()
                    }
                ),
            });
        }
        if d > Decision::Proceed {
            for p in &c.props {
                if !props.contains(p) {
                    props.push(p.clone());
                }
            }
            for x in &c.exclude {
                if !excluded.contains(x) {
                    excluded.push(x.clone());
                }
            }
            let v = c
                .variation
                .clone()
                .unwrap_or_else(|| DEFAULT_MODIFIED_VARIATION.to_string());
            if variation.as_ref().is_none_or(|(vd, _)| d > *vd) {
                variation = Some((d, v));
            }
        }
    }
    // Knowledge order for props, so output does not depend on condition order.
    props.sort_by_key(|p| k.props.iter().position(|q| &q.id == p));
    excluded.sort();

    let (variation, props) = match decision {
        Decision::Modify | Decision::Supervised => (variation.map(|(_, v)| v), props),
        Decision::Proceed | Decision::Avoid => (None, Vec::new()),
    };
    if decision == Decision::Avoid {
        excluded.clear();
    }
    let summary = match decision {
        Decision::Proceed => "Nothing here speaks against the pose: practise it at your level, warmed up, and stop on any warning sign.".to_string(),
        Decision::Modify => "Practise a modified form of the pose with the props and variation given.".to_string(),
        Decision::Supervised => "Practise only with a qualified teacher or therapist present, in the modified form given.".to_string(),
        Decision::Avoid => "Do not practise this pose now; see the reasons, and ask a health professional when the condition changes.".to_string(),
    };
    Screening {
        decision,
        summary,
        conditions: input.conditions.clone(),
        trimester: input.trimester,
        reasons,
        cautious_choices,
        variation,
        props,
        excluded_tags: excluded,
        warning_signs: k.warning_signs.iter().map(|w| w.text.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(c: &[ConditionId], t: Option<u8>) -> Decision {
        screen(&ScreeningInput::new(c.to_vec(), t).unwrap()).decision
    }

    #[test]
    fn none_proceeds_without_props() {
        let s = screen(&ScreeningInput::none());
        assert_eq!(s.decision, Decision::Proceed);
        assert!(s.props.is_empty() && s.variation.is_none());
        assert!(s.warning_signs.iter().any(|w| w.contains("Numbness")));
    }

    #[test]
    fn disagreement_takes_the_cautious_view_and_says_so() {
        let s = screen(&ScreeningInput::new(vec![ConditionId::KneeInjuryRecent], None).unwrap());
        assert_eq!(s.decision, Decision::Avoid);
        assert_eq!(s.cautious_choices.len(), 1);
        assert!(s.cautious_choices[0].note.contains("A says modify"));
        assert!(s.cautious_choices[0].note.contains("B says avoid"));
    }

    #[test]
    fn conditions_combine_to_the_most_cautious() {
        use ConditionId as C;
        assert_eq!(decide(&[C::KneeInjuryOld], None), Decision::Modify);
        assert_eq!(
            decide(&[C::KneeInjuryOld, C::SciaticaFlare], None),
            Decision::Supervised
        );
        assert_eq!(
            decide(&[C::KneeInjuryOld, C::Diarrhea], None),
            Decision::Avoid
        );
    }

    #[test]
    fn modify_names_props_and_variation() {
        let s =
            screen(&ScreeningInput::new(vec![ConditionId::SacroiliacInstability], None).unwrap());
        assert_eq!(s.decision, Decision::Modify);
        assert_eq!(s.variation.as_deref(), Some("beginner-shallow"));
        assert_eq!(s.props, ["blanket"]);
        assert_eq!(s.excluded_tags, ["deep-fold"]);
    }

    #[test]
    fn trimester_rules() {
        use ConditionId as C;
        assert_eq!(
            ScreeningInput::new(vec![C::Pregnancy], None),
            Err(PoseError::TrimesterRequired)
        );
        assert_eq!(
            ScreeningInput::new(vec![C::Pregnancy], Some(4)),
            Err(PoseError::BadTrimester(4))
        );
        assert_eq!(
            ScreeningInput::new(vec![C::Diarrhea], Some(2)),
            Err(PoseError::TrimesterWithoutPregnancy(2))
        );
        assert_eq!(decide(&[C::Pregnancy], Some(1)), Decision::Modify);
        assert_eq!(decide(&[C::Pregnancy], Some(2)), Decision::Supervised);
        assert_eq!(decide(&[C::Pregnancy], Some(3)), Decision::Avoid);
    }

    #[test]
    fn none_does_not_combine() {
        use ConditionId as C;
        assert_eq!(
            ScreeningInput::new(vec![C::None, C::Diarrhea], None),
            Err(PoseError::NoneWithOthers)
        );
        assert_eq!(
            ScreeningInput::new(vec![], None),
            Err(PoseError::NoCondition)
        );
    }
}
