//! Janu's recognition measured on real people.
//!
//! Reads the real landmark tables and photo folders of the shared data folder
//! (see its README) and the generated sessions, runs them through Janu, and
//! prints confusion tables; fits the recognition weights with cross-validation
//! split by picture. Run it with `cargo run --release -p janu-eval -- --help`.

pub mod boost;
pub mod cv;
pub mod datasets;
pub mod photos;
pub mod table;
pub mod views;

use std::path::PathBuf;

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file or folder could not be read.
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, String),
    /// A table row is malformed.
    #[error("{path}:{line}: {what}")]
    Table {
        /// The table.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        what: String,
    },
}

/// A model as the JSON Janu embeds: thresholds and leaf values rounded to four
/// decimals (far below any measure's noise), one tree a line so that a refit
/// reads as a diff.
pub fn model_json(model: &janu_analysis::trees::Boosted) -> String {
    let r4 = |v: f32| (v * 1e4).round() / 1e4;
    let mut m = model.clone();
    for t in &mut m.trees {
        for n in &mut t.nodes {
            n.threshold = r4(n.threshold);
            n.value = r4(n.value);
        }
    }
    let j = |v: &dyn erased::Json| v.json();
    let mut s = String::from("{\n");
    s.push_str(&format!("\"features\": {},\n", j(&m.features)));
    s.push_str(&format!("\"classes\": {},\n", j(&m.classes)));
    s.push_str(&format!(
        "\"base\": {},\n",
        j(&m.base.iter().map(|b| r4(*b)).collect::<Vec<f32>>())
    ));
    s.push_str(&format!(
        "\"provenance\": {},\n",
        serde_json::to_string_pretty(&m.provenance).unwrap_or_else(|_| "null".into())
    ));
    s.push_str("\"trees\": [\n");
    let trees: Vec<String> = m.trees.iter().map(|t| j(t)).collect();
    s.push_str(&trees.join(",\n"));
    s.push_str("\n]\n}\n");
    s
}

mod erased {
    /// Anything serde can write, as compact JSON.
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "null".into())
        }
    }
}
