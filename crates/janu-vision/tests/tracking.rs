//! Video mode on real pictures: the detector runs only when tracking has no
//! region to follow, tracked landmarks agree with the photo pipeline, and losing
//! the person restarts detection.

use image::{Rgb, RgbImage};
use janu_vision::video::landmarks_from_frames;
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator};

fn photo() -> Option<RgbImage> {
    let dir = janu_testkit::shared_data("photos/dandasana")?;
    let first = janu_testkit::images_in(&dir).into_iter().next()?;
    Some(image::open(first).unwrap().to_rgb8())
}

#[test]
fn tracking_follows_the_person_and_restarts_after_losing_them() {
    let Some(picture) = photo() else { return };
    let blank = RgbImage::from_pixel(picture.width(), picture.height(), Rgb([90, 90, 90]));
    let options = EstimatorOptions {
        model: ModelSize::Lite,
        ..Default::default()
    };
    let mut estimator = PoseEstimator::new(options).unwrap();
    let still = estimator.estimate_image(&picture).unwrap().pose.unwrap();

    let frames = [&picture, &picture, &picture, &blank, &picture, &picture];
    let mut ran = Vec::new();
    let mut found = Vec::new();
    let mut last = None;
    for (i, f) in frames.iter().enumerate() {
        let e = estimator.track(f, i as f64 / 30.0).unwrap();
        ran.push(e.detector_ran);
        found.push(e.pose.is_some());
        if e.pose.is_some() {
            last = e.pose;
        }
    }
    assert_eq!(found, [true, true, true, false, true, true]);
    // The detector runs on the first frame only; on the blank frame the landmark
    // model finds nobody in the tracked region, so the next frame detects again.
    assert_eq!(ran, [true, false, false, false, true, false]);

    // On a still picture the tracked pose stays where the photo pipeline puts it.
    let tracked = last.unwrap();
    let diagonal = f64::from(picture.width()).hypot(f64::from(picture.height()));
    let mut distances: Vec<f64> = still
        .landmarks
        .iter()
        .zip(&tracked.landmarks)
        .map(|(a, b)| {
            let (a, b) = (a.unwrap(), b.unwrap());
            (f64::from(a.x - b.x) * f64::from(picture.width()))
                .hypot(f64::from(a.y - b.y) * f64::from(picture.height()))
                / diagonal
        })
        .collect();
    distances.sort_by(f64::total_cmp);
    assert!(distances[16] < 0.01, "median {}", distances[16]);
}

#[test]
fn a_frame_source_error_names_the_problem() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    let mut estimator = PoseEstimator::new(EstimatorOptions {
        model: ModelSize::Lite,
        ..Default::default()
    })
    .unwrap();
    let frames = vec![
        Ok((0.0, RgbImage::new(64, 48))),
        Err("clip.mp4: frame 2 is damaged".to_owned()),
    ];
    let err = landmarks_from_frames(&mut estimator, frames, &mut |_| {}).unwrap_err();
    assert!(err.message().contains("frame 2 is damaged"), "{err:?}");
    let source = std::error::Error::source(&err).expect("the source's error");
    assert_eq!(source.to_string(), "clip.mp4: frame 2 is damaged");
    let empty = RgbImage::new(0, 0);
    assert!(estimator.estimate_image(&empty).is_err());
}

#[test]
fn a_recorded_video_restarts_on_its_anchors_and_a_live_camera_never_does() {
    let Some(picture) = photo() else { return };
    let mut estimator = PoseEstimator::new(EstimatorOptions {
        model: ModelSize::Lite,
        ..Default::default()
    })
    .unwrap();
    // Frames a second apart across the first anchor.
    let times = [8.0, 9.0, janu_vision::TRACK_ANCHOR_S, 11.0];
    let recorded: Vec<bool> = times
        .iter()
        .map(|&t| estimator.track(&picture, t).unwrap().detector_ran)
        .collect();
    assert_eq!(
        recorded,
        [true, false, true, false],
        "a recorded video starts afresh at the anchor"
    );

    estimator.reset();
    let live: Vec<bool> = times
        .iter()
        .map(|&t| estimator.track_live(&picture, t).unwrap().detector_ran)
        .collect();
    // A restart would jolt the coach's hold timer and breath trace.
    assert_eq!(
        live,
        [true, false, false, false],
        "a live camera is followed without restarts"
    );
}
