//! Planning: a [`ModelDef`] becomes a list of kernel steps over a fixed set of
//! buffers, once, before the first run.
//!
//! - Every shape is static and checked here, so running cannot fail.
//! - Weights are copied out of the file into the kernels' layouts.
//! - A zero `PAD` feeding only a convolution is folded into that convolution's
//!   window (its taps outside the input read as zeros), saving a copy.
//! - `RESHAPE` outputs share their input's storage.
//! - Buffers are reused once their value is dead (greedy best fit in operator
//!   order), so the arena holds a few of the largest activations, not all.

use crate::NnError;
use crate::kernels::conv::Conv;
use crate::kernels::depthwise::{Depthwise, MAX_TAPS};
use crate::kernels::pool::{Pool, PoolKind};
use crate::kernels::resize::Resize;
use crate::kernels::{Activation, Geometry};
use crate::tflite::{ElementType, ModelDef, OpDef, OpKind, Padding, TensorDef, Window};

/// A buffer of the arena and how many of its values a step uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct View {
    /// Buffer index.
    pub buf: usize,
    /// Values used (from the start of the buffer).
    pub len: usize,
}

/// One kernel call of a run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kernel {
    /// Full convolution.
    Conv(Conv),
    /// Depthwise convolution.
    Depthwise(Depthwise),
    /// Max or average pooling.
    Pool(Pool),
    /// Sum of two equal-shaped tensors.
    Add(Activation),
    /// Product of two equal-shaped tensors.
    Mul(Activation),
    /// An activation alone.
    Activate(Activation),
    /// Sigmoid.
    Logistic,
    /// Zero padding.
    Pad {
        /// Input shape.
        shape: Vec<usize>,
        /// Zeros before, per dimension.
        before: Vec<usize>,
        /// Output shape.
        out_shape: Vec<usize>,
    },
    /// Transposition.
    Transpose {
        /// Input shape.
        shape: Vec<usize>,
        /// Output dimension `d` is input dimension `perm[d]`.
        perm: Vec<usize>,
    },
    /// Concatenation.
    Concat {
        /// Values per block from each input.
        inner: Vec<usize>,
        /// Blocks.
        outer: usize,
    },
    /// Bilinear resize.
    Resize(Resize),
    /// Plain copy (a graph output that is another value's storage).
    Copy,
}

/// A kernel with its operands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    /// The TFLite operator it comes from (for profiles), with folded ones.
    pub name: String,
    /// What it computes.
    pub kernel: Kernel,
    /// Data inputs.
    pub inputs: Vec<View>,
    /// The output.
    pub output: View,
}

/// The planned graph.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Size of each arena buffer, and the constant data some start with.
    pub buffers: Vec<(usize, Option<Vec<f32>>)>,
    /// Where the input goes, and its shape.
    pub input: (View, Vec<usize>),
    /// Where each output is read, and its shape.
    pub outputs: Vec<(View, Vec<usize>)>,
    /// Scratch values a convolution needs.
    pub scratch: usize,
}

fn graph(msg: impl Into<String>) -> NnError {
    NnError::Graph(msg.into())
}

fn unsupported(msg: impl Into<String>) -> NnError {
    NnError::Unsupported(msg.into())
}

/// A tensor of 4 dimensions with batch 1, as (height, width, channels).
fn nhwc(t: &TensorDef) -> Result<(usize, usize, usize), NnError> {
    match t.shape.as_slice() {
        [1, h, w, c] => Ok((*h, *w, *c)),
        other => Err(unsupported(format!(
            "tensor {} has shape {other:?}; a batch of one NHWC image is expected",
            t.name
        ))),
    }
}

/// Padding before (top or left) along one axis, checking the output size.
fn axis_padding(
    input: usize,
    output: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    padding: Padding,
) -> Result<usize, NnError> {
    let span = (kernel - 1) * dilation + 1;
    let (expected, before) = match padding {
        Padding::Same => {
            let out = input.div_ceil(stride);
            let total = ((out.max(1) - 1) * stride + span).saturating_sub(input);
            (out, total / 2)
        }
        Padding::Valid => {
            if input < span {
                return Err(graph(format!("a window of {span} on an input of {input}")));
            }
            ((input - span) / stride + 1, 0)
        }
    };
    if expected != output {
        return Err(graph(format!(
            "an output of {output} where the window gives {expected}"
        )));
    }
    Ok(before)
}

/// A window's geometry on an input of `h x w` that a folded `PAD` had grown by
/// `extra` (top, left, bottom, right) before the operator saw it.
fn geometry(
    (h, w): (usize, usize),
    extra: [usize; 4],
    (oh, ow): (usize, usize),
    (kh, kw): (usize, usize),
    window: &Window,
) -> Result<Geometry, NnError> {
    let (sx, sy) = window.stride;
    let (dx, dy) = window.dilation;
    let seen_h = h + extra[0] + extra[2];
    let seen_w = w + extra[1] + extra[3];
    let top = axis_padding(seen_h, oh, kh, sy, dy, window.padding)?;
    let left = axis_padding(seen_w, ow, kw, sx, dx, window.padding)?;
    Ok(Geometry {
        h,
        w,
        oh,
        ow,
        kh,
        kw,
        sy,
        sx,
        dy,
        dx,
        pad_top: top + extra[0],
        pad_left: left + extra[1],
    })
}

struct Planner<'a> {
    def: &'a ModelDef,
    /// Value (storage group) of each tensor.
    value_of: Vec<usize>,
    /// Elements of each value.
    value_len: Vec<usize>,
    /// Constant data of a value.
    value_const: Vec<Option<Vec<f32>>>,
    /// Buffer of each value once placed.
    buffer_of: Vec<Option<usize>>,
    /// Buffer sizes.
    buffer_len: Vec<usize>,
    /// Constant data a buffer starts with (never reused).
    buffer_const: Vec<Option<Vec<f32>>>,
    /// Buffers free for reuse.
    free: Vec<usize>,
}

impl Planner<'_> {
    fn tensor(&self, i: usize) -> &TensorDef {
        &self.def.tensors[i]
    }

    fn place(&mut self, value: usize) -> usize {
        if let Some(b) = self.buffer_of[value] {
            return b;
        }
        let len = self.value_len[value];
        let b = if let Some(data) = self.value_const[value].take() {
            self.buffer_len.push(len);
            self.buffer_const.push(Some(data));
            self.buffer_len.len() - 1
        } else {
            // Best fit among the free buffers, else grow the largest free one,
            // else a new buffer.
            let fit = self
                .free
                .iter()
                .enumerate()
                .filter(|(_, b)| self.buffer_len[**b] >= len)
                .min_by_key(|(_, b)| self.buffer_len[**b])
                .map(|(i, _)| i);
            let grow = || {
                self.free
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, b)| self.buffer_len[**b])
                    .map(|(i, _)| i)
            };
            match fit.or_else(grow) {
                Some(i) => {
                    let b = self.free.swap_remove(i);
                    self.buffer_len[b] = self.buffer_len[b].max(len);
                    b
                }
                None => {
                    self.buffer_len.push(len);
                    self.buffer_const.push(None);
                    self.buffer_len.len() - 1
                }
            }
        };
        self.buffer_of[value] = Some(b);
        b
    }

    fn view(&mut self, tensor: usize) -> View {
        let value = self.value_of[tensor];
        View {
            buf: self.place(value),
            len: self.tensor(tensor).len(),
        }
    }
}

/// Values of a constant input of an operator, as `values` reads them;
/// `kind` names what the constant must be ("a float").
fn constant<T>(
    def: &ModelDef,
    op: &OpDef,
    slot: usize,
    what: &str,
    kind: &str,
    values: fn(&TensorDef) -> Option<Vec<T>>,
) -> Result<Vec<T>, NnError> {
    let t = &def.tensors[data_input(op, slot)?];
    values(t).ok_or_else(|| {
        unsupported(format!(
            "{} {what} {} is not {kind} constant",
            op.kind.name(),
            t.name
        ))
    })
}

/// Values of a float constant input of an operator.
fn constant_f32(def: &ModelDef, op: &OpDef, slot: usize, what: &str) -> Result<Vec<f32>, NnError> {
    constant(def, op, slot, what, "a float", TensorDef::f32_data)
}

/// Values of an integer constant input of an operator.
fn constant_int(def: &ModelDef, op: &OpDef, slot: usize, what: &str) -> Result<Vec<i64>, NnError> {
    constant(def, op, slot, what, "an integer", TensorDef::int_data)
}

/// The explicit zero padding of a `PAD` op on a 4-D image: (top, left,
/// bottom, right), when it pads only rows and columns.
fn spatial_padding(def: &ModelDef, op: &OpDef) -> Option<[usize; 4]> {
    let p = constant_int(def, op, 1, "paddings").ok()?;
    let input = op.inputs.first().copied().flatten()?;
    if def.tensors[input].shape.len() != 4 || p.len() != 8 {
        return None;
    }
    if p.iter().any(|&v| v < 0) || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0 {
        return None;
    }
    Some([p[2] as usize, p[4] as usize, p[3] as usize, p[5] as usize])
}

/// The tensor feeding input `slot` of an operator.
fn data_input(op: &OpDef, slot: usize) -> Result<usize, NnError> {
    op.inputs
        .get(slot)
        .copied()
        .flatten()
        .ok_or_else(|| graph(format!("{} lacks input {slot}", op.kind.name())))
}

fn single_output(op: &OpDef) -> Result<usize, NnError> {
    match op.outputs.as_slice() {
        [o] => Ok(*o),
        other => Err(graph(format!(
            "{} has {} outputs; one is expected",
            op.kind.name(),
            other.len()
        ))),
    }
}

/// Plan `def` for runs.
pub(crate) fn plan(def: &ModelDef) -> Result<Plan, NnError> {
    let n = def.tensors.len();
    let [input] = def.inputs.as_slice() else {
        return Err(unsupported(format!(
            "{} graph inputs; one is supported",
            def.inputs.len()
        )));
    };
    let input = *input;
    for (i, t) in def.tensors.iter().enumerate() {
        if t.data.is_none() && t.ty != ElementType::F32 {
            return Err(unsupported(format!(
                "tensor {i} ({}) is a non-float activation",
                t.name
            )));
        }
    }

    // Consumers of each tensor, and which PAD ops fold into their consumer.
    let mut consumers = vec![Vec::new(); n];
    for (i, op) in def.ops.iter().enumerate() {
        for t in op.inputs.iter().flatten() {
            consumers[*t].push(i);
        }
    }
    let mut folded: Vec<Option<[usize; 4]>> = vec![None; def.ops.len()];
    // For a convolution reading a folded PAD: the PAD's input and amounts.
    let mut padded_input: Vec<Option<(usize, [usize; 4])>> = vec![None; def.ops.len()];
    for (i, op) in def.ops.iter().enumerate() {
        if op.kind != OpKind::Pad {
            continue;
        }
        let (Ok(out), Some(amounts)) = (single_output(op), spatial_padding(def, op)) else {
            continue;
        };
        let [user] = consumers[out].as_slice() else {
            continue;
        };
        let into_conv = matches!(
            def.ops[*user].kind,
            OpKind::Conv2d { .. } | OpKind::DepthwiseConv2d { .. }
        );
        if into_conv
            && def.ops[*user].inputs.first() == Some(&Some(out))
            && !def.outputs.contains(&out)
        {
            folded[i] = Some(amounts);
            padded_input[*user] = Some((data_input(op, 0)?, amounts));
        }
    }

    // Storage groups: a reshape's output shares its input's storage.
    let mut value_of: Vec<usize> = (0..n).collect();
    for op in &def.ops {
        if op.kind == OpKind::Reshape {
            let (src, dst) = (data_input(op, 0)?, single_output(op)?);
            if def.tensors[src].len() != def.tensors[dst].len() {
                return Err(graph(format!(
                    "RESHAPE of {} values into {}",
                    def.tensors[src].len(),
                    def.tensors[dst].len()
                )));
            }
            if def.tensors[src].data.is_none() {
                value_of[dst] = value_of[src];
            }
        }
    }
    let value_len: Vec<usize> = (0..n)
        .map(|v| {
            (0..n)
                .filter(|&t| value_of[t] == v)
                .map(|t| def.tensors[t].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut value_const: Vec<Option<Vec<f32>>> =
        def.tensors.iter().map(TensorDef::f32_data).collect();
    // A reshaped constant is the same values under another shape.
    for op in &def.ops {
        if op.kind == OpKind::Reshape {
            let (src, dst) = (data_input(op, 0)?, single_output(op)?);
            if value_const[dst].is_none() {
                value_const[dst] = def.tensors[src].f32_data();
            }
        }
    }

    // Last operator reading each value (graph outputs live to the end).
    let mut last_use = vec![0usize; n];
    for (i, op) in def.ops.iter().enumerate() {
        let folded_source = padded_input[i].map(|(t, _)| t);
        for t in op.inputs.iter().flatten().chain(folded_source.as_ref()) {
            last_use[value_of[*t]] = last_use[value_of[*t]].max(i);
        }
    }
    for t in &def.outputs {
        last_use[value_of[*t]] = usize::MAX;
    }

    let mut p = Planner {
        def,
        value_of,
        value_len,
        value_const,
        buffer_of: vec![None; n],
        buffer_len: Vec::new(),
        buffer_const: Vec::new(),
        free: Vec::new(),
    };
    let input_view = p.view(input);
    let mut steps = Vec::new();
    let mut scratch = 0;
    for (i, op) in def.ops.iter().enumerate() {
        if op.kind == OpKind::Reshape || folded[i].is_some() {
            release(&mut p, op, i, &last_use);
            continue;
        }
        let out = single_output(op)?;
        let out_t = &def.tensors[out];
        // Inputs are placed before the output, so they never share its buffer.
        let (kernel, inputs, name) = lower(&mut p, op, out_t, padded_input[i])?;
        if let Kernel::Conv(c) = &kernel {
            scratch = scratch.max(c.scratch_len());
        }
        let name = format!("{name} {}", describe(&kernel, out_t));
        let output = p.view(out);
        if inputs.iter().any(|v| v.buf == output.buf) {
            return Err(graph(format!(
                "{} reads the tensor it writes",
                op.kind.name()
            )));
        }
        steps.push(Step {
            name,
            kernel,
            inputs,
            output,
        });
        release(&mut p, op, i, &last_use);
        if let Some((src, _)) = padded_input[i] {
            let v = p.value_of[src];
            release_value(&mut p, v, i, &last_use);
        }
    }

    let mut outputs = Vec::new();
    for &t in &def.outputs {
        let view = p.view(t);
        outputs.push((view, def.tensors[t].shape.clone()));
    }
    Ok(Plan {
        steps,
        buffers: p.buffer_len.into_iter().zip(p.buffer_const).collect(),
        input: (input_view, def.tensors[input].shape.clone()),
        outputs,
        scratch,
    })
}

/// Free the buffers of values whose last reader is operator `i`.
fn release(p: &mut Planner<'_>, op: &OpDef, i: usize, last_use: &[usize]) {
    for t in op.inputs.iter().flatten() {
        let v = p.value_of[*t];
        release_value(p, v, i, last_use);
    }
}

fn release_value(p: &mut Planner<'_>, v: usize, i: usize, last_use: &[usize]) {
    if last_use[v] == i
        && let Some(b) = p.buffer_of[v]
        && p.buffer_const[b].is_none()
        && !p.free.contains(&b)
    {
        p.free.push(b);
    }
}

/// The kernel for one operator, its data inputs and a name for profiles.
fn lower(
    p: &mut Planner<'_>,
    op: &OpDef,
    out_t: &TensorDef,
    padded: Option<(usize, [usize; 4])>,
) -> Result<(Kernel, Vec<View>, String), NnError> {
    let def = p.def;
    let name = match padded {
        Some(_) => format!("PAD+{}", op.kind.name()),
        None => op.kind.name().to_owned(),
    };
    // The tensor the kernel reads: before the folded PAD, if any.
    let (data, extra) = match padded {
        Some((t, amounts)) => (t, amounts),
        None => (data_input(op, 0)?, [0; 4]),
    };
    let in_t = &def.tensors[data];
    let same_len = |other: usize| -> Result<(), NnError> {
        if def.tensors[other].len() != out_t.len() || in_t.len() != out_t.len() {
            return Err(unsupported(format!(
                "{} of shapes {:?} and {:?} into {:?}: only equal shapes are supported",
                op.kind.name(),
                in_t.shape,
                def.tensors[other].shape,
                out_t.shape
            )));
        }
        Ok(())
    };
    let kernel = match op.kind {
        OpKind::Conv2d { window, activation } => {
            let (h, w, cin) = nhwc(in_t)?;
            let (oh, ow, cout) = nhwc(out_t)?;
            let weights = constant_f32(def, op, 1, "weights")?;
            let wt = &def.tensors[data_input(op, 1)?];
            let [wo, kh, kw, wi] = wt.shape.as_slice() else {
                return Err(graph(format!("CONV_2D weights of shape {:?}", wt.shape)));
            };
            if (*wo, *wi) != (cout, cin) {
                return Err(graph(format!(
                    "CONV_2D weights {:?} for {cin} to {cout} channels",
                    wt.shape
                )));
            }
            let bias = bias(def, op, cout)?;
            let geometry = geometry((h, w), extra, (oh, ow), (*kh, *kw), &window)?;
            Kernel::Conv(Conv::new(geometry, cin, cout, &weights, &bias, activation))
        }
        OpKind::DepthwiseConv2d {
            window,
            multiplier,
            activation,
        } => {
            let (h, w, c) = nhwc(in_t)?;
            let (oh, ow, cout) = nhwc(out_t)?;
            if cout != c || multiplier != 1 && c != 1 {
                return Err(unsupported(format!(
                    "DEPTHWISE_CONV_2D from {c} to {cout} channels (multiplier {multiplier})"
                )));
            }
            let weights = constant_f32(def, op, 1, "weights")?;
            let wt = &def.tensors[data_input(op, 1)?];
            let [1, kh, kw, wc] = wt.shape.as_slice() else {
                return Err(graph(format!(
                    "DEPTHWISE_CONV_2D weights of shape {:?}",
                    wt.shape
                )));
            };
            if *wc != c || kh * kw > MAX_TAPS {
                return Err(unsupported(format!(
                    "DEPTHWISE_CONV_2D weights {:?} on {c} channels",
                    wt.shape
                )));
            }
            let bias = bias(def, op, c)?;
            let geometry = geometry((h, w), extra, (oh, ow), (*kh, *kw), &window)?;
            Kernel::Depthwise(Depthwise {
                geometry,
                channels: c,
                weights,
                bias,
                activation,
            })
        }
        OpKind::MaxPool2d(pooling) | OpKind::AvgPool2d(pooling) => {
            let (h, w, c) = nhwc(in_t)?;
            let (oh, ow, oc) = nhwc(out_t)?;
            if oc != c {
                return Err(graph(format!("pooling from {c} to {oc} channels")));
            }
            let (fw, fh) = pooling.filter;
            let geometry = geometry((h, w), extra, (oh, ow), (fh, fw), &pooling.window)?;
            let kind = if matches!(op.kind, OpKind::MaxPool2d(_)) {
                PoolKind::Max
            } else {
                PoolKind::Average
            };
            Kernel::Pool(Pool {
                kind,
                geometry,
                channels: c,
                activation: pooling.activation,
            })
        }
        OpKind::Add { activation } | OpKind::Mul { activation } => {
            let other = data_input(op, 1)?;
            same_len(other)?;
            let views = vec![p.view(data), p.view(other)];
            let kernel = if matches!(op.kind, OpKind::Add { .. }) {
                Kernel::Add(activation)
            } else {
                Kernel::Mul(activation)
            };
            return Ok((kernel, views, name));
        }
        OpKind::Relu | OpKind::Relu6 | OpKind::Logistic => {
            same_len(data)?;
            match op.kind {
                OpKind::Relu => Kernel::Activate(Activation::Relu),
                OpKind::Relu6 => Kernel::Activate(Activation::Relu6),
                _ => Kernel::Logistic,
            }
        }
        OpKind::Pad => {
            let amounts = constant_int(def, op, 1, "paddings")?;
            let rank = in_t.shape.len();
            if amounts.len() != 2 * rank || amounts.iter().any(|&v| v < 0) {
                return Err(unsupported(format!("PAD amounts {amounts:?}")));
            }
            let before: Vec<usize> = (0..rank).map(|d| amounts[2 * d] as usize).collect();
            let out_shape: Vec<usize> = (0..rank)
                .map(|d| in_t.shape[d] + before[d] + amounts[2 * d + 1] as usize)
                .collect();
            if out_shape != out_t.shape {
                return Err(graph(format!(
                    "PAD of {:?} gives {out_shape:?}, not {:?}",
                    in_t.shape, out_t.shape
                )));
            }
            Kernel::Pad {
                shape: in_t.shape.clone(),
                before,
                out_shape,
            }
        }
        OpKind::Transpose => {
            let perm = constant_int(def, op, 1, "permutation")?;
            let rank = in_t.shape.len();
            let mut seen = vec![false; rank];
            let perm: Vec<usize> = perm
                .iter()
                .map(|&d| {
                    usize::try_from(d)
                        .ok()
                        .filter(|&d| d < rank && !std::mem::replace(&mut seen[d], true))
                        .ok_or_else(|| unsupported(format!("TRANSPOSE permutation {perm:?}")))
                })
                .collect::<Result<_, _>>()?;
            let out_shape: Vec<usize> = perm.iter().map(|&d| in_t.shape[d]).collect();
            if perm.len() != rank || out_shape != out_t.shape {
                return Err(graph(format!(
                    "TRANSPOSE of {:?} by {perm:?} into {:?}",
                    in_t.shape, out_t.shape
                )));
            }
            Kernel::Transpose {
                shape: in_t.shape.clone(),
                perm,
            }
        }
        OpKind::Concat { axis, activation } => {
            if activation != Activation::None {
                return Err(unsupported("CONCATENATION with an activation"));
            }
            let rank = out_t.shape.len() as i32;
            let axis = if axis < 0 { axis + rank } else { axis };
            if !(0..rank).contains(&axis) {
                return Err(graph(format!("CONCATENATION axis {axis}")));
            }
            let axis = axis as usize;
            let outer: usize = out_t.shape[..axis].iter().product();
            let mut inner = Vec::new();
            let mut views = Vec::new();
            let mut along = 0;
            for t in op.inputs.iter().flatten() {
                let s = &def.tensors[*t].shape;
                if s.len() != out_t.shape.len()
                    || (0..s.len()).any(|d| d != axis && s[d] != out_t.shape[d])
                {
                    return Err(graph(format!(
                        "CONCATENATION of {s:?} into {:?}",
                        out_t.shape
                    )));
                }
                along += s[axis];
                inner.push(s[axis..].iter().product());
                views.push(p.view(*t));
            }
            if along != out_t.shape[axis] {
                return Err(graph("CONCATENATION sizes do not add up"));
            }
            return Ok((Kernel::Concat { inner, outer }, views, name));
        }
        OpKind::ResizeBilinear {
            align_corners,
            half_pixel_centers,
        } => {
            let (ih, iw, c) = nhwc(in_t)?;
            let (oh, ow, oc) = nhwc(out_t)?;
            if oc != c || ih == 0 || iw == 0 {
                return Err(graph(format!(
                    "RESIZE_BILINEAR of {:?} into {:?}",
                    in_t.shape, out_t.shape
                )));
            }
            Kernel::Resize(Resize {
                input: (ih, iw),
                output: (oh, ow),
                channels: c,
                align_corners,
                half_pixel_centers,
            })
        }
        OpKind::Reshape => Kernel::Copy,
    };
    Ok((kernel, vec![p.view(data)], name))
}

/// A short account of a kernel's shape for profiles.
fn describe(kernel: &Kernel, out: &TensorDef) -> String {
    let g = |g: &Geometry| format!("{}x{}/{}", g.kh, g.kw, g.sy);
    match kernel {
        Kernel::Conv(c) => format!("{} {}->{} {:?}", g(&c.geometry), c.cin, c.cout, out.shape),
        Kernel::Depthwise(d) => format!("{} {:?}", g(&d.geometry), out.shape),
        _ => format!("{:?}", out.shape),
    }
}

/// The bias of a convolution: its third input, or zeros.
fn bias(def: &ModelDef, op: &OpDef, n: usize) -> Result<Vec<f32>, NnError> {
    match op.inputs.get(2).copied().flatten() {
        None => Ok(vec![0.0; n]),
        Some(_) => {
            let b = constant_f32(def, op, 2, "bias")?;
            if b.len() != n {
                return Err(graph(format!(
                    "{} bias of {} values for {n} channels",
                    op.kind.name(),
                    b.len()
                )));
            }
            Ok(b)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Model;
    use crate::kernels::test_util::{assert_close, random};
    use crate::tflite::{
        Activation, ElementType, ModelDef, OpDef, OpKind, Padding, TensorDef, Window,
    };

    fn activation(name: &str, shape: &[usize]) -> TensorDef {
        TensorDef {
            name: name.into(),
            shape: shape.to_vec(),
            ty: ElementType::F32,
            data: None,
        }
    }

    fn floats(name: &str, shape: &[usize], values: &[f32]) -> TensorDef {
        TensorDef {
            data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            ..activation(name, shape)
        }
    }

    fn ints(name: &str, shape: &[usize], values: &[i32]) -> TensorDef {
        TensorDef {
            ty: ElementType::I32,
            data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            ..activation(name, shape)
        }
    }

    fn op(kind: OpKind, inputs: &[usize], output: usize) -> OpDef {
        OpDef {
            kind,
            inputs: inputs.iter().map(|&i| Some(i)).collect(),
            outputs: vec![output],
        }
    }

    const VALID: Window = Window {
        padding: Padding::Valid,
        stride: (1, 1),
        dilation: (1, 1),
    };

    /// input [1,5,5,4] -> PAD 1 -> depthwise 3x3 VALID, ReLU6 -> 1x1 conv to 3
    /// -> ADD itself -> RESHAPE [75]; the PAD folds, the reshape shares storage.
    fn small_model(dw_w: &[f32], dw_b: &[f32], pw_w: &[f32], pw_b: &[f32]) -> ModelDef {
        ModelDef {
            tensors: vec![
                activation("input", &[1, 5, 5, 4]),
                ints("paddings", &[4, 2], &[0, 0, 1, 1, 1, 1, 0, 0]),
                activation("padded", &[1, 7, 7, 4]),
                floats("dw_w", &[1, 3, 3, 4], dw_w),
                floats("dw_b", &[4], dw_b),
                activation("dw", &[1, 5, 5, 4]),
                floats("pw_w", &[3, 1, 1, 4], pw_w),
                floats("pw_b", &[3], pw_b),
                activation("pw", &[1, 5, 5, 3]),
                activation("sum", &[1, 5, 5, 3]),
                ints("shape", &[1], &[75]),
                activation("flat", &[75]),
            ],
            ops: vec![
                op(OpKind::Pad, &[0, 1], 2),
                op(
                    OpKind::DepthwiseConv2d {
                        window: VALID,
                        multiplier: 1,
                        activation: Activation::Relu6,
                    },
                    &[2, 3, 4],
                    5,
                ),
                op(
                    OpKind::Conv2d {
                        window: VALID,
                        activation: Activation::None,
                    },
                    &[5, 6, 7],
                    8,
                ),
                op(
                    OpKind::Add {
                        activation: Activation::None,
                    },
                    &[8, 8],
                    9,
                ),
                op(OpKind::Reshape, &[9, 10], 11),
            ],
            inputs: vec![0],
            outputs: vec![11],
        }
    }

    #[test]
    fn a_small_graph_matches_a_direct_computation() {
        let (dw_w, dw_b) = (random(36, 1), random(4, 2));
        let (pw_w, pw_b) = (random(12, 3), random(3, 4));
        let def = small_model(&dw_w, &dw_b, &pw_w, &pw_b);
        let mut model = Model::from_def(&def).unwrap();
        assert_eq!(model.input_shape(), [1, 5, 5, 4]);
        assert_eq!(model.output_shapes(), [vec![75]]);
        let names: Vec<_> = model.plan.steps.iter().map(|s| s.name.clone()).collect();
        assert!(names[0].starts_with("PAD+DEPTHWISE_CONV_2D"), "{names:?}");
        assert_eq!(names.len(), 3, "PAD folded, RESHAPE free: {names:?}");

        let input = random(100, 5);
        let mut expected = vec![0.0f32; 75];
        for y in 0..5 {
            for x in 0..5 {
                let mut dw = [0.0f32; 4];
                for c in 0..4 {
                    let mut s = dw_b[c];
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (iy, ix) = (y + ky, x + kx);
                            if (1..6).contains(&iy) && (1..6).contains(&ix) {
                                s += input[((iy - 1) * 5 + ix - 1) * 4 + c]
                                    * dw_w[(ky * 3 + kx) * 4 + c];
                            }
                        }
                    }
                    dw[c] = s.clamp(0.0, 6.0);
                }
                for o in 0..3 {
                    let s: f32 = pw_b[o] + (0..4).map(|c| dw[c] * pw_w[o * 4 + c]).sum::<f32>();
                    expected[(y * 5 + x) * 3 + o] = 2.0 * s;
                }
            }
        }
        let mut outputs = Vec::new();
        model.run(&input, &mut outputs).unwrap();
        assert_close(&outputs[0], &expected, 1e-5);
        // Again, through the reused buffers, and with two threads.
        model.run(&input, &mut outputs).unwrap();
        assert_close(&outputs[0], &expected, 1e-5);
        let mut two = model.clone().with_threads(2);
        two.run(&input, &mut outputs).unwrap();
        assert_close(&outputs[0], &expected, 1e-5);
    }

    #[test]
    fn wrong_input_sizes_and_shapes_are_errors() {
        let def = small_model(&[0.0; 36], &[0.0; 4], &[0.0; 12], &[0.0; 3]);
        let mut model = Model::from_def(&def).unwrap();
        let err = model.run(&[0.0; 99], &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("99"), "{err}");

        let mut bad = def.clone();
        bad.tensors[8].shape = vec![1, 5, 5, 4];
        let err = Model::from_def(&bad).unwrap_err();
        assert!(matches!(err, crate::NnError::Graph(_)), "{err}");

        let mut bad = def.clone();
        bad.tensors[5].shape = vec![1, 4, 4, 4];
        let err = Model::from_def(&bad).unwrap_err();
        assert!(err.to_string().contains("window"), "{err}");

        let mut bad = def;
        bad.tensors[3].data = None;
        let err = Model::from_def(&bad).unwrap_err();
        assert!(matches!(err, crate::NnError::Unsupported(_)), "{err}");
    }

    #[test]
    fn dead_buffers_are_reused() {
        // A chain of equal-sized adds needs three buffers at most, however long.
        let n = 12;
        let mut tensors = vec![activation("x0", &[1, 4, 4, 8])];
        let mut ops = Vec::new();
        for i in 1..=n {
            tensors.push(activation(&format!("x{i}"), &[1, 4, 4, 8]));
            ops.push(op(
                OpKind::Add {
                    activation: Activation::None,
                },
                &[i - 1, i - 1],
                i,
            ));
        }
        let def = ModelDef {
            tensors,
            ops,
            inputs: vec![0],
            outputs: vec![n],
        };
        let mut model = Model::from_def(&def).unwrap();
        assert!(
            model.plan.buffers.len() <= 3,
            "{}",
            model.plan.buffers.len()
        );
        let mut outputs = Vec::new();
        model.run(&[1.0; 128], &mut outputs).unwrap();
        assert!(outputs[0].iter().all(|&v| v == 4096.0));
    }
}
