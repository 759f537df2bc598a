//! Where the pose estimator comes from: the caller keeps it (a server worker
//! keeps one for its life), the pipeline borrows it only when a picture needs
//! the model, so a landmark file never loads a model.

use janu_vision::{EstimatorOptions, InstallStep, PoseEstimator, VisionError};

/// Lends a [`PoseEstimator`], loading it on first use if need be.
pub trait EstimatorSource {
    /// The estimator.
    ///
    /// # Errors
    /// The model cannot be installed or loaded.
    fn estimator(&mut self) -> Result<&mut PoseEstimator, VisionError>;

    /// Whether the model is loaded already (false: the next call may take a
    /// while, which is worth telling the user).
    fn is_loaded(&self) -> bool;
}

impl EstimatorSource for PoseEstimator {
    fn estimator(&mut self) -> Result<&mut PoseEstimator, VisionError> {
        Ok(self)
    }

    fn is_loaded(&self) -> bool {
        true
    }
}

/// A callback that hears of each step of a first model installation.
pub type InstallProgress = Box<dyn FnMut(InstallStep) + Send>;

/// A pose estimator loaded on first use and then kept.
pub struct LazyEstimator {
    options: EstimatorOptions,
    install: Option<InstallProgress>,
    inner: Option<PoseEstimator>,
}

impl std::fmt::Debug for LazyEstimator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyEstimator")
            .field("options", &self.options)
            .field("loaded", &self.inner.is_some())
            .finish_non_exhaustive()
    }
}

impl LazyEstimator {
    /// An estimator with `options`, not loaded yet.
    pub fn new(options: EstimatorOptions) -> Self {
        Self {
            options,
            install: None,
            inner: None,
        }
    }

    /// As [`LazyEstimator::new`], telling `install` of each step when the models
    /// must be installed first.
    pub fn with_install_progress(options: EstimatorOptions, install: InstallProgress) -> Self {
        Self {
            options,
            install: Some(install),
            inner: None,
        }
    }

    /// The options it loads with.
    pub fn options(&self) -> &EstimatorOptions {
        &self.options
    }
}

impl EstimatorSource for LazyEstimator {
    fn estimator(&mut self) -> Result<&mut PoseEstimator, VisionError> {
        if self.inner.is_none() {
            let est = match self.install.as_mut() {
                Some(report) => PoseEstimator::with_progress(self.options.clone(), report)?,
                None => PoseEstimator::new(self.options.clone())?,
            };
            self.inner = Some(est);
        }
        match self.inner.as_mut() {
            Some(e) => Ok(e),
            None => Err(VisionError::ModelCache(
                "the pose model was not kept".into(),
            )),
        }
    }

    fn is_loaded(&self) -> bool {
        self.inner.is_some()
    }
}
