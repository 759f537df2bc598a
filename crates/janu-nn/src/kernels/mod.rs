//! The compute kernels: plain functions of explicit inputs and outputs, NHWC
//! layout, one batch.
//!
//! Loops run over channels innermost so the compiler vectorises them; the
//! `multiversion` attribute builds each hot loop for AVX-512, AVX2+FMA and the
//! baseline, chosen at run time. Products are written `acc + a * b` (no fused
//! multiply-add), so every build computes the same bits.

pub(crate) mod conv;
pub(crate) mod depthwise;
pub(crate) mod elementwise;
pub(crate) mod gemm;
pub(crate) mod pool;
pub(crate) mod resize;
pub(crate) mod shape;

use multiversion::multiversion;

pub use crate::tflite::Activation;

/// `a * b + c`, the step of every product. Fused (one rounding, as the
/// multiversioned x86 builds do in one instruction) except on WebAssembly,
/// which has no fused instruction: there `mul_add` becomes a call to a
/// software `fmaf` that made the browser build 30 times slower than the
/// multiply and add it replaces. The two differ only in the last bits.
#[inline(always)]
pub(crate) fn madd(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(target_arch = "wasm32")]
    {
        a * b + c
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        a.mul_add(b, c)
    }
}

/// Apply `act` to every value of `data` in place.
pub(crate) fn apply_activation(data: &mut [f32], act: Activation) {
    match act.bounds() {
        Some((lo, hi)) if act != Activation::None => clamp(data, lo, hi),
        Some(_) => {}
        None => data.iter_mut().for_each(|v| *v = act.apply(*v)),
    }
}

#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn clamp(data: &mut [f32], lo: f32, hi: f32) {
    for v in data {
        *v = v.max(lo).min(hi);
    }
}

/// Where a sliding window sits on its input: sizes, steps and the zero padding
/// before the first row and column (the padding after follows from the sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Output height.
    pub oh: usize,
    /// Output width.
    pub ow: usize,
    /// Window height.
    pub kh: usize,
    /// Window width.
    pub kw: usize,
    /// Vertical step.
    pub sy: usize,
    /// Horizontal step.
    pub sx: usize,
    /// Vertical tap spacing.
    pub dy: usize,
    /// Horizontal tap spacing.
    pub dx: usize,
    /// Zero rows before the input.
    pub pad_top: usize,
    /// Zero columns before the input.
    pub pad_left: usize,
}

impl Geometry {
    /// The input row of tap `ky` for output row `oy`, when inside the input.
    #[inline(always)]
    pub fn in_row(&self, oy: usize, ky: usize) -> Option<usize> {
        (oy * self.sy + ky * self.dy)
            .checked_sub(self.pad_top)
            .filter(|&r| r < self.h)
    }

    /// The input column of tap `kx` for output column `ox`, when inside.
    #[inline(always)]
    pub fn in_col(&self, ox: usize, kx: usize) -> Option<usize> {
        (ox * self.sx + kx * self.dx)
            .checked_sub(self.pad_left)
            .filter(|&c| c < self.w)
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::Geometry;

    /// A `k x k` window over an `h x w` input, moved `step` and with taps
    /// `dilation` apart both ways, `pad` zeros before the input and as many
    /// after; the output size follows.
    pub fn square_window(
        (h, w): (usize, usize),
        k: usize,
        step: usize,
        dilation: usize,
        pad: usize,
    ) -> Geometry {
        let out = |n: usize| (n + 2 * pad - dilation * (k - 1) - 1) / step + 1;
        Geometry {
            h,
            w,
            oh: out(h),
            ow: out(w),
            kh: k,
            kw: k,
            sy: step,
            sx: step,
            dy: dilation,
            dx: dilation,
            pad_top: pad,
            pad_left: pad,
        }
    }

    /// The taps of the window at output pixel `(oy, ox)` that fall inside the
    /// input, as (tap `ky * kw + kx`, input pixel `iy * w + ix`): worked out
    /// directly in signed numbers, as a reference for the kernels.
    pub fn naive_taps(
        g: &Geometry,
        oy: usize,
        ox: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..g.kh)
            .flat_map(move |ky| (0..g.kw).map(move |kx| (ky, kx)))
            .filter_map(move |(ky, kx)| {
                let iy = (oy * g.sy + ky * g.dy) as i64 - g.pad_top as i64;
                let ix = (ox * g.sx + kx * g.dx) as i64 - g.pad_left as i64;
                (iy >= 0 && ix >= 0 && iy < g.h as i64 && ix < g.w as i64)
                    .then(|| (ky * g.kw + kx, iy as usize * g.w + ix as usize))
            })
    }

    /// Deterministic pseudo-random values in -1..1 (SplitMix64).
    pub fn random(n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
        (0..n)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// Each value within `rel` of the reference, relative to the larger of 1
    /// and the reference's magnitude.
    pub fn assert_close(actual: &[f32], expected: &[f32], rel: f32) {
        assert_eq!(actual.len(), expected.len(), "lengths");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            let tol = rel * e.abs().max(1.0);
            assert!(
                (a - e).abs() <= tol,
                "value {i}: {a} against {e} (tolerance {tol})"
            );
        }
    }
}
