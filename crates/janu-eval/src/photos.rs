//! The shared photos through Janu's own pipeline, as `janu analyze` reads them.

use std::path::Path;

use janu_analysis::{PoseName, SessionReport};
use janu_pipeline::{EstimatorSource, PipelineOptions, analyze_file};

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
    /// The second look with the heavy model, when the first call was unsure.
    pub second_look: Option<janu_pipeline::SecondLook>,
}

impl PhotoCall {
    /// One line for people: the photo, the call, the extended leg with how
    /// sure of it, and how sure of the call.
    pub fn line(&self) -> String {
        let pose = self.report.as_ref().and_then(|r| r.pose.as_ref());
        let second = self.second_look.map_or(String::new(), |s| {
            format!(
                " (second look, heavy model: {:.2} against {:.2}, {})",
                s.heavy_confidence,
                s.first_confidence,
                if s.kept { "kept" } else { "not kept" }
            )
        });
        format!(
            "{}: {} {:?} (leg {:?} sure) {:.2}{second}",
            self.name,
            self.called.as_str(),
            pose.and_then(|p| p.extended_leg),
            pose.and_then(|p| p.extended_leg_confidence),
            pose.map_or(0.0, |p| p.confidence)
        )
    }
}

/// Analyse every photo under `root` with `estimator` (a
/// [`janu_pipeline::LazyEstimator`] gives the unsure photos the heavy model's
/// second look, as `janu analyze` does), telling `progress` after each one
/// (done, total); with `mediapipe_only`, each photo is looked at only
/// MediaPipe's way.
///
/// # Errors
/// The folder cannot be listed. A photo that cannot be analysed is called
/// [`PoseName::Nobody`], with no report.
pub fn analyse_photos(
    root: &Path,
    estimator: &mut dyn EstimatorSource,
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
        let (report, second_look) = match analyze_file(path, &options, estimator, &mut |_| {}) {
            Ok(a) => (Some(a.report), a.second_look),
            Err(_) => (None, None),
        };
        let called = report
            .as_ref()
            .and_then(|r| r.pose.as_ref())
            .map_or(PoseName::Nobody, |p| p.name);
        out.push(PhotoCall {
            name,
            truth: *truth,
            called,
            report,
            second_look,
        });
        progress(i + 1, files.len());
    }
    Ok(out)
}
