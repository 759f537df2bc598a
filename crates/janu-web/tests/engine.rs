//! The browser's engine, run natively on a real photo of the pose: from the
//! prepared models' bytes (as the page gets them) to the skeleton, the coach's
//! words and the landmark file the page saves. Needs the shared photos (skips
//! without them, except under CI=true) and installs the models when missing.

use janu_body::file::read_jsonl;
use janu_vision::{ModelKind, ModelSize, ModelStore};
use janu_web::LiveEngine;

const PHOTO: &str = "janu_sirsasana/yogapath_janu_sirsasana.jpg";
/// Frames pushed: two seconds at the page's 30 frames a second.
const FRAMES: usize = 60;

#[test]
fn a_real_photo_gives_a_skeleton_a_coach_and_a_landmark_file() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let picture = janu_media::read_image(&photos.join(PHOTO)).unwrap();
    let store = ModelStore::from_env().unwrap();
    store.ensure(&mut |_| {}).unwrap();
    let detector = std::fs::read(store.path(ModelKind::Detector)).unwrap();
    let landmark = std::fs::read(store.path(ModelKind::Landmark(ModelSize::Full))).unwrap();
    let mut engine = LiveEngine::new(&detector, &landmark, ModelSize::Full, false).unwrap();

    let mut last = None;
    for i in 0..FRAMES {
        last = Some(
            engine
                .push(&picture, 1000.0 + i as f64 * 1000.0 / 30.0)
                .unwrap(),
        );
    }
    let step = last.unwrap();
    let points = step.landmarks.expect("a person is seen");
    assert_eq!(points.len(), 33);
    assert!(
        points
            .iter()
            .all(|p| p.iter().all(|v| v.is_finite() && (-0.5..=1.5).contains(v))),
        "landmarks in the picture: {points:?}"
    );
    assert!(step.update.person_visible);
    assert!(
        (step.update.t - (FRAMES - 1) as f64 / 30.0).abs() < 1e-6,
        "times count from the first frame"
    );
    assert!(engine.person_seconds() > 1.5);

    // The save: a landmark file the server reads back, at 15 frames a second.
    let file = engine.landmark_file();
    let frames = read_jsonl(&file[..]).unwrap();
    assert_eq!(frames.len(), FRAMES / 2);
    assert!(frames.iter().all(|f| f.pose.is_some()));

    // A picture of the wrong size is an error, not a panic.
    let empty = image::RgbImage::new(0, 0);
    assert!(engine.push(&empty, 5000.0).is_err());
}
