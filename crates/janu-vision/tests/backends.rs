//! The janu-nn backend against tract on real inputs: every output of the
//! detector and of the three landmark models, on crops of shared photos.

use image::imageops::FilterType;
use janu_vision::backend::{InferenceBackend, NnBackend, TractBackend};
use janu_vision::{DETECTOR_INPUT, LANDMARK_INPUT, ModelKind, ModelSize, ModelStore};

/// Photos compared (spread over the folders).
const PHOTOS: usize = 6;

fn photos() -> Vec<image::RgbImage> {
    let root = janu_testkit::shared_data("photos").expect("checked by the caller");
    janu_testkit::spread_photos(&root, PHOTOS)
        .into_iter()
        .map(|p| image::open(p).unwrap().to_rgb8())
        .collect()
}

fn tensor(img: &image::RgbImage, side: usize, range: (f32, f32)) -> Vec<f32> {
    let small = image::imageops::resize(img, side as u32, side as u32, FilterType::Triangle);
    small
        .pixels()
        .flat_map(|p| p.0)
        .map(|v| range.0 + (range.1 - range.0) * f32::from(v) / 255.0)
        .collect()
}

fn compare(kind: ModelKind, side: usize, range: (f32, f32)) {
    let store = ModelStore::from_env().unwrap();
    let bytes = store.load(kind, &mut |_| {}).unwrap();
    let shape = [1, side, side, 3];
    let mut nn = NnBackend::new(1).load(&bytes, shape).unwrap();
    let mut tract = TractBackend::new(1).load(&bytes, shape).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut worst = vec![0.0f32; 0];
    for img in photos() {
        let input = tensor(&img, side, range);
        nn.run(&input, &mut a).unwrap();
        tract.run(&input, &mut b).unwrap();
        assert_eq!(a.len(), b.len(), "{kind:?}: number of outputs");
        worst.resize(a.len(), 0.0);
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x.len(), y.len(), "{kind:?} output {i}");
            let scale = y.iter().fold(1.0f32, |m, v| m.max(v.abs()));
            let diff = x
                .iter()
                .zip(y)
                .fold(0.0f32, |m, (p, q)| m.max((p - q).abs()));
            worst[i] = worst[i].max(diff / scale);
        }
    }
    println!("{kind:?}: largest difference per output, relative to its largest value: {worst:?}");
    for (i, w) in worst.iter().enumerate() {
        let limit = if a[i].len() == 1 {
            MAX_SCORE_DIFF
        } else {
            MAX_RELATIVE_DIFF
        };
        assert!(*w < limit, "{kind:?} output {i}: {w}");
    }
}

/// Largest difference allowed between the backends, as a fraction of the
/// output's largest magnitude: float rounding in a different order.
const MAX_RELATIVE_DIFF: f32 = 1e-4;

/// Largest difference allowed on a one-value output (the presence score, a
/// probability): the sigmoid is steepest near 0.5, where the heavy model's
/// rounding of its logit shows most (0.6172 against 0.6166 measured on a
/// shared photo, while its landmarks agree within 6e-5).
const MAX_SCORE_DIFF: f32 = 2e-3;

#[test]
fn detector_outputs_match_tract() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    compare(ModelKind::Detector, DETECTOR_INPUT, (-1.0, 1.0));
}

#[test]
fn landmark_outputs_match_tract() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    for size in ModelSize::ALL {
        compare(ModelKind::Landmark(size), LANDMARK_INPUT, (0.0, 1.0));
    }
}

#[test]
fn two_threads_give_the_same_bits() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    let store = ModelStore::from_env().unwrap();
    let bytes = store
        .load(ModelKind::Landmark(ModelSize::Full), &mut |_| {})
        .unwrap();
    let shape = [1, LANDMARK_INPUT, LANDMARK_INPUT, 3];
    let mut one = NnBackend::new(1).load(&bytes, shape).unwrap();
    let mut two = NnBackend::new(2).load(&bytes, shape).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for img in photos().iter().take(2) {
        let input = tensor(img, LANDMARK_INPUT, (0.0, 1.0));
        one.run(&input, &mut a).unwrap();
        two.run(&input, &mut b).unwrap();
        assert_eq!(a, b, "rows split over threads compute the same sums");
    }
}
