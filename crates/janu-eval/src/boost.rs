//! Fitting boosted trees (softmax over classes, second-order gradient boosting
//! on binned measures, missing values sent the way that helps), the model that
//! [`janu_analysis::trees::Boosted`] runs.

use janu_analysis::trees::{Boosted, Node, Tree};

/// How a model is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Boosting rounds (one tree per class each round).
    pub rounds: usize,
    /// Shrinkage of every leaf.
    pub learning_rate: f32,
    /// Depth of each tree.
    pub max_depth: usize,
    /// Least total sample weight in a leaf.
    pub min_leaf_weight: f32,
    /// L2 penalty on leaf values.
    pub l2: f32,
    /// Most thresholds tried per measure (quantiles of the training values).
    pub bins: usize,
}

impl Default for Settings {
    /// Small trees, enough rounds: chosen by cross-validation on the real
    /// tables (see BENCHMARKS.md); deeper or longer fits did no better.
    fn default() -> Self {
        Self {
            rounds: 120,
            learning_rate: 0.1,
            max_depth: 3,
            min_leaf_weight: 8.0,
            l2: 1.0,
            bins: 48,
        }
    }
}

/// Training rows: measures (any may be missing), class index and weight.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Measures per row.
    pub x: Vec<Vec<Option<f32>>>,
    /// Class per row.
    pub y: Vec<usize>,
    /// Weight per row.
    pub w: Vec<f32>,
}

const MISSING: u8 = u8::MAX;

/// Per measure: the thresholds and every row's bin (index of the first
/// threshold at or above the value; `thresholds.len()` above all).
struct Binned {
    thresholds: Vec<Vec<f32>>,
    codes: Vec<Vec<u8>>, // [feature][row]
}

fn bin(rows: &Rows, features: usize, bins: usize) -> Binned {
    let bins = bins.clamp(2, usize::from(MISSING) - 1);
    let mut thresholds = Vec::with_capacity(features);
    let mut codes = Vec::with_capacity(features);
    for f in 0..features {
        let mut v: Vec<f32> = rows.x.iter().filter_map(|r| r[f]).collect();
        v.sort_by(f32::total_cmp);
        v.dedup();
        let t: Vec<f32> = if v.len() <= bins {
            // Midpoints between distinct values.
            v.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
        } else {
            let mut t: Vec<f32> = (1..bins)
                .map(|i| {
                    let q = i * (v.len() - 1) / bins;
                    0.5 * (v[q] + v[q + 1])
                })
                .collect();
            t.dedup();
            t
        };
        let c = rows
            .x
            .iter()
            .map(|r| {
                r[f].map_or(MISSING, |val| {
                    t.partition_point(|th| *th < val)
                        .min(usize::from(MISSING) - 1) as u8
                })
            })
            .collect();
        thresholds.push(t);
        codes.push(c);
    }
    Binned { thresholds, codes }
}

struct Grower<'a> {
    binned: &'a Binned,
    g: &'a [f32],
    h: &'a [f32],
    w: &'a [f32],
    s: Settings,
}

struct Split {
    feature: usize,
    bin: usize,
    missing_left: bool,
    gain: f32,
}

impl Grower<'_> {
    fn leaf_value(&self, idx: &[usize]) -> f32 {
        let (g, h) = idx
            .iter()
            .fold((0.0, 0.0), |(g, h), &i| (g + self.g[i], h + self.h[i]));
        -g / (h + self.s.l2) * self.s.learning_rate
    }

    fn best_split(&self, idx: &[usize]) -> Option<Split> {
        let (gt, ht) = idx.iter().fold((0.0f32, 0.0f32), |(g, h), &i| {
            (g + self.g[i], h + self.h[i])
        });
        let parent = gt * gt / (ht + self.s.l2);
        let mut best: Option<Split> = None;
        for (f, t) in self.binned.thresholds.iter().enumerate() {
            if t.is_empty() {
                continue;
            }
            let nb = t.len() + 1;
            let mut hg = vec![0.0f32; nb];
            let mut hh = vec![0.0f32; nb];
            let mut hw = vec![0.0f32; nb];
            let (mut mg, mut mh, mut mw) = (0.0f32, 0.0f32, 0.0f32);
            let codes = &self.binned.codes[f];
            for &i in idx {
                let c = codes[i];
                if c == MISSING {
                    mg += self.g[i];
                    mh += self.h[i];
                    mw += self.w[i];
                } else {
                    let c = usize::from(c);
                    hg[c] += self.g[i];
                    hh[c] += self.h[i];
                    hw[c] += self.w[i];
                }
            }
            let (mut lg, mut lh, mut lw) = (0.0f32, 0.0f32, 0.0f32);
            let total_w: f32 = hw.iter().sum::<f32>() + mw;
            for b in 0..t.len() {
                lg += hg[b];
                lh += hh[b];
                lw += hw[b];
                for missing_left in [false, true] {
                    let (gl, hl, wl) = if missing_left {
                        (lg + mg, lh + mh, lw + mw)
                    } else {
                        (lg, lh, lw)
                    };
                    let (gr, hr, wr) = (gt - gl, ht - hl, total_w - wl);
                    if wl < self.s.min_leaf_weight || wr < self.s.min_leaf_weight {
                        continue;
                    }
                    let gain = gl * gl / (hl + self.s.l2) + gr * gr / (hr + self.s.l2) - parent;
                    if gain > best.as_ref().map_or(1e-6, |b| b.gain) {
                        best = Some(Split {
                            feature: f,
                            bin: b,
                            missing_left,
                            gain,
                        });
                    }
                }
            }
        }
        best
    }

    fn grow(&self, idx: &[usize], depth: usize, nodes: &mut Vec<Node>) -> usize {
        let me = nodes.len();
        nodes.push(Node::leaf(self.leaf_value(idx)));
        if depth >= self.s.max_depth {
            return me;
        }
        let Some(split) = self.best_split(idx) else {
            return me;
        };
        let codes = &self.binned.codes[split.feature];
        let (l, r): (Vec<usize>, Vec<usize>) = idx.iter().partition(|&&i| {
            let c = codes[i];
            if c == MISSING {
                split.missing_left
            } else {
                usize::from(c) <= split.bin
            }
        });
        let left = self.grow(&l, depth + 1, nodes);
        let right = self.grow(&r, depth + 1, nodes);
        nodes[me] = Node {
            feature: Some(split.feature),
            threshold: self.binned.thresholds[split.feature][split.bin],
            missing_left: split.missing_left,
            left,
            right,
            value: 0.0,
        };
        me
    }
}

/// Fit a model on `rows` with `classes` and measure names `features`.
///
/// # Panics
/// When a row's class is out of range or rows and labels differ in number
/// (a programming error of the caller).
pub fn fit(rows: &Rows, features: &[&str], classes: &[&str], s: Settings) -> Boosted {
    let n = rows.x.len();
    let k = classes.len();
    assert!(rows.y.len() == n && rows.w.len() == n && rows.y.iter().all(|c| *c < k));
    let binned = bin(rows, features.len(), s.bins);
    // Start from the weighted class shares.
    let mut prior = vec![1e-3f32; k];
    for (c, w) in rows.y.iter().zip(&rows.w) {
        prior[*c] += w;
    }
    let total: f32 = prior.iter().sum();
    let base: Vec<f32> = prior.iter().map(|p| (p / total).ln()).collect();
    let mut score: Vec<Vec<f32>> = vec![base.clone(); n];
    let mut trees = Vec::with_capacity(s.rounds * k);
    let all: Vec<usize> = (0..n).collect();
    let mut g = vec![0.0f32; n];
    let mut h = vec![0.0f32; n];
    for _ in 0..s.rounds {
        let probs: Vec<Vec<f32>> = score
            .iter()
            .map(|sc| janu_analysis::trees::softmax(sc))
            .collect();
        let mut round = Vec::with_capacity(k);
        for class in 0..k {
            for (i, row_probs) in probs.iter().enumerate() {
                let p = row_probs[class];
                let target = if rows.y[i] == class { 1.0 } else { 0.0 };
                g[i] = rows.w[i] * (p - target);
                h[i] = rows.w[i] * (p * (1.0 - p)).max(1e-6);
            }
            let grower = Grower {
                binned: &binned,
                g: &g,
                h: &h,
                w: &rows.w,
                s,
            };
            let mut nodes = Vec::new();
            grower.grow(&all, 0, &mut nodes);
            round.push(Tree { class, nodes });
        }
        for t in &round {
            for (i, sc) in score.iter_mut().enumerate() {
                sc[t.class] += leaf_value(t, &rows.x[i]);
            }
        }
        trees.extend(round);
    }
    Boosted {
        features: features.iter().map(|f| (*f).to_string()).collect(),
        classes: classes.iter().map(|c| (*c).to_string()).collect(),
        base,
        trees,
        provenance: serde_json::Value::Null,
    }
}

fn leaf_value(t: &Tree, x: &[Option<f32>]) -> f32 {
    let mut i = 0;
    loop {
        let n = &t.nodes[i];
        let Some(f) = n.feature else { return n.value };
        let left = x[f].map_or(n.missing_left, |v| v <= n.threshold);
        i = if left { n.left } else { n.right };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_an_xor_of_two_measures_and_a_missing_rule() {
        // Class 1 when exactly one measure is high; a missing first measure
        // means class 2.
        let mut rows = Rows::default();
        for i in 0..400 {
            let a = (i % 20) as f32;
            let b = ((i / 20) % 20) as f32;
            let missing = i % 7 == 0;
            rows.x.push(vec![(!missing).then_some(a), Some(b)]);
            rows.y.push(if missing {
                2
            } else {
                usize::from((a >= 10.0) != (b >= 10.0))
            });
            rows.w.push(1.0);
        }
        let m = fit(
            &rows,
            &["a", "b"],
            &["same", "differ", "missing"],
            Settings::default(),
        );
        let right = rows
            .x
            .iter()
            .zip(&rows.y)
            .filter(|(x, y)| {
                let p = m.probabilities(x);
                let best = (0..3).max_by(|i, j| p[*i].total_cmp(&p[*j])).unwrap();
                best == **y
            })
            .count();
        assert!(right >= 390, "{right} of 400");
        // The model survives a JSON round trip unchanged.
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(Boosted::from_json(&text).unwrap(), m);
    }
}
