//! The one error type of this crate.

use std::path::{Path, PathBuf};

/// Everything that can go wrong reading or writing pictures and videos.
///
/// Every variant names the file (or `image data` for bytes handed over in
/// memory) and says the problem in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said (part of the message, so not
        /// exposed again as the error's source).
        cause: std::io::Error,
    },
    /// The output file could not be written.
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said (part of the message, so not
        /// exposed again as the error's source).
        cause: std::io::Error,
    },
    /// The file has no content at all.
    #[error("{} is empty (0 bytes)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The content is not what the caller asked for (a text file named `.mp4`).
    #[error("{} is not {expected}: it looks like {found}", path.display())]
    WrongKind {
        /// The file.
        path: PathBuf,
        /// What was wanted: "an image", "a video", "a photo, video or landmark file".
        expected: &'static str,
        /// What the content looks like: "text", "a PDF document", "an MP4 video".
        found: String,
    },
    /// A format Janu recognises but does not read.
    #[error("{} is {format}, which Janu does not read: {hint}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The format found ("a GIF image").
        format: String,
        /// What to do instead.
        hint: String,
    },
    /// An image whose data is damaged or cut short.
    #[error("{} is a damaged or incomplete {format} image: {detail}", path.display())]
    CorruptImage {
        /// The file.
        path: PathBuf,
        /// "JPEG", "PNG" or "WebP".
        format: &'static str,
        /// What the decoder found.
        detail: String,
    },
    /// An image larger than [`crate::MAX_IMAGE_PIXELS`].
    #[error(
        "{} is {width} x {height} pixels ({:.1} megapixels); Janu reads photos of up to {:.0} megapixels: scale it down first",
        path.display(),
        (*width as f64) * (*height as f64) / 1e6,
        (*limit as f64) / 1e6
    )]
    ImageTooLarge {
        /// The file.
        path: PathBuf,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit in pixels.
        limit: u64,
    },
    /// A video whose container is damaged, cut short or inconsistent.
    #[error("{} is a damaged or incomplete video: {detail}", path.display())]
    CorruptVideo {
        /// The file.
        path: PathBuf,
        /// What is wrong, in words.
        detail: String,
    },
    /// A video that needs `ffmpeg` (another codec or container), which is not installed.
    #[error("{} uses {codec}; install ffmpeg to read it", path.display())]
    NeedsFfmpeg {
        /// The file.
        path: PathBuf,
        /// The codec or container, e.g. "HEVC (hvc1)".
        codec: String,
    },
    /// `ffmpeg` or `ffprobe` failed on the file.
    #[error("ffmpeg could not read {}: {detail}", path.display())]
    Ffmpeg {
        /// The file.
        path: PathBuf,
        /// What ffmpeg said (its last lines), or why it could not be run.
        detail: String,
    },
    /// A media file without a video track (an audio file, say).
    #[error("{} has no video track", path.display())]
    NoVideoTrack {
        /// The file.
        path: PathBuf,
    },
    /// A video track without a single frame.
    #[error("{} has a video track but no frames", path.display())]
    NoFrames {
        /// The file.
        path: PathBuf,
    },
    /// One frame could not be decoded; the frames before it were fine.
    #[error("{}: frame {index} (at {t:.3} s) could not be decoded: {detail}", path.display())]
    FrameDecode {
        /// The file.
        path: PathBuf,
        /// The frame's number in decoding order.
        index: u64,
        /// Its time in seconds.
        t: f64,
        /// What the decoder said.
        detail: String,
    },
    /// Encoding an output picture or video failed.
    #[error("cannot encode {}: {detail}", path.display())]
    Encode {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// A caller-supplied value that cannot work (odd frame size, zero fps, ...).
    #[error("{}: {detail}", path.display())]
    InvalidInput {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with the value and what is allowed.
        detail: String,
    },
}

impl MediaError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::Write { path, .. }
            | Self::Empty { path }
            | Self::WrongKind { path, .. }
            | Self::Unsupported { path, .. }
            | Self::CorruptImage { path, .. }
            | Self::ImageTooLarge { path, .. }
            | Self::CorruptVideo { path, .. }
            | Self::NeedsFfmpeg { path, .. }
            | Self::Ffmpeg { path, .. }
            | Self::NoVideoTrack { path }
            | Self::NoFrames { path }
            | Self::FrameDecode { path, .. }
            | Self::Encode { path, .. }
            | Self::InvalidInput { path, .. } => path,
        }
    }

    pub(crate) fn read(path: &Path, cause: std::io::Error) -> Self {
        Self::Read {
            path: path.to_path_buf(),
            cause,
        }
    }

    pub(crate) fn write(path: &Path, cause: std::io::Error) -> Self {
        Self::Write {
            path: path.to_path_buf(),
            cause,
        }
    }

    pub(crate) fn corrupt_video(path: &Path, detail: impl Into<String>) -> Self {
        Self::CorruptVideo {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(path: &Path, detail: impl Into<String>) -> Self {
        Self::InvalidInput {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn encode(path: &Path, detail: impl Into<String>) -> Self {
        Self::Encode {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }
}
