//! One live session on the device: the pose estimator and the live coach,
//! frame after frame, with nothing leaving the process until it is saved.
//!
//! This is the code the browser runs (through [`crate::bindings`]) and the
//! native tests check against the server's own estimator.

use image::RgbImage;
use janu_analysis::live::{LiveCoach, LiveOptions, LiveUpdate};
use janu_body::{Frame, Landmark, Pose, file::write_jsonl};
use janu_vision::backend::NnBackend;
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator, VisionError};
use serde::Serialize;

/// Frames a second kept in the saved landmark file: what the server keeps of
/// a session it follows itself (its live page sends 15) and what upload
/// analysis samples. The coach on the device still sees every frame; a
/// session saved at 30 frames a second was twice as large and its save twice
/// as slow for the same report (BENCHMARKS.md, device saves).
pub const SAVED_FPS: f64 = 15.0;

/// Landmark coordinates and visibility are sent rounded to this many steps per
/// unit: a ten-thousandth of the picture is far below a pixel.
const POINT_STEPS: f32 = 10_000.0;

/// The body landmarks of `pose` in the picture, as `[x, y, visibility]` per
/// landmark in BlazePose order (`[0, 0, 0]` where one is missing): what the
/// live page draws.
pub fn picture_points(pose: &Pose) -> Vec<[f32; 3]> {
    let round = |v: f32| (v * POINT_STEPS).round() / POINT_STEPS;
    Landmark::ALL
        .iter()
        .map(|lm| {
            pose.get(*lm).map_or([0.0, 0.0, 0.0], |k| {
                [round(k.x), round(k.y), round(k.visibility_or_one())]
            })
        })
        .collect()
}

/// What one frame gives: the skeleton to draw and what the coach says.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The body landmarks in the picture (see [`picture_points`]), `None` when
    /// nobody is seen.
    pub landmarks: Option<Vec<[f32; 3]>>,
    /// What the coach says now.
    #[serde(flatten)]
    pub update: LiveUpdate,
}

/// A live session: estimator, coach and the frames kept for the history.
#[derive(Debug)]
pub struct LiveEngine {
    estimator: PoseEstimator,
    coach: LiveCoach,
    /// The first frame's capture time, milliseconds: frame times count from it.
    first_ms: Option<f64>,
}

impl LiveEngine {
    /// An engine on the prepared detector and landmark models (the bytes the
    /// server hands out), the landmark model being of size `model`.
    ///
    /// # Errors
    /// [`VisionError::Inference`] when a model cannot be loaded,
    /// [`VisionError::UnexpectedModel`] when it is not the one expected.
    pub fn new(
        detector: &[u8],
        landmark: &[u8],
        model: ModelSize,
        mirrored: bool,
    ) -> Result<Self, VisionError> {
        let options = EstimatorOptions {
            model,
            ..EstimatorOptions::default()
        };
        let estimator =
            PoseEstimator::from_models(options, &NnBackend::new(1), detector, landmark)?;
        Ok(Self {
            estimator,
            coach: LiveCoach::new(LiveOptions {
                mirrored,
                ..LiveOptions::default()
            }),
            first_ms: None,
        })
    }

    /// Take one camera picture captured at `captured_ms` (any clock in
    /// milliseconds; times count from the first frame's).
    ///
    /// # Errors
    /// [`VisionError::BadImage`] for an empty picture, [`VisionError::Inference`]
    /// when a model fails, [`VisionError::UnexpectedModel`] when its outputs are
    /// not the expected ones.
    pub fn push(&mut self, image: &RgbImage, captured_ms: f64) -> Result<Step, VisionError> {
        let first = *self.first_ms.get_or_insert(captured_ms);
        let t = (captured_ms - first) / 1000.0;
        let estimate = self.estimator.track_live(image, t)?;
        if estimate.pose.is_none() {
            // Nobody: the next frame starts from the detector with fresh filters.
            self.estimator.reset();
        }
        let landmarks = estimate.pose.as_ref().map(picture_points);
        let update = self.coach.push(&Frame {
            t,
            width: image.width(),
            height: image.height(),
            pose: estimate.pose,
        });
        Ok(Step { landmarks, update })
    }

    /// Whether the camera's picture is mirrored (left and right swapped).
    pub fn set_mirrored(&mut self, mirrored: bool) {
        self.coach.set_mirrored(mirrored);
    }

    /// Frames taken so far.
    pub fn frames(&self) -> usize {
        self.coach.frames().len()
    }

    /// Seconds a person was in view.
    pub fn person_seconds(&self) -> f64 {
        self.coach.person_seconds()
    }

    /// The session's landmark frames, at most [`SAVED_FPS`] a second, as a
    /// landmark file (JSON Lines, see [`janu_body::file`]): what the history
    /// keeps.
    pub fn landmark_file(&self) -> Vec<u8> {
        let gap = 1.0 / SAVED_FPS;
        let mut due = f64::NEG_INFINITY;
        let kept: Vec<Frame> = self
            .coach
            .frames()
            .iter()
            .filter(|f| {
                if f.t + 1e-6 < due {
                    return false;
                }
                // On a steady camera the next frame is due one gap on; after
                // a stall, one gap after this frame.
                due = if f.t - due > gap {
                    f.t + gap
                } else {
                    due + gap
                };
                true
            })
            .cloned()
            .collect();
        let mut out = Vec::new();
        // Writing to a vector cannot fail.
        let _ = write_jsonl(&mut out, &kept);
        out
    }
}
