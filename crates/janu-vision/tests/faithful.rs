//! Janu against MediaPipe: every shared photo through Janu's estimator and the
//! Python MediaPipe 0.10.21 solution (static image mode, fixtures made by
//! `tools/mediapipe_reference.py`), for each model size.
//!
//! Asserted per model size: the same photos have a person found (at least 95 %
//! agreement) and the median distance between matching landmarks is at most 1 %
//! of the image diagonal. The figures are printed (run with `--nocapture`) and
//! recorded in BENCHMARKS.md.

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator};

/// Least share of photos on which Janu and MediaPipe agree that a person is there.
const MIN_AGREEMENT: f64 = 0.95;
/// Largest median landmark distance, as a fraction of the image diagonal.
const MAX_MEDIAN_DISTANCE: f64 = 0.01;

struct Reference {
    file: String,
    width: u32,
    height: u32,
    landmarks: Option<Vec<[f64; 2]>>,
}

fn references(size: ModelSize) -> Vec<Reference> {
    let path = janu_testkit::fixture(&format!("mediapipe/photos_{size}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("the MediaPipe fixtures are committed");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            Reference {
                file: v["file"].as_str().unwrap().to_owned(),
                width: v["width"].as_u64().unwrap() as u32,
                height: v["height"].as_u64().unwrap() as u32,
                landmarks: v["landmarks"].as_array().map(|pts| {
                    pts.iter()
                        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
                        .collect()
                }),
            }
        })
        .collect()
}

/// Read a photo the way the reference did: EXIF orientation applied, RGB.
fn read_photo(path: &Path) -> RgbImage {
    let mut decoder = ImageReader::open(path)
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    let orientation = decoder.orientation().unwrap();
    let mut img = DynamicImage::from_decoder(decoder).unwrap();
    img.apply_orientation(orientation);
    img.to_rgb8()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

fn compare(size: ModelSize, photos: &Path) {
    let options = EstimatorOptions {
        model: size,
        ..Default::default()
    };
    let mut estimator = PoseEstimator::new(options).expect("models install and load");
    let refs = references(size);
    assert!(refs.len() >= 100, "{} reference photos", refs.len());
    let (mut agree, mut both) = (0usize, 0usize);
    let mut distances = Vec::new();
    let mut disagreements = Vec::new();
    for r in &refs {
        let img = read_photo(&photos.join(&r.file));
        assert_eq!(
            (img.width(), img.height()),
            (r.width, r.height),
            "{}",
            r.file
        );
        let estimate = estimator.estimate_image(&img).unwrap();
        match (&estimate.pose, &r.landmarks) {
            (Some(pose), Some(reference)) => {
                agree += 1;
                both += 1;
                let (w, h) = (f64::from(r.width), f64::from(r.height));
                let diagonal = w.hypot(h);
                for (k, p) in pose.landmarks.iter().zip(reference) {
                    let k = k.expect("Janu gives all 33 landmarks");
                    let d = ((f64::from(k.x) - p[0]) * w).hypot((f64::from(k.y) - p[1]) * h);
                    distances.push(d / diagonal);
                }
            }
            (None, None) => agree += 1,
            (ours, _) => disagreements.push(format!(
                "{} (Janu {}, MediaPipe {})",
                r.file,
                if ours.is_some() { "found" } else { "none" },
                if ours.is_some() { "none" } else { "found" }
            )),
        }
    }
    distances.sort_by(f64::total_cmp);
    let agreement = agree as f64 / refs.len() as f64;
    let median = percentile(&distances, 0.5);
    let p90 = percentile(&distances, 0.9);
    println!(
        "FAITHFUL {size}: photos {} agreement {:.1}% ({agree}/{}) both-found {both} \
         median {:.3}% p90 {:.3}% of the diagonal; disagreements: {disagreements:?}",
        refs.len(),
        agreement * 100.0,
        refs.len(),
        median * 100.0,
        p90 * 100.0,
    );
    assert!(agreement >= MIN_AGREEMENT, "{size}: agreement {agreement}");
    assert!(median <= MAX_MEDIAN_DISTANCE, "{size}: median {median}");
}

#[test]
fn lite_matches_mediapipe() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    compare(ModelSize::Lite, &photos);
}

#[test]
fn full_matches_mediapipe() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    compare(ModelSize::Full, &photos);
}

#[test]
fn heavy_matches_mediapipe() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    compare(ModelSize::Heavy, &photos);
}
