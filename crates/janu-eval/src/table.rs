//! Confusion tables: true pose by called pose, as Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use janu_analysis::PoseName;

use crate::datasets::Truth;

/// Counts of calls per true pose.
#[derive(Debug, Clone, Default)]
pub struct Confusion {
    rows: BTreeMap<Truth, BTreeMap<PoseName, usize>>,
}

impl Confusion {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count one call.
    pub fn add(&mut self, truth: Truth, called: PoseName) {
        *self
            .rows
            .entry(truth)
            .or_default()
            .entry(called)
            .or_default() += 1;
    }

    fn count(&self, pred: impl Fn(&Truth) -> bool, called: Option<PoseName>) -> usize {
        self.rows
            .iter()
            .filter(|(t, _)| pred(t))
            .flat_map(|(_, r)| r.iter())
            .filter(|(c, _)| called.is_none_or(|p| **c == p))
            .map(|(_, n)| n)
            .sum()
    }

    /// Janusirsasana pictures, and how many were called Janusirsasana.
    pub fn janu_found(&self) -> (usize, usize) {
        (
            self.count(|t| t.is_janu(), Some(PoseName::Janusirsasana)),
            self.count(|t| t.is_janu(), None),
        )
    }

    /// Pictures of other poses, and how many were called Janusirsasana.
    pub fn false_janu(&self) -> (usize, usize) {
        (
            self.count(|t| t.is_other_pose(), Some(PoseName::Janusirsasana)),
            self.count(|t| t.is_other_pose(), None),
        )
    }

    /// Recall of Janusirsasana (0 when there is none).
    pub fn recall(&self) -> f64 {
        let (k, n) = self.janu_found();
        k as f64 / n.max(1) as f64
    }

    /// Share of other poses called Janusirsasana.
    pub fn false_janu_rate(&self) -> f64 {
        let (k, n) = self.false_janu();
        k as f64 / n.max(1) as f64
    }

    /// The table as Markdown under `title`, with a summary line.
    pub fn markdown(&self, title: &str) -> String {
        let mut s = format!("#### {title}\n\n| true \\\\ called | n |");
        for c in PoseName::ALL {
            let _ = write!(s, " {} |", short(c));
        }
        s.push_str("\n|---|---:|");
        for _ in PoseName::ALL {
            s.push_str("---:|");
        }
        s.push('\n');
        for (truth, row) in &self.rows {
            let n: usize = row.values().sum();
            let name = match truth {
                Truth::Pose(p) => p.as_str(),
                Truth::Excluded => "variants (not counted)",
            };
            let _ = write!(s, "| {name} | {n} |");
            for c in PoseName::ALL {
                let _ = write!(s, " {} |", row.get(&c).copied().unwrap_or(0));
            }
            s.push('\n');
        }
        let (k, n) = self.janu_found();
        let (f, m) = self.false_janu();
        let _ = writeln!(
            s,
            "\nJanusirsasana found: {k} of {n} ({:.1} %); other poses called Janusirsasana: {f} of {m} ({:.1} %)\n",
            100.0 * self.recall(),
            100.0 * self.false_janu_rate()
        );
        s
    }
}

/// A column heading short enough for a table.
fn short(p: PoseName) -> &'static str {
    match p {
        PoseName::Janusirsasana => "janu",
        PoseName::ParivrttaJanusirsasana => "parivrtta",
        PoseName::Paschimottanasana => "paschim.",
        PoseName::Dandasana => "danda",
        PoseName::BaddhaKonasana => "baddha",
        PoseName::UpavisthaKonasana => "upavistha",
        PoseName::ArdhaMatsyendrasana => "ardha m.",
        PoseName::Other => "other/unsure",
        PoseName::Nobody => "nobody",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates() {
        let mut t = Confusion::new();
        let janu = Truth::Pose(PoseName::Janusirsasana);
        let pasch = Truth::Pose(PoseName::Paschimottanasana);
        t.add(janu, PoseName::Janusirsasana);
        t.add(janu, PoseName::Other);
        t.add(pasch, PoseName::Janusirsasana);
        t.add(pasch, PoseName::Paschimottanasana);
        t.add(pasch, PoseName::Paschimottanasana);
        t.add(pasch, PoseName::Paschimottanasana);
        t.add(Truth::Excluded, PoseName::Janusirsasana);
        assert_eq!(t.janu_found(), (1, 2));
        assert_eq!(t.false_janu(), (1, 4), "the variants count neither way");
        let md = t.markdown("x");
        assert!(md.contains("| janusirsasana | 2 | 1 |"), "{md}");
        assert!(md.contains("1 of 2 (50.0 %)"), "{md}");
    }
}
