//! The pipeline through the `PoseEstimate` edge, without a model: a scripted
//! estimator gives one real person's landmarks (a Yoga-82 photo of the pose,
//! from the shared data) for every picture, and the pipeline must hand them to
//! the analysis unchanged, asking the estimator only what a photo or a
//! recorded video needs.

use std::path::Path;

use janu_analysis::AnalysisOptions;
use janu_body::{Frame, Keypoint, LANDMARK_COUNT, Pose};
use janu_media::{Mp4Writer, RgbImage};
use janu_pipeline::{EstimatorSource, InputKind, PipelineOptions, analyze_file};
use janu_vision::{Estimate, PoseEstimate, VisionError};

/// The landmark table of real photos of the pose, and the row used.
const SKELETONS: &str = "yoga82-skeletons/janu_sirsasana.csv";

/// The first row of `csv` with all 33 points: its pose (visibility 0.9 where
/// MediaPipe saw the point, 0.1 where not).
fn first_whole_pose(csv: &Path) -> Pose {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let mut pose = Pose::empty();
        let mut whole = true;
        for (i, slot) in pose.landmarks.iter_mut().enumerate() {
            let cell = |name: String| cells[column(&name)].parse::<f32>().ok();
            match (cell(format!("x{i}")), cell(format!("y{i}"))) {
                (Some(x), Some(y)) => {
                    let seen = cell(format!("visible{i}")) == Some(1.0);
                    *slot = Some(Keypoint {
                        x,
                        y,
                        z: None,
                        visibility: Some(if seen { 0.9 } else { 0.1 }),
                    });
                }
                _ => whole = false,
            }
        }
        if whole {
            return pose;
        }
    }
    panic!(
        "{} has no row with all {LANDMARK_COUNT} points",
        csv.display()
    );
}

/// A stand-in for the pose model: the same pose in every picture, and a log
/// of what it was asked.
struct Scripted {
    pose: Pose,
    photos: usize,
    tracked: Vec<f64>,
    resets: usize,
}

impl Scripted {
    fn new(pose: Pose) -> Self {
        Self {
            pose,
            photos: 0,
            tracked: Vec::new(),
            resets: 0,
        }
    }

    fn estimate(&self, detector_ran: bool) -> Estimate {
        Estimate {
            pose: Some(self.pose.clone()),
            people_detected: 1,
            detector_ran,
            roi: None,
        }
    }
}

impl PoseEstimate for Scripted {
    fn estimate_image(&mut self, _image: &RgbImage) -> Result<Estimate, VisionError> {
        self.photos += 1;
        Ok(self.estimate(true))
    }

    fn track(&mut self, _image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        self.tracked.push(t);
        Ok(self.estimate(self.tracked.len() == 1))
    }

    fn track_live(&mut self, _image: &RgbImage, _t: f64) -> Result<Estimate, VisionError> {
        panic!("a recorded video is not tracked live")
    }

    fn reset(&mut self) {
        self.resets += 1;
    }
}

impl EstimatorSource for Scripted {
    fn estimator(&mut self) -> Result<&mut dyn PoseEstimate, VisionError> {
        Ok(self)
    }

    fn is_loaded(&self) -> bool {
        true
    }
}

fn scripted() -> Option<Scripted> {
    let csv = janu_testkit::shared_data(SKELETONS)?;
    Some(Scripted::new(first_whole_pose(&csv)))
}

#[test]
fn a_photo_is_analysed_with_the_estimators_landmarks() {
    let Some(mut estimator) = scripted() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.png");
    janu_media::write_png(&path, &RgbImage::new(240, 240)).unwrap();
    let a = analyze_file(
        &path,
        &PipelineOptions::default(),
        &mut estimator,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(a.input, InputKind::Photo);
    assert_eq!(estimator.photos, 1, "one look at the photo");
    assert!(estimator.tracked.is_empty(), "a photo is not tracked");
    let expected = Frame {
        t: 0.0,
        width: 240,
        height: 240,
        pose: Some(estimator.pose.clone()),
    };
    assert_eq!(a.frames, std::slice::from_ref(&expected));
    let (_, report) =
        janu_analysis::analyze_photo(&[(0, expected)], &AnalysisOptions::default()).unwrap();
    assert_eq!(a.report, report);
    assert!(a.report.pose.is_some(), "a real pose is called");
    assert_eq!(a.key_frames().len(), 1, "the photo itself");
}

#[test]
fn a_video_is_tracked_frame_by_frame_through_the_estimator() {
    let Some(mut estimator) = scripted() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let (frames, fps) = (30, 10.0);
    let mut writer = Mp4Writer::create(&path, 64, 48, fps).unwrap();
    for _ in 0..frames {
        writer.push(&RgbImage::new(64, 48)).unwrap();
    }
    writer.finish().unwrap();
    let mut done = Vec::new();
    let a = analyze_file(
        &path,
        &PipelineOptions {
            no_key_frames: true,
            ..Default::default()
        },
        &mut estimator,
        &mut |p| {
            if p.stage == janu_pipeline::Stage::Landmarks {
                done.push(p.done);
            }
        },
    )
    .unwrap();
    assert_eq!(a.input, InputKind::Video);
    assert_eq!(estimator.resets, 1, "tracking starts afresh once");
    assert_eq!(estimator.photos, 0, "a video is not looked at as photos");
    assert_eq!(estimator.tracked.len(), frames);
    assert!(
        estimator.tracked.windows(2).all(|w| w[0] < w[1]),
        "in order"
    );
    assert_eq!(done, (0..=frames as u64).collect::<Vec<_>>());
    let times: Vec<f64> = a.frames.iter().map(|f| f.t).collect();
    assert_eq!(times, estimator.tracked);
    for f in &a.frames {
        assert_eq!((f.width, f.height), (64, 48));
        assert_eq!(f.pose.as_ref(), Some(&estimator.pose));
    }
    let report = janu_analysis::analyze_with(&a.frames, &AnalysisOptions::default()).unwrap();
    assert_eq!(a.report, report);
}
