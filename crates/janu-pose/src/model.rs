//! The typed knowledge model: what the references say about Janusirsasana.
//!
//! Every item carries `sources` (which reference it comes from). Items point at each
//! other by id (a mistake names its corrections and props, a variation its props, a
//! sequence entry its pose); [`crate::validate`] checks that every link resolves.

use serde::{Deserialize, Serialize};

use crate::ids::{ConditionId, Decision, GoalId, Level, MistakeId, Source};

/// Everything Janu knows about the pose. Get it with [`crate::knowledge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Knowledge {
    /// The reference documents (and Janu's own synthesis, `J`).
    pub sources: Vec<SourceInfo>,
    /// Names and spellings of the pose.
    pub names: Vec<Name>,
    /// What kind of pose it is, where it is used, the closing summary.
    pub overview: Vec<Fact>,
    /// The Sanskrit parts of the name and the symbolism.
    pub meaning: Meaning,
    /// Anatomical overview: what each part of the body does.
    pub anatomy: Vec<Fact>,
    /// The 10 primary and 9 secondary muscles (groups) with their roles.
    pub muscles: Vec<Muscle>,
    /// Joint mechanics per joint.
    pub joints: Vec<Joint>,
    /// The step-by-step versions of both references.
    pub techniques: Vec<Technique>,
    /// Physiological, emotional and energetic benefits.
    pub benefits: Vec<Benefit>,
    /// Therapeutic uses; each is a plan goal.
    pub therapy: Vec<TherapeuticUse>,
    /// General notes on the therapeutic use.
    pub therapy_notes: Vec<Fact>,
    /// Fascial lines the pose stretches.
    pub fascia: Vec<FascialLine>,
    /// Vayus, nadis, chakras, prana.
    pub energy: Vec<EnergyItem>,
    /// The Ayurvedic view, per dosha.
    pub ayurveda: Vec<DoshaEffect>,
    /// Props and what each does.
    pub props: Vec<Prop>,
    /// Modifications, each with when to use it and its props.
    pub modifications: Vec<Modification>,
    /// Variations by level.
    pub variations: Vec<Variation>,
    /// Poses to move on to.
    pub level_up: Vec<SequenceEntry>,
    /// The six common mistakes, each linked to corrections and props.
    pub mistakes: Vec<Mistake>,
    /// Corrections, linked from the mistakes.
    pub corrections: Vec<Correction>,
    /// Conditions for screening, with what each reference says (the contraindications).
    pub conditions: Vec<Condition>,
    /// Signs to stop or adapt at once.
    pub warning_signs: Vec<Fact>,
    /// Catalogue of the other poses the references name (warm-ups, follow-ups, level-ups).
    pub poses: Vec<RelatedPose>,
    /// Warm-ups before, follow-ups after.
    pub sequence: Sequence,
    /// Breath guidance and hold lengths.
    pub breath: BreathGuide,
    /// Where the references disagree.
    pub disagreements: Vec<Disagreement>,
}

/// One reference document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// `A`, `B` or `J`.
    pub id: Source,
    /// File name in `shared/seeds/` (empty for `J`).
    pub file: String,
    /// A short title.
    pub title: String,
}

/// A plain statement with its sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Unique id within its list.
    pub id: String,
    /// The statement, in Janu's words.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A name or spelling of the pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// Unique id.
    pub id: String,
    /// The name as written.
    pub text: String,
    /// Where and how it is used.
    pub note: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The meaning of the name and the symbolism.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meaning {
    /// The Sanskrit parts: janu, sirsa, asana.
    pub parts: Vec<NamePart>,
    /// Vedic and Upanishadic, mythological and yogic readings.
    pub symbolism: Vec<Symbol>,
}

/// One Sanskrit part of the name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamePart {
    /// The Sanskrit word.
    pub part: String,
    /// What it means.
    pub meaning: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The tradition a symbolic reading belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tradition {
    /// The meaning of the Sanskrit name as a whole.
    Sanskrit,
    /// Vedic and Upanishadic philosophy.
    VedicUpanishadic,
    /// Mythological storytelling.
    Mythological,
    /// Yogic interpretation of the name.
    YogicInterpretation,
}

/// One symbolic reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symbol {
    /// Unique id.
    pub id: String,
    /// Which tradition reads it so.
    pub tradition: Tradition,
    /// The reading.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// Primary or secondary muscle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MuscleGroup {
    /// One of the 10 primary groups.
    Primary,
    /// One of the 9 secondary groups.
    Secondary,
}

/// Which leg's side of the body a muscle works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodySide {
    /// The straight leg's side.
    ExtendedLeg,
    /// The folded leg's side.
    BentLeg,
    /// Both sides or the trunk.
    Both,
}

/// A muscle (group) and its role in the pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Muscle {
    /// Unique id.
    pub id: String,
    /// The name (with the muscles of the group).
    pub name: String,
    /// Primary or secondary.
    pub group: MuscleGroup,
    /// Which side it works on.
    pub side: BodySide,
    /// What it does in the pose.
    pub role: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The mechanics of one joint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Joint {
    /// `hips`, `knees`, `spine`, `shoulders-arms`, `ankles`, or `joint-summary`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What happens at this joint.
    pub actions: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The part of the pose a technique step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Getting seated.
    Setup,
    /// Placing the legs and lengthening.
    Entry,
    /// Folding forward.
    Fold,
    /// Staying in the pose.
    Hold,
    /// Coming out.
    Exit,
    /// The second side.
    Repeat,
}

/// The breath that goes with a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreathCue {
    /// Breathe in during the step.
    Inhale,
    /// Breathe out during the step.
    Exhale,
    /// Slow, steady, even breathing.
    Steady,
    /// The reference gives no breath here: breathe naturally.
    Natural,
    /// B: a short stay was traditionally done on a held breath, a long one on steady
    /// breathing (see the `breath-retention` disagreement; Janu cues steady breathing).
    RetentionOrSteady,
}

/// One step of a technique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechniqueStep {
    /// Entry, fold, hold, exit...
    pub phase: Phase,
    /// The breath with this step.
    pub breath: BreathCue,
    /// The instruction, in Janu's words (right knee bent, left leg extended first).
    pub text: String,
}

/// A step-by-step version of the pose from one reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    /// `steps-a` or `steps-b`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The reference.
    pub source: Source,
    /// The steps in order.
    pub steps: Vec<TechniqueStep>,
}

/// The kind of a benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BenefitKind {
    /// Body.
    Physiological,
    /// Mind and feeling.
    Emotional,
    /// Subtle body.
    Energetic,
}

/// A benefit of the pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// Unique id.
    pub id: String,
    /// Physiological, emotional or energetic.
    pub kind: BenefitKind,
    /// The benefit.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A therapeutic use; the id is a plan goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TherapeuticUse {
    /// The goal id.
    pub id: GoalId,
    /// Display name.
    pub name: String,
    /// How the pose helps.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
    /// Catalogue poses a plan for this goal prefers (ids in [`Knowledge::poses`]).
    pub favours: Vec<String>,
    /// Pose tags a plan for this goal leaves out (e.g. `deep-fold`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
    /// A cue the plan adds for this goal.
    pub plan_note: String,
    /// Where `favours`, `excludes` and `plan_note` come from: `J` when they are Janu's
    /// own plan rules (the references link no other pose to a therapeutic use).
    pub plan_sources: Vec<Source>,
}

/// A fascial line the pose works on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FascialLine {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What happens to it.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The kind of an energetic item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnergyKind {
    /// A vayu (wind, current).
    Vayu,
    /// A nadi (channel).
    Nadi,
    /// A chakra.
    Chakra,
    /// Prana in general.
    Prana,
}

/// A vayu, nadi, chakra or note on prana.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergyItem {
    /// Unique id.
    pub id: String,
    /// Vayu, nadi, chakra, prana.
    pub kind: EnergyKind,
    /// Display name.
    pub name: String,
    /// What the pose does to it.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// What the pose does to a dosha.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoshaEffect {
    /// Unique id.
    pub id: String,
    /// Vata, Pitta, Kapha (or Apana Vayu).
    pub dosha: String,
    /// `reduces` or `balances`.
    pub effect: String,
    /// How.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A prop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prop {
    /// Unique id: `blanket`, `strap`, `wall`, `block`, `cushion`, `towel`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is for.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A modification: when to use it, what to do, with which props.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modification {
    /// Unique id.
    pub id: String,
    /// When to use it.
    pub when: String,
    /// What to do.
    pub what: String,
    /// Props it needs (ids in [`Knowledge::props`]).
    pub props: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A variation for one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variation {
    /// Unique id.
    pub id: String,
    /// The level it is for.
    pub level: Level,
    /// Display name.
    pub name: String,
    /// How to do it.
    pub text: String,
    /// Props it uses.
    pub props: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// One of the six common mistakes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mistake {
    /// The mistake id.
    pub id: MistakeId,
    /// Short name.
    pub name: String,
    /// What it looks like.
    pub text: String,
    /// Corrections that fix it (ids in [`Knowledge::corrections`]), best first.
    pub corrections: Vec<String>,
    /// Props that help (ids in [`Knowledge::props`]).
    pub props: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// A correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Unique id.
    pub id: String,
    /// What to do.
    pub text: String,
    /// Props it uses.
    pub props: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// What one reference says about a condition, and how severe that is; or, tagged
/// `J`, Janu's own rule built on the reference views beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// The reference (`J`: Janu's own rule, next to the reference view it builds on).
    pub source: Source,
    /// How cautious this view is.
    pub decision: Decision,
    /// What it says, in Janu's words.
    pub text: String,
}

/// Views for one trimester of pregnancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrimesterViews {
    /// 1, 2 or 3.
    pub trimester: u8,
    /// The views for that trimester.
    pub views: Vec<View>,
}

/// A condition the screening asks about, with the contraindication views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The condition id.
    pub id: ConditionId,
    /// Display name.
    pub name: String,
    /// Examples, to help a person recognise it.
    pub examples: String,
    /// True for pregnancy: the trimester must be given.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_trimester: bool,
    /// Props to use when the pose is modified for it.
    pub props: Vec<String>,
    /// The variation to use when modified (default: the level's first variation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation: Option<String>,
    /// Pose tags a plan must leave out (e.g. `deep-fold`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// What each reference says.
    pub views: Vec<View>,
    /// Trimester-specific views (pregnancy); they replace `views` when a trimester is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trimesters: Vec<TrimesterViews>,
}

/// A min / base / max range in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seconds {
    /// The shortest useful time.
    pub min: u32,
    /// The default.
    pub base: u32,
    /// The longest sensible time in one go.
    pub max: u32,
}

/// A pose other than Janusirsasana that the references name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedPose {
    /// Unique id.
    pub id: String,
    /// English name.
    pub english: String,
    /// Sanskrit name (may be empty).
    pub sanskrit: String,
    /// Tags (`forward-fold`, `deep-fold`, `twist`, `hip-opener`, ...).
    pub tags: Vec<String>,
    /// Where it comes from.
    pub sources: Vec<Source>,
    /// Plan durations (Janu's defaults).
    pub seconds: Seconds,
    /// A practice cue in Janu's words.
    pub cue: String,
    /// Where the cue comes from: `J` when it is Janu's own (the references only name
    /// most of these poses; `sources` says which reference names the pose).
    pub cue_sources: Vec<Source>,
}

impl RelatedPose {
    /// The name to show: "English (Sanskrit)" or just the English one.
    pub fn display_name(&self) -> String {
        if self.sanskrit.is_empty() {
            self.english.clone()
        } else {
            format!("{} ({})", self.english, self.sanskrit)
        }
    }
}

/// A pose named in a sequence list, with the references that name it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceEntry {
    /// Pose id in [`Knowledge::poses`].
    pub pose: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// Sequencing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// Warm-ups, in the order a plan uses them (Dandasana last: the pose starts there).
    pub before: Vec<SequenceEntry>,
    /// Follow-ups, in plan order (Nadi Shodhana last).
    pub after: Vec<SequenceEntry>,
    /// Why and how.
    pub notes: Vec<Fact>,
}

/// A range of breaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Lower end.
    pub min: u32,
    /// Upper end.
    pub max: u32,
}

/// A hold length a reference gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceHold {
    /// Unique id.
    pub id: String,
    /// What it says.
    pub text: String,
    /// The level it applies to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// In breaths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaths: Option<Range>,
    /// In seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<Range>,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// The hold per side Janu plans for a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelHold {
    /// The level.
    pub level: Level,
    /// Seconds per side: min, base, max.
    pub seconds: Seconds,
    /// Why.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
}

/// Breath guidance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreathGuide {
    /// How to breathe in and around the fold.
    pub guidance: Vec<Fact>,
    /// What the references say about hold length.
    pub reference_holds: Vec<ReferenceHold>,
    /// Janu's hold per side for each level.
    pub level_holds: Vec<LevelHold>,
}

/// One reference's side of a disagreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisagreementView {
    /// The reference.
    pub source: Source,
    /// What it says.
    pub text: String,
}

/// Where the references disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disagreement {
    /// Unique id: `breath-retention`, `hold-length`, `ruling-out`, `spine-shape`,
    /// `breath-in-fold`, `bind`, `head-to-knee`.
    pub id: String,
    /// The question.
    pub topic: String,
    /// Both views.
    pub views: Vec<DisagreementView>,
    /// Which view Janu follows, and why (the more cautious one).
    pub cautious: String,
}
