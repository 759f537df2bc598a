//! Full convolutions (`CONV_2D`) as matrix products.
//!
//! A 1x1 convolution with step 1 is one product of the input, read as a
//! (pixels x input channels) matrix, with the weights. Any other window first
//! gathers each output pixel's taps into a row of a scratch matrix (im2col),
//! a block of pixels at a time, zeros standing in for the padding.

use std::ops::Range;

use super::gemm::PackedGemm;
use super::{Activation, Geometry};

/// Output pixels whose taps are gathered at a time: their patch matrix stays
/// in cache for the product.
const PATCH_ROWS: usize = 48;

/// A convolution's fixed parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conv {
    /// The window on the input.
    pub geometry: Geometry,
    /// Input channels.
    pub cin: usize,
    /// Output channels.
    pub cout: usize,
    /// Weights `[cout][kh][kw][cin]` and bias, packed.
    pub gemm: PackedGemm,
    /// Fused activation.
    pub activation: Activation,
}

impl Conv {
    /// A convolution with weights `[cout][kh][kw][cin]` and bias `[cout]`.
    pub fn new(
        geometry: Geometry,
        cin: usize,
        cout: usize,
        weights: &[f32],
        bias: &[f32],
        activation: Activation,
    ) -> Self {
        let k = geometry.kh * geometry.kw * cin;
        Self {
            geometry,
            cin,
            cout,
            gemm: PackedGemm::new(weights, bias, k, cout),
            activation,
        }
    }

    /// True when the input itself is the product's left matrix.
    pub fn is_pointwise(&self) -> bool {
        let g = &self.geometry;
        g.kh == 1
            && g.kw == 1
            && g.sy == 1
            && g.sx == 1
            && g.pad_top == 0
            && g.pad_left == 0
            && g.oh == g.h
            && g.ow == g.w
    }

    /// Scratch values [`Conv::run`] needs.
    pub fn scratch_len(&self) -> usize {
        if self.is_pointwise() {
            0
        } else {
            let g = &self.geometry;
            PATCH_ROWS * g.kh * g.kw * self.cin
        }
    }

    /// Multiply-adds per output row, for splitting work.
    pub fn macs_per_row(&self) -> usize {
        let g = &self.geometry;
        g.ow * self.cout * g.kh * g.kw * self.cin
    }

    /// Compute output rows `rows` into `out` (those rows only, NHWC).
    pub fn run(&self, input: &[f32], out: &mut [f32], rows: Range<usize>, scratch: &mut [f32]) {
        let g = &self.geometry;
        let (cin, cout) = (self.cin, self.cout);
        let pixels = rows.len() * g.ow;
        debug_assert_eq!(out.len(), pixels * cout);
        if self.is_pointwise() {
            let start = rows.start * g.w * cin;
            let a = &input[start..start + pixels * cin];
            self.gemm.run(pixels, a, cin, self.activation, out, cout);
            return;
        }
        let k = g.kh * g.kw * cin;
        let first = rows.start * g.ow;
        for (b, block) in out.chunks_mut(PATCH_ROWS * cout).enumerate() {
            let m = block.len() / cout;
            let patches = &mut scratch[..m * k];
            for (i, patch) in patches.chunks_exact_mut(k).enumerate() {
                let p = first + b * PATCH_ROWS + i;
                gather(g, cin, input, p / g.ow, p % g.ow, patch);
            }
            self.gemm.run(m, patches, k, self.activation, block, cout);
        }
    }
}

/// The taps of output pixel (oy, ox), `[kh][kw][cin]`, zeros outside the input.
/// A window row lying wholly inside the input with adjacent taps (no
/// dilation) is one copy.
fn gather(g: &Geometry, cin: usize, input: &[f32], oy: usize, ox: usize, patch: &mut [f32]) {
    let row_inside = g.dx == 1 && g.in_col(ox, 0).is_some() && g.in_col(ox, g.kw - 1).is_some();
    for (ky, row) in patch.chunks_exact_mut(g.kw * cin).enumerate() {
        let Some(iy) = g.in_row(oy, ky) else {
            row.fill(0.0);
            continue;
        };
        if row_inside {
            let at = (iy * g.w + ox * g.sx - g.pad_left) * cin;
            row.copy_from_slice(&input[at..at + row.len()]);
            continue;
        }
        for (kx, tap) in row.chunks_exact_mut(cin).enumerate() {
            match g.in_col(ox, kx) {
                Some(ix) => {
                    let at = (iy * g.w + ix) * cin;
                    tap.copy_from_slice(&input[at..at + cin]);
                }
                None => tap.fill(0.0),
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, naive_taps, random, square_window};

    /// Direct convolution, one output value at a time, in f64.
    pub(crate) fn naive(c: &Conv, weights: &[f32], bias: &[f32], input: &[f32]) -> Vec<f32> {
        let g = &c.geometry;
        let mut out = vec![0.0; g.oh * g.ow * c.cout];
        for oy in 0..g.oh {
            for ox in 0..g.ow {
                for o in 0..c.cout {
                    let mut s = f64::from(bias[o]);
                    for (tap, pixel) in naive_taps(g, oy, ox) {
                        for i in 0..c.cin {
                            let x = input[pixel * c.cin + i];
                            let w = weights[(o * g.kh * g.kw + tap) * c.cin + i];
                            s += f64::from(x) * f64::from(w);
                        }
                    }
                    out[(oy * g.ow + ox) * c.cout + o] = c.activation.apply(s as f32);
                }
            }
        }
        out
    }

    fn check(g: Geometry, cin: usize, cout: usize, seed: u64) {
        let weights = random(cout * g.kh * g.kw * cin, seed);
        let bias = random(cout, seed + 1);
        let c = &Conv::new(g, cin, cout, &weights, &bias, Activation::Relu6);
        let input = random(g.h * g.w * c.cin, seed + 2);
        let expected = naive(c, &weights, &bias, &input);
        let mut scratch = vec![0.0; c.scratch_len()];
        // Whole output, then in two row ranges as two threads would.
        let mut out = vec![f32::NAN; expected.len()];
        c.run(&input, &mut out, 0..g.oh, &mut scratch);
        assert_close(&out, &expected, 1e-4);
        let split = g.oh / 2;
        let (a, b) = out.split_at_mut(split * g.ow * c.cout);
        a.fill(f32::NAN);
        b.fill(f32::NAN);
        c.run(&input, a, 0..split, &mut scratch);
        c.run(&input, b, split..g.oh, &mut scratch);
        assert_close(&out, &expected, 1e-4);
    }

    #[test]
    fn pointwise_matches_naive() {
        check(square_window((9, 11), 1, 1, 1, 0), 24, 40, 1);
    }

    #[test]
    fn strided_padded_window_matches_naive() {
        // The landmark models' first layer: 3x3, step 2, padding 1 before
        // (17 x 15 to 9 x 8).
        check(square_window((17, 15), 3, 2, 1, 1), 3, 24, 3);
        // Dilated, unpadded (10 x 10 to 6 x 6), and a window covering the
        // whole input.
        check(square_window((10, 10), 3, 1, 2, 0), 5, 7, 5);
        check(square_window((2, 2), 2, 1, 1, 0), 288, 195, 7);
    }
}
