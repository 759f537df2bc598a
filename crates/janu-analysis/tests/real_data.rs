//! Real landmarks of real photos of OTHER seated poses must not be called
//! Janusirsasana more than 3% of the time. Prints the full confusion tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use janu_analysis::{PoseName, analyze};
use janu_body::{Frame, Keypoint, Landmark, Pose};

/// The most any other pose may be called Janusirsasana on the full model's
/// landmarks (issue 8).
const MAX_FALSE_JANU: f64 = 0.03;
/// The same for the lite and heavy models, whose landmarks the recognition was
/// not fitted on (issue 4).
const MAX_FALSE_JANU_OTHER_MODELS: f64 = 0.05;
/// Photo folders that are neither the pose nor another pose: Ashtanga's
/// variants of it are counted neither way.
const NOT_COUNTED: [&str; 2] = ["janusirsasana", "janusirsasana_variants"];

struct Table {
    rows: BTreeMap<String, BTreeMap<PoseName, usize>>,
}

impl Table {
    fn new() -> Self {
        Self {
            rows: BTreeMap::new(),
        }
    }
    fn add(&mut self, truth: &str, called: PoseName) {
        *self
            .rows
            .entry(truth.to_string())
            .or_default()
            .entry(called)
            .or_default() += 1;
    }
    fn total(&self) -> usize {
        self.rows.values().flat_map(|r| r.values()).sum()
    }
    /// Photos of other poses, and how many of them were called `p`.
    fn others_called(&self, p: PoseName) -> (usize, usize) {
        let others = self
            .rows
            .iter()
            .filter(|(truth, _)| !NOT_COUNTED.contains(&truth.as_str()));
        let (mut called, mut n) = (0, 0);
        for (_, row) in others {
            called += row.get(&p).copied().unwrap_or(0);
            n += row.values().sum::<usize>();
        }
        (called, n)
    }
    fn markdown(&self, title: &str) -> String {
        let cols: Vec<PoseName> = PoseName::ALL.to_vec();
        let mut s = format!("{title}\n\n| true \\ called | n |");
        for c in &cols {
            let _ = write!(s, " {} |", c.as_str());
        }
        s.push_str("\n|---|---|");
        for _ in &cols {
            s.push_str("---|");
        }
        s.push('\n');
        for (truth, row) in &self.rows {
            let n: usize = row.values().sum();
            let _ = write!(s, "| {truth} | {n} |");
            for c in &cols {
                let _ = write!(s, " {} |", row.get(c).copied().unwrap_or(0));
            }
            s.push('\n');
        }
        s
    }
}

fn photos(model: &str) -> Table {
    let path = janu_testkit::fixture(&format!("mediapipe/photos_{model}.jsonl"));
    let text =
        std::fs::read_to_string(&path).expect("the MediaPipe reference landmarks are in the repo");
    let mut table = Table::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = v["file"].as_str().unwrap();
        let truth = file
            .split('/')
            .next()
            .unwrap()
            .replace("janu_sirsasana", "janusirsasana");
        let frame = janu_body::file::parse_line(line).unwrap();
        let report = analyze(&[frame]).unwrap();
        let pose = report.pose.unwrap();
        if std::env::var_os("JANU_VERBOSE").is_some() {
            println!(
                "{model} {file}: {} {:?} {:.2} {:?}",
                pose.name, pose.extended_leg, pose.confidence, pose.reasons
            );
        }
        table.add(&truth, pose.name);
    }
    table
}

#[test]
fn real_photos_of_other_poses_are_rarely_called_janusirsasana() {
    let mut failures = Vec::new();
    for model in ["lite", "full", "heavy"] {
        let t = photos(model);
        println!(
            "{}",
            t.markdown(&format!("Photos, MediaPipe {model} ({} photos)", t.total()))
        );
        let (janu, others) = t.others_called(PoseName::Janusirsasana);
        let rate = janu as f64 / others as f64;
        println!(
            "other poses called janusirsasana: {janu} of {others} ({:.1}%)\n",
            rate * 100.0
        );
        let most = if model == "full" {
            MAX_FALSE_JANU
        } else {
            MAX_FALSE_JANU_OTHER_MODELS
        };
        if rate > most {
            failures.push(format!("{model}: {:.1}%", rate * 100.0));
        }
    }
    assert!(
        failures.is_empty(),
        "too many photos of other poses called Janusirsasana: {failures:?}"
    );
}

/// BlazePose ids of the 13 CSV columns, in the CSV's order.
const CSV_IDS: [usize; 13] = [0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];
/// The CSV gives no image size; the images are taken as square (documented).
const CSV_SIDE_PX: u32 = 1000;

fn csv_frames(path: &std::path::Path) -> Vec<(String, Frame)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        assert_eq!(cols.len(), 2 + 3 * 13, "{line}");
        let num = |s: &str| s.trim().parse::<f32>().ok();
        let mut pose = Pose::empty();
        for (k, id) in CSV_IDS.iter().enumerate() {
            let (Some(x), Some(y)) = (num(cols[2 + k]), num(cols[2 + 13 + k])) else {
                continue;
            };
            pose.landmarks[*id] = Some(Keypoint {
                x,
                y,
                z: num(cols[2 + 26 + k]),
                visibility: None,
            });
        }
        assert!(Landmark::from_index(CSV_IDS[12]).is_some());
        // A row without landmarks is an image where MediaPipe found nobody.
        let pose = (pose.known_count() > 0).then_some(pose);
        out.push((
            cols[0].to_string(),
            Frame {
                t: 0.0,
                width: CSV_SIDE_PX,
                height: CSV_SIDE_PX,
                pose,
            },
        ));
    }
    out
}

#[test]
fn yoga82_baddha_konasana_rows_are_rarely_called_janusirsasana() {
    let Some(path) = janu_testkit::shared_data("yoga82-seated/dev_mediapipe13.csv") else {
        return;
    };
    let rows = csv_frames(&path);
    assert_eq!(rows.len(), 192);
    let mut t = Table::new();
    for (truth, frame) in rows {
        let report = analyze(&[frame]).unwrap();
        let pose = report.pose.unwrap();
        if std::env::var_os("JANU_VERBOSE").is_some() {
            println!(
                "csv: {} {:?} {:.2} {:?}",
                pose.name, pose.extended_leg, pose.confidence, pose.reasons
            );
        }
        t.add(&truth, pose.name);
    }
    println!(
        "{}",
        t.markdown(&format!("Yoga-82 rows, 13 landmarks ({} rows)", t.total()))
    );
    let (janu, others) = t.others_called(PoseName::Janusirsasana);
    let rate = janu as f64 / others as f64;
    println!(
        "called janusirsasana: {janu} of {others} ({:.1}%)",
        rate * 100.0
    );
    assert!(
        rate <= MAX_FALSE_JANU,
        "{:.1}% called Janusirsasana",
        rate * 100.0
    );
}
