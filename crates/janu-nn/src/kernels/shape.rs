//! Operators that only move values: zero padding, transposition and
//! concatenation (reshapes cost nothing: the planner lets them share storage).

/// Row-major strides of `shape`.
pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        s[d] = s[d + 1] * shape[d + 1];
    }
    s
}

/// Copy `input` of `shape` into the zero tensor `out`, `before[d]` places in
/// along each dimension (`out_shape` = shape + before + after).
pub(crate) fn pad(
    input: &[f32],
    shape: &[usize],
    before: &[usize],
    out_shape: &[usize],
    out: &mut [f32],
) {
    out.fill(0.0);
    let rank = shape.len();
    if rank == 0 || input.is_empty() {
        out.copy_from_slice(input);
        return;
    }
    let (in_strides, out_strides) = (strides(shape), strides(out_shape));
    let inner = shape[rank - 1];
    let rows = input.len() / inner;
    for r in 0..rows {
        // Index of this input row, dimension by dimension, and its place in `out`.
        let mut rem = r * inner;
        let mut at = before[rank - 1];
        for d in 0..rank - 1 {
            let i = rem / in_strides[d];
            rem %= in_strides[d];
            at += (i + before[d]) * out_strides[d];
        }
        out[at..at + inner].copy_from_slice(&input[r * inner..(r + 1) * inner]);
    }
}

/// Transpose `input` of `shape`: output dimension `d` is input dimension
/// `perm[d]`.
pub(crate) fn transpose(input: &[f32], shape: &[usize], perm: &[usize], out: &mut [f32]) {
    let rank = shape.len();
    let in_strides = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    // Input stride of each output dimension.
    let step: Vec<usize> = perm.iter().map(|&p| in_strides[p]).collect();
    // The last dimensions that stay in place move as one contiguous run.
    let mut run = 1;
    let mut keep = rank;
    while keep > 0 && perm[keep - 1] == keep - 1 && in_strides[keep - 1] == run {
        run *= shape[keep - 1];
        keep -= 1;
    }
    let mut index = vec![0usize; keep];
    for chunk in out.chunks_exact_mut(run) {
        let from: usize = index.iter().zip(&step).map(|(i, s)| i * s).sum();
        chunk.copy_from_slice(&input[from..from + run]);
        for d in (0..keep).rev() {
            index[d] += 1;
            if index[d] < out_shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
}

/// Concatenate `inputs` along a dimension: `outer` blocks, input `i`
/// contributing `inner[i]` values to each block.
pub(crate) fn concat(inputs: &[&[f32]], inner: &[usize], outer: usize, out: &mut [f32]) {
    let block: usize = inner.iter().sum();
    for b in 0..outer {
        let mut at = b * block;
        for (x, &n) in inputs.iter().zip(inner) {
            out[at..at + n].copy_from_slice(&x[b * n..(b + 1) * n]);
            at += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_around_a_plane() {
        let mut out = vec![9.0; 4 * 5];
        pad(
            &[1.0, 2.0, 3.0, 4.0],
            &[1, 2, 2, 1],
            &[0, 1, 2, 0],
            &[1, 4, 5, 1],
            &mut out,
        );
        #[rustfmt::skip]
        let expected = [
            0.0, 0.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 1.0, 2.0, 0.0,
            0.0, 0.0, 3.0, 4.0, 0.0,
            0.0, 0.0, 0.0, 0.0, 0.0,
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn transposes_like_depth_to_space() {
        // [1, 1, 2, 2, 2, 1] with axes 2 and 3 swapped.
        let input: Vec<f32> = (0..8).map(|v| v as f32).collect();
        let mut out = vec![0.0; 8];
        transpose(&input, &[1, 1, 2, 2, 2, 1], &[0, 1, 3, 2, 4, 5], &mut out);
        assert_eq!(out, [0.0, 1.0, 4.0, 5.0, 2.0, 3.0, 6.0, 7.0]);
        transpose(&input, &[2, 4], &[1, 0], &mut out);
        assert_eq!(out, [0.0, 4.0, 1.0, 5.0, 2.0, 6.0, 3.0, 7.0]);
    }

    #[test]
    fn concatenates_inner_blocks() {
        let mut out = vec![0.0; 6];
        concat(&[&[1.0, 2.0], &[3.0, 4.0, 5.0, 6.0]], &[1, 2], 2, &mut out);
        assert_eq!(out, [1.0, 3.0, 4.0, 2.0, 5.0, 6.0]);
    }
}
