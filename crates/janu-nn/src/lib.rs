//! A small NHWC `f32` inference runtime for the BlazePose TFLite graphs.
//!
//! [`Model::from_tflite`] reads a float TFLite flatbuffer (the prepared models
//! of `janu-models`: fp32 constants, no `DEQUANTIZE`, `DENSIFY` or
//! `DEPTH_TO_SPACE`), checks every shape, packs the weights, folds zero `PAD`s
//! into the convolutions after them and lays out a reusable arena of buffers.
//! [`Model::run`] then only computes: no allocation of tensors, no shape work.
//!
//! Operators: `CONV_2D`, `DEPTHWISE_CONV_2D` (multiplier 1), `MAX_POOL_2D`,
//! `AVERAGE_POOL_2D`, `ADD` and `MUL` of equal shapes, `CONCATENATION`, `PAD`,
//! `RESHAPE`, `TRANSPOSE`, `RESIZE_BILINEAR`, `LOGISTIC`, `RELU`, `RELU6`, with
//! fused activations. Convolutions are matrix products against weights packed
//! once into panels (the crate's own kernel, `kernels::gemm`); depthwise convolutions and element-wise loops are vectorised over channels
//! with run-time selection of AVX-512 or AVX2 code.
//!
//! ```no_run
//! let bytes = std::fs::read("pose_landmark_full.tflite").unwrap();
//! let mut model = janu_nn::Model::from_tflite(&bytes)?;
//! let input = vec![0.5f32; model.input_shape().iter().product()];
//! let mut outputs = Vec::new();
//! model.run(&input, &mut outputs)?;
//! assert_eq!(outputs.len(), model.output_shapes().len());
//! # Ok::<(), janu_nn::NnError>(())
//! ```

mod error;
mod exec;
mod kernels;
mod plan;
pub mod tflite;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use error::NnError;
use exec::execute;
use plan::Plan;

/// A planned model with its buffers, ready to run again and again.
#[derive(Debug, Clone)]
pub struct Model {
    plan: Plan,
    buffers: Vec<Vec<f32>>,
    /// One scratch buffer per thread.
    scratch: Vec<Vec<f32>>,
    output_shapes: Vec<Vec<usize>>,
    /// The threads that share large operators, when more than one.
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// Time spent in one step of a run (see [`Model::profile`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StepTime {
    /// The operator, with `PAD+` in front when a padding was folded into it,
    /// then its window and output shape.
    pub op: String,
    /// Its output shape, as the values it writes.
    pub values: usize,
    /// Wall time of the step.
    pub time: Duration,
}

impl Model {
    /// Read and plan a float TFLite model.
    ///
    /// # Errors
    /// [`NnError::Format`] for bytes that are not a readable TFLite model;
    /// [`NnError::Unsupported`] for what this runtime lacks (an operator, a
    /// quantised tensor, a batch above one, ...); [`NnError::Graph`] for
    /// inconsistent shapes.
    pub fn from_tflite(bytes: &[u8]) -> Result<Self, NnError> {
        Self::from_def(&tflite::read_model(bytes)?)
    }

    /// Plan an already read model.
    ///
    /// # Errors
    /// As [`Model::from_tflite`], without the format errors.
    pub fn from_def(def: &tflite::ModelDef) -> Result<Self, NnError> {
        let plan = plan::plan(def)?;
        let buffers = plan
            .buffers
            .iter()
            .map(|(len, data)| data.clone().unwrap_or_else(|| vec![0.0; *len]))
            .collect();
        let output_shapes = plan.outputs.iter().map(|(_, s)| s.clone()).collect();
        Ok(Self {
            scratch: vec![vec![0.0; plan.scratch]],
            buffers,
            plan,
            output_shapes,
            pool: None,
        })
    }

    /// Split each large convolution over `threads` threads (1, the default,
    /// runs everything on the caller's thread). The threads are the model's
    /// own and live as long as it. When the system refuses new threads the
    /// model stays on one.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.pool = None;
        self.scratch.truncate(1);
        if threads > 1 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("janu-nn-{i}"))
                .build();
            if let Ok(pool) = pool {
                let len = self.scratch[0].len();
                self.scratch.resize_with(threads, || vec![0.0; len]);
                self.pool = Some(Arc::new(pool));
            }
        }
        self
    }

    /// Threads a run uses.
    pub fn threads(&self) -> usize {
        self.pool.as_ref().map_or(1, |p| p.current_num_threads())
    }

    /// The input's shape (NHWC).
    pub fn input_shape(&self) -> &[usize] {
        &self.plan.input.1
    }

    /// The outputs' shapes, in output order.
    pub fn output_shapes(&self) -> &[Vec<usize>] {
        &self.output_shapes
    }

    /// Values held by the arena of activation buffers (weights not counted).
    pub fn arena_len(&self) -> usize {
        self.buffers.iter().map(Vec::len).sum::<usize>()
            + self.scratch.iter().map(Vec::len).sum::<usize>()
    }

    /// Run on `input` (NHWC, the input shape's number of values), writing each
    /// output, flattened, into `outputs` (resized to the number of outputs;
    /// their allocations are reused).
    ///
    /// # Errors
    /// [`NnError::InputSize`] when `input` has the wrong number of values.
    pub fn run(&mut self, input: &[f32], outputs: &mut Vec<Vec<f32>>) -> Result<(), NnError> {
        self.run_with(input, outputs, None::<fn(&plan::Step, Duration)>)
    }

    /// Run as [`Model::run`] and return the time of each step.
    ///
    /// # Errors
    /// As [`Model::run`].
    pub fn profile(
        &mut self,
        input: &[f32],
        outputs: &mut Vec<Vec<f32>>,
    ) -> Result<Vec<StepTime>, NnError> {
        let mut times = Vec::new();
        let timed = |step: &plan::Step, time| {
            times.push(StepTime {
                op: step.name.clone(),
                values: step.output.len,
                time,
            });
        };
        self.run_with(input, outputs, Some(timed))?;
        Ok(times)
    }

    fn run_with(
        &mut self,
        input: &[f32],
        outputs: &mut Vec<Vec<f32>>,
        // Timing only when asked: the browser build has no clock for `Instant`.
        mut timed: Option<impl FnMut(&plan::Step, Duration) + Send>,
    ) -> Result<(), NnError> {
        let (view, _) = &self.plan.input;
        if input.len() != view.len {
            return Err(NnError::InputSize {
                expected: view.len,
                actual: input.len(),
            });
        }
        self.buffers[view.buf][..view.len].copy_from_slice(input);
        let threads = self.threads();
        let (steps, buffers, scratch) = (&self.plan.steps, &mut self.buffers, &mut self.scratch);
        let mut all = || {
            for step in steps {
                match timed.as_mut() {
                    Some(timed) => {
                        let start = Instant::now();
                        execute(step, buffers, scratch, threads);
                        timed(step, start.elapsed());
                    }
                    None => execute(step, buffers, scratch, threads),
                }
            }
        };
        match &self.pool {
            Some(pool) => pool.install(all),
            None => all(),
        }
        outputs.resize_with(self.plan.outputs.len(), Vec::new);
        for (dst, (view, _)) in outputs.iter_mut().zip(&self.plan.outputs) {
            dst.clear();
            dst.extend_from_slice(&self.buffers[view.buf][..view.len]);
        }
        Ok(())
    }
}
