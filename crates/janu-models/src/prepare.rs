//! Preparation of the MediaPipe TFLite files for the runtimes.
//!
//! The npm models store their weights as fp16 constants behind `DEQUANTIZE` ops,
//! the detector also keeps some weights sparse behind `DENSIFY` ops and upsamples
//! with `DEPTH_TO_SPACE`. Neither janu-nn nor tract runs these three ops, so
//! [`prepare_tflite`] rewrites the file into an equivalent fp32 graph:
//!
//! - sparse constants are expanded, and `DENSIFY` and `DEQUANTIZE` of a
//!   constant are evaluated here (constant folding): their outputs become
//!   plain fp32 constants and the ops disappear;
//! - `DEPTH_TO_SPACE` becomes `RESHAPE` (split the channels into the block),
//!   `TRANSPOSE` (interleave the block with the rows and columns) and `RESHAPE`;
//! - outputs not asked for (the landmark models' segmentation mask) are dropped
//!   together with every op that only fed them.
//!
//! The file is read with janu-nn's TFLite reader ([`janu_nn::tflite::read_graph`]),
//! rewritten as that owned [`Graph`], and written back with
//! [`janu_nn::tflite::write_graph`].

use janu_nn::tflite::{
    Graph, GraphOp, GraphTensor, Options, SparseLevel, Sparsity, code, read_graph, tensor_type,
    write_graph,
};

use crate::ModelError;

/// The description written into prepared files.
pub const DESCRIPTION: &str = "Prepared by janu-models";

fn bad(msg: impl Into<String>) -> ModelError {
    ModelError::ModelFormat(msg.into())
}

/// Rewrite a MediaPipe TFLite model so that janu-nn and tract can run it (see
/// the module docs), keeping only the outputs named in `keep_outputs` (all
/// when empty), in the order given.
///
/// # Errors
/// [`ModelError::Unreadable`] when the bytes are not a TFLite model,
/// [`ModelError::ModelFormat`] when they use a feature this rewrite does not
/// handle (a quantised tensor, block-sparse weights, an op with options it does
/// not know, an unknown output name).
pub fn prepare_tflite(bytes: &[u8], keep_outputs: &[&str]) -> Result<Vec<u8>, ModelError> {
    let mut graph = read_graph(bytes).map_err(ModelError::Unreadable)?;
    check_options(&graph)?;
    expand_sparse(&mut graph)?;
    fold_constants(&mut graph)?;
    rewrite_depth_to_space(&mut graph)?;
    select_outputs(&mut graph, keep_outputs)?;
    prune(&mut graph);
    write_graph(&graph, DESCRIPTION).map_err(|e| bad(e.to_string()))
}

/// Every op's options must be ones the writer writes back.
fn check_options(graph: &Graph) -> Result<(), ModelError> {
    match graph.operators.iter().find_map(|op| match op.options {
        Options::Other(ty) => Some((op.code, ty)),
        _ => None,
    }) {
        Some((code, ty)) => Err(bad(format!(
            "op {code} has options of type {ty}, not handled"
        ))),
        None => Ok(()),
    }
}

/// Byte size of one element of `ty`, for the types these models hold as constants.
fn element_size(ty: i8) -> Option<usize> {
    match ty {
        tensor_type::FLOAT16 | tensor_type::INT16 => Some(2),
        tensor_type::FLOAT32 | tensor_type::INT32 => Some(4),
        tensor_type::INT8 | tensor_type::UINT8 => Some(1),
        tensor_type::INT64 => Some(8),
        _ => None,
    }
}

/// Refuse quantised tensors and store every sparse constant densely.
fn expand_sparse(graph: &mut Graph) -> Result<(), ModelError> {
    for t in &mut graph.tensors {
        if t.quantised {
            return Err(bad(format!("tensor {} is quantised", t.name)));
        }
        if let Some(sparsity) = t.sparsity.take()
            && let Some(raw) = &t.data
        {
            t.data = Some(densify(&t.shape, t.ty, raw, &sparsity, &t.name)?);
        }
    }
    Ok(())
}

/// Expand a TFLite sparse tensor (no block map) into its dense row-major bytes.
///
/// `traversal` gives, for each level, the dimension of `shape` it walks;
/// `values` holds the stored elements in traversal order, `element` bytes each.
fn densify_levels(
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
    ty: i8,
    raw: &[u8],
    sparsity: &Sparsity,
    name: &str,
) -> Result<Vec<u8>, ModelError> {
    let fail = |m: String| bad(format!("sparse tensor {name}: {m}"));
    if !sparsity.block_map.is_empty() {
        return Err(fail("block-sparse weights are not supported".into()));
    }
    let element = element_size(ty).ok_or_else(|| fail(format!("element type {ty}")))?;
    let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
    let traversal: Vec<usize> = if sparsity.traversal_order.is_empty() {
        (0..shape.len()).collect()
    } else {
        sparsity
            .traversal_order
            .iter()
            .map(|&d| d.max(0) as usize)
            .collect()
    };
    if traversal.iter().any(|&d| d >= shape.len()) {
        return Err(fail("traversal order names a missing dimension".into()));
    }
    densify_levels(&shape, &traversal, &sparsity.levels, raw, element).map_err(fail)
}

/// The tensor an op names, refusing an omitted (negative) one.
fn tensor(graph: &Graph, t: i32) -> Result<usize, ModelError> {
    usize::try_from(t)
        .ok()
        .filter(|&i| i < graph.tensors.len())
        .ok_or_else(|| bad(format!("tensor index {t}")))
}

/// An IEEE 754 half-precision value widened to `f32` (exact).
fn f16_to_f32(bits: u16) -> f32 {
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
fn fold_constants(graph: &mut Graph) -> Result<(), ModelError> {
    let mut kept = Vec::with_capacity(graph.operators.len());
    for op in std::mem::take(&mut graph.operators) {
        if op.code != code::DENSIFY && op.code != code::DEQUANTIZE {
            kept.push(op);
            continue;
        }
        let name = if op.code == code::DENSIFY {
            "DENSIFY"
        } else {
            "DEQUANTIZE"
        };
        let (&[input], &[output]) = (op.inputs.as_slice(), op.outputs.as_slice()) else {
            return Err(bad(format!("{name} with several inputs or outputs")));
        };
        let (input, output) = (tensor(graph, input)?, tensor(graph, output)?);
        let src = &graph.tensors[input];
        let Some(data) = src.data.clone() else {
            return Err(bad(format!(
                "{name} of the non-constant tensor {}",
                src.name
            )));
        };
        let (ty, data) = if op.code == code::DENSIFY {
            // Sparse data was already expanded.
            (src.ty, data)
        } else {
            match src.ty {
                tensor_type::FLOAT16 => {
                    let out: Vec<u8> = data
                        .chunks_exact(2)
                        .flat_map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])).to_le_bytes())
                        .collect();
                    (tensor_type::FLOAT32, out)
                }
                tensor_type::FLOAT32 => (tensor_type::FLOAT32, data),
                other => {
                    return Err(bad(format!("DEQUANTIZE of a constant of type {other}")));
                }
            }
        };
        let dst = &mut graph.tensors[output];
        dst.ty = ty;
        dst.data = Some(data);
    }
    graph.operators = kept;
    if let Some(op) = graph.operators.iter().find(|o| {
        o.inputs
            .iter()
            .chain(&o.outputs)
            .any(|&t| usize::try_from(t).is_ok_and(|t| graph.tensors[t].ty == tensor_type::FLOAT16))
    }) {
        return Err(bad(format!("op {} still uses an fp16 tensor", op.code)));
    }
    Ok(())
}

/// Replace each `DEPTH_TO_SPACE` (NHWC, block b) by reshape to
/// `[N, H, W, b, b, C]`, transpose to `[N, H, b, W, b, C]`, reshape to
/// `[N, H*b, W*b, C]`; this is TFLite's element order (the block row varies
/// slowest within the channels).
fn rewrite_depth_to_space(graph: &mut Graph) -> Result<(), ModelError> {
    let mut out = Vec::with_capacity(graph.operators.len());
    for op in std::mem::take(&mut graph.operators) {
        let Options::DepthToSpace { block: b } = op.options else {
            out.push(op);
            continue;
        };
        let (&[input], &[output]) = (op.inputs.as_slice(), op.outputs.as_slice()) else {
            return Err(bad("DEPTH_TO_SPACE with several inputs or outputs"));
        };
        let shape = graph.tensors[tensor(graph, input)?].shape.clone();
        let &[n, h, w, c] = shape.as_slice() else {
            return Err(bad("DEPTH_TO_SPACE of a tensor that is not 4-D"));
        };
        if b <= 0 || c % (b * b) != 0 {
            return Err(bad(format!("DEPTH_TO_SPACE block {b} with {c} channels")));
        }
        let cb = c / (b * b);
        let base = graph.tensors[tensor(graph, output)?].name.clone();
        let add = |graph: &mut Graph, suffix: &str, shape: Vec<i32>, data: Option<Vec<i32>>| {
            graph.tensors.push(GraphTensor {
                name: format!("{base}/{suffix}"),
                shape,
                ty: if data.is_some() {
                    tensor_type::INT32
                } else {
                    tensor_type::FLOAT32
                },
                data: data.map(|d| d.iter().flat_map(|v| v.to_le_bytes()).collect()),
                quantised: false,
                sparsity: None,
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
        let plain = |code, inputs, outputs| GraphOp {
            code,
            version: 1,
            inputs,
            outputs,
            options: Options::None,
        };
        out.push(plain(code::RESHAPE, vec![input, s1], vec![t1]));
        out.push(plain(code::TRANSPOSE, vec![t1, perm], vec![t2]));
        out.push(plain(code::RESHAPE, vec![t2, s2], vec![output]));
    }
    graph.operators = out;
    Ok(())
}

fn select_outputs(graph: &mut Graph, keep: &[&str]) -> Result<(), ModelError> {
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
