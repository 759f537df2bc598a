//! Findings: the six common mistakes of the references, and what a teacher would
//! also flag, each with its evidence (metric, value, threshold, time range), a
//! severity, and how sure Janu is.
//!
//! A mistake is reported when the median of its metric over the hold (or the
//! whole attempt, when there was no hold) is past its threshold; its time range is
//! the longest stretch of frames past the threshold. Certainty grows with the
//! share of frames where the metric was visible and with the distance past the
//! threshold, and is capped for mistakes that landmarks show only indirectly.

use janu_body::Side;
use janu_pose::MistakeId;

use crate::breath::Breath;
use crate::metrics::{FootPlacement, FrameMetrics, HandReach};
use crate::report::{Evidence, Severity};
use crate::rules::{MistakeRule, RULES, Test};
use crate::series::{median, runs_where};

/// Torso chord shorter than upright by this share means the spine, not the hips,
/// is doing the folding (rounding shortens the shoulder-to-hip chord; a hinge
/// keeps it).
pub const COLLAPSE_SHORTENING: f32 = 0.10;
/// ... while the trunk-to-thigh angle stays at or above this: the hips hardly
/// hinged (a good hinge brings the trunk within 45 degrees of the thigh).
pub const COLLAPSE_MIN_FOLD_DEG: f32 = 45.0;
/// Extra neck flexion (degrees over upright) that shows the head being pushed
/// towards the knee; a softened neck in a fold adds 10-25.
pub const FORCING_HEAD_DROP_DEG: f32 = 30.0;
/// ... together with at least this torso shortening (the low back rounds).
pub const FORCING_MIN_SHORTENING: f32 = 0.06;
/// Pelvis turned this far from square to the straight leg (degrees) is an uneven
/// twist (references: square the pelvis before deepening). A square pelvis
/// measures within 3 degrees on clean generated sessions and landmark jitter
/// adds a few more on real video; the twist planted by the generator is 15.
pub const UNEVEN_PELVIS_DEG: f32 = 10.0;
/// Extended knee past straight by this much (degrees, as negative flexion) is
/// locked: clinical knee hyperextension starts at about 5 degrees.
pub const LOCKED_KNEE_DEG: f32 = -5.0;
/// The same from one photo. One frame of world landmarks carries the pose
/// model's depth error, which no hold median averages out: of the 60 shared
/// real photos of straight legs (Paschimottanasana and Dandasana, full
/// model), 16 measure between -5 and -20 degrees (27 %), 2 under -15 (3 %).
pub const PHOTO_LOCKED_KNEE_DEG: f32 = -15.0;
/// Shoulders lifted this share of the upright ear-to-shoulder gap show strain in
/// the shoulders (references: relax the shoulders, use a strap). A relaxed fold
/// keeps the gap (-0.04 to 0.05 on clean generated sessions); a 6 cm shrug takes
/// about a fifth of it.
pub const PULLING_SHOULDER_ELEVATION: f32 = 0.1;
/// Thighs this far apart (degrees) show the bent knee pushed back behind the
/// line of the hips: the bent leg's external rotation is being forced. The
/// references ask to let the knee open towards the floor, only as far as it
/// wants. Real practitioners open it wide: on the five shared photos of the
/// pose where the bent thigh is measured (full model) the thighs are 50, 64,
/// 86, 89 and 105 degrees apart, the widest an Ashtanga Janu A that sets the
/// knee out square by design; 85 degrees called two of them forced. 115 leaves
/// the widest real one 10 degrees of landmark error. Generated sessions open
/// 70 clean and about 130 forced.
pub const FORCED_ROTATION_THIGH_DEG: f32 = 115.0;
/// Extended foot rolled out this far from toes-up (degrees): the foot is not
/// active (references: ankle active, toes pointing up).
pub const FOOT_ROLL_OUT_DEG: f32 = 25.0;
/// Share of the window's visible frames that must show a foot-placement problem.
pub const PERSIST_SHARE: f32 = 0.5;
/// A hold shorter than this share of the level's minimum, or longer than
/// [`HOLD_FAR_LONG_FACTOR`] times its maximum, is far outside the guidance.
pub const HOLD_FAR_SHORT_FACTOR: f64 = 0.5;
/// See [`HOLD_FAR_SHORT_FACTOR`].
pub const HOLD_FAR_LONG_FACTOR: f64 = 2.0;
/// A breath held longer than this (seconds) while folded is serious.
pub const BREATH_HOLD_HIGH_S: f64 = 15.0;

/// Certainty caps: how well landmarks can show each mistake at all.
pub mod caps {
    /// Spine shape is read from a shoulder-to-hip chord only.
    pub const COLLAPSED_SPINE: f32 = 0.8;
    /// Head drop and rounding are read from two chords.
    pub const FORCING_HEAD: f32 = 0.75;
    /// Pelvis turn needs depth; hip landmarks sit inside the body.
    pub const UNEVEN_PELVIS: f32 = 0.7;
    /// A few degrees of hyperextension is near landmark precision.
    pub const LOCKED_KNEE: f32 = 0.6;
    /// Pulling is inferred from shoulder lift and reach, not from force.
    pub const PULLING_FOOT: f32 = 0.6;
    /// Rotation of the thigh bone is not seen, only the knee's opening.
    pub const FORCED_ROTATION: f32 = 0.45;
    /// Ankle position against the thigh is seen directly.
    pub const FOOT_PLACEMENT: f32 = 0.85;
    /// Foot roll needs depth and the toe landmark.
    pub const FOOT_ROLL: f32 = 0.65;
    /// Breath is inferred from small torso motion.
    pub const BREATH: f32 = 0.7;
    /// Hold time is measured directly.
    pub const HOLD: f32 = 0.9;
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// Collapsing the spine instead of hinging at the hips.
    CollapsedSpine,
    /// Rounding the low back and forcing the head to the knee.
    ForcingHeadToKnee,
    /// The pelvis twisting unevenly.
    UnevenPelvis,
    /// Locking the extended knee.
    LockedKnee,
    /// Pulling on the foot and straining the shoulders.
    PullingFoot,
    /// Forcing the bent leg's external rotation.
    ForcedRotation,
    /// The bent foot not against the inner thigh.
    FootPlacement,
    /// The extended foot rolling out.
    FootRollingOut,
    /// Holding the breath while folded.
    BreathHolding,
    /// A hold far outside the guidance.
    HoldOutsideGuidance,
}

impl FindingKind {
    /// The knowledge's mistake, for the six mistakes of the references.
    pub const fn mistake(self) -> Option<MistakeId> {
        Some(match self {
            Self::CollapsedSpine => MistakeId::CollapsedSpine,
            Self::ForcingHeadToKnee => MistakeId::ForcingHeadToKnee,
            Self::UnevenPelvis => MistakeId::UnevenPelvis,
            Self::LockedKnee => MistakeId::LockedKnee,
            Self::PullingFoot => MistakeId::PullingFoot,
            Self::ForcedRotation => MistakeId::ForcedRotation,
            Self::FootPlacement
            | Self::FootRollingOut
            | Self::BreathHolding
            | Self::HoldOutsideGuidance => return None,
        })
    }

    /// Stable id (the six mistakes use the knowledge's mistake ids).
    pub const fn id(self) -> &'static str {
        match (self.mistake(), self) {
            (Some(m), _) => m.as_str(),
            (None, Self::FootPlacement) => "foot-placement",
            (None, Self::FootRollingOut) => "foot-rolling-out",
            (None, Self::BreathHolding) => "breath-holding",
            // Hold time is the only kind left without a mistake id.
            (None, _) => "hold-outside-guidance",
        }
    }

    /// Short title.
    pub const fn title(self) -> &'static str {
        match self {
            Self::CollapsedSpine => "Spine collapsing instead of hinging at the hips",
            Self::ForcingHeadToKnee => "Low back rounding to force the head down",
            Self::UnevenPelvis => "Pelvis twisting unevenly",
            Self::LockedKnee => "Extended knee locked",
            Self::PullingFoot => "Pulling on the foot, shoulders straining",
            Self::ForcedRotation => "Bent leg's outward rotation forced",
            Self::FootPlacement => "Bent foot not at the inner thigh",
            Self::FootRollingOut => "Extended foot rolling out",
            Self::BreathHolding => "Holding the breath in the fold",
            Self::HoldOutsideGuidance => "Hold far outside the guidance",
        }
    }

    /// Every kind, in report order (the six mistakes first).
    pub const ALL: [FindingKind; 10] = [
        Self::CollapsedSpine,
        Self::ForcingHeadToKnee,
        Self::UnevenPelvis,
        Self::LockedKnee,
        Self::PullingFoot,
        Self::ForcedRotation,
        Self::FootPlacement,
        Self::FootRollingOut,
        Self::BreathHolding,
        Self::HoldOutsideGuidance,
    ];
}

/// A finding before the knowledge's advice is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    /// What.
    pub kind: FindingKind,
    /// Which attempt's extended leg.
    pub side: Option<Side>,
    /// How bad.
    pub severity: Severity,
    /// How sure, 0..1.
    pub certainty: f32,
    /// In plain words.
    pub message: String,
    /// The measurements.
    pub evidence: Vec<Evidence>,
}

/// One Janusirsasana attempt, as the findings see it.
pub struct Attempt<'a> {
    /// Extended leg.
    pub side: Side,
    /// Frame times.
    pub times: &'a [f64],
    /// Frame metrics (same length).
    pub metrics: &'a [FrameMetrics],
    /// Frame range of the hold, if any.
    pub hold: Option<(usize, usize)>,
    /// Hold length, seconds (`None` for a photo).
    pub hold_s: Option<f64>,
    /// Breathing during the hold.
    pub breath: Option<&'a Breath>,
    /// True when the rounding baseline was measured on upright frames.
    pub baseline_measured: bool,
}

/// A measured metric over a window.
struct Window {
    value: f32,
    visible_share: f32,
    start_s: f64,
    end_s: f64,
}

impl Attempt<'_> {
    fn window(&self) -> (usize, usize) {
        self.hold.unwrap_or((0, self.metrics.len()))
    }

    /// Whether the hands are at the foot (or beyond) in at least half the
    /// window's frames.
    fn hands_at_foot(&self) -> bool {
        let (a, b) = self.window();
        let reach = self.metrics[a..b]
            .iter()
            .filter_map(|m| m.hand_reach)
            .filter(|r| *r >= HandReach::Ankle)
            .count();
        reach * 2 >= (b - a).max(1)
    }

    /// Median of `get` over the window and the longest stretch where `bad` holds.
    fn check(
        &self,
        get: impl Fn(&FrameMetrics) -> Option<f32>,
        bad: impl Fn(f32) -> bool,
    ) -> Option<Window> {
        let (a, b) = self.window();
        let vals: Vec<Option<f32>> = self.metrics[a..b].iter().map(&get).collect();
        let n = vals.len().max(1);
        let visible = vals.iter().flatten().count();
        let value = median(vals.iter().copied())?;
        if !bad(value) {
            return None;
        }
        let mask: Vec<bool> = vals.iter().map(|v| v.is_some_and(&bad)).collect();
        let gap = (self.times.len() / 100).max(2);
        let (s, e) = runs_where(&mask, gap)
            .into_iter()
            .max_by_key(|(s, e)| e - s)
            .unwrap_or((0, vals.len()));
        Some(Window {
            value,
            visible_share: visible as f32 / n as f32,
            start_s: self.times[a + s],
            end_s: self.times[a + e.max(s + 1) - 1],
        })
    }
}

/// Evidence of one rule test over a window.
fn evidence(test: &Test, limit: f32, w: &Window) -> Evidence {
    Evidence {
        metric: test.metric.name().to_string(),
        value: f64::from(test.shown(w.value)),
        threshold: f64::from(limit),
        direction: test.direction().to_string(),
        unit: test.metric.unit().to_string(),
        start_s: w.start_s,
        end_s: w.end_s,
    }
}

/// Certainty from visibility and margin past the threshold (`excess / scale`).
fn certainty(visible_share: f32, excess: f32, scale: f32, cap: f32) -> f32 {
    let margin = (excess / scale.max(f32::EPSILON)).clamp(0.0, 1.0);
    (visible_share * (0.5 + 0.5 * margin)).min(cap)
}

/// Hold guidance for the findings: seconds `[min, max]` per side.
pub type HoldGuidance = [u32; 2];

/// A finding's fields, as `find` collects them.
type Push<'p> = dyn FnMut(FindingKind, Severity, f32, String, Vec<Evidence>) + 'p;

/// Judge one mistake rule over the attempt's window.
fn judge(att: &Attempt<'_>, rule: &MistakeRule, push: &mut Push<'_>) {
    let one_frame = att.times.len() == 1;
    let Some(first_limit) = rule.limit(one_frame) else {
        return;
    };
    let limits: Vec<f32> = std::iter::once(first_limit)
        .chain(rule.tests[1..].iter().map(|t| t.limit))
        .collect();
    let mut windows = Vec::with_capacity(rule.tests.len());
    for (test, limit) in rule.tests.iter().zip(&limits) {
        let Some(w) = att.check(|m| test.metric.read(m), |v| test.faulty_at(v, *limit)) else {
            return;
        };
        windows.push(w);
    }
    if rule.report_needs_hands_at_foot && !att.hands_at_foot() {
        return;
    }
    let main = &rule.tests[0];
    let excess = main.excess_at(windows[0].value, first_limit);
    let visible = windows
        .iter()
        .map(|w| w.visible_share)
        .reduce(f32::min)
        .unwrap_or(0.0);
    let base_cap = if !rule.needs_baseline || att.baseline_measured {
        1.0
    } else {
        0.6
    };
    let values: Vec<f32> = windows.iter().map(|w| w.value).collect();
    push(
        rule.kind,
        rule.severity(excess),
        certainty(
            visible,
            excess,
            rule.certainty_scale,
            rule.certainty_cap * base_cap,
        ),
        message(rule.kind, &values),
        rule.tests
            .iter()
            .zip(&limits)
            .zip(&windows)
            .map(|((t, l), w)| evidence(t, *l, w))
            .collect(),
    );
}

/// What a rule's finding says, from the medians of its tests (in the rule's
/// order; a turn keeps its sign).
fn message(kind: FindingKind, v: &[f32]) -> String {
    let first = v.first().copied().unwrap_or(0.0);
    let second = v.get(1).copied().unwrap_or(0.0);
    match kind {
        FindingKind::CollapsedSpine => format!(
            "Your torso is {:.0}% shorter than sitting tall while your trunk stays {:.0}° from the thigh: the back rounds instead of the hips folding.",
            first * 100.0,
            second
        ),
        FindingKind::ForcingHeadToKnee => format!(
            "Your head drops {:.0}° more than when sitting tall and your back rounds ({:.0}% shorter): the head is being pushed to the knee.",
            first,
            second * 100.0
        ),
        FindingKind::UnevenPelvis => {
            let how = if first >= 0.0 {
                "the bent-leg hip comes forward"
            } else {
                "the bent-leg hip draws back"
            };
            format!(
                "Your pelvis is turned {:.0}° from square to the straight leg ({how}).",
                first.abs()
            )
        }
        FindingKind::LockedKnee => format!(
            "Your straight knee is pressed {:.0}° past straight (hyperextended).",
            -first
        ),
        FindingKind::PullingFoot => format!(
            "Your hands hold the foot while your shoulders lift towards your ears ({:.0}% of the neck's length lost).",
            first * 100.0
        ),
        FindingKind::ForcedRotation => format!(
            "Your bent knee is pushed {first:.0}° away from the straight leg, behind the line of the hips."
        ),
        FindingKind::FootRollingOut => format!(
            "Your extended foot rolls {first:.0}° outwards instead of pointing the toes up."
        ),
        FindingKind::FootPlacement
        | FindingKind::BreathHolding
        | FindingKind::HoldOutsideGuidance => kind.title().to_string(),
    }
}

/// Find everything in one attempt.
pub fn find(att: &Attempt<'_>, guidance: Option<HoldGuidance>) -> Vec<RawFinding> {
    let mut out = Vec::new();
    let side = Some(att.side);
    let mut push = |kind, severity, certainty: f32, message: String, evidence| {
        out.push(RawFinding {
            kind,
            side,
            severity,
            certainty: (certainty * 100.0).round() / 100.0,
            message,
            evidence,
        });
    };

    // The mistakes read from the body's shape, each by its rule.
    for rule in &RULES {
        judge(att, rule, &mut push);
    }
    // Foot placement.
    foot_placement(att, &mut push);
    // Holding the breath.
    if let Some(b) = att.breath
        && let Some(longest) = b
            .holding
            .iter()
            .max_by(|x, y| (x.end_s - x.start_s).total_cmp(&(y.end_s - y.start_s)))
    {
        let dur = longest.end_s - longest.start_s;
        let total: f64 = b.holding.iter().map(|r| r.end_s - r.start_s).sum();
        push(
            FindingKind::BreathHolding,
            if dur >= BREATH_HOLD_HIGH_S {
                Severity::High
            } else {
                Severity::Medium
            },
            (b.periodicity + 0.3).min(caps::BREATH),
            match b.holding.len() {
                1 => format!("Your breathing stopped for {dur:.0} s while folded."),
                n => format!(
                    "Your breathing stopped {} while folded, {total:.0} s in all; the longest pause was {dur:.0} s.",
                    if n == 2 {
                        "twice".to_string()
                    } else {
                        format!("{n} times")
                    }
                ),
            },
            b.holding
                .iter()
                .map(|r| Evidence {
                    metric: "breath_pause_s".into(),
                    value: r.end_s - r.start_s,
                    threshold: crate::breath::HOLDING_MIN_S,
                    direction: "above".into(),
                    unit: "s".into(),
                    start_s: r.start_s,
                    end_s: r.end_s,
                })
                .collect(),
        );
    }
    // Hold far outside the guidance.
    if let (Some(hold), Some([lo, hi]), Some((a, b))) = (att.hold_s, guidance, att.hold) {
        let (lo, hi) = (f64::from(lo), f64::from(hi));
        let (short, long) = (
            hold < HOLD_FAR_SHORT_FACTOR * lo,
            hold > HOLD_FAR_LONG_FACTOR * hi,
        );
        if short || long {
            let (threshold, dir, sev, msg) = if short {
                (
                    HOLD_FAR_SHORT_FACTOR * lo,
                    false,
                    Severity::Low,
                    format!(
                        "You held the fold {hold:.0} s; {lo:.0}-{hi:.0} s lets the stretch settle."
                    ),
                )
            } else {
                (
                    HOLD_FAR_LONG_FACTOR * hi,
                    true,
                    Severity::Medium,
                    format!(
                        "You held the fold {hold:.0} s, far beyond the {lo:.0}-{hi:.0} s suggested for your level."
                    ),
                )
            };
            push(
                FindingKind::HoldOutsideGuidance,
                sev,
                caps::HOLD,
                msg,
                vec![Evidence {
                    metric: "hold_s".into(),
                    value: hold,
                    threshold,
                    direction: if dir { "above" } else { "below" }.into(),
                    unit: "s".into(),
                    start_s: att.times[a],
                    end_s: att.times[b - 1],
                }],
            );
        }
    }
    out
}

fn foot_placement(att: &Attempt<'_>, push: &mut Push<'_>) {
    let (a, b) = att.window();
    let seen: Vec<(usize, FootPlacement)> = (a..b)
        .filter_map(|i| att.metrics[i].bent_foot.map(|p| (i, p)))
        .collect();
    if seen.is_empty() {
        return;
    }
    let n = (b - a).max(1) as f32;
    let mut counts = [0usize; 4];
    for (_, p) in &seen {
        counts[*p as usize] += 1;
    }
    let (worst, count) = [
        FootPlacement::AtKnee,
        FootPlacement::Calf,
        FootPlacement::Away,
    ]
    .into_iter()
    .map(|p| (p, counts[p as usize]))
    .max_by_key(|(_, c)| *c)
    .unwrap_or((FootPlacement::Away, 0));
    let share = count as f32 / seen.len() as f32;
    if share < PERSIST_SHARE {
        return;
    }
    let idx: Vec<usize> = seen
        .iter()
        .filter(|(_, p)| *p == worst)
        .map(|(i, _)| *i)
        .collect();
    let along = median(idx.iter().map(|i| att.metrics[*i].bent_foot_along)).unwrap_or(0.0);
    let (sev, words) = match worst {
        FootPlacement::AtKnee => (
            Severity::Medium,
            "presses against the straight leg's knee joint",
        ),
        FootPlacement::Calf => (Severity::Low, "rests against the calf, below the knee"),
        _ => (Severity::Low, "is away from the straight leg"),
    };
    let start_s = att.times[idx[0]];
    let end_s = att.times[idx[idx.len() - 1]];
    push(
        FindingKind::FootPlacement,
        sev,
        (share * (seen.len() as f32 / n)).min(caps::FOOT_PLACEMENT),
        format!("Your bent foot {words}; place its sole against the inner thigh."),
        vec![Evidence {
            metric: "bent_foot_along".into(),
            value: f64::from(along),
            threshold: f64::from(crate::metrics::FOOT_AT_KNEE_FROM),
            direction: "above".into(),
            unit: "fraction".into(),
            start_s,
            end_s,
        }],
    );
}
