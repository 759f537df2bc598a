//! Boosted decision trees over named measures: the model recognition runs.
//!
//! The model is data: fitted by `janu-eval fit` (see its README entry in
//! BENCHMARKS.md) and read here from JSON. Each class has a base score and a sum
//! of small trees; the class probabilities are the softmax of the sums. A tree
//! node tests one measure against a threshold; a missing measure follows the
//! branch the fit chose for missing values.

use serde::{Deserialize, Serialize};

/// A node of a tree: a split, or a leaf when `feature` is `None`. Written
/// compactly in JSON: a leaf as `[value]`, a split as
/// `[feature, threshold, missing_left (0 or 1), left, right]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<f32>", try_from = "Vec<f32>")]
pub struct Node {
    /// The measure tested (index into [`Boosted::features`]); `None` at a leaf.
    pub feature: Option<usize>,
    /// Values at or below go to `left`.
    pub threshold: f32,
    /// Where a missing value goes.
    pub missing_left: bool,
    /// The child for values at or below the threshold.
    pub left: usize,
    /// The child for values above it.
    pub right: usize,
    /// The score a leaf adds to its class.
    pub value: f32,
}

impl Node {
    /// A leaf adding `value`.
    pub const fn leaf(value: f32) -> Self {
        Self {
            feature: None,
            threshold: 0.0,
            missing_left: false,
            left: 0,
            right: 0,
            value,
        }
    }

    /// The child the measures `x` go to from this split on measure `f`.
    fn next(&self, f: usize, x: &[Option<f32>]) -> usize {
        let left = x
            .get(f)
            .copied()
            .flatten()
            .map_or(self.missing_left, |v| v <= self.threshold);
        if left { self.left } else { self.right }
    }
}

impl From<Node> for Vec<f32> {
    fn from(n: Node) -> Self {
        match n.feature {
            None => vec![n.value],
            Some(f) => vec![
                f as f32,
                n.threshold,
                f32::from(u8::from(n.missing_left)),
                n.left as f32,
                n.right as f32,
            ],
        }
    }
}

impl TryFrom<Vec<f32>> for Node {
    type Error = String;
    fn try_from(v: Vec<f32>) -> Result<Self, String> {
        let index = |x: f32| {
            (x >= 0.0 && x.fract() == 0.0 && x < 1e7)
                .then_some(x as usize)
                .ok_or_else(|| format!("{x} is not an index"))
        };
        match v.as_slice() {
            [value] => Ok(Self::leaf(*value)),
            [f, t, m, l, r] => Ok(Self {
                feature: Some(index(*f)?),
                threshold: *t,
                missing_left: *m != 0.0,
                left: index(*l)?,
                right: index(*r)?,
                value: 0.0,
            }),
            other => Err(format!("a node has 1 or 5 numbers, not {}", other.len())),
        }
    }
}

/// One tree, its root at index 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// The class whose score it adds to (index into [`Boosted::classes`]).
    pub class: usize,
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// A fitted model with how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boosted {
    /// The measure names, in the order the trees index them.
    pub features: Vec<String>,
    /// The class names (snake_case pose names).
    pub classes: Vec<String>,
    /// Each class's starting score.
    pub base: Vec<f32>,
    /// The trees.
    pub trees: Vec<Tree>,
    /// How the model was fitted: data, settings, command, cross-validated
    /// figures. Kept with the weights so that they can be remade and judged.
    #[serde(default)]
    pub provenance: serde_json::Value,
}

/// Why a model cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The JSON does not parse.
    #[error("the recognition model does not parse: {0}")]
    Parse(String),
    /// A tree refers to a node, feature or class that does not exist, or loops.
    #[error("the recognition model is inconsistent: {0}")]
    Inconsistent(String),
}

impl Boosted {
    /// Read and check a model.
    ///
    /// # Errors
    /// [`ModelError`] when it does not parse or does not hang together.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let m: Self = serde_json::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), ModelError> {
        let bad = |w: String| Err(ModelError::Inconsistent(w));
        if self.base.len() != self.classes.len() || self.classes.is_empty() {
            return bad(format!(
                "{} base scores for {} classes",
                self.base.len(),
                self.classes.len()
            ));
        }
        for (t, tree) in self.trees.iter().enumerate() {
            if tree.class >= self.classes.len() || tree.nodes.is_empty() {
                return bad(format!("tree {t} has no nodes or an unknown class"));
            }
            for (i, n) in tree.nodes.iter().enumerate() {
                if let Some(f) = n.feature {
                    // Children come after their parent, so every walk ends.
                    let ok = f < self.features.len()
                        && n.left > i
                        && n.right > i
                        && n.left < tree.nodes.len()
                        && n.right < tree.nodes.len();
                    if !ok {
                        return bad(format!("tree {t} node {i} points outside the tree"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The leaf a tree sends `x` to.
    fn leaf<'a>(tree: &'a Tree, x: &[Option<f32>]) -> &'a Node {
        let mut i = 0;
        loop {
            let n = &tree.nodes[i];
            let Some(f) = n.feature else { return n };
            i = n.next(f, x);
        }
    }

    /// Each class's score for the measures `x` (in [`Boosted::features`] order).
    pub fn scores(&self, x: &[Option<f32>]) -> Vec<f32> {
        let mut s = self.base.clone();
        for t in &self.trees {
            s[t.class] += Self::leaf(t, x).value;
        }
        s
    }

    /// Each class's probability for the measures `x`.
    pub fn probabilities(&self, x: &[Option<f32>]) -> Vec<f32> {
        softmax(&self.scores(x))
    }

    /// How much each measure pushed `class`'s score for `x`: each tree's leaf
    /// value is shared equally among the measures its path tested. A rough
    /// attribution, enough to name the measures that weighed most in a call.
    pub fn contributions(&self, x: &[Option<f32>], class: usize) -> Vec<f32> {
        let mut c = vec![0.0; self.features.len()];
        for t in self.trees.iter().filter(|t| t.class == class) {
            let mut tested = Vec::new();
            let mut i = 0;
            let value = loop {
                let n = &t.nodes[i];
                let Some(f) = n.feature else { break n.value };
                tested.push(f);
                i = n.next(f, x);
            };
            if tested.is_empty() {
                continue;
            }
            let share = value / tested.len() as f32;
            for f in tested {
                c[f] += share;
            }
        }
        c
    }
}

/// Softmax of scores (stable for large values).
pub fn softmax(s: &[f32]) -> Vec<f32> {
    let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = s.iter().map(|v| (v - max).exp()).collect();
    let sum: f32 = e.iter().sum();
    e.into_iter().map(|v| v / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump(class: usize, feature: usize, threshold: f32, lo: f32, hi: f32) -> Tree {
        Tree {
            class,
            nodes: vec![
                Node {
                    feature: Some(feature),
                    threshold,
                    missing_left: true,
                    left: 1,
                    right: 2,
                    value: 0.0,
                },
                Node::leaf(lo),
                Node::leaf(hi),
            ],
        }
    }

    fn model() -> Boosted {
        Boosted {
            features: vec!["knee".into()],
            classes: vec!["a".into(), "b".into()],
            base: vec![0.0, 0.0],
            trees: vec![stump(0, 0, 100.0, 2.0, -2.0)],
            provenance: serde_json::Value::Null,
        }
    }

    #[test]
    fn a_stump_splits_and_missing_goes_its_way() {
        let m = model();
        assert!(m.probabilities(&[Some(50.0)])[0] > 0.8);
        assert!(m.probabilities(&[Some(150.0)])[0] < 0.2);
        assert!(m.probabilities(&[None])[0] > 0.8, "missing goes left");
        let c = m.contributions(&[Some(150.0)], 0);
        assert!((c[0] + 2.0).abs() < 1e-6);
    }

    #[test]
    fn json_round_trip_and_bad_models() {
        let m = model();
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(Boosted::from_json(&text).unwrap(), m);
        let mut bad = m.clone();
        bad.trees[0].nodes[0].left = 0;
        let text = serde_json::to_string(&bad).unwrap();
        assert!(matches!(
            Boosted::from_json(&text),
            Err(ModelError::Inconsistent(_))
        ));
        assert!(matches!(Boosted::from_json("{"), Err(ModelError::Parse(_))));
    }
}
