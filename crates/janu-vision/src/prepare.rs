//! Preparation of the MediaPipe TFLite files for tract.
//!
//! The npm models store their weights as fp16 constants behind `DEQUANTIZE` ops,
//! the detector also keeps some weights sparse behind `DENSIFY` ops and upsamples
//! with `DEPTH_TO_SPACE`. tract-tflite knows none of these three ops, so
//! [`prepare_tflite`] rewrites the flatbuffer into an equivalent fp32 graph:
//!
//! - `DENSIFY` and `DEQUANTIZE` of a constant are evaluated here (constant
//!   folding): their outputs become plain fp32 constants and the ops disappear;
//! - `DEPTH_TO_SPACE` becomes `RESHAPE` (split the channels into the block),
//!   `TRANSPOSE` (interleave the block with the rows and columns) and `RESHAPE`;
//! - outputs not asked for (the landmark models' segmentation mask) are dropped
//!   together with every op that only fed them.
//!
//! The rewrite works on a small owned copy of the graph (`Graph`) read with the
//! schema that tract-tflite re-exports, and writes a fresh flatbuffer.

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};
use tract_tflite::tflite::{self, BuiltinOperator as Op, BuiltinOptions, TensorType};

use crate::VisionError;

/// The model schema version written into prepared files (TFLite's current one).
const SCHEMA_VERSION: u32 = 3;

/// A tensor of the graph: its shape and type, and its data when it is a constant.
#[derive(Debug, Clone)]
struct Tensor {
    name: String,
    shape: Vec<i32>,
    ty: TensorType,
    data: Option<Vec<u8>>,
}

/// Builtin options of the ops these models use, copied field by field.
#[derive(Debug, Clone, Copy)]
enum Options {
    None,
    Add(tflite::ActivationFunctionType),
    Concat(i32, tflite::ActivationFunctionType),
    Conv {
        padding: tflite::Padding,
        stride: (i32, i32),
        activation: tflite::ActivationFunctionType,
        dilation: (i32, i32),
    },
    Depthwise {
        padding: tflite::Padding,
        stride: (i32, i32),
        multiplier: i32,
        activation: tflite::ActivationFunctionType,
        dilation: (i32, i32),
    },
    Pad,
    Pool {
        padding: tflite::Padding,
        stride: (i32, i32),
        filter: (i32, i32),
        activation: tflite::ActivationFunctionType,
    },
    Resize {
        align_corners: bool,
        half_pixel_centers: bool,
    },
    DepthToSpace(i32),
}

#[derive(Debug, Clone)]
struct Operator {
    code: Op,
    version: i32,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
    options: Options,
}

/// An owned copy of a single-subgraph TFLite model.
#[derive(Debug, Clone)]
struct Graph {
    tensors: Vec<Tensor>,
    operators: Vec<Operator>,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
}

fn bad(msg: impl Into<String>) -> VisionError {
    VisionError::ModelFormat(msg.into())
}

/// Rewrite a MediaPipe TFLite model so that tract can run it (see the module
/// docs), keeping only the outputs named in `keep_outputs` (all when empty), in
/// the order given.
///
/// # Errors
/// [`VisionError::NotFlatbuffer`] when the bytes are not a TFLite model,
/// [`VisionError::ModelFormat`] when they use a
/// feature this rewrite does not handle (a quantised tensor, block-sparse
/// weights, an op with options it does not know, an unknown output name).
pub fn prepare_tflite(bytes: &[u8], keep_outputs: &[&str]) -> Result<Vec<u8>, VisionError> {
    let mut graph = read_graph(bytes)?;
    fold_constants(&mut graph)?;
    rewrite_depth_to_space(&mut graph)?;
    select_outputs(&mut graph, keep_outputs)?;
    prune(&mut graph);
    Ok(write_graph(&graph))
}

fn read_graph(bytes: &[u8]) -> Result<Graph, VisionError> {
    // The heavy model has more tables than the default verifier limit allows.
    let opts = flatbuffers::VerifierOptions {
        max_tables: 100_000_000,
        ..Default::default()
    };
    let model =
        tflite::root_as_model_with_opts(&opts, bytes).map_err(VisionError::NotFlatbuffer)?;
    let subgraphs = model.subgraphs().ok_or_else(|| bad("no subgraph"))?;
    if subgraphs.len() != 1 {
        return Err(bad(format!("{} subgraphs; expected one", subgraphs.len())));
    }
    let sg = subgraphs.get(0);
    let buffers = model.buffers().ok_or_else(|| bad("no buffers"))?;
    let codes = model
        .operator_codes()
        .ok_or_else(|| bad("no operator codes"))?;
    let mut tensors = Vec::new();
    for t in sg.tensors().ok_or_else(|| bad("no tensors"))? {
        let name = t.name().unwrap_or_default().to_owned();
        if let Some(q) = t.quantization()
            && q.scale().is_some_and(|s| !s.is_empty())
        {
            return Err(bad(format!("tensor {name} is quantised")));
        }
        let shape: Vec<i32> = t.shape().map(|s| s.iter().collect()).unwrap_or_default();
        let mut data = None;
        if t.buffer() != 0
            && let Some(d) = buffers.get(t.buffer() as usize).data()
            && !d.is_empty()
        {
            data = Some(d.bytes().to_vec());
        }
        if let (Some(sparsity), Some(raw)) = (t.sparsity(), data.as_ref()) {
            data = Some(densify(&shape, t.type_(), raw, &sparsity, &name)?);
        }
        tensors.push(Tensor {
            name,
            shape,
            ty: t.type_(),
            data,
        });
    }
    let mut operators = Vec::new();
    for op in sg.operators().ok_or_else(|| bad("no operators"))? {
        let c = codes.get(op.opcode_index() as usize);
        // Old files keep small codes in the deprecated field only.
        let code = c
            .builtin_code()
            .max(Op(i32::from(c.deprecated_builtin_code())));
        let options = read_options(&op, code)?;
        operators.push(Operator {
            code,
            version: c.version(),
            inputs: op.inputs().map(|v| v.iter().collect()).unwrap_or_default(),
            outputs: op.outputs().map(|v| v.iter().collect()).unwrap_or_default(),
            options,
        });
    }
    Ok(Graph {
        tensors,
        operators,
        inputs: sg.inputs().map(|v| v.iter().collect()).unwrap_or_default(),
        outputs: sg.outputs().map(|v| v.iter().collect()).unwrap_or_default(),
    })
}

fn read_options(op: &tflite::Operator<'_>, code: Op) -> Result<Options, VisionError> {
    let missing = || bad(format!("op {code:?} lacks its options"));
    Ok(match op.builtin_options_type() {
        BuiltinOptions::NONE => Options::None,
        BuiltinOptions::AddOptions => {
            let o = op.builtin_options_as_add_options().ok_or_else(missing)?;
            Options::Add(o.fused_activation_function())
        }
        BuiltinOptions::ConcatenationOptions => {
            let o = op
                .builtin_options_as_concatenation_options()
                .ok_or_else(missing)?;
            Options::Concat(o.axis(), o.fused_activation_function())
        }
        BuiltinOptions::Conv2DOptions => {
            let o = op
                .builtin_options_as_conv_2_doptions()
                .ok_or_else(missing)?;
            Options::Conv {
                padding: o.padding(),
                stride: (o.stride_w(), o.stride_h()),
                activation: o.fused_activation_function(),
                dilation: (o.dilation_w_factor(), o.dilation_h_factor()),
            }
        }
        BuiltinOptions::DepthwiseConv2DOptions => {
            let o = op
                .builtin_options_as_depthwise_conv_2_doptions()
                .ok_or_else(missing)?;
            Options::Depthwise {
                padding: o.padding(),
                stride: (o.stride_w(), o.stride_h()),
                multiplier: o.depth_multiplier(),
                activation: o.fused_activation_function(),
                dilation: (o.dilation_w_factor(), o.dilation_h_factor()),
            }
        }
        BuiltinOptions::PadOptions => Options::Pad,
        BuiltinOptions::Pool2DOptions => {
            let o = op
                .builtin_options_as_pool_2_doptions()
                .ok_or_else(missing)?;
            Options::Pool {
                padding: o.padding(),
                stride: (o.stride_w(), o.stride_h()),
                filter: (o.filter_width(), o.filter_height()),
                activation: o.fused_activation_function(),
            }
        }
        BuiltinOptions::ResizeBilinearOptions => {
            let o = op
                .builtin_options_as_resize_bilinear_options()
                .ok_or_else(missing)?;
            Options::Resize {
                align_corners: o.align_corners(),
                half_pixel_centers: o.half_pixel_centers(),
            }
        }
        BuiltinOptions::DepthToSpaceOptions => {
            let o = op
                .builtin_options_as_depth_to_space_options()
                .ok_or_else(missing)?;
            Options::DepthToSpace(o.block_size())
        }
        other => {
            return Err(bad(format!(
                "op {code:?} has options {other:?} not handled"
            )));
        }
    })
}

/// Byte size of one element of `ty`, for the types these models hold as constants.
fn element_size(ty: TensorType) -> Option<usize> {
    match ty {
        TensorType::FLOAT16 | TensorType::INT16 => Some(2),
        TensorType::FLOAT32 | TensorType::INT32 => Some(4),
        TensorType::INT8 | TensorType::UINT8 => Some(1),
        TensorType::INT64 => Some(8),
        _ => None,
    }
}

/// The entries of a sparse index vector (segments or indices) as `usize`.
fn index_vector(
    kind: tflite::SparseIndexVector,
    dm: &tflite::DimensionMetadata<'_>,
    segments: bool,
) -> Option<Vec<usize>> {
    use tflite::SparseIndexVector as K;
    match (kind, segments) {
        (K::Uint8Vector, true) => dm
            .array_segments_as_uint_8_vector()?
            .values()
            .map(|v| v.iter().map(usize::from).collect()),
        (K::Uint8Vector, false) => dm
            .array_indices_as_uint_8_vector()?
            .values()
            .map(|v| v.iter().map(usize::from).collect()),
        (K::Uint16Vector, true) => dm
            .array_segments_as_uint_16_vector()?
            .values()
            .map(|v| v.iter().map(usize::from).collect()),
        (K::Uint16Vector, false) => dm
            .array_indices_as_uint_16_vector()?
            .values()
            .map(|v| v.iter().map(usize::from).collect()),
        (K::Int32Vector, true) => dm
            .array_segments_as_int_32_vector()?
            .values()
            .map(|v| v.iter().map(|x| x.max(0) as usize).collect()),
        (K::Int32Vector, false) => dm
            .array_indices_as_int_32_vector()?
            .values()
            .map(|v| v.iter().map(|x| x.max(0) as usize).collect()),
        _ => None,
    }
}

/// One level of a sparse tensor, in traversal order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SparseLevel {
    /// Every index `0..size` is stored.
    Dense(usize),
    /// Compressed sparse row: for parent position `p`, the stored indices are
    /// `indices[segments[p]..segments[p + 1]]`.
    Csr {
        /// Start of each parent's run in `indices` (one more entry than parents).
        segments: Vec<usize>,
        /// The stored indices along this dimension.
        indices: Vec<usize>,
    },
}

/// Expand a TFLite sparse tensor (no block map) into its dense row-major bytes.
///
/// `traversal` gives, for each level, the dimension of `shape` it walks;
/// `values` holds the stored elements in traversal order, `element` bytes each.
pub(crate) fn densify_levels(
    shape: &[usize],
    traversal: &[usize],
    levels: &[SparseLevel],
    values: &[u8],
    element: usize,
) -> Result<Vec<u8>, String> {
    if traversal.len() != shape.len() || levels.len() != shape.len() {
        return Err("sparsity levels do not match the tensor rank".into());
    }
    let mut strides = vec![1usize; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1];
    }
    let total: usize = shape.iter().product();
    let mut dense = vec![0u8; total * element];
    let mut next_value = 0usize;

    // Depth-first walk; each stack entry is (level, position in that level's
    // parent numbering, dense offset so far).
    let mut stack = vec![(0usize, 0usize, 0usize)];
    while let Some((level, pos, offset)) = stack.pop() {
        if level == levels.len() {
            let src = values
                .get(next_value * element..(next_value + 1) * element)
                .ok_or("sparse tensor holds fewer values than its indices")?;
            dense[offset * element..(offset + 1) * element].copy_from_slice(src);
            next_value += 1;
            continue;
        }
        let stride = strides[traversal[level]];
        let size = shape[traversal[level]];
        // Children are pushed in reverse so that they pop in traversal order.
        match &levels[level] {
            SparseLevel::Dense(n) => {
                if *n != size {
                    return Err(format!("dense level of {n} in a dimension of {size}"));
                }
                for i in (0..*n).rev() {
                    stack.push((level + 1, pos * n + i, offset + i * stride));
                }
            }
            SparseLevel::Csr { segments, indices } => {
                let (Some(&a), Some(&b)) = (segments.get(pos), segments.get(pos + 1)) else {
                    return Err("sparse segments are too short".into());
                };
                if a > b || b > indices.len() {
                    return Err("sparse segments are out of range".into());
                }
                for k in (a..b).rev() {
                    let i = indices[k];
                    if i >= size {
                        return Err(format!("sparse index {i} outside a dimension of {size}"));
                    }
                    stack.push((level + 1, k, offset + i * stride));
                }
            }
        }
    }
    if next_value * element != values.len() {
        return Err(format!(
            "sparse tensor holds {} values but its indices use {next_value}",
            values.len() / element
        ));
    }
    Ok(dense)
}

fn densify(
    shape: &[i32],
    ty: TensorType,
    raw: &[u8],
    sparsity: &tflite::SparsityParameters<'_>,
    name: &str,
) -> Result<Vec<u8>, VisionError> {
    let fail = |m: String| bad(format!("sparse tensor {name}: {m}"));
    if sparsity.block_map().is_some_and(|b| !b.is_empty()) {
        return Err(fail("block-sparse weights are not supported".into()));
    }
    let element = element_size(ty).ok_or_else(|| fail(format!("element type {ty:?}")))?;
    let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
    let traversal: Vec<usize> = match sparsity.traversal_order() {
        Some(t) => t.iter().map(|d| d.max(0) as usize).collect(),
        None => (0..shape.len()).collect(),
    };
    if traversal.iter().any(|&d| d >= shape.len()) {
        return Err(fail("traversal order names a missing dimension".into()));
    }
    let mut levels = Vec::new();
    for dm in sparsity
        .dim_metadata()
        .ok_or_else(|| fail("no dimension metadata".into()))?
    {
        levels.push(match dm.format() {
            tflite::DimensionType::DENSE => SparseLevel::Dense(dm.dense_size().max(0) as usize),
            _ => SparseLevel::Csr {
                segments: index_vector(dm.array_segments_type(), &dm, true)
                    .ok_or_else(|| fail("bad segments".into()))?,
                indices: index_vector(dm.array_indices_type(), &dm, false)
                    .ok_or_else(|| fail("bad indices".into()))?,
            },
        });
    }
    densify_levels(&shape, &traversal, &levels, raw, element).map_err(fail)
}

/// An IEEE 754 half-precision value widened to `f32` (exact).
pub(crate) fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exp = u32::from((bits >> 10) & 0x1f);
    let frac = u32::from(bits & 0x3ff);
    let out = match (exp, frac) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: normalise the fraction.
            let mut e: i32 = -14;
            let mut f = frac;
            while f & 0x400 == 0 {
                f <<= 1;
                e -= 1;
            }
            sign | (((e + 127) as u32) << 23) | ((f & 0x3ff) << 13)
        }
        (0x1f, _) => sign | 0x7f80_0000 | (frac << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(out)
}

/// Evaluate `DENSIFY` and `DEQUANTIZE` ops whose inputs are constants.
fn fold_constants(graph: &mut Graph) -> Result<(), VisionError> {
    let mut kept = Vec::with_capacity(graph.operators.len());
    for op in std::mem::take(&mut graph.operators) {
        match op.code {
            Op::DENSIFY | Op::DEQUANTIZE => {
                let (&[input], &[output]) = (op.inputs.as_slice(), op.outputs.as_slice()) else {
                    return Err(bad(format!("{:?} with several inputs or outputs", op.code)));
                };
                let src = &graph.tensors[input as usize];
                let Some(data) = src.data.clone() else {
                    return Err(bad(format!(
                        "{:?} of the non-constant tensor {}",
                        op.code, src.name
                    )));
                };
                let (ty, data) = if op.code == Op::DENSIFY {
                    // Dense data was already expanded on reading.
                    (src.ty, data)
                } else {
                    match src.ty {
                        TensorType::FLOAT16 => {
                            let out: Vec<u8> = data
                                .chunks_exact(2)
                                .flat_map(|c| {
                                    f16_to_f32(u16::from_le_bytes([c[0], c[1]])).to_le_bytes()
                                })
                                .collect();
                            (TensorType::FLOAT32, out)
                        }
                        TensorType::FLOAT32 => (TensorType::FLOAT32, data),
                        other => {
                            return Err(bad(format!("DEQUANTIZE of a {other:?} constant")));
                        }
                    }
                };
                let dst = &mut graph.tensors[output as usize];
                dst.ty = ty;
                dst.data = Some(data);
            }
            _ => kept.push(op),
        }
    }
    graph.operators = kept;
    if let Some(op) = graph.operators.iter().find(|o| {
        o.inputs
            .iter()
            .chain(&o.outputs)
            .any(|&t| t >= 0 && graph.tensors[t as usize].ty == TensorType::FLOAT16)
    }) {
        return Err(bad(format!("op {:?} still uses an fp16 tensor", op.code)));
    }
    Ok(())
}

/// Replace each `DEPTH_TO_SPACE` (NHWC, block b) by reshape to
/// `[N, H, W, b, b, C]`, transpose to `[N, H, b, W, b, C]`, reshape to
/// `[N, H*b, W*b, C]`; this is TFLite's element order (the block row varies
/// slowest within the channels).
fn rewrite_depth_to_space(graph: &mut Graph) -> Result<(), VisionError> {
    let mut out = Vec::with_capacity(graph.operators.len());
    for op in std::mem::take(&mut graph.operators) {
        let Options::DepthToSpace(b) = op.options else {
            out.push(op);
            continue;
        };
        let (&[input], &[output]) = (op.inputs.as_slice(), op.outputs.as_slice()) else {
            return Err(bad("DEPTH_TO_SPACE with several inputs or outputs"));
        };
        let shape = graph.tensors[input as usize].shape.clone();
        let &[n, h, w, c] = shape.as_slice() else {
            return Err(bad("DEPTH_TO_SPACE of a tensor that is not 4-D"));
        };
        if b <= 0 || c % (b * b) != 0 {
            return Err(bad(format!("DEPTH_TO_SPACE block {b} with {c} channels")));
        }
        let cb = c / (b * b);
        let base = graph.tensors[output as usize].name.clone();
        let add = |graph: &mut Graph, suffix: &str, shape: Vec<i32>, data: Option<Vec<i32>>| {
            graph.tensors.push(Tensor {
                name: format!("{base}/{suffix}"),
                shape,
                ty: if data.is_some() {
                    TensorType::INT32
                } else {
                    TensorType::FLOAT32
                },
                data: data.map(|d| d.iter().flat_map(|v| v.to_le_bytes()).collect()),
            });
            (graph.tensors.len() - 1) as i32
        };
        let split_shape = vec![n, h, w, b, b, cb];
        let moved_shape = vec![n, h, b, w, b, cb];
        let final_shape = vec![n, h * b, w * b, cb];
        let s1 = add(graph, "split_shape", vec![6], Some(split_shape.clone()));
        let t1 = add(graph, "split", split_shape, None);
        let perm = add(graph, "perm", vec![6], Some(vec![0, 1, 3, 2, 4, 5]));
        let t2 = add(graph, "interleaved", moved_shape, None);
        let s2 = add(graph, "merge_shape", vec![4], Some(final_shape));
        let reshape = |inputs, outputs| Operator {
            code: Op::RESHAPE,
            version: 1,
            inputs,
            outputs,
            options: Options::None,
        };
        out.push(reshape(vec![input, s1], vec![t1]));
        out.push(Operator {
            code: Op::TRANSPOSE,
            version: 1,
            inputs: vec![t1, perm],
            outputs: vec![t2],
            options: Options::None,
        });
        out.push(reshape(vec![t2, s2], vec![output]));
    }
    graph.operators = out;
    Ok(())
}

fn select_outputs(graph: &mut Graph, keep: &[&str]) -> Result<(), VisionError> {
    if keep.is_empty() {
        return Ok(());
    }
    let mut outputs = Vec::new();
    for name in keep {
        let found = graph
            .outputs
            .iter()
            .copied()
            .find(|&t| graph.tensors[t as usize].name == *name)
            .ok_or_else(|| bad(format!("the model has no output named {name}")))?;
        outputs.push(found);
    }
    graph.outputs = outputs;
    Ok(())
}

/// Drop ops whose outputs nothing needs, then tensors nothing uses, renumbering.
fn prune(graph: &mut Graph) {
    let mut needed = vec![false; graph.tensors.len()];
    for &t in &graph.outputs {
        needed[t as usize] = true;
    }
    let mut keep_op = vec![false; graph.operators.len()];
    for (i, op) in graph.operators.iter().enumerate().rev() {
        if op.outputs.iter().any(|&t| t >= 0 && needed[t as usize]) {
            keep_op[i] = true;
            for &t in &op.inputs {
                if t >= 0 {
                    needed[t as usize] = true;
                }
            }
        }
    }
    for &t in &graph.inputs {
        needed[t as usize] = true;
    }
    let mut ops = Vec::new();
    for (op, keep) in std::mem::take(&mut graph.operators)
        .into_iter()
        .zip(keep_op)
    {
        if keep {
            for &t in &op.outputs {
                needed[t as usize] = true;
            }
            ops.push(op);
        }
    }
    let mut new_index = vec![-1i32; graph.tensors.len()];
    let mut tensors = Vec::new();
    for (i, t) in std::mem::take(&mut graph.tensors).into_iter().enumerate() {
        if needed[i] {
            new_index[i] = tensors.len() as i32;
            tensors.push(t);
        }
    }
    let map = |v: &mut Vec<i32>| {
        for t in v.iter_mut() {
            if *t >= 0 {
                *t = new_index[*t as usize];
            }
        }
    };
    for op in &mut ops {
        map(&mut op.inputs);
        map(&mut op.outputs);
    }
    map(&mut graph.inputs);
    map(&mut graph.outputs);
    graph.tensors = tensors;
    graph.operators = ops;
}

fn write_options<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    options: Options,
) -> (BuiltinOptions, Option<WIPOffset<UnionWIPOffset>>) {
    use tflite::*;
    match options {
        Options::None | Options::DepthToSpace(_) => (BuiltinOptions::NONE, None),
        Options::Add(act) => (
            BuiltinOptions::AddOptions,
            Some(
                AddOptions::create(
                    fbb,
                    &AddOptionsArgs {
                        fused_activation_function: act,
                        pot_scale_int16: true,
                    },
                )
                .as_union_value(),
            ),
        ),
        Options::Concat(axis, act) => (
            BuiltinOptions::ConcatenationOptions,
            Some(
                ConcatenationOptions::create(
                    fbb,
                    &ConcatenationOptionsArgs {
                        axis,
                        fused_activation_function: act,
                    },
                )
                .as_union_value(),
            ),
        ),
        Options::Conv {
            padding,
            stride,
            activation,
            dilation,
        } => (
            BuiltinOptions::Conv2DOptions,
            Some(
                Conv2DOptions::create(
                    fbb,
                    &Conv2DOptionsArgs {
                        padding,
                        stride_w: stride.0,
                        stride_h: stride.1,
                        fused_activation_function: activation,
                        dilation_w_factor: dilation.0,
                        dilation_h_factor: dilation.1,
                    },
                )
                .as_union_value(),
            ),
        ),
        Options::Depthwise {
            padding,
            stride,
            multiplier,
            activation,
            dilation,
        } => (
            BuiltinOptions::DepthwiseConv2DOptions,
            Some(
                DepthwiseConv2DOptions::create(
                    fbb,
                    &DepthwiseConv2DOptionsArgs {
                        padding,
                        stride_w: stride.0,
                        stride_h: stride.1,
                        depth_multiplier: multiplier,
                        fused_activation_function: activation,
                        dilation_w_factor: dilation.0,
                        dilation_h_factor: dilation.1,
                    },
                )
                .as_union_value(),
            ),
        ),
        Options::Pad => (
            BuiltinOptions::PadOptions,
            Some(PadOptions::create(fbb, &PadOptionsArgs {}).as_union_value()),
        ),
        Options::Pool {
            padding,
            stride,
            filter,
            activation,
        } => (
            BuiltinOptions::Pool2DOptions,
            Some(
                Pool2DOptions::create(
                    fbb,
                    &Pool2DOptionsArgs {
                        padding,
                        stride_w: stride.0,
                        stride_h: stride.1,
                        filter_width: filter.0,
                        filter_height: filter.1,
                        fused_activation_function: activation,
                    },
                )
                .as_union_value(),
            ),
        ),
        Options::Resize {
            align_corners,
            half_pixel_centers,
        } => (
            BuiltinOptions::ResizeBilinearOptions,
            Some(
                ResizeBilinearOptions::create(
                    fbb,
                    &ResizeBilinearOptionsArgs {
                        align_corners,
                        half_pixel_centers,
                    },
                )
                .as_union_value(),
            ),
        ),
    }
}

fn write_graph(graph: &Graph) -> Vec<u8> {
    use tflite::*;
    let mut fbb = FlatBufferBuilder::with_capacity(
        graph
            .tensors
            .iter()
            .map(|t| t.data.as_ref().map_or(0, Vec::len))
            .sum::<usize>()
            + (1 << 20),
    );
    // Buffer 0 is the conventional empty sentinel.
    let mut buffers = vec![Buffer::create(&mut fbb, &BufferArgs { data: None })];
    let mut tensors = Vec::with_capacity(graph.tensors.len());
    for t in &graph.tensors {
        let buffer = match &t.data {
            Some(d) => {
                let data = fbb.create_vector(d);
                buffers.push(Buffer::create(&mut fbb, &BufferArgs { data: Some(data) }));
                (buffers.len() - 1) as u32
            }
            None => 0,
        };
        let shape = fbb.create_vector(&t.shape);
        let name = fbb.create_string(&t.name);
        tensors.push(Tensor::create(
            &mut fbb,
            &TensorArgs {
                shape: Some(shape),
                type_: t.ty,
                buffer,
                name: Some(name),
                ..Default::default()
            },
        ));
    }
    let mut codes: Vec<(Op, i32)> = Vec::new();
    let mut operators = Vec::with_capacity(graph.operators.len());
    for op in &graph.operators {
        let index = match codes.iter().position(|&c| c == (op.code, op.version)) {
            Some(i) => i,
            None => {
                codes.push((op.code, op.version));
                codes.len() - 1
            }
        };
        let inputs = fbb.create_vector(&op.inputs);
        let outputs = fbb.create_vector(&op.outputs);
        let (options_type, options) = write_options(&mut fbb, op.options);
        operators.push(Operator::create(
            &mut fbb,
            &OperatorArgs {
                opcode_index: index as u32,
                inputs: Some(inputs),
                outputs: Some(outputs),
                builtin_options_type: options_type,
                builtin_options: options,
                ..Default::default()
            },
        ));
    }
    let code_tables: Vec<_> = codes
        .iter()
        .map(|&(code, version)| {
            OperatorCode::create(
                &mut fbb,
                &OperatorCodeArgs {
                    // Codes below 127 also go in the old field, as TFLite writes them.
                    deprecated_builtin_code: code.0.min(127) as i8,
                    custom_code: None,
                    version,
                    builtin_code: code,
                },
            )
        })
        .collect();
    let tensors = fbb.create_vector(&tensors);
    let operators = fbb.create_vector(&operators);
    let inputs = fbb.create_vector(&graph.inputs);
    let outputs = fbb.create_vector(&graph.outputs);
    let name = fbb.create_string("main");
    let subgraph = SubGraph::create(
        &mut fbb,
        &SubGraphArgs {
            tensors: Some(tensors),
            inputs: Some(inputs),
            outputs: Some(outputs),
            operators: Some(operators),
            name: Some(name),
        },
    );
    let subgraphs = fbb.create_vector(&[subgraph]);
    let codes = fbb.create_vector(&code_tables);
    let buffers = fbb.create_vector(&buffers);
    let description = fbb.create_string("Prepared for tract by janu-vision");
    let model = Model::create(
        &mut fbb,
        &ModelArgs {
            version: SCHEMA_VERSION,
            operator_codes: Some(codes),
            subgraphs: Some(subgraphs),
            description: Some(description),
            buffers: Some(buffers),
            ..Default::default()
        },
    );
    finish_model_buffer(&mut fbb, model);
    fbb.finished_data().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_widen_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 5.960_464_5e-8);
        assert_eq!(f16_to_f32(0x8000).to_bits(), 0x8000_0000);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    /// A 2x3x4 tensor stored as dense rows and a CSR last dimension, as the
    /// detector's 1x1 convolution weights are, expands to the hand-built dense one.
    #[test]
    fn csr_weights_expand_to_the_dense_tensor() {
        #[rustfmt::skip]
        let dense: [f32; 24] = [
            0.0, 1.5, 0.0, 0.0,   2.0, 0.0, 0.0, 3.0,   0.0, 0.0, 0.0, 0.0,
            4.0, 0.0, 5.0, 0.0,   0.0, 0.0, 0.0, 6.0,   7.0, 8.0, 9.0, 10.0,
        ];
        let mut values = Vec::new();
        let mut indices = Vec::new();
        let mut segments = vec![0];
        for row in dense.chunks(4) {
            for (i, v) in row.iter().enumerate() {
                if *v != 0.0 {
                    values.extend_from_slice(&v.to_le_bytes());
                    indices.push(i);
                }
            }
            segments.push(indices.len());
        }
        let levels = [
            SparseLevel::Dense(2),
            SparseLevel::Dense(3),
            SparseLevel::Csr { segments, indices },
        ];
        let out = densify_levels(&[2, 3, 4], &[0, 1, 2], &levels, &values, 4).unwrap();
        let got: Vec<f32> = out
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(got, dense);
    }

    /// A traversal order other than the natural one walks the columns first.
    #[test]
    fn traversal_order_is_honoured() {
        // 2x2 matrix [[1, 0], [2, 3]] stored column by column.
        let values: Vec<u8> = [1u8, 2, 3].to_vec();
        let levels = [
            SparseLevel::Dense(2),
            SparseLevel::Csr {
                segments: vec![0, 2, 3],
                indices: vec![0, 1, 1],
            },
        ];
        let out = densify_levels(&[2, 2], &[1, 0], &levels, &values, 1).unwrap();
        assert_eq!(out, vec![1, 0, 2, 3]);
    }

    #[test]
    fn inconsistent_sparse_data_is_an_error() {
        let levels = [SparseLevel::Csr {
            segments: vec![0, 3],
            indices: vec![0, 1, 7],
        }];
        assert!(densify_levels(&[4], &[0], &levels, &[1, 2, 3], 1).is_err());
        let levels = [SparseLevel::Csr {
            segments: vec![0, 2],
            indices: vec![0, 1],
        }];
        assert!(densify_levels(&[4], &[0], &levels, &[1, 2, 3], 1).is_err());
    }
}
