//! A whole video through the estimator.
//!
//! The frames come from any iterator of `(time, picture)` results; with
//! janu-media's `VideoSource::spawn` the decoding runs on its own thread behind
//! a bounded channel while this one runs the models, so both cores work and
//! memory stays bounded.
//!
//! ```no_run
//! use janu_vision::{EstimatorOptions, PoseEstimator, video::landmarks_from_frames};
//! let mut estimator = PoseEstimator::new(EstimatorOptions::default())?;
//! let frames = (0..3).map(|i| Ok::<_, String>((i as f64 / 30.0, image::RgbImage::new(64, 64))));
//! let out = landmarks_from_frames(&mut estimator, frames, &mut |_| {})?;
//! assert_eq!(out.len(), 3);
//! # Ok::<(), janu_vision::VisionError>(())
//! ```

use image::RgbImage;
use janu_body::Frame;

use crate::{PoseEstimator, VisionError};

/// Run `estimator` in video mode over `frames`, in order, and return one landmark
/// [`Frame`] per picture (`pose: None` where nobody was found). `progress` hears
/// of each frame when it is done. The estimator is reset first.
///
/// # Errors
/// [`VisionError::Source`] holding the source's error when a frame cannot be
/// decoded; errors of [`PoseEstimator::track`].
pub fn landmarks_from_frames<I, E>(
    estimator: &mut PoseEstimator,
    frames: I,
    progress: &mut dyn FnMut(&Frame),
) -> Result<Vec<Frame>, VisionError>
where
    I: IntoIterator<Item = Result<(f64, RgbImage), E>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    estimator.reset();
    let mut out = Vec::new();
    for item in frames {
        let (t, image) = item.map_err(|e| VisionError::Source(e.into()))?;
        let estimate = estimator.track(&image, t)?;
        let frame = Frame {
            t,
            width: image.width(),
            height: image.height(),
            pose: estimate.pose,
        };
        progress(&frame);
        out.push(frame);
    }
    Ok(out)
}
