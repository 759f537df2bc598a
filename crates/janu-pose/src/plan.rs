//! Practice plans: a whole session built from the references.
//!
//! A plan is warm-ups (from both references' "before" lists, ending in Dandasana,
//! where the pose starts), Janusirsasana on both sides (left leg extended first, as
//! both references' step-by-step do), follow-ups (the "after" lists) and a closing
//! Nadi Shodhana (A). Durations fill the requested minutes: every pose has a shortest,
//! default and longest time; the holds come from the level's guidance.

use serde::{Deserialize, Serialize};

use crate::error::PoseError;
use crate::ids::{ConditionId, Decision, GoalId, Level, Source};
use crate::knowledge;
use crate::model::{Knowledge, RelatedPose, Seconds};
use crate::screen::{Screening, ScreeningInput, screen};
use janu_body::Side;

/// Shortest session: a warm-up, both sides and a closing breath still fit in 5 minutes.
pub const MIN_MINUTES: u32 = 5;
/// Longest session: an hour. Past that, a session built around one pose could only
/// grow by stretching holds and rounds beyond anything the references describe.
pub const MAX_MINUTES: u32 = 60;
/// Default session length: a typical home practice slot.
pub const DEFAULT_MINUTES: u32 = 20;
/// Seconds per breath the plan counts with: 12 breaths a minute, an unhurried adult
/// resting rate. A's 10-20 breaths then last 50-100 s, close to A's 30-60 s
/// intermediate hold and B's "up to a minute".
pub const SECONDS_PER_BREATH: u32 = 5;
/// Seconds to enter Janusirsasana: four cues 5 s apart (sit, bend the knee, inhale
/// and lengthen, exhale and fold), as in both step-by-step versions.
pub const ENTRY_SECONDS: u32 = 20;
/// Seconds to come out: inhale and lift (B's exit), then straighten back to Dandasana.
pub const EXIT_SECONDS: u32 = 10;
/// The tighter side holds 1.5 times as long, so it gets clearly more time.
const TIGHTER_SIDE_PERCENT: u32 = 150;
/// One round of both sides per 10 minutes of session: the pose stays the heart of
/// the session as it grows.
const SECONDS_PER_ROUND: u32 = 10 * 60;
/// Sessions this long or longer start the holds at the level's longest; shorter ones
/// start between the level's default and longest in proportion.
const FULL_HOLD_SESSION_SECONDS: u32 = 40 * 60;
/// At most six rounds of both sides; beyond that the plan lengthens other poses.
const MAX_ROUNDS: u32 = 6;
/// One warm-up pose per 3 minutes of session (at least two: one plus Dandasana).
const SECONDS_PER_WARMUP: u32 = 3 * 60;
/// One follow-up pose per 5 minutes of session (at least one).
const SECONDS_PER_FOLLOWUP: u32 = 5 * 60;
/// Seconds between alignment reminders during a hold.
const REMINDER_EVERY: u32 = 15;
/// Durations are whole breaths.
const STEP: u32 = SECONDS_PER_BREATH;
/// The main pose's id in the catalogue.
const MAIN_POSE: &str = "janusirsasana";
/// The closing breath practice (A's last follow-up).
const CLOSING_POSE: &str = "nadi-shodhana";
/// The warm-up the pose starts from.
const START_POSE: &str = "dandasana";

/// What to plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// Practice level.
    pub level: Level,
    /// Session length in minutes ([`MIN_MINUTES`]..=[`MAX_MINUTES`]).
    pub minutes: u32,
    /// Health conditions (empty = none).
    pub conditions: Vec<ConditionId>,
    /// Trimester, when `pregnancy` is among the conditions.
    pub trimester: Option<u8>,
    /// Goals from the therapeutic uses.
    pub goals: Vec<GoalId>,
    /// The side whose extended leg is tighter; it gets the longer hold.
    pub tighter_side: Option<Side>,
}

impl PlanRequest {
    /// A request with no conditions, goals or tighter side.
    pub fn new(level: Level, minutes: u32) -> Self {
        Self {
            level,
            minutes,
            conditions: Vec::new(),
            trimester: None,
            goals: Vec::new(),
            tighter_side: None,
        }
    }
}

impl Default for PlanRequest {
    fn default() -> Self {
        Self::new(Level::Beginner, DEFAULT_MINUTES)
    }
}

/// The part of the session a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// Preparation.
    WarmUp,
    /// Janusirsasana.
    Main,
    /// Poses after.
    FollowUp,
    /// The closing breath practice.
    Closing,
}

impl Section {
    /// Display name.
    pub const fn label(self) -> &'static str {
        match self {
            Self::WarmUp => "Warm-up",
            Self::Main => "Janusirsasana",
            Self::FollowUp => "Follow-up",
            Self::Closing => "Closing breath",
        }
    }
}

/// A cue within a step, `at` seconds after the step starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCue {
    /// Seconds from the start of the step.
    pub at: u32,
    /// What to say.
    pub text: String,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// 1-based position.
    pub index: usize,
    /// Warm-up, main, follow-up or closing.
    pub section: Section,
    /// Pose id in the knowledge catalogue.
    pub pose: String,
    /// Display name.
    pub name: String,
    /// For Janusirsasana: the straight leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_leg: Option<Side>,
    /// Length of the step, seconds.
    pub seconds: u32,
    /// When the hold (breath pacing) starts, seconds from the step start.
    pub hold_start: u32,
    /// Length of the hold, seconds.
    pub hold_seconds: u32,
    /// The hold in breaths at [`SECONDS_PER_BREATH`].
    pub breaths: u32,
    /// Variation id (Janusirsasana).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation: Option<String>,
    /// Prop ids to have ready.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<String>,
    /// Timed cues.
    pub cues: Vec<StepCue>,
    /// References naming this pose here.
    pub sources: Vec<Source>,
}

/// A whole practice session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Practice level asked for.
    pub level: Level,
    /// Minutes asked for.
    pub minutes: u32,
    /// Sum of the steps' seconds.
    pub total_seconds: u32,
    /// The breath length holds are counted in.
    pub seconds_per_breath: u32,
    /// Goals.
    pub goals: Vec<GoalId>,
    /// The tighter side, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tighter_side: Option<Side>,
    /// The screening the plan honours.
    pub screening: Screening,
    /// The Janusirsasana variation (id).
    pub variation: String,
    /// Props to have ready (ids).
    pub props: Vec<String>,
    /// Notes for the practitioner.
    pub notes: Vec<String>,
    /// The steps in order.
    pub steps: Vec<PlanStep>,
}

/// A candidate pose with its time range and selection priority.
#[derive(Debug, Clone)]
struct Item<'k> {
    pose: &'k RelatedPose,
    section: Section,
    sources: Vec<Source>,
    mandatory: bool,
    /// Lower is more important.
    priority: usize,
    seconds: u32,
}

fn floor_step(x: u32) -> u32 {
    x / STEP * STEP
}

fn round_step(x: u32) -> u32 {
    (x + STEP / 2) / STEP * STEP
}

/// Set each item's seconds so they add up to `budget` as closely as min/max allow.
/// Returns the budget left over (positive: the items are all at their longest).
fn allocate(items: &mut [Item<'_>], budget: u32) -> i64 {
    let sum = |f: fn(&Seconds) -> u32, items: &[Item<'_>]| -> u32 {
        items.iter().map(|i| f(&i.pose.seconds)).sum()
    };
    let (min, base) = (sum(|s| s.min, items), sum(|s| s.base, items));
    for i in items.iter_mut() {
        let s = i.pose.seconds;
        i.seconds = if budget <= base {
            // Shrink each pose toward its shortest time by the same fraction.
            let span = u64::from(base - min).max(1);
            let f = u64::from(budget.saturating_sub(min));
            s.min + floor_step((u64::from(s.base - s.min) * f / span) as u32)
        } else {
            // Grow every pose by the same factor, each up to its longest time.
            let scaled = u64::from(s.base) * u64::from(budget) / u64::from(base.max(1));
            floor_step(scaled.min(u64::from(s.max)) as u32).max(s.base)
        };
    }
    // Hand out what rounding left, one breath at a time, in order.
    let mut left = i64::from(budget) - items.iter().map(|i| i64::from(i.seconds)).sum::<i64>();
    while left >= i64::from(STEP) {
        let mut gave = false;
        for i in items.iter_mut() {
            if left >= i64::from(STEP) && i.seconds + STEP <= i.pose.seconds.max {
                i.seconds += STEP;
                left -= i64::from(STEP);
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }
    left
}

/// Hold per side (left, right) from a base hold and the tighter side.
fn side_holds(base: u32, range: Seconds, tighter: Option<Side>) -> (u32, u32) {
    let Some(side) = tighter else {
        return (base, base);
    };
    let long = round_step(base * TIGHTER_SIDE_PERCENT / 100).min(range.max);
    let mut short = base;
    if long <= short {
        short = long
            .saturating_sub(2 * STEP)
            .max(range.min.min(long - STEP));
    }
    match side {
        Side::Left => (long, short),
        Side::Right => (short, long),
    }
}

/// Build a practice plan.
///
/// # Errors
///
/// [`PoseError::MinutesOutOfRange`]; the screening input errors of
/// [`ScreeningInput::new`]; [`PoseError::NotAdvised`] when the screening says `avoid`
/// (Janu does not plan a session around a pose the person should not do).
pub fn plan(req: &PlanRequest) -> Result<Plan, PoseError> {
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&req.minutes) {
        return Err(PoseError::MinutesOutOfRange {
            given: req.minutes,
            min: MIN_MINUTES,
            max: MAX_MINUTES,
        });
    }
    let conditions = if req.conditions.is_empty() {
        vec![ConditionId::None]
    } else {
        req.conditions.clone()
    };
    let screening = screen(&ScreeningInput::new(conditions, req.trimester)?);
    if screening.decision == Decision::Avoid {
        let reasons: Vec<String> = screening
            .reasons
            .iter()
            .filter(|r| r.decision == Decision::Avoid)
            .map(|r| format!("{} ({}): {}", r.condition, r.source, r.text))
            .collect();
        return Err(PoseError::NotAdvised {
            decision: screening.decision,
            reasons: reasons.join(" "),
        });
    }
    let k = knowledge();
    let modified = screening.decision >= Decision::Modify;
    // A condition that asks for a modified pose also gets the beginner's short holds.
    let hold_level = if modified { Level::Beginner } else { req.level };
    let hold = k
        .level_hold(hold_level)
        .ok_or(PoseError::NoHold(hold_level))?
        .seconds;
    let variation = match &screening.variation {
        Some(v) => v.clone(),
        None => k
            .variations_for(req.level)
            .first()
            .map(|v| v.id.clone())
            .ok_or(PoseError::NoHold(req.level))?,
    };
    let mut props: Vec<String> = screening.props.clone();
    if let Some(v) = k.variation(&variation) {
        for p in &v.props {
            if !props.contains(p) {
                props.push(p.clone());
            }
        }
    }
    props.sort_by_key(|p| k.props.iter().position(|q| &q.id == p));

    let mut goals = req.goals.clone();
    goals.dedup();
    let mut excluded: Vec<String> = screening.excluded_tags.clone();
    let mut favoured: Vec<&str> = Vec::new();
    for g in &goals {
        if let Some(t) = k.therapy(*g) {
            excluded.extend(t.excludes.iter().cloned());
            favoured.extend(t.favours.iter().map(String::as_str));
        }
    }
    excluded.sort();
    excluded.dedup();

    let total = req.minutes * 60;
    let (mut items, left_out) = candidates(k, &excluded, &favoured, total);
    let mut rounds = (total / SECONDS_PER_ROUND).clamp(1, MAX_ROUNDS);
    let mut hold_base = round_step(
        hold.base
            + (hold.max - hold.base) * total.min(FULL_HOLD_SESSION_SECONDS)
                / FULL_HOLD_SESSION_SECONDS,
    );
    let mut holds = side_holds(hold_base, hold, req.tighter_side);
    // Fit the budget: shrink (fewer rounds, fewer optional poses, shorter holds) or
    // grow (more rounds, longer holds, then a longer closing breath).
    for _ in 0..500 {
        holds = side_holds(hold_base, hold, req.tighter_side);
        let main = rounds * (2 * (ENTRY_SECONDS + EXIT_SECONDS) + holds.0 + holds.1);
        let min_rest: u32 = items.iter().map(|i| i.pose.seconds.min).sum();
        if main + min_rest > total {
            if rounds > 1 {
                rounds -= 1;
            } else if let Some(pos) = items
                .iter()
                .enumerate()
                .filter(|(_, i)| !i.mandatory)
                .max_by_key(|(_, i)| i.priority)
                .map(|(pos, _)| pos)
            {
                items.remove(pos);
            } else if hold_base > hold.min {
                hold_base -= STEP;
            } else {
                allocate(&mut items, total.saturating_sub(main));
                break;
            }
            continue;
        }
        let left = allocate(&mut items, total - main);
        let round = 2 * (ENTRY_SECONDS + EXIT_SECONDS) + holds.0 + holds.1;
        if left >= i64::from(round) && rounds < MAX_ROUNDS {
            rounds += 1;
            continue;
        }
        if left >= i64::from(2 * rounds * STEP) && hold_base < hold.max {
            hold_base += STEP;
            continue;
        }
        if left > 0 {
            // Everything is at its longest: the closing breath takes the rest.
            if let Some(c) = items.iter_mut().find(|i| i.section == Section::Closing) {
                c.seconds += left as u32;
            }
        }
        break;
    }

    let mut steps = Vec::new();
    for i in items.iter().filter(|i| i.section == Section::WarmUp) {
        steps.push(other_step(i));
    }
    let main_pose = k
        .pose(MAIN_POSE)
        .ok_or_else(|| PoseError::InvalidKnowledge("no main pose".into()))?;
    let mut reminders_extra: Vec<String> = goals
        .iter()
        .filter_map(|g| k.therapy(*g).map(|t| t.plan_note.clone()))
        .collect();
    if hold_level == Level::Intermediate {
        reminders_extra.push("Ujjayi breath: a soft, even sound in the throat.".into());
    }
    for r in 0..rounds {
        for (side, hold_s) in [(Side::Left, holds.0), (Side::Right, holds.1)] {
            let _ = r;
            steps.push(main_step(
                k,
                main_pose,
                side,
                hold_s,
                &variation,
                &props,
                &reminders_extra,
            ));
        }
    }
    for sec in [Section::FollowUp, Section::Closing] {
        for i in items.iter().filter(|i| i.section == sec) {
            steps.push(other_step(i));
        }
    }
    for (n, s) in steps.iter_mut().enumerate() {
        s.index = n + 1;
    }
    let total_seconds = steps.iter().map(|s| s.seconds).sum();

    let notes = plan_notes(k, req, &screening, &goals, holds, hold_level, &left_out);
    Ok(Plan {
        level: req.level,
        minutes: req.minutes,
        total_seconds,
        seconds_per_breath: SECONDS_PER_BREATH,
        goals,
        tighter_side: req.tighter_side,
        screening,
        variation,
        props,
        notes,
        steps,
    })
}

/// Warm-ups, follow-ups and the closing breath allowed by the exclusions, chosen
/// by priority for the session length; plus the poses left out and why.
fn candidates<'k>(
    k: &'k Knowledge,
    excluded: &[String],
    favoured: &[&str],
    total: u32,
) -> (Vec<Item<'k>>, Vec<(String, String)>) {
    let mut left_out = Vec::new();
    let mut pick =
        |entries: &'k [crate::model::SequenceEntry], section: Section, every: u32, min: usize| {
            let mut pool: Vec<Item<'k>> = Vec::new();
            for (order, e) in entries.iter().enumerate() {
                let Some(pose) = k.pose(&e.pose) else {
                    continue;
                };
                if pose.id == CLOSING_POSE {
                    continue;
                }
                if let Some(tag) = pose.tags.iter().find(|t| excluded.contains(t)) {
                    left_out.push((pose.display_name(), tag.clone()));
                    continue;
                }
                let mandatory = pose.id == START_POSE;
                let both = e.sources.contains(&Source::A) && e.sources.contains(&Source::B);
                let rank = if mandatory {
                    0
                } else if favoured.contains(&pose.id.as_str()) {
                    1
                } else if both {
                    2
                } else {
                    3
                };
                pool.push(Item {
                    pose,
                    section,
                    sources: e.sources.clone(),
                    mandatory,
                    priority: rank * 100 + order,
                    seconds: pose.seconds.base,
                });
            }
            let n = ((total / every) as usize).clamp(min, pool.len().max(min));
            let mut by_priority: Vec<usize> = (0..pool.len()).collect();
            by_priority.sort_by_key(|&i| pool[i].priority);
            by_priority.truncate(n);
            by_priority.sort_unstable();
            by_priority
                .into_iter()
                .map(|i| pool[i].clone())
                .collect::<Vec<_>>()
        };
    let mut items = pick(&k.sequence.before, Section::WarmUp, SECONDS_PER_WARMUP, 2);
    items.extend(pick(
        &k.sequence.after,
        Section::FollowUp,
        SECONDS_PER_FOLLOWUP,
        1,
    ));
    if let (Some(pose), Some(e)) = (
        k.pose(CLOSING_POSE),
        k.sequence.after.iter().find(|e| e.pose == CLOSING_POSE),
    ) {
        items.push(Item {
            pose,
            section: Section::Closing,
            sources: e.sources.clone(),
            mandatory: true,
            priority: 0,
            seconds: pose.seconds.base,
        });
    }
    // The first follow-up is kept so the session always winds down with one.
    if let Some(first) = items.iter_mut().find(|i| i.section == Section::FollowUp) {
        first.mandatory = true;
    }
    left_out.sort();
    left_out.dedup();
    (items, left_out)
}

fn other_step(i: &Item<'_>) -> PlanStep {
    let p = i.pose;
    let mut cues = vec![StepCue {
        at: 0,
        text: format!("{}: {}", p.display_name(), p.cue),
    }];
    if p.tags.iter().any(|t| t == "two-sided") {
        cues.push(StepCue {
            at: round_step(i.seconds / 2),
            text: "Change sides.".into(),
        });
    }
    if i.section == Section::Closing && i.seconds >= 4 * STEP * 2 {
        cues.push(StepCue {
            at: i.seconds - 2 * STEP,
            text: "Let the breath return to its own rhythm and sit quietly for a moment.".into(),
        });
    }
    PlanStep {
        index: 0,
        section: i.section,
        pose: p.id.clone(),
        name: p.display_name(),
        extended_leg: None,
        seconds: i.seconds,
        hold_start: 0,
        hold_seconds: i.seconds,
        breaths: i.seconds / SECONDS_PER_BREATH,
        variation: None,
        props: Vec::new(),
        cues,
        sources: i.sources.clone(),
    }
}

fn main_step(
    k: &Knowledge,
    pose: &RelatedPose,
    ext: Side,
    hold: u32,
    variation: &str,
    props: &[String],
    extra: &[String],
) -> PlanStep {
    let bent = ext.other();
    let has = |p: &str| props.iter().any(|q| q == p);
    let prop_names: Vec<String> = props
        .iter()
        .filter_map(|p| k.prop(p).map(|x| x.name.to_lowercase()))
        .collect();
    let mut sit = format!(
        "Janusirsasana, {ext} leg extended. Sit in Staff Pose (Dandasana){}, both legs long.",
        if has("blanket") {
            " on a folded blanket"
        } else {
            ""
        }
    );
    if has("wall") {
        sit.push_str(" Sit with your back against the wall.");
    }
    if !prop_names.is_empty() {
        sit.push_str(&format!(" Have ready: {}.", prop_names.join(", ")));
    }
    let mut knee = format!(
        "Bend the {bent} knee and rest the {bent} sole against the inner {ext} thigh; let the knee open only as far as it wants."
    );
    if has("block") {
        knee.push_str(&format!(" Put a block under the {bent} knee if it floats."));
    }
    let mut fold =
        format!("Breathe out and hinge from the hips over the {ext} leg, breastbone first.");
    if has("strap") {
        fold.push_str(&format!(" Loop the strap around the {ext} foot."));
    }
    let mut cues = vec![
        StepCue { at: 0, text: sit },
        StepCue { at: 5, text: knee },
        StepCue {
            at: 10,
            text: "Breathe in and grow tall through the spine, chest open.".into(),
        },
        StepCue { at: 15, text: fold },
    ];
    if let Some(v) = k.variation(variation) {
        cues.push(StepCue {
            at: ENTRY_SECONDS,
            text: format!("{}: {}", v.name, v.text),
        });
    }
    let mut reminders = vec![
        "Keep the spine long; fold from the hips instead of slumping.".to_string(),
        "Shoulders soft and the upper back broad; the hands hold, they do not pull.".to_string(),
        format!("Keep the {ext} knee soft, never locked."),
        "Keep both sitting bones heavy and the pelvis even.".to_string(),
        format!("Let the {bent} knee rest where it wants; do not press it down."),
        "Breathe slowly and evenly; let each exhale soften you, never force the head down."
            .to_string(),
    ];
    // Safety comes second, so even a short hold hears it.
    reminders.insert(
        1,
        "Stop at sharp pain, numbness or a pulling feeling in the spine or legs.".into(),
    );
    reminders.extend(extra.iter().cloned());
    let hold_end = ENTRY_SECONDS + hold;
    let mut at = ENTRY_SECONDS + REMINDER_EVERY;
    let mut n = 0;
    while at + STEP <= hold_end && n < reminders.len() {
        cues.push(StepCue {
            at,
            text: reminders[n].clone(),
        });
        n += 1;
        at += REMINDER_EVERY;
    }
    cues.push(StepCue {
        at: hold_end,
        text: format!("Breathe in and lift the trunk away from the {ext} leg."),
    });
    cues.push(StepCue {
        at: hold_end + 5,
        text: format!("Straighten the {bent} leg and come back to Staff Pose."),
    });
    PlanStep {
        index: 0,
        section: Section::Main,
        pose: pose.id.clone(),
        name: format!("Janusirsasana, {ext} leg extended"),
        extended_leg: Some(ext),
        seconds: ENTRY_SECONDS + hold + EXIT_SECONDS,
        hold_start: ENTRY_SECONDS,
        hold_seconds: hold,
        breaths: hold / SECONDS_PER_BREATH,
        variation: Some(variation.to_string()),
        props: props.to_vec(),
        cues,
        sources: pose.sources.clone(),
    }
}

fn plan_notes(
    k: &Knowledge,
    req: &PlanRequest,
    screening: &Screening,
    goals: &[GoalId],
    holds: (u32, u32),
    hold_level: Level,
    left_out: &[(String, String)],
) -> Vec<String> {
    let mut notes = Vec::new();
    notes.push(format!(
        "Screening: {}. {}",
        screening.decision, screening.summary
    ));
    for c in &screening.cautious_choices {
        notes.push(c.note.clone());
    }
    if hold_level != req.level {
        notes.push(format!(
            "Holds follow the {hold_level} guidance because a condition asks for a modified pose."
        ));
    }
    if let Some(h) = k.level_hold(hold_level) {
        notes.push(format!(
            "Hold per side {}-{} s ({hold_level}): {}",
            h.seconds.min, h.seconds.max, h.text
        ));
    }
    notes.push(format!(
        "Breaths are counted at {SECONDS_PER_BREATH} s each (12 a minute); keep breathing through every hold, never hold the breath in the fold (A)."
    ));
    if let Some(side) = req.tighter_side {
        let (long, short) = if side == Side::Left {
            holds
        } else {
            (holds.1, holds.0)
        };
        notes.push(format!(
            "Your tighter side ({side} leg extended) gets the longer hold: {long} s against {short} s."
        ));
    } else if goals.contains(&GoalId::HamstringImbalance) {
        notes.push(
            "Name your tighter side (the one that folds less) so it gets the longer hold.".into(),
        );
    }
    let signs: Vec<&str> = k
        .warning_signs
        .iter()
        .filter(|w| w.sources.contains(&Source::A) && w.id != "listen-to-body")
        .map(|w| w.id.as_str())
        .collect();
    notes.push(format!(
        "Stop or adapt at once on any warning sign ({}); see `janu pose contraindications`.",
        signs.join(", ").replace('-', " ")
    ));
    for g in goals {
        if let Some(t) = k.therapy(*g) {
            notes.push(format!("Goal {}: {}", t.name.to_lowercase(), t.plan_note));
        }
    }
    for (name, tag) in left_out {
        notes.push(format!(
            "Left out: {name} ({tag}), because of your conditions or goals."
        ));
    }
    notes
}

impl Plan {
    /// Read a plan back from the JSON that `janu plan --json` writes, and check it.
    ///
    /// # Errors
    ///
    /// [`PoseError::InvalidPlan`] when the text is not such JSON or the plan does not
    /// hold together (see [`Plan::check`]).
    pub fn from_json(text: &str) -> Result<Self, PoseError> {
        let plan: Plan = serde_json::from_str(text)
            .map_err(|e| PoseError::InvalidPlan(format!("not a Janu plan in JSON: {e}")))?;
        plan.check()?;
        Ok(plan)
    }

    /// Check that the plan holds together: steps present, times consistent, cues
    /// inside their steps, every Janusirsasana step names its extended leg.
    ///
    /// # Errors
    ///
    /// [`PoseError::InvalidPlan`] naming the first problem.
    pub fn check(&self) -> Result<(), PoseError> {
        let bad = |m: String| Err(PoseError::InvalidPlan(m));
        if self.steps.is_empty() {
            return bad("it has no steps".into());
        }
        let sum: u32 = self.steps.iter().map(|s| s.seconds).sum();
        if sum != self.total_seconds {
            return bad(format!(
                "total_seconds is {} but the steps add up to {sum}",
                self.total_seconds
            ));
        }
        for s in &self.steps {
            let at = format!("step {} ({})", s.index, s.pose);
            if s.seconds == 0 {
                return bad(format!("{at} lasts 0 seconds"));
            }
            if s.hold_start + s.hold_seconds > s.seconds {
                return bad(format!("{at}: the hold runs past the end of the step"));
            }
            if s.pose == MAIN_POSE && s.extended_leg.is_none() {
                return bad(format!("{at}: Janusirsasana without extended_leg"));
            }
            if let Some(c) = s.cues.iter().find(|c| c.at >= s.seconds) {
                return bad(format!("{at}: cue at {} s is past the step's end", c.at));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_favour_the_tighter_side() {
        let r = Seconds {
            min: 20,
            base: 30,
            max: 60,
        };
        assert_eq!(side_holds(30, r, None), (30, 30));
        assert_eq!(side_holds(30, r, Some(Side::Left)), (45, 30));
        assert_eq!(side_holds(60, r, Some(Side::Right)), (50, 60));
    }

    #[test]
    fn json_round_trip_and_check() {
        let p = plan(&PlanRequest::new(Level::Intermediate, 20)).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(Plan::from_json(&json).unwrap(), p);
        let mut broken = p.clone();
        broken.total_seconds += 1;
        assert!(matches!(broken.check(), Err(PoseError::InvalidPlan(_))));
        assert!(Plan::from_json("{}").is_err());
    }
}
