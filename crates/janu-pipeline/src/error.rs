//! The one error type of this crate.

use janu_analysis::AnalysisError;
use janu_media::MediaError;
use janu_vision::VisionError;

/// Why a file could not be turned into a report.
///
/// The first group is the user's input ([`PipelineError::is_bad_input`]): the
/// message names the file (by the name the caller gave) and says what is wrong
/// with it. The rest are failures of Janu or of the machine.
///
/// An error made from another one keeps it as its
/// [`source`](std::error::Error::source), and its own message does not repeat
/// it: print the chain (`{:#}` of an `anyhow::Error`) to see it all, or
/// [`PipelineError::message`] for one line naming the file as the user knows it.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The file has no bytes at all.
    #[error("{file} is empty (0 bytes)")]
    Empty {
        /// The file, as named to the user.
        file: String,
    },
    /// Not a photo, a video or a landmark file Janu reads (text, a PDF, a GIF,
    /// a codec that needs ffmpeg when it is missing, ...).
    #[error("unsupported file {file}")]
    NotMedia {
        /// The file, as named to the user.
        file: String,
        /// What the media layer found (it names the file by its path).
        #[source]
        source: MediaError,
    },
    /// A photo or video that is damaged or cut short.
    #[error("cannot decode {file}")]
    BadMedia {
        /// The file, as named to the user.
        file: String,
        /// What the media layer found (it names the file by its path).
        #[source]
        source: MediaError,
    },
    /// A landmark file with a line that cannot be used (not JSON, NaN, times
    /// going back, ...).
    #[error("{file}: {message}")]
    BadLandmarks {
        /// The file, as named to the user.
        file: String,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// The input holds no frame at all.
    #[error("{file}: {what} holds no frames")]
    NoFrames {
        /// The file, as named to the user.
        file: String,
        /// "the video", "the landmark file".
        what: &'static str,
    },
    /// The file could not be opened or read (missing, no permission, I/O).
    #[error("cannot read {file}")]
    Unreadable {
        /// The file, as named to the user.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The pose model could not be installed, loaded or run.
    #[error("{file}: the pose model failed")]
    Model {
        /// The file being analysed.
        file: String,
        /// What failed.
        #[source]
        source: VisionError,
    },
    /// The analysis refused landmarks the pipeline made (not the input's fault:
    /// a landmark file's own faults are [`PipelineError::BadLandmarks`]).
    #[error("{file}: the analysis failed")]
    Analysis {
        /// The file being analysed.
        file: String,
        /// What the analysis said.
        #[source]
        source: AnalysisError,
    },
    /// Writing or encoding something the pipeline made failed.
    #[error("{file}: writing or encoding an output failed")]
    Output {
        /// The file being analysed.
        file: String,
        /// What the media layer said.
        #[source]
        source: MediaError,
    },
    /// A key frame could not be encoded as a picture.
    #[error("{file}: drawing a key frame failed")]
    KeyFrame {
        /// The file being analysed.
        file: String,
        /// What the encoder said.
        #[source]
        source: image::ImageError,
    },
    /// Anything else that is not the input's fault.
    #[error("{file}: {message}")]
    Internal {
        /// The file being analysed.
        file: String,
        /// What failed.
        message: String,
    },
}

impl PipelineError {
    /// Whether the input is at fault (a client error for a server: 4xx), rather
    /// than Janu or the machine (5xx). An unreadable file counts as input: for
    /// a command it is a wrong path; a server reading its own upload may decide
    /// otherwise.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Self::Empty { .. }
                | Self::NotMedia { .. }
                | Self::BadMedia { .. }
                | Self::BadLandmarks { .. }
                | Self::NoFrames { .. }
                | Self::Unreadable { .. }
        )
    }

    /// The file the error is about, as named to the user.
    pub fn file(&self) -> &str {
        match self {
            Self::Empty { file, .. }
            | Self::NotMedia { file, .. }
            | Self::BadMedia { file, .. }
            | Self::BadLandmarks { file, .. }
            | Self::NoFrames { file, .. }
            | Self::Unreadable { file, .. }
            | Self::Model { file, .. }
            | Self::Analysis { file, .. }
            | Self::Output { file, .. }
            | Self::KeyFrame { file, .. }
            | Self::Internal { file, .. } => file,
        }
    }

    /// The whole message on one line, naming the file as the user named it
    /// (never by a temporary path): for an input at fault, what a server may
    /// show its client. A media problem is told in the media layer's words
    /// ("clip.mp4 is not a video: it looks like text"); other errors give their
    /// message and their sources', joined by `: `.
    pub fn message(&self) -> String {
        match self {
            Self::NotMedia { file, source }
            | Self::BadMedia { file, source }
            | Self::Output { file, source } => {
                let path = source.path().to_string_lossy();
                let text = source.to_string();
                if path.is_empty() {
                    text
                } else {
                    text.replace(&*path, file)
                }
            }
            _ => janu_vision::message_chain(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use crate::{Input, PipelineOptions};

    use super::*;

    #[test]
    fn a_text_file_named_mp4_keeps_the_media_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("upload-1234.mp4");
        std::fs::write(&path, "not a video\n".repeat(40)).unwrap();
        let err = Input::open_named(&path, "notes.mp4", &PipelineOptions::default()).unwrap_err();
        assert!(matches!(err, PipelineError::NotMedia { .. }), "{err:?}");
        assert!(err.is_bad_input());
        let text = err.to_string();
        assert_eq!(text, "unsupported file notes.mp4");
        let media = err
            .source()
            .and_then(|s| s.downcast_ref::<MediaError>())
            .expect("a MediaError source");
        assert_eq!(media.path(), path);
        // One line for a client: the media layer's words, the user's name.
        let message = err.message();
        assert!(message.starts_with("notes.mp4 "), "{message}");
        assert!(message.contains("text"), "{message}");
        assert!(!message.contains("upload-1234"), "{message}");
    }

    #[test]
    fn a_missing_landmark_file_keeps_the_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.jsonl");
        let err = crate::read_landmarks(&path, "gone.jsonl").unwrap_err();
        assert_eq!(err.to_string(), "cannot read gone.jsonl");
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("an io::Error source");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert!(
            err.message().starts_with("cannot read gone.jsonl: "),
            "{}",
            err.message()
        );
    }
}
