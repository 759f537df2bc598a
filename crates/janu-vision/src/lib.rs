//! Pose landmarks from photos and videos: BlazePose (MediaPipe Pose) in Rust.
//!
//! - [`models`]: the MediaPipe models from `janu-models` (npm package, pinned
//!   sums, preparation as plain fp32 graphs, the cache), re-exported.
//! - [`backend`]: the inference backend trait and its two pure-Rust backends:
//!   janu-nn (the default) and tract (the cross-check, behind the cargo
//!   feature `tract`).
//! - [`PoseEstimator`]: MediaPipe's pose pipeline: person detector, rotated
//!   region of interest, landmark model, heatmap refinement, projection to the
//!   picture, world landmarks, tracking and smoothing across video frames;
//!   [`PoseEstimate`] is what its callers need of it, for a stand-in in tests.
//! - [`video`]: a whole video through the estimator, decoding and inference
//!   pipelined on two threads.
//!
//! ```no_run
//! use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator};
//!
//! let options = EstimatorOptions { model: ModelSize::Lite, ..Default::default() };
//! let mut estimator = PoseEstimator::new(options)?; // installs the models once
//! let picture = image::RgbImage::new(640, 480);
//! let estimate = estimator.estimate_image(&picture)?;
//! assert!(estimate.pose.is_none()); // nobody in a black picture
//! # Ok::<(), janu_vision::VisionError>(())
//! ```

pub mod backend;
mod error;
mod estimator;
pub mod geometry;
pub mod models;
pub mod preprocess;
#[cfg(feature = "native")]
pub mod video;

pub use error::{VisionError, message_chain};
pub use estimator::{
    DETECTOR_INPUT, Estimate, EstimatorOptions, LANDMARK_INPUT, Look, MAX_PEOPLE, PhotoView,
    PoseEstimate, PoseEstimator, TRACK_ANCHOR_S, track_anchor,
};
#[cfg(feature = "native")]
pub use models::ModelStore;
pub use models::{InstallStep, ModelKind, ModelSize, ModelSource};
