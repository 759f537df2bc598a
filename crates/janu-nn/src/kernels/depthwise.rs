//! Depthwise convolutions (`DEPTHWISE_CONV_2D`, one output channel per input
//! channel): each output pixel sums its window's taps channel by channel.
//!
//! Channels are innermost (NHWC). Each output row starts as the bias; each tap
//! then adds its input row times its weights over all the row's pixels and
//! channels at once (16 channels a step), so the per-tap bookkeeping is paid
//! once per row, not once per pixel; the clamp closes the row while it is
//! still in the L1 cache. Padding is never materialised: the columns and rows
//! of a tap that fall outside the input are skipped.

use std::ops::Range;

use multiversion::multiversion;

use super::{Activation, Geometry, madd};

/// A depthwise convolution's fixed parameters (channel multiplier 1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Depthwise {
    /// The window on the input.
    pub geometry: Geometry,
    /// Channels (input and output).
    pub channels: usize,
    /// Weights `[kh][kw][channels]`.
    pub weights: Vec<f32>,
    /// Bias `[channels]`.
    pub bias: Vec<f32>,
    /// Fused activation (a clamp).
    pub activation: Activation,
}

impl Depthwise {
    /// Multiply-adds per output row, for splitting work.
    pub fn macs_per_row(&self) -> usize {
        let g = &self.geometry;
        g.ow * self.channels * g.kh * g.kw
    }

    /// Compute output rows `rows` into `out` (those rows only, NHWC).
    pub fn run(&self, input: &[f32], out: &mut [f32], rows: Range<usize>) {
        let (lo, hi) = self
            .activation
            .bounds()
            .unwrap_or((f32::NEG_INFINITY, f32::INFINITY));
        depthwise_rows(self, input, out, rows.start, lo, hi);
        if self.activation.bounds().is_none() {
            out.iter_mut().for_each(|v| *v = self.activation.apply(*v));
        }
    }
}

/// Largest window (taps) the kernel handles; checked when planning.
pub(crate) const MAX_TAPS: usize = 64;

/// One output pixel's channels `c0..c0 + L`: the sums over the taps stay in
/// registers, then take the clamp and one store. `taps` holds each tap's
/// input and weight offsets.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // one block's whole context
fn block<const L: usize>(
    d: &Depthwise,
    input: &[f32],
    taps: &[(usize, usize)],
    c0: usize,
    lo: f32,
    hi: f32,
    o: &mut [f32],
) {
    let mut acc: [f32; L] = d.bias[c0..c0 + L].try_into().expect("bias block");
    for &(at, tap) in taps {
        let i: &[f32; L] = input[at + c0..at + c0 + L].try_into().expect("input block");
        let w: &[f32; L] = d.weights[tap + c0..tap + c0 + L]
            .try_into()
            .expect("weight block");
        for j in 0..L {
            acc[j] = madd(i[j], w[j], acc[j]);
        }
    }
    let o: &mut [f32; L] = (&mut o[c0..c0 + L]).try_into().expect("output block");
    for j in 0..L {
        o[j] = acc[j].max(lo).min(hi);
    }
}

/// Output pixels one at a time: the taps inside the input are listed once,
/// then the channels go by in blocks of 64, 16, 8 and 1.
#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn depthwise_rows(
    d: &Depthwise,
    input: &[f32],
    out: &mut [f32],
    first_row: usize,
    lo: f32,
    hi: f32,
) {
    let g = &d.geometry;
    let c = d.channels;
    let mut taps = [(0usize, 0usize); MAX_TAPS];
    for (r, out_row) in out.chunks_exact_mut(g.ow * c).enumerate() {
        let oy = first_row + r;
        for (ox, o) in out_row.chunks_exact_mut(c).enumerate() {
            let mut n = 0;
            for ky in 0..g.kh {
                let Some(iy) = g.in_row(oy, ky) else { continue };
                for kx in 0..g.kw {
                    let Some(ix) = g.in_col(ox, kx) else { continue };
                    taps[n] = ((iy * g.w + ix) * c, (ky * g.kw + kx) * c);
                    n += 1;
                }
            }
            let taps = &taps[..n];
            let mut c0 = 0;
            while c0 + 64 <= c {
                block::<64>(d, input, taps, c0, lo, hi, o);
                c0 += 64;
            }
            while c0 + 16 <= c {
                block::<16>(d, input, taps, c0, lo, hi, o);
                c0 += 16;
            }
            while c0 + 8 <= c {
                block::<8>(d, input, taps, c0, lo, hi, o);
                c0 += 8;
            }
            while c0 < c {
                block::<1>(d, input, taps, c0, lo, hi, o);
                c0 += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, naive_taps, random, square_window};

    fn naive(d: &Depthwise, input: &[f32]) -> Vec<f32> {
        let g = &d.geometry;
        let c = d.channels;
        let mut out = vec![0.0; g.oh * g.ow * c];
        for oy in 0..g.oh {
            for ox in 0..g.ow {
                for ch in 0..c {
                    let mut s = f64::from(d.bias[ch]);
                    for (tap, pixel) in naive_taps(g, oy, ox) {
                        let x = input[pixel * c + ch];
                        let w = d.weights[tap * c + ch];
                        s += f64::from(x) * f64::from(w);
                    }
                    out[(oy * g.ow + ox) * c + ch] = d.activation.apply(s as f32);
                }
            }
        }
        out
    }

    #[test]
    fn matches_naive_for_the_models_windows() {
        // (side, kernel, step, padding before, channels): 3x3 and 5x5, steps 1
        // and 2, SAME and folded explicit paddings, channel counts that use the
        // 16-, 8- and 1-wide paths.
        let cases = [
            (12, 3, 1, 1, 24),
            (13, 3, 2, 1, 64),
            (16, 5, 2, 2, 144),
            (9, 5, 1, 2, 88),
            (8, 3, 2, 0, 3),
            (7, 3, 1, 1, 27),
        ];
        for (i, &(side, k, s, pad, c)) in cases.iter().enumerate() {
            let geometry = square_window((side, side), k, s, 1, pad);
            let out_side = geometry.oh;
            let d = Depthwise {
                geometry,
                channels: c,
                weights: random(k * k * c, i as u64),
                bias: random(c, 50 + i as u64),
                activation: if i % 2 == 0 {
                    Activation::Relu6
                } else {
                    Activation::None
                },
            };
            let input = random(side * side * c, 100 + i as u64);
            let expected = naive(&d, &input);
            let mut out = vec![f32::NAN; expected.len()];
            d.run(&input, &mut out, 0..out_side);
            assert_close(&out, &expected, 1e-4);
            let split = out_side / 3;
            let (_, b) = out.split_at_mut(split * out_side * c);
            b.fill(f32::NAN);
            d.run(&input, b, split..out_side);
            assert_close(&out, &expected, 1e-4);
        }
    }
}
