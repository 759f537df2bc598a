//! Inference backends: what runs a prepared model.
//!
//! [`InferenceBackend`] loads a model into an [`InferenceSession`]; a session
//! takes one NHWC `f32` image tensor and fills the model's outputs, flattened,
//! in the model's output order. Two pure-Rust backends: [`NnBackend`]
//! (janu-nn, the default: planned once, several times faster on these models)
//! and `TractBackend` (tract, the cross-check; only with the cargo feature
//! `tract`, so that the default build does not compile tract). Another
//! runtime (ONNX Runtime, say) only needs these two traits.

#[cfg(feature = "tract")]
use tract_linalg::multithread::{Executor, multithread_tract_scope};
#[cfg(feature = "tract")]
use tract_tflite::prelude::*;

use crate::VisionError;

/// Something that can load a prepared TFLite model.
pub trait InferenceBackend {
    /// A short name for reports (`"tract"`).
    fn name(&self) -> &'static str;

    /// Load `model` (prepared TFLite bytes) for inputs of `input_shape` (NHWC).
    ///
    /// # Errors
    /// [`VisionError::Inference`] (or [`VisionError::Tract`]) when the runtime
    /// cannot load or optimise it; [`VisionError::UnexpectedModel`] when it
    /// takes another input.
    fn load(
        &self,
        model: &[u8],
        input_shape: [usize; 4],
    ) -> Result<Box<dyn InferenceSession>, VisionError>;
}

/// A loaded model, ready to run frame after frame.
pub trait InferenceSession: Send {
    /// Run on `input` (NHWC, `f32`), writing each output, flattened, into
    /// `outputs` (resized to the number of outputs; buffers are reused).
    ///
    /// # Errors
    /// [`VisionError::Inference`] (or [`VisionError::Tract`]) when the runtime
    /// fails.
    fn run(&mut self, input: &[f32], outputs: &mut Vec<Vec<f32>>) -> Result<(), VisionError>;
}

/// How to get the tract backend into a build that lacks it.
pub const TRACT_FEATURE_HINT: &str = "the tract backend is not in this build: build with the \
     cargo feature `janu-vision/tract` (for the janu binary: \
     `cargo build --release -p janu-cli --features janu-vision/tract`), or use the nn backend";

#[cfg(feature = "tract")]
/// The pure-Rust backend: tract, with an optional pool of threads for its
/// matrix products.
#[derive(Debug, Clone)]
pub struct TractBackend {
    threads: usize,
}

#[cfg(feature = "tract")]
impl TractBackend {
    /// A backend whose sessions use `threads` threads (1 runs on the caller's).
    pub fn new(threads: usize) -> Self {
        Self {
            threads: threads.max(1),
        }
    }
}

#[cfg(feature = "tract")]
impl Default for TractBackend {
    fn default() -> Self {
        Self::new(1)
    }
}

/// The stage a backend names; the estimator names the model
/// ([`VisionError::during`]).
const LOADING: &str = "loading a model";
/// As [`LOADING`].
const RUNNING: &str = "running a model";

#[cfg(feature = "tract")]
fn tract(stage: &'static str) -> impl Fn(TractError) -> VisionError {
    move |source| VisionError::Tract {
        stage,
        source: source.into(),
    }
}

fn nn(stage: &'static str) -> impl Fn(janu_nn::NnError) -> VisionError {
    move |source| VisionError::Inference { stage, source }
}

#[cfg(feature = "tract")]
impl InferenceBackend for TractBackend {
    fn name(&self) -> &'static str {
        "tract"
    }

    fn load(
        &self,
        model: &[u8],
        input_shape: [usize; 4],
    ) -> Result<Box<dyn InferenceSession>, VisionError> {
        let plan = tract_tflite::tflite()
            .model_for_read(&mut &model[..])
            .map_err(tract(LOADING))?
            .into_optimized()
            .map_err(tract(LOADING))?
            .into_runnable()
            .map_err(tract(LOADING))?;
        let state = plan.spawn().map_err(tract(LOADING))?;
        let executor = (self.threads > 1).then(|| Executor::multithread(self.threads));
        Ok(Box::new(TractSession {
            state,
            executor,
            input_shape,
        }))
    }
}

#[cfg(feature = "tract")]
struct TractSession {
    state: TypedSimpleState,
    executor: Option<Executor>,
    input_shape: [usize; 4],
}

#[cfg(feature = "tract")]
impl InferenceSession for TractSession {
    fn run(&mut self, input: &[f32], outputs: &mut Vec<Vec<f32>>) -> Result<(), VisionError> {
        let tensor = Tensor::from_shape(&self.input_shape, input).map_err(tract(RUNNING))?;
        let state = &mut self.state;
        let result = match &self.executor {
            Some(exec) => multithread_tract_scope(exec.clone(), || state.run(tvec!(tensor.into()))),
            None => state.run(tvec!(tensor.into())),
        }
        .map_err(tract(RUNNING))?;
        outputs.resize_with(result.len(), Vec::new);
        for (dst, value) in outputs.iter_mut().zip(result) {
            let view = value.try_as_plain_ram().map_err(tract(RUNNING))?;
            let slice = view.as_slice::<f32>().map_err(tract(RUNNING))?;
            dst.clear();
            dst.extend_from_slice(slice);
        }
        Ok(())
    }
}

/// Which inference backend runs the models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BackendKind {
    /// janu-nn (the default): several times faster than tract on these models.
    #[default]
    Nn,
    /// tract: the general-purpose runtime, kept as the cross-check (native
    /// builds only). Without the cargo feature `tract` it is not compiled in:
    /// its name does not parse and its sessions fail to load, both saying how
    /// to build with it ([`TRACT_FEATURE_HINT`]).
    #[cfg(feature = "native")]
    Tract,
}

impl BackendKind {
    /// Every backend in this build, the default first.
    #[cfg(feature = "tract")]
    pub const ALL: [Self; 2] = [Self::Nn, Self::Tract];
    /// Every backend in this build, the default first.
    #[cfg(not(feature = "tract"))]
    pub const ALL: [Self; 1] = [Self::Nn];

    /// Its name, as `--backend` and `JANU_BACKEND` take it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Nn => "nn",
            #[cfg(feature = "native")]
            Self::Tract => "tract",
        }
    }

    /// The backend, its sessions using `threads` threads.
    pub fn create(self, threads: usize) -> Box<dyn InferenceBackend> {
        match self {
            Self::Nn => Box::new(NnBackend::new(threads)),
            #[cfg(feature = "tract")]
            Self::Tract => Box::new(TractBackend::new(threads)),
            #[cfg(all(feature = "native", not(feature = "tract")))]
            Self::Tract => Box::new(MissingTract),
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        if let Some(kind) = Self::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(name))
        {
            return Ok(kind);
        }
        if name.eq_ignore_ascii_case("tract") {
            return Err(TRACT_FEATURE_HINT.to_owned());
        }
        Err(format!("unknown backend `{s}`: use nn or tract"))
    }
}

/// What [`BackendKind::Tract`] creates in a build without tract: a backend
/// whose every load fails with [`TRACT_FEATURE_HINT`].
#[cfg(all(feature = "native", not(feature = "tract")))]
struct MissingTract;

#[cfg(all(feature = "native", not(feature = "tract")))]
impl InferenceBackend for MissingTract {
    fn name(&self) -> &'static str {
        "tract"
    }

    fn load(
        &self,
        _model: &[u8],
        _input_shape: [usize; 4],
    ) -> Result<Box<dyn InferenceSession>, VisionError> {
        Err(VisionError::Tract {
            stage: LOADING,
            source: TRACT_FEATURE_HINT.into(),
        })
    }
}

/// The default backend: janu-nn, a runtime made for exactly these graphs.
#[derive(Debug, Clone)]
pub struct NnBackend {
    threads: usize,
}

impl NnBackend {
    /// A backend whose sessions split each large operator over `threads`
    /// threads (1 runs on the caller's).
    pub fn new(threads: usize) -> Self {
        Self {
            threads: threads.max(1),
        }
    }
}

impl Default for NnBackend {
    fn default() -> Self {
        Self::new(1)
    }
}

impl InferenceBackend for NnBackend {
    fn name(&self) -> &'static str {
        "nn"
    }

    fn load(
        &self,
        model: &[u8],
        input_shape: [usize; 4],
    ) -> Result<Box<dyn InferenceSession>, VisionError> {
        let model = janu_nn::Model::from_tflite(model)
            .map_err(nn(LOADING))?
            .with_threads(self.threads);
        if model.input_shape() != input_shape {
            return Err(VisionError::UnexpectedModel(format!(
                "the model takes input {:?}, not {input_shape:?}",
                model.input_shape()
            )));
        }
        Ok(Box::new(NnSession { model }))
    }
}

struct NnSession {
    model: janu_nn::Model,
}

impl InferenceSession for NnSession {
    fn run(&mut self, input: &[f32], outputs: &mut Vec<Vec<f32>>) -> Result<(), VisionError> {
        self.model.run(input, outputs).map_err(nn(RUNNING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_backend_in_the_build_parses_by_name() {
        for kind in BackendKind::ALL {
            assert_eq!(kind.name().parse::<BackendKind>(), Ok(kind));
            assert_eq!(kind.create(1).name(), kind.name());
        }
        let err = "onnx".parse::<BackendKind>().unwrap_err();
        assert!(err.contains("use nn or tract"), "{err}");
    }

    /// Without the `tract` feature, asking for tract by name or by variant
    /// says how to build with it.
    #[cfg(all(feature = "native", not(feature = "tract")))]
    #[test]
    fn tract_outside_the_build_says_how_to_get_it() {
        let err = "tract".parse::<BackendKind>().unwrap_err();
        assert!(err.contains("--features janu-vision/tract"), "{err}");
        let Err(err) = BackendKind::Tract.create(1).load(&[], [1, 1, 1, 3]) else {
            panic!("a backend that is not built loaded a model");
        };
        assert!(matches!(err, VisionError::Tract { .. }), "{err:?}");
        assert!(
            err.message().contains("--features janu-vision/tract"),
            "{err}"
        );
    }

    #[cfg(feature = "tract")]
    #[test]
    fn tract_is_in_the_build() {
        assert_eq!("Tract".parse::<BackendKind>(), Ok(BackendKind::Tract));
        assert_eq!(BackendKind::ALL.len(), 2);
    }
}
