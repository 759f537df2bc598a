//! Matrix products with bias and activation: the heart of every convolution.
//!
//! `matrixmultiply` (pure Rust, runtime AVX/FMA/AVX-512 dispatch) does the
//! product; this module feeds it blocks of rows small enough that each block's
//! output stays in cache while the bias is added before and the activation
//! applied after.

use super::{Activation, apply_activation};

/// Rows of the output computed per call of the product: the block's output
/// (rows x output channels) stays in the L2 cache for the activation pass, and
/// the weights' packing cost is spread over enough rows.
pub(crate) const GEMM_BLOCK_ROWS: usize = 64;

/// A matrix product's shape: `m` rows of `k` inputs against `n` outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GemmShape {
    /// Rows (pixels).
    pub m: usize,
    /// Inner size (input values per row).
    pub k: usize,
    /// Output columns (output channels).
    pub n: usize,
}

/// `c[i][j] = act(bias[j] + sum_k a[i][k] * w[j][k])` for `m` rows: `a` rows are
/// `lda` apart, `w` is `[n][k]` (TFLite's `[out][in]` weight layout), `c` rows
/// are `ldc` apart.
///
/// # Panics
/// When a slice is too short for the shape (a planning bug, never input data).
#[allow(clippy::too_many_arguments)] // a BLAS-style signature: every size is needed
pub(crate) fn gemm_bias_act(
    shape: GemmShape,
    a: &[f32],
    lda: usize,
    w: &[f32],
    bias: &[f32],
    act: Activation,
    c: &mut [f32],
    ldc: usize,
) {
    let GemmShape { m, k, n } = shape;
    if m == 0 || n == 0 {
        return;
    }
    assert!(lda >= k && ldc >= n, "gemm strides");
    assert!(a.len() >= (m - 1) * lda + k, "gemm: a is too short");
    assert!(w.len() >= n * k, "gemm: w is too short");
    assert!(bias.len() >= n, "gemm: bias is too short");
    assert!(c.len() >= (m - 1) * ldc + n, "gemm: c is too short");
    for row in c.chunks_mut(ldc).take(m) {
        row[..n].copy_from_slice(&bias[..n]);
    }
    if k > 0 {
        product_accumulate(shape, a, lda, w, c, ldc);
    }
    if act != Activation::None {
        for row in c.chunks_mut(ldc).take(m) {
            apply_activation(&mut row[..n], act);
        }
    }
}

/// `c += a · wᵀ` through `matrixmultiply`.
#[allow(unsafe_code)]
fn product_accumulate(
    shape: GemmShape,
    a: &[f32],
    lda: usize,
    w: &[f32],
    c: &mut [f32],
    ldc: usize,
) {
    let GemmShape { m, k, n } = shape;
    // The checks matrixmultiply relies on, repeated here so that the unsafe
    // call below stays within the slices whatever the caller did.
    assert!(m > 0 && k > 0 && n > 0);
    assert!(a.len() >= (m - 1) * lda + k);
    assert!(w.len() >= n * k);
    assert!(c.len() >= (m - 1) * ldc + n);
    let (lda, ldc, k_stride) = (
        isize::try_from(lda).expect("stride fits isize"),
        isize::try_from(ldc).expect("stride fits isize"),
        isize::try_from(k).expect("size fits isize"),
    );
    // SAFETY: `a` holds m rows of k values `lda` apart (element (i, p) at
    // i*lda + p < a.len()); `w` read as the k x n matrix B with B[p][j] =
    // w[j*k + p] < n*k <= w.len(); `c` holds m rows of n values `ldc` apart
    // (checked above). `c` is a unique borrow, so it aliases neither input,
    // and matrixmultiply writes only the m x n elements of C.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            lda,
            1,
            w.as_ptr(),
            1,
            k_stride,
            1.0,
            c.as_mut_ptr(),
            ldc,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, random};

    fn naive(shape: GemmShape, a: &[f32], w: &[f32], bias: &[f32], act: Activation) -> Vec<f32> {
        let GemmShape { m, k, n } = shape;
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = f64::from(bias[j]);
                for p in 0..k {
                    s += f64::from(a[i * k + p]) * f64::from(w[j * k + p]);
                }
                c[i * n + j] = act.apply(s as f32);
            }
        }
        c
    }

    #[test]
    fn matches_the_naive_product() {
        for (i, &(m, k, n)) in [
            (1, 1, 1),
            (7, 3, 5),
            (64, 24, 144),
            (130, 144, 24),
            (1, 1152, 195),
        ]
        .iter()
        .enumerate()
        {
            let shape = GemmShape { m, k, n };
            let a = random(m * k, i as u64);
            let w = random(n * k, 100 + i as u64);
            let bias = random(n, 200 + i as u64);
            for act in [Activation::None, Activation::Relu6] {
                let mut c = vec![f32::NAN; m * n];
                gemm_bias_act(shape, &a, k, &w, &bias, act, &mut c, n);
                assert_close(&c, &naive(shape, &a, &w, &bias, act), 1e-4);
            }
        }
    }

    #[test]
    fn strided_rows_leave_the_gaps_alone() {
        let shape = GemmShape { m: 3, k: 2, n: 2 };
        let a = [1.0, 2.0, 99.0, 3.0, 4.0, 99.0, 5.0, 6.0];
        let w = [1.0, 0.0, 0.0, 1.0];
        let mut c = vec![-7.0; 9];
        gemm_bias_act(shape, &a, 3, &w, &[0.5, 0.0], Activation::None, &mut c, 3);
        assert_eq!(c, [1.5, 2.0, -7.0, 3.5, 4.0, -7.0, 5.5, 6.0, -7.0]);
    }
}
