//! Readers for the real landmark tables and photo folders in the shared data
//! folder (see its README), each row turned into a [`Sample`]: the true pose, the
//! picture it came from (the unit cross-validation splits by) and a [`Frame`].

use std::path::{Path, PathBuf};

use janu_analysis::PoseName;
use janu_body::coco::COCO17_TO_BLAZEPOSE;
use janu_body::{Frame, Keypoint, Pose};

use crate::EvalError;

/// Where a sample comes from; each source gets its own confusion table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// `yoga82-skeletons/*.csv`: BlazePose 33 points of Yoga-82 training photos.
    Skeletons,
    /// `yoga82-seated/dev_test_half_mediapipe13.csv`: MediaPipe, 13 points.
    MediaPipe13,
    /// `yoga82-seated/dev_test_half_movenet17.csv`: MoveNet, 17 COCO points.
    MoveNet17,
    /// `yoga82-seated/dev_mediapipe13.csv`: Baddha Konasana, MediaPipe 13 points.
    BaddhaMediaPipe13,
    /// Photos run through Janu's own pose engine.
    Photos,
    /// Generated sessions (janu-synth), one frame in a few.
    Synthetic,
}

impl Source {
    /// A short name for tables and file names.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Skeletons => "skeletons",
            Self::MediaPipe13 => "mediapipe13",
            Self::MoveNet17 => "movenet17",
            Self::BaddhaMediaPipe13 => "baddha_mediapipe13",
            Self::Photos => "photos",
            Self::Synthetic => "synthetic",
        }
    }
}

/// The true class of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Truth {
    /// One of the poses Janu names.
    Pose(PoseName),
    /// Shown but counted neither way (the Ashtanga B and C variants).
    Excluded,
}

/// One picture of one person with its true pose.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Where it comes from.
    pub source: Source,
    /// The picture's name; samples of one picture stay on one side of a split.
    pub group: String,
    /// The true pose.
    pub truth: Truth,
    /// The extended leg, where it is known.
    pub extended_leg: Option<janu_body::Side>,
    /// The landmarks (`pose` is `None` where the estimator found nobody).
    pub frame: Frame,
}

/// The pose named by a shared-data folder or table label.
pub fn truth_of_label(label: &str) -> Option<Truth> {
    let name = match label {
        "janu_sirsasana" | "janusirsasana" => PoseName::Janusirsasana,
        "janu_sirsasana_variants" => return Some(Truth::Excluded),
        "parivrtta_janu_sirsasana" | "parivrtta_janusirsasana" => PoseName::ParivrttaJanusirsasana,
        other => other.parse().ok()?,
    };
    Some(Truth::Pose(name))
}

/// Side of the square picture assumed where a table gives no size (the
/// MediaPipe tables, documented; MoveNet's frame is square by construction).
pub const SQUARE_SIDE_PX: u32 = 1000;

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|e| EvalError::Read(path.to_path_buf(), e.to_string()))
}

fn bad(path: &Path, line: usize, what: impl Into<String>) -> EvalError {
    EvalError::Table {
        path: path.to_path_buf(),
        line,
        what: what.into(),
    }
}

fn num(s: &str) -> Option<f32> {
    s.trim().parse::<f32>().ok().filter(|v| v.is_finite())
}

/// The rows of a CSV table after its header, with their 1-based line numbers.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split(',').collect()))
}

fn label(path: &Path, line: usize, s: &str) -> Result<Truth, EvalError> {
    truth_of_label(s).ok_or_else(|| bad(path, line, format!("unknown pose {s:?}")))
}

/// What a table reader makes of one row: the picture's name, the landmarks
/// and the picture's size in pixels.
struct Row {
    group: String,
    pose: Pose,
    width: u32,
    height: u32,
}

/// The samples of the table at `path`, all from `source`: every row after the
/// header must have `columns` columns and name its pose in the first; `row`
/// reads the rest, or says what is wrong with it.
fn table(
    path: &Path,
    source: Source,
    columns: usize,
    row: impl Fn(&[&str]) -> Result<Row, &'static str>,
) -> Result<Vec<Sample>, EvalError> {
    let text = read(path)?;
    rows(&text)
        .map(|(line, cols)| {
            if cols.len() != columns {
                return Err(bad(
                    path,
                    line,
                    format!("{} columns, expected {columns}", cols.len()),
                ));
            }
            let Row {
                group,
                pose,
                width,
                height,
            } = row(&cols).map_err(|what| bad(path, line, what))?;
            Ok(Sample {
                source,
                group,
                truth: label(path, line, cols[0])?,
                extended_leg: None,
                frame: Frame {
                    t: 0.0,
                    width,
                    height,
                    pose: (pose.known_count() > 0).then_some(pose),
                },
            })
        })
        .collect()
}

/// BlazePose ids of the 13 columns of the MediaPipe tables, in column order.
const MEDIAPIPE13_IDS: [usize; 13] = [0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];

/// A MediaPipe 13-point table: `pose, image`, then the 13 x, 13 y and 13 z.
///
/// # Errors
/// The file cannot be read or a row is malformed.
pub fn mediapipe13(path: &Path, source: Source) -> Result<Vec<Sample>, EvalError> {
    table(path, source, 2 + 3 * 13, |cols| {
        let mut pose = Pose::empty();
        for (k, id) in MEDIAPIPE13_IDS.iter().enumerate() {
            if let (Some(x), Some(y)) = (num(cols[2 + k]), num(cols[15 + k])) {
                pose.landmarks[*id] = Some(Keypoint::xy(x, y));
            }
        }
        Ok(Row {
            group: cols[1].to_string(),
            pose,
            width: SQUARE_SIDE_PX,
            height: SQUARE_SIDE_PX,
        })
    })
}

/// The MoveNet table: `pose, image`, then per COCO point y, x and score in
/// three column blocks, normalised to the square frame MoveNet saw.
///
/// # Errors
/// As [`mediapipe13`].
pub fn movenet17(path: &Path) -> Result<Vec<Sample>, EvalError> {
    table(path, Source::MoveNet17, 2 + 3 * 17, |cols| {
        let mut pose = Pose::empty();
        for (k, lm) in COCO17_TO_BLAZEPOSE.iter().enumerate() {
            if let (Some(y), Some(x)) = (num(cols[2 + k]), num(cols[19 + k])) {
                pose.landmarks[lm.index()] = Some(Keypoint {
                    x,
                    y,
                    z: None,
                    visibility: num(cols[36 + k]).map(|s| s.clamp(0.0, 1.0)),
                });
            }
        }
        Ok(Row {
            group: cols[1].to_string(),
            pose,
            width: SQUARE_SIDE_PX,
            height: SQUARE_SIDE_PX,
        })
    })
}

/// One skeleton table: `pose, image, width, height`, then x, y, visible for
/// each of the 33 BlazePose points (empty where not recovered).
///
/// # Errors
/// As [`mediapipe13`].
pub fn skeleton_table(path: &Path) -> Result<Vec<Sample>, EvalError> {
    table(path, Source::Skeletons, 4 + 3 * 33, |cols| {
        let size = |s: &str| s.trim().parse::<u32>().ok().filter(|v| *v > 0);
        let (Some(width), Some(height)) = (size(cols[2]), size(cols[3])) else {
            return Err("no picture size");
        };
        let mut pose = Pose::empty();
        for i in 0..33 {
            let c = 4 + 3 * i;
            if let (Some(x), Some(y)) = (num(cols[c]), num(cols[c + 1])) {
                pose.landmarks[i] = Some(Keypoint {
                    x,
                    y,
                    z: None,
                    visibility: num(cols[c + 2]),
                });
            }
        }
        Ok(Row {
            group: format!("{}/{}", cols[0], cols[1]),
            pose,
            width,
            height,
        })
    })
}

/// Every skeleton table in `dir`, in file name order.
///
/// # Errors
/// As [`mediapipe13`].
pub fn skeletons(dir: &Path) -> Result<Vec<Sample>, EvalError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| EvalError::Read(dir.to_path_buf(), e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        out.extend(skeleton_table(&f)?);
    }
    Ok(out)
}

/// The photos of `root`'s pose folders with their true pose (folder name), in
/// name order. The variants folder is kept, marked [`Truth::Excluded`].
///
/// # Errors
/// The folder cannot be read, or a folder is named for no known pose.
pub fn photo_files(root: &Path) -> Result<Vec<(PathBuf, Truth)>, EvalError> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(|e| EvalError::Read(root.to_path_buf(), e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        let name = d.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let truth = truth_of_label(name).ok_or_else(|| EvalError::Table {
            path: d.clone(),
            line: 0,
            what: format!("folder {name:?} names no known pose"),
        })?;
        out.extend(janu_testkit::images_in(&d).into_iter().map(|p| (p, truth)));
    }
    Ok(out)
}

/// Take one generated frame in this many: neighbouring frames of a session
/// differ by little more than noise.
pub const SYNTHETIC_FRAME_STEP: usize = 15;

/// Camera angles (degrees from the extended leg's side) of the one-side
/// sessions added to the named scenarios, so every view of the pose is seen.
pub const SYNTHETIC_YAWS: [f64; 7] = [0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0];

/// Frames of generated sessions while a pose is held or entered (not in the
/// moves between poses), one in [`SYNTHETIC_FRAME_STEP`]: every named scenario
/// and every planted mistake with `seeds`, and one side of Janusirsasana from
/// each of [`SYNTHETIC_YAWS`]. A session's frames share its group.
///
/// # Errors
/// A scenario fails to generate (a bug in janu-synth).
pub fn synthetic(seeds: &[u64]) -> Result<Vec<Sample>, EvalError> {
    use janu_body::Side;
    use janu_synth::scenarios;
    let mut list = Vec::new();
    for &seed in seeds {
        for name in scenarios::NAMES {
            list.extend(scenarios::by_name(name, seed));
        }
        for m in janu_synth::Mistake::ALL {
            list.push(scenarios::with_mistake(m, seed));
        }
        for (i, yaw) in SYNTHETIC_YAWS.iter().enumerate() {
            let side = if i % 2 == 0 { Side::Left } else { Side::Right };
            list.push(scenarios::janu_from(side, *yaw, seed));
        }
    }
    let mut out = Vec::new();
    for sc in list {
        let syn = janu_synth::generate(&sc)
            .map_err(|e| EvalError::Read(PathBuf::from(sc.name.clone()), e.to_string()))?;
        let group = format!("synthetic/{}/{}", sc.name, sc.seed);
        for (frame, truth) in syn
            .frames
            .iter()
            .zip(&syn.truth.frames)
            .step_by(SYNTHETIC_FRAME_STEP)
        {
            if !truth.in_pose || truth.dropped {
                continue;
            }
            let Some(Truth::Pose(pose)) = truth_of_label(truth.pose.as_str()) else {
                continue;
            };
            out.push(Sample {
                source: Source::Synthetic,
                group: group.clone(),
                truth: Truth::Pose(pose),
                extended_leg: truth.extended_leg,
                frame: frame.clone(),
            });
        }
    }
    Ok(out)
}

/// Seeds of the generated sessions in the fit.
pub const SYNTHETIC_SEEDS: [u64; 2] = [1, 2];
/// Weight of generated frames, per class, against that class's real rows.
pub const SYNTHETIC_SHARE: f32 = 0.2;

/// Every real landmark table of the shared data folder `data`: the skeleton
/// sets and the three Yoga-82 seated tables.
///
/// # Errors
/// A table cannot be read or is malformed.
pub fn real_tables(data: &Path) -> Result<Vec<Sample>, EvalError> {
    let seated = data.join("yoga82-seated");
    let mut out = skeletons(&data.join("yoga82-skeletons"))?;
    out.extend(mediapipe13(
        &seated.join("dev_test_half_mediapipe13.csv"),
        Source::MediaPipe13,
    )?);
    out.extend(movenet17(&seated.join("dev_test_half_movenet17.csv"))?);
    out.extend(mediapipe13(
        &seated.join("dev_mediapipe13.csv"),
        Source::BaddhaMediaPipe13,
    )?);
    Ok(out)
}

/// What the recognition is fitted on: the real tables and the generated
/// sessions, with each sample's weight (see [`crate::cv::weights`]).
///
/// # Errors
/// As [`real_tables`] and [`synthetic`].
pub fn training_data(data: &Path) -> Result<(Vec<Sample>, Vec<f32>), EvalError> {
    let mut samples = real_tables(data)?;
    samples.extend(synthetic(&SYNTHETIC_SEEDS)?);
    let weights = crate::cv::weights(&samples, SYNTHETIC_SHARE);
    Ok((samples, weights))
}

impl Truth {
    /// A picture of Janusirsasana.
    pub fn is_janu(self) -> bool {
        self == Self::Pose(PoseName::Janusirsasana)
    }

    /// A picture of another pose (the variants count neither way).
    pub fn is_other_pose(self) -> bool {
        matches!(self, Self::Pose(p) if p != PoseName::Janusirsasana)
    }
}

impl Source {
    /// A table title for this source's cross-validated results.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Skeletons => "Yoga-82 skeletons (BlazePose 33 points), cross-validated",
            Self::MediaPipe13 => "Yoga-82 test half, MediaPipe 13 points, cross-validated",
            Self::MoveNet17 => "Yoga-82 test half, MoveNet 17 points, cross-validated",
            Self::BaddhaMediaPipe13 => {
                "Yoga-82 Baddha Konasana, MediaPipe 13 points, cross-validated"
            }
            Self::Photos => "Photos",
            Self::Synthetic => "Generated sessions (one frame in 15), cross-validated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            truth_of_label("janu_sirsasana"),
            Some(Truth::Pose(PoseName::Janusirsasana))
        );
        assert_eq!(
            truth_of_label("parivrtta_janu_sirsasana"),
            Some(Truth::Pose(PoseName::ParivrttaJanusirsasana))
        );
        assert_eq!(
            truth_of_label("baddha_konasana"),
            Some(Truth::Pose(PoseName::BaddhaKonasana))
        );
        assert_eq!(
            truth_of_label("janu_sirsasana_variants"),
            Some(Truth::Excluded)
        );
        assert_eq!(truth_of_label("tadasana"), None);
    }

    #[test]
    fn a_movenet_row_is_read_as_y_x_score() {
        let dir = tempfile_dir();
        let path = dir.join("m.csv");
        let mut header = String::from("pose,image");
        for b in ["cx", "cy", "cz"] {
            for i in 0..17 {
                header.push_str(&format!(",{b}{i:02}"));
            }
        }
        let mut row = String::from("dandasana,a.jpg");
        for i in 0..17 {
            row.push_str(&format!(",{}", 0.01 * i as f32)); // y
        }
        for i in 0..17 {
            row.push_str(&format!(",{}", 0.5 + 0.01 * i as f32)); // x
        }
        for _ in 0..17 {
            row.push_str(",0.25");
        }
        std::fs::write(&path, format!("{header}\n{row}\n")).unwrap();
        let s = movenet17(&path).unwrap();
        let pose = s[0].frame.pose.as_ref().unwrap();
        let knee = pose.get(janu_body::Landmark::LeftKnee).unwrap();
        assert!((knee.y - 0.13).abs() < 1e-6 && (knee.x - 0.63).abs() < 1e-6);
        assert_eq!(knee.visibility, Some(0.25));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("janu-eval-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
