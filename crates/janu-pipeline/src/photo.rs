//! A photo, looked at several ways.

use image::RgbImage;
use janu_analysis::{AnalysisError, AnalysisOptions, SessionReport, analyze_photo};
use janu_body::Frame;
use janu_vision::{PhotoView, PoseEstimator, VisionError};

use crate::{EstimatorSource, PipelineError};

/// How Janu looks at a photo. MediaPipe's one detector crop fits a body folded
/// flat over its legs badly; with the crop also left upright and both crops
/// mirrored, and the call averaged over the four, the full model found the
/// pose in 5 of the 7 shared photos of it instead of 2 (see BENCHMARKS.md).
/// The whole picture is looked at only when the detector finds nobody.
pub const PHOTO_VIEWS: [PhotoView; 5] = PhotoView::ALL;

/// A photo whose pose call is less likely than not (the called pose's
/// probability under one half) is looked at again with the heavy landmark
/// model, and the surer of the two calls kept. One half is the plain boundary
/// of an unsure call, not a fitted value. On the shared photos (full model
/// first) 6 of 162 photos take the second look; Janusirsasana is found in 6
/// of its 7 photos instead of 5 (a collage whose folded half the full model
/// reads badly), one more neighbour of 155 is called Janusirsasana (3 in all),
/// and as many photos are named right in all (131 of 162). Any boundary from
/// 0.45 to 0.6 gives the same 6 of 7 (BENCHMARKS.md).
pub const SECOND_LOOK_BELOW: f32 = 0.5;

/// A photo looked at again with the heavy model (see [`SECOND_LOOK_BELOW`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecondLook {
    /// How sure the first model's call was.
    pub first_confidence: f32,
    /// How sure the heavy model's call was.
    pub heavy_confidence: f32,
    /// Whether the heavy model's call was the surer one, and kept.
    pub kept: bool,
}

/// How sure a report's pose call is (0 without one).
fn confidence(report: &SessionReport) -> f32 {
    report.pose.as_ref().map_or(0.0, |p| p.confidence)
}

/// A photo's analysis: the looks of the model kept, the index of the look
/// measured, the report, and the second look when there was one.
pub(crate) struct PhotoAnalysis {
    pub looks: Vec<(usize, Frame)>,
    pub chosen: usize,
    pub report: SessionReport,
    pub second_look: Option<SecondLook>,
}

/// Analyse a photo's `looks`, and when the call is unsure and `estimator`
/// keeps the heavy model, look again with it and keep the surer call. Errors
/// go through `model_error` and `analysis_error`.
pub(crate) fn analyse_looks(
    looks: Vec<(usize, Frame)>,
    image: &RgbImage,
    estimator: &mut dyn EstimatorSource,
    options: &AnalysisOptions,
    mediapipe_only: bool,
    model_error: &dyn Fn(VisionError) -> PipelineError,
    analysis_error: &dyn Fn(AnalysisError) -> PipelineError,
) -> Result<PhotoAnalysis, PipelineError> {
    let (chosen, report) = analyze_photo(&looks, options).map_err(analysis_error)?;
    let first = PhotoAnalysis {
        looks,
        chosen,
        report,
        second_look: None,
    };
    let first_confidence = confidence(&first.report);
    if mediapipe_only || first_confidence >= SECOND_LOOK_BELOW {
        return Ok(first);
    }
    let Some(heavy) = estimator.heavy() else {
        return Ok(first);
    };
    let heavy_looks =
        photo_looks(heavy.map_err(model_error)?, image, false).map_err(model_error)?;
    let (heavy_chosen, heavy_report) =
        analyze_photo(&heavy_looks, options).map_err(analysis_error)?;
    let heavy_confidence = confidence(&heavy_report);
    let kept = heavy_confidence > first_confidence;
    let second_look = Some(SecondLook {
        first_confidence,
        heavy_confidence,
        kept,
    });
    Ok(if kept {
        PhotoAnalysis {
            looks: heavy_looks,
            chosen: heavy_chosen,
            report: heavy_report,
            second_look,
        }
    } else {
        PhotoAnalysis {
            second_look,
            ..first
        }
    })
}

/// Each look at a photo: the person it shows (their rank among the people
/// found) and the frame it saw. With `mediapipe_only`, MediaPipe's own single
/// look; otherwise every [`PHOTO_VIEWS`] of every person found. Never empty:
/// a photo without anyone gives one empty frame.
///
/// # Errors
/// As [`PoseEstimator::estimate_image`].
pub fn photo_looks(
    est: &mut PoseEstimator,
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
