//! The one error type of this crate.

/// `error`'s message and its sources', joined by `: `: the whole story on one
/// line, for a log line or a page, for any error that keeps its cause.
pub fn message_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

/// Everything that can go wrong while installing models or estimating poses.
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    /// The models could not be fetched, checked, prepared or read from the
    /// cache (see [`janu_models::ModelError`]).
    #[error(transparent)]
    Models(#[from] janu_models::ModelError),
    /// A prepared model is missing or damaged in the cache, or the estimator
    /// that holds it was not kept.
    #[error("{0}; run `janu models install` to repair the model cache")]
    ModelCache(String),
    /// The janu-nn runtime failed to load or run a model.
    #[error("inference failed while {stage}")]
    Inference {
        /// What was being done: "loading the pose detector", "running the
        /// landmark model", ...
        stage: &'static str,
        /// What the runtime said.
        #[source]
        source: janu_nn::NnError,
    },
    /// tract failed to load or run a model, or is not in this build (its
    /// cargo feature `tract` is off).
    #[cfg(feature = "native")]
    #[error("inference (tract) failed while {stage}")]
    Tract {
        /// What was being done, as for [`VisionError::Inference`].
        stage: &'static str,
        /// What tract said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A model loaded but is not the one expected (another input size, other
    /// outputs).
    #[error("unexpected model: {0}")]
    UnexpectedModel(String),
    /// An input picture cannot be used (empty, too large, ...).
    #[error("{0}")]
    BadImage(String),
    /// The frame source (a video decoder) failed.
    #[error("a frame could not be read")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl VisionError {
    /// The same error with a runtime failure's stage named more precisely
    /// ("loading the pose detector" rather than "loading a model"); other
    /// errors are returned as they are.
    #[must_use]
    pub(crate) fn during(self, stage: &'static str) -> Self {
        match self {
            Self::Inference { source, .. } => Self::Inference { stage, source },
            #[cfg(feature = "native")]
            Self::Tract { source, .. } => Self::Tract { stage, source },
            other => other,
        }
    }

    /// The whole message on one line: this error's and its sources', joined
    /// by `: ` (for a log line or a page; a program printing the chain itself
    /// should use [`std::error::Error::source`]).
    pub fn message(&self) -> String {
        message_chain(self)
    }
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::backend::BackendKind;
    use crate::{EstimatorOptions, ModelKind, ModelStore, PoseEstimator};

    #[test]
    fn a_truncated_model_keeps_the_runtimes_error() {
        let store = ModelStore::from_env().unwrap();
        let mut bytes = store.load(ModelKind::Detector, &mut |_| {}).unwrap();
        bytes.truncate(bytes.len() / 3);
        for kind in BackendKind::ALL {
            let Err(err) = PoseEstimator::from_models(
                EstimatorOptions::default(),
                kind.create(1).as_ref(),
                &bytes,
                &bytes,
            ) else {
                panic!("{kind}: a truncated model loaded");
            };
            assert!(
                err.to_string().contains("loading the pose detector"),
                "{kind}: {err}"
            );
            let source = err.source().expect("the runtime's error");
            assert!(!source.to_string().is_empty());
            match kind {
                BackendKind::Nn => assert!(
                    source.downcast_ref::<janu_nn::NnError>().is_some(),
                    "{source:?}"
                ),
                BackendKind::Tract => assert!(matches!(err, VisionError::Tract { .. }), "{err:?}"),
            }
        }
    }

    #[test]
    fn a_frame_that_cannot_be_read_keeps_the_decoders_error() {
        let mut est = PoseEstimator::new(EstimatorOptions::default()).unwrap();
        let frames = [Err::<(f64, image::RgbImage), _>(std::io::Error::other(
            "cut short",
        ))];
        let err = crate::video::landmarks_from_frames(&mut est, frames, &mut |_| {}).unwrap_err();
        assert_eq!(err.to_string(), "a frame could not be read");
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("an io::Error source");
        assert_eq!(io.to_string(), "cut short");
    }
}
