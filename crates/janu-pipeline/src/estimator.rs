//! Where the pose estimator comes from: the caller keeps it (a server worker
//! keeps one for its life), the pipeline borrows it only when a picture needs
//! the model, so a landmark file never loads a model.

use janu_vision::{EstimatorOptions, InstallStep, PoseEstimate, PoseEstimator, VisionError};

/// Lends a pose estimator ([`PoseEstimate`]), loading it on first use if need
/// be.
pub trait EstimatorSource {
    /// The estimator.
    ///
    /// # Errors
    /// The model cannot be installed or loaded.
    fn estimator(&mut self) -> Result<&mut dyn PoseEstimate, VisionError>;

    /// Whether the model is loaded already (false: the next call may take a
    /// while, which is worth telling the user).
    fn is_loaded(&self) -> bool;

    /// How to load one more [`PoseEstimator`] like this one, on one thread,
    /// for each piece of a video tracked at once (see [`crate::segments`]).
    /// `None` (the default, for an estimator that cannot be copied that way):
    /// a video is tracked in one pass with [`EstimatorSource::estimator`].
    fn piece_options(&self) -> Option<EstimatorOptions> {
        None
    }
}

/// The options of `options` on one thread.
fn one_thread(options: &EstimatorOptions) -> EstimatorOptions {
    EstimatorOptions {
        threads: 1,
        ..options.clone()
    }
}

impl EstimatorSource for PoseEstimator {
    fn estimator(&mut self) -> Result<&mut dyn PoseEstimate, VisionError> {
        Ok(self)
    }

    fn is_loaded(&self) -> bool {
        true
    }

    fn piece_options(&self) -> Option<EstimatorOptions> {
        Some(one_thread(self.options()))
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
    fn estimator(&mut self) -> Result<&mut dyn PoseEstimate, VisionError> {
        let est = match self.inner.take() {
            Some(est) => est,
            None => match self.install.as_mut() {
                Some(report) => PoseEstimator::with_progress(self.options.clone(), report)?,
                None => PoseEstimator::new(self.options.clone())?,
            },
        };
        Ok(self.inner.insert(est))
    }

    fn is_loaded(&self) -> bool {
        self.inner.is_some()
    }

    fn piece_options(&self) -> Option<EstimatorOptions> {
        Some(one_thread(&self.options))
    }
}
