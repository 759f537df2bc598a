//! Stable segments of a video: per-frame calls smoothed over a short window, runs
//! shorter than [`MIN_SEGMENT_S`] merged into their neighbours, and frames whose
//! bent leg was hidden joined to the Janusirsasana around them.

use janu_body::Side;

use crate::pose_name::PoseName;
use crate::recognize::Recognition;

/// Half-width of the majority-vote window over per-frame calls, seconds: a
/// tenth of a typical 8 s transition, long enough to silence single-frame flips.
pub const SMOOTH_HALF_WINDOW_S: f64 = 0.4;
/// A run of one call shorter than this is merged into its neighbours: a practice
/// holds no pose for under 3 s, so shorter runs are moves between poses (a knee
/// drawn up on the way into Janusirsasana looks like a seated twist for a moment).
pub const MIN_SEGMENT_S: f64 = 3.0;
/// Share of ambiguous frames (a leg or shin hidden) in a run at or above which
/// the run may be joined to the neighbouring run that explains it.
pub const HIDDEN_SHARE_TO_JOIN: f64 = 0.6;
/// Share of a run's frames that must be compatible with the neighbour's label.
pub const JOIN_COMPATIBLE_SHARE: f64 = 0.8;
/// Votes of frames below this confidence still count a little, never nothing.
pub const MIN_VOTE_WEIGHT: f32 = 0.1;

/// A label: pose and extended leg.
pub type Label = (PoseName, Option<Side>);

/// A run of frames with one label, by frame index (end exclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The label.
    pub label: Label,
    /// First frame.
    pub start: usize,
    /// One past the last frame.
    pub end: usize,
}

/// Segment frames given their times and calls. `times` and `calls` have the same
/// length; times never go back.
pub fn segment(times: &[f64], calls: &[Recognition]) -> Vec<Run> {
    if times.is_empty() {
        return Vec::new();
    }
    let smoothed = smooth(times, calls);
    let mut runs = rle(&smoothed);
    join_hidden(&mut runs, calls);
    merge_short(&mut runs, times);
    join_hidden(&mut runs, calls);
    runs
}

fn label_of(c: &Recognition) -> Label {
    (c.name, c.extended_leg)
}

fn smooth(times: &[f64], calls: &[Recognition]) -> Vec<Label> {
    let n = times.len();
    let mut out = Vec::with_capacity(n);
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut votes: Vec<(Label, f32)> = Vec::new();
    for i in 0..n {
        while times[i] - times[lo] > SMOOTH_HALF_WINDOW_S {
            lo += 1;
        }
        while hi < n && times[hi] - times[i] <= SMOOTH_HALF_WINDOW_S {
            hi += 1;
        }
        votes.clear();
        for c in &calls[lo..hi] {
            let l = label_of(c);
            let w = c.confidence.max(MIN_VOTE_WEIGHT);
            match votes.iter_mut().find(|(k, _)| *k == l) {
                Some((_, v)) => *v += w,
                None => votes.push((l, w)),
            }
        }
        // Ties go to the frame's own call, then to the fixed label order.
        let own = label_of(&calls[i]);
        let best = votes
            .iter()
            .max_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then_with(|| (a.0 == own).cmp(&(b.0 == own)))
                    .then_with(|| b.0.cmp(&a.0))
            })
            .map_or(own, |(l, _)| *l);
        out.push(best);
    }
    out
}

fn rle(labels: &[Label]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if r.label == *l => r.end = i + 1,
            _ => runs.push(Run {
                label: *l,
                start: i,
                end: i + 1,
            }),
        }
    }
    runs
}

fn coalesce(runs: &mut Vec<Run>) {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for r in runs.drain(..) {
        match out.last_mut() {
            Some(last) if last.label == r.label => last.end = r.end,
            _ => out.push(r),
        }
    }
    *runs = out;
}

/// Whether a frame's call could be the `label` it sits next to: the same call,
/// or an ambiguous one that the label explains (a hidden leg that may be the bent
/// leg of Janusirsasana, or legs too hidden to tell a seated pose).
fn compatible(c: &Recognition, label: Label) -> bool {
    if (c.name, c.extended_leg) == label {
        return true;
    }
    if !c.ambiguous {
        return false;
    }
    if let Some(h) = c.hidden_leg {
        return label == (PoseName::Janusirsasana, Some(h.other()))
            || (matches!(c.name, PoseName::Paschimottanasana | PoseName::Dandasana)
                && label.0 == c.name);
    }
    match c.name {
        PoseName::Other => !matches!(label.0, PoseName::Other | PoseName::Nobody),
        // A partly hidden call keeps its pose, but may take the neighbour's side.
        name => name == label.0,
    }
}

/// Runs made mostly of ambiguous frames that the neighbouring run explains are
/// joined to it (the longer neighbour first).
fn join_hidden(runs: &mut Vec<Run>, calls: &[Recognition]) {
    loop {
        let mut changed = false;
        for i in 0..runs.len() {
            let r = &runs[i];
            let frames = &calls[r.start..r.end];
            let len = frames.len() as f64;
            let ambiguous = frames.iter().filter(|c| c.ambiguous).count() as f64;
            if ambiguous / len < HIDDEN_SHARE_TO_JOIN {
                continue;
            }
            let mut neighbours: Vec<usize> = Vec::new();
            if i > 0 {
                neighbours.push(i - 1);
            }
            if i + 1 < runs.len() {
                neighbours.push(i + 1);
            }
            neighbours.sort_by_key(|n| std::cmp::Reverse(runs[*n].end - runs[*n].start));
            let target = neighbours.into_iter().find(|n| {
                let label = runs[*n].label;
                let ok = frames.iter().filter(|c| compatible(c, label)).count() as f64;
                label != r.label && ok / len >= JOIN_COMPATIBLE_SHARE
            });
            if let Some(n) = target {
                runs[i].label = runs[n].label;
                changed = true;
            }
        }
        coalesce(runs);
        if !changed {
            return;
        }
    }
}

fn duration(times: &[f64], r: &Run) -> f64 {
    // A run covers its frames up to the next frame's time (or its own last frame).
    let end_t = times.get(r.end).copied().unwrap_or(times[r.end - 1]);
    end_t - times[r.start]
}

fn merge_short(runs: &mut Vec<Run>, times: &[f64]) {
    loop {
        if runs.len() <= 1 {
            return;
        }
        let shortest = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| duration(times, r) < MIN_SEGMENT_S)
            .min_by(|a, b| duration(times, a.1).total_cmp(&duration(times, b.1)))
            .map(|(i, _)| i);
        let Some(i) = shortest else { return };
        let prev = i.checked_sub(1);
        let next = (i + 1 < runs.len()).then_some(i + 1);
        let into = match (prev, next) {
            (Some(p), Some(n)) => {
                if runs[p].label == runs[n].label
                    || duration(times, &runs[p]) >= duration(times, &runs[n])
                {
                    p
                } else {
                    n
                }
            }
            (Some(p), None) => p,
            (None, Some(n)) => n,
            (None, None) => return,
        };
        runs[i].label = runs[into].label;
        coalesce(runs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: PoseName, side: Option<Side>) -> Recognition {
        Recognition {
            name,
            extended_leg: side,
            side_confidence: side.map(|_| 1.0),
            confidence: 0.8,
            runner_up: None,
            hidden_leg: None,
            ambiguous: false,
            reasons: Vec::new(),
            unsure: None,
        }
    }

    #[test]
    fn flickers_are_smoothed_and_short_runs_merged() {
        let times: Vec<f64> = (0..100).map(|i| f64::from(i) / 10.0).collect();
        let mut calls: Vec<Recognition> = (0..100)
            .map(|i| {
                if i < 50 {
                    call(PoseName::Dandasana, None)
                } else {
                    call(PoseName::Janusirsasana, Some(Side::Left))
                }
            })
            .collect();
        calls[20] = call(PoseName::Other, None);
        calls[70] = call(PoseName::Janusirsasana, Some(Side::Right));
        calls[71] = call(PoseName::Janusirsasana, Some(Side::Right));
        let runs = segment(&times, &calls);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].label, (PoseName::Dandasana, None));
        assert_eq!(runs[1].start, 50);
    }

    #[test]
    fn hidden_leg_runs_join_janusirsasana() {
        let times: Vec<f64> = (0..60).map(|i| f64::from(i) / 10.0).collect();
        let calls: Vec<Recognition> = (0..60)
            .map(|i| {
                if i < 30 {
                    call(PoseName::Janusirsasana, Some(Side::Right))
                } else {
                    let mut c = call(PoseName::Paschimottanasana, None);
                    c.hidden_leg = Some(Side::Left);
                    c.ambiguous = true;
                    c
                }
            })
            .collect();
        let runs = segment(&times, &calls);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].label, (PoseName::Janusirsasana, Some(Side::Right)));
    }
}
