//! The shared photos through Janu's own pipeline, as `janu analyze` reads them.

use std::path::Path;

use janu_analysis::{PoseName, SessionReport};
use janu_pipeline::{PipelineOptions, analyze_file};
use janu_vision::PoseEstimator;

use crate::EvalError;
use crate::datasets::{Truth, photo_files};

/// One photo's result.
#[derive(Debug, Clone)]
pub struct PhotoCall {
    /// The photo, relative to the photo folder.
    pub name: String,
    /// Its true pose.
    pub truth: Truth,
    /// What Janu called it (`Nobody` when no person was found).
    pub called: PoseName,
    /// The whole report, for the details.
    pub report: Option<SessionReport>,
}

impl PhotoCall {
    /// One line for people: the photo, the call, the extended leg with how
    /// sure of it, and how sure of the call.
    pub fn line(&self) -> String {
        let pose = self.report.as_ref().and_then(|r| r.pose.as_ref());
        format!(
            "{}: {} {:?} (leg {:?} sure) {:.2}",
            self.name,
            self.called.as_str(),
            pose.and_then(|p| p.extended_leg),
            pose.and_then(|p| p.extended_leg_confidence),
            pose.map_or(0.0, |p| p.confidence)
        )
    }
}

/// Analyse every photo under `root` with `estimator`, telling `progress` after
/// each one (done, total); with `mediapipe_only`, each photo is looked at only
/// MediaPipe's way.
///
/// # Errors
/// The folder cannot be listed. A photo that cannot be analysed is called
/// [`PoseName::Nobody`], with no report.
pub fn analyse_photos(
    root: &Path,
    estimator: &mut PoseEstimator,
    mediapipe_only: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PhotoCall>, EvalError> {
    let files = photo_files(root)?;
    let options = PipelineOptions {
        no_key_frames: true,
        mediapipe_only,
        ..PipelineOptions::default()
    };
    let mut out = Vec::with_capacity(files.len());
    for (i, (path, truth)) in files.iter().enumerate() {
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let report = analyze_file(path, &options, estimator, &mut |_| {})
            .ok()
            .map(|a| a.report);
        let called = report
            .as_ref()
            .and_then(|r| r.pose.as_ref())
            .map_or(PoseName::Nobody, |p| p.name);
        out.push(PhotoCall {
            name,
            truth: *truth,
            called,
            report,
        });
        progress(i + 1, files.len());
    }
    Ok(out)
}
