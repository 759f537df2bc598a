//! Cross-validation split by picture: every sample of one picture (a photo, a
//! table row, the same Yoga-82 image in two tables) falls in the same fold, so a
//! model is never judged on a picture it was fitted on.

use janu_analysis::PoseName;
use janu_analysis::measures::{MEASURE_NAMES, PlaneMeasures};
use janu_analysis::trees::Boosted;

use crate::boost::{Rows, Settings, fit};
use crate::datasets::{Sample, Truth};

/// The classes the model tells apart, in model order.
pub const CLASSES: [PoseName; 7] = [
    PoseName::Janusirsasana,
    PoseName::ParivrttaJanusirsasana,
    PoseName::Paschimottanasana,
    PoseName::Dandasana,
    PoseName::BaddhaKonasana,
    PoseName::UpavisthaKonasana,
    PoseName::ArdhaMatsyendrasana,
];

/// Folds of the cross-validation.
pub const FOLDS: usize = 5;

/// The fold of a picture: a stable hash of its name (FNV-1a), so the split is
/// the same on every machine and run.
pub fn fold_of(group: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % FOLDS as u64) as usize
}

/// The class index of a truth, if it is one of [`CLASSES`].
pub fn class_of(t: Truth) -> Option<usize> {
    match t {
        Truth::Pose(p) => CLASSES.iter().position(|c| *c == p),
        Truth::Excluded => None,
    }
}

/// A sample's measures, if its frame has a measurable body.
pub fn measures_of(s: &Sample) -> Option<Vec<Option<f32>>> {
    let pose = s.frame.pose.as_ref()?;
    PlaneMeasures::of(pose, s.frame.width, s.frame.height).map(|m| m.values.to_vec())
}

/// Training rows from samples with their weights (samples without a class or
/// without measures are left out).
pub fn rows_of<'a>(samples: impl Iterator<Item = (&'a Sample, f32)>) -> Rows {
    let mut rows = Rows::default();
    for (s, w) in samples {
        let (Some(c), Some(x)) = (class_of(s.truth), measures_of(s)) else {
            continue;
        };
        rows.x.push(x);
        rows.y.push(c);
        rows.w.push(w);
    }
    rows
}

/// Fit on every sample with its weight.
pub fn fit_all(samples: &[Sample], weights: &[f32], settings: Settings) -> Boosted {
    let names: Vec<&str> = CLASSES.iter().map(|c| c.as_str()).collect();
    fit(
        &rows_of(samples.iter().zip(weights.iter().copied())),
        &MEASURE_NAMES,
        &names,
        settings,
    )
}

/// Out-of-fold models: `models[k]` was fitted without fold `k`. A sample is
/// judged by the model of its own fold.
pub fn fold_models(samples: &[Sample], weights: &[f32], settings: Settings) -> Vec<Boosted> {
    (0..FOLDS)
        .map(|k| {
            let train = samples
                .iter()
                .zip(weights.iter().copied())
                .filter(|(s, _)| fold_of(&s.group) != k);
            let names: Vec<&str> = CLASSES.iter().map(|c| c.as_str()).collect();
            fit(&rows_of(train), &MEASURE_NAMES, &names, settings)
        })
        .collect()
}

/// Sample weights: 1 for a real row; generated frames of each class share
/// `synthetic_share` times the weight of that class's real rows, so generated
/// sessions (thousands of frames, most of them Janusirsasana) teach the shapes
/// real rows lack without outweighing real people.
pub fn weights(samples: &[Sample], synthetic_share: f32) -> Vec<f32> {
    let mut real = [0usize; CLASSES.len()];
    let mut generated = [0usize; CLASSES.len()];
    for s in samples {
        if let Some(c) = class_of(s.truth) {
            if s.source == crate::datasets::Source::Synthetic {
                generated[c] += 1;
            } else {
                real[c] += 1;
            }
        }
    }
    samples
        .iter()
        .map(|s| match class_of(s.truth) {
            Some(c) if s.source == crate::datasets::Source::Synthetic => {
                synthetic_share * real[c].max(1) as f32 / generated[c].max(1) as f32
            }
            _ => 1.0,
        })
        .collect()
}

/// How Janu calls a sample with `model`: the shipped decision rule
/// ([`janu_analysis::recognize::recognize_with`]), or nobody when the frame
/// has no person.
pub fn call(model: &Boosted, s: &Sample) -> PoseName {
    janu_analysis::Body::from_frame(&s.frame).map_or(PoseName::Nobody, |b| {
        janu_analysis::recognize::recognize_with(model, &b).name
    })
}

/// Out-of-fold confusion tables per source: each sample called by the model
/// fitted without its fold.
pub fn cross_validated(
    samples: &[Sample],
    weights: &[f32],
    settings: Settings,
) -> std::collections::BTreeMap<crate::datasets::Source, crate::table::Confusion> {
    let models = fold_models(samples, weights, settings);
    let mut tables = std::collections::BTreeMap::new();
    for s in samples {
        let called = call(&models[fold_of(&s.group)], s);
        tables
            .entry(s.source)
            .or_insert_with(crate::table::Confusion::new)
            .add(s.truth, called);
    }
    tables
}

/// The out-of-fold probability of Janusirsasana for each sample where it is
/// the most probable pose (`None` where another pose is, or nobody is seen),
/// with the sample's source and truth: what a threshold sweep needs.
pub fn janu_top_probabilities(
    samples: &[Sample],
    weights: &[f32],
    settings: Settings,
) -> Vec<(crate::datasets::Source, Truth, Option<f32>)> {
    let models = fold_models(samples, weights, settings);
    samples
        .iter()
        .map(|s| {
            let model = &models[fold_of(&s.group)];
            let p = janu_analysis::Body::from_frame(&s.frame).and_then(|b| {
                let r = janu_analysis::recognize::recognize_with(model, &b);
                match (r.name, r.unsure.is_some(), r.runner_up) {
                    (PoseName::Janusirsasana, false, _) => Some(r.confidence),
                    // Under the threshold the best guess is kept as runner-up.
                    (_, true, Some((PoseName::Janusirsasana, p))) => Some(p),
                    _ => None,
                }
            });
            (s.source, s.truth, p)
        })
        .collect()
}

/// Per source, recall and false-call share of Janusirsasana at each
/// probability threshold in `thresholds`, as a Markdown table.
pub fn sweep_markdown(
    probs: &[(crate::datasets::Source, Truth, Option<f32>)],
    thresholds: &[f32],
) -> String {
    use std::fmt::Write as _;
    let sources: std::collections::BTreeSet<_> = probs.iter().map(|(s, _, _)| *s).collect();
    let mut out = String::from("| threshold |");
    for s in &sources {
        let _ = write!(out, " {s:?} recall | {s:?} false |");
    }
    out.push_str("\n|---:|");
    for _ in &sources {
        out.push_str("---:|---:|");
    }
    out.push('\n');
    for t in thresholds {
        let _ = write!(out, "| {t:.2} |");
        for s in &sources {
            let of = |want: &dyn Fn(Truth) -> bool| {
                let rows: Vec<_> = probs
                    .iter()
                    .filter(|(src, truth, _)| src == s && want(*truth))
                    .collect();
                let called = rows.iter().filter(|r| r.2.is_some_and(|p| p >= *t)).count();
                (called, rows.len())
            };
            let (found, n) = of(&Truth::is_janu);
            let (wrong, others) = of(&Truth::is_other_pose);
            let pct = |k: usize, n: usize| 100.0 * k as f64 / n.max(1) as f64;
            let _ = write!(
                out,
                " {:.1} % | {:.1} % |",
                pct(found, n),
                pct(wrong, others)
            );
        }
        out.push('\n');
    }
    out
}
