//! The one error type of this crate.

/// Why a file could not be turned into a report.
///
/// The first group is the user's input ([`PipelineError::is_bad_input`]): the
/// message names the file (by the name the caller gave) and says what is wrong
/// with it. The rest are failures of Janu or of the machine.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The file has no bytes at all.
    #[error("{message}")]
    Empty {
        /// The file, as named to the user.
        file: String,
        /// The whole message.
        message: String,
    },
    /// Not a photo, a video or a landmark file Janu reads (text, a PDF, a GIF,
    /// a codec that needs ffmpeg when it is missing, ...).
    #[error("{message}")]
    NotMedia {
        /// The file, as named to the user.
        file: String,
        /// The whole message.
        message: String,
    },
    /// A photo or video that is damaged or cut short.
    #[error("{message}")]
    BadMedia {
        /// The file, as named to the user.
        file: String,
        /// The whole message.
        message: String,
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
    #[error("{message}")]
    Unreadable {
        /// The file, as named to the user.
        file: String,
        /// The whole message.
        message: String,
    },
    /// The pose model could not be installed, loaded or run.
    #[error("{file}: pose model: {message}")]
    Model {
        /// The file being analysed.
        file: String,
        /// What failed.
        message: String,
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
            | Self::Internal { file, .. } => file,
        }
    }
}
