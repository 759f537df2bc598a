//! Corrections, props, variations and hold guidance from the pose knowledge
//! (`janu-pose`), attached to findings and to the level by id.

use janu_pose::{Knowledge, Level as PoseLevel, MistakeId};

use crate::findings::{FindingKind, HoldGuidance, RawFinding};
use crate::level::Level;
use crate::report::{Advice, Finding, PropAdvice};

/// The knowledge's mistake id of a finding, for the six mistakes of the references.
pub fn mistake_id(kind: FindingKind) -> Option<MistakeId> {
    kind.mistake()
}

/// The modifications (knowledge ids) that answer each finding: the one whose
/// "when" describes what the finding saw.
pub fn modifications_for(kind: FindingKind) -> &'static [&'static str] {
    match kind {
        FindingKind::CollapsedSpine => &["blanket-under-hips", "wall-support"],
        FindingKind::ForcingHeadToKnee => &["head-support", "shallow-fold"],
        FindingKind::UnevenPelvis => &["blanket-under-hips"],
        FindingKind::LockedKnee => &["bend-extended-knee", "support-back-of-knee"],
        FindingKind::PullingFoot => &["strap-or-palms"],
        FindingKind::ForcedRotation => &["support-bent-hip"],
        FindingKind::FootPlacement => &["support-bent-hip"],
        FindingKind::FootRollingOut => &[],
        FindingKind::BreathHolding => &["lift-for-breath"],
        FindingKind::HoldOutsideGuidance => &["shallow-fold"],
    }
}

/// Breath-guidance facts (knowledge ids) used as corrections.
fn guidance_for(kind: FindingKind) -> &'static [&'static str] {
    match kind {
        FindingKind::BreathHolding => &["no-retention", "slow-continuous"],
        FindingKind::HoldOutsideGuidance => &["long-hold-even-breath"],
        _ => &[],
    }
}

/// Words that find the technique step teaching what a finding is about (the
/// steps have no ids of their own): foot to the inner thigh, toes up.
fn step_words(kind: FindingKind) -> Option<[&'static str; 2]> {
    match kind {
        FindingKind::FootPlacement => Some(["sole", "inner"]),
        FindingKind::FootRollingOut => Some(["toes", "up"]),
        _ => None,
    }
}

fn push_unique(list: &mut Vec<Advice>, id: String, text: String) {
    if !list.iter().any(|a| a.id == id) {
        list.push(Advice { id, text });
    }
}

/// Attach corrections and props to a raw finding.
pub fn attach(k: &Knowledge, raw: RawFinding) -> Finding {
    let mut corrections: Vec<Advice> = Vec::new();
    let mut props: Vec<PropAdvice> = Vec::new();
    let mut add_prop = |id: &str, text: Option<&str>| {
        if props.iter().any(|p| p.id == id) {
            return;
        }
        if let Some(p) = k.props.iter().find(|p| p.id == id) {
            props.push(PropAdvice {
                id: p.id.clone(),
                name: p.name.clone(),
                text: text.unwrap_or(&p.text).to_string(),
            });
        }
    };
    if let Some(m) = mistake_id(raw.kind).and_then(|id| k.mistakes.iter().find(|m| m.id == id)) {
        for cid in &m.corrections {
            if let Some(c) = k.corrections.iter().find(|c| c.id == *cid) {
                push_unique(&mut corrections, c.id.clone(), c.text.clone());
            }
        }
        for pid in &m.props {
            // Say how the prop helps with this mistake when a modification says so.
            let how = modifications_for(raw.kind)
                .iter()
                .filter_map(|id| k.modifications.iter().find(|m| m.id == *id))
                .find(|m| m.props.contains(pid))
                .map(|m| m.what.as_str());
            add_prop(pid, how);
        }
    }
    if let Some([a, b]) = step_words(raw.kind) {
        for t in &k.techniques {
            for (i, s) in t.steps.iter().enumerate() {
                let lower = s.text.to_lowercase();
                if lower.contains(a) && lower.contains(b) {
                    push_unique(
                        &mut corrections,
                        format!("{}#{}", t.id, i + 1),
                        s.text.clone(),
                    );
                }
            }
        }
    }
    for gid in guidance_for(raw.kind) {
        if let Some(g) = k.breath.guidance.iter().find(|g| g.id == *gid) {
            push_unique(&mut corrections, g.id.clone(), g.text.clone());
        }
    }
    for mid in modifications_for(raw.kind) {
        if let Some(m) = k.modifications.iter().find(|m| m.id == *mid) {
            if m.props.is_empty() {
                push_unique(&mut corrections, m.id.clone(), m.what.clone());
            }
            for pid in &m.props {
                add_prop(pid, Some(&m.what));
            }
        }
    }
    Finding {
        id: raw.kind.id().to_string(),
        title: raw.kind.title().to_string(),
        side: raw.side,
        severity: raw.severity,
        certainty: raw.certainty,
        message: raw.message,
        evidence: raw.evidence,
        corrections,
        props,
    }
}

fn pose_level(l: Level) -> PoseLevel {
    match l {
        Level::Beginner => PoseLevel::Beginner,
        Level::Intermediate => PoseLevel::Intermediate,
        Level::Advanced => PoseLevel::Advanced,
    }
}

/// Janu's hold per side for a level, seconds `[min, max]`.
pub fn hold_guidance(k: &Knowledge, level: Level) -> Option<HoldGuidance> {
    let want = pose_level(level);
    k.breath
        .level_holds
        .iter()
        .find(|h| h.level == want)
        .map(|h| [h.seconds.min, h.seconds.max])
}

/// The variation to try next: the first one of the next level up; at the top
/// level, the first advanced variation the session did not already show (a bind
/// when the hands did not reach beyond the foot, else the revolved form).
pub fn next_variation(k: &Knowledge, level: Level, binds: bool) -> Option<Advice> {
    let target = match level {
        Level::Beginner => PoseLevel::Intermediate,
        Level::Intermediate | Level::Advanced => PoseLevel::Advanced,
    };
    let mut candidates = k.variations.iter().filter(|v| v.level == target);
    let v = if level == Level::Advanced && binds {
        candidates.nth(1)
    } else {
        candidates.next()
    }?;
    Some(Advice {
        id: v.id.clone(),
        text: format!("{}: {}", v.name, v.text),
    })
}
