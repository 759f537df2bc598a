//! A photo, looked at several ways.

use image::RgbImage;
use janu_body::Frame;
use janu_vision::{PhotoView, PoseEstimate, VisionError};

/// How Janu looks at a photo. MediaPipe's one detector crop fits a body folded
/// flat over its legs badly; with the crop also left upright and both crops
/// mirrored, and the call averaged over the four, the full model found the
/// pose in 5 of the 7 shared photos of it instead of 2 (see BENCHMARKS.md).
/// The whole picture is looked at only when the detector finds nobody.
pub const PHOTO_VIEWS: [PhotoView; 5] = PhotoView::ALL;

/// Each look at a photo: the person it shows (their rank among the people
/// found) and the frame it saw. With `mediapipe_only`, MediaPipe's own single
/// look; otherwise every [`PHOTO_VIEWS`] of every person found. Never empty:
/// a photo without anyone gives one empty frame.
///
/// # Errors
/// As [`PoseEstimate::estimate_image`].
pub fn photo_looks(
    est: &mut dyn PoseEstimate,
    image: &RgbImage,
    mediapipe_only: bool,
) -> Result<Vec<(usize, Frame)>, VisionError> {
    let frame = |pose| Frame {
        t: 0.0,
        width: image.width(),
        height: image.height(),
        pose,
    };
    if mediapipe_only {
        return Ok(vec![(0, frame(est.estimate_image(image)?.pose))]);
    }
    let looks: Vec<(usize, Frame)> = est
        .look(image, &PHOTO_VIEWS)?
        .into_iter()
        .map(|l| (l.person, frame(l.estimate.pose)))
        .collect();
    Ok(if looks.is_empty() {
        vec![(0, frame(None))]
    } else {
        looks
    })
}
