//! Matrix products with bias and activation: the heart of every convolution.
//!
//! The weights are constant, so they are packed once, when the model is
//! planned, into column panels of 16 to 48 output channels: for each input
//! channel, the panel's weights side by side, then zero columns up to the panel
//! width. A run multiplies 4 or 6 rows of the input at a time against a panel,
//! the sums staying in registers (4 x 48 or 6 x 32 values: 12 AVX-512
//! registers) from the bias to the clamp and the one store. The input rows are
//! read where they lie; nothing is packed per run.
//!
//! The loops are plain Rust over fixed-size arrays; `multiversion` compiles
//! them for AVX-512 and AVX2 with FMA and picks one at run time. The products
//! are fused ([`madd`]), so both builds give the same bits.

use multiversion::multiversion;

use super::{Activation, madd};

/// Values of the input a block of rows should hold at most, so that the block
/// stays in the L1/L2 caches while every panel of weights passes over it.
const BLOCK_VALUES: usize = 16 * 1024;
/// Rows per block are a multiple of this (both row tile heights divide it).
const ROW_QUANTUM: usize = 12;

/// One column panel of packed weights.
#[derive(Debug, Clone, PartialEq)]
struct Panel {
    /// First output column.
    col: usize,
    /// Output columns it computes (the rest of its width is zero padding).
    cols: usize,
    /// Its width: 16, 24, 32 or 48 (8 on WebAssembly).
    width: usize,
    /// Where its bias (`width` values) then its weights (`k * width`) start.
    offset: usize,
}

/// Weights and bias of a product, packed for [`PackedGemm::run`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PackedGemm {
    /// Inner size (input values per row).
    k: usize,
    /// Output columns.
    n: usize,
    panels: Vec<Panel>,
    data: Vec<f32>,
}

/// Width of every panel on WebAssembly: its SIMD vectors hold 4 values and
/// the engines keep 16 of them in registers, so a tile of 6 rows by 8 columns
/// (12 vectors of sums) stays in registers where the x86 tiles would spill
/// ([`panel_rows_simd128`]).
#[cfg(target_arch = "wasm32")]
const WASM_PANEL: usize = 8;

/// Panel widths covering `n` columns on WebAssembly: all [`WASM_PANEL`] wide.
#[cfg(target_arch = "wasm32")]
fn panel_widths(n: usize) -> Vec<usize> {
    vec![WASM_PANEL; n.div_ceil(WASM_PANEL)]
}

/// Panel widths covering `n` columns: 48 wide while that fits (or 32 wide
/// when `n` is a multiple of 32 but not of 48), then the narrowest panels that
/// cover the rest.
#[cfg(not(target_arch = "wasm32"))]
fn panel_widths(n: usize) -> Vec<usize> {
    let mut widths = Vec::new();
    let main = if !n.is_multiple_of(48) && n.is_multiple_of(32) {
        32
    } else {
        48
    };
    let mut left = n;
    while left >= main {
        widths.push(main);
        left -= main;
    }
    match left {
        0 => {}
        1..=16 => widths.push(16),
        17..=24 => widths.push(24),
        25..=32 => widths.push(32),
        33..=40 => widths.extend([24, 16]),
        _ => widths.push(48),
    }
    widths
}

impl PackedGemm {
    /// Pack weights `w` (`[n][k]`, TFLite's `[out][in]` layout) and `bias`.
    ///
    /// # Panics
    /// When `w` or `bias` is shorter than the shape says (a planning bug).
    pub fn new(w: &[f32], bias: &[f32], k: usize, n: usize) -> Self {
        assert!(
            w.len() >= n * k && bias.len() >= n,
            "weights of the wrong size"
        );
        let mut panels = Vec::new();
        let mut data = Vec::new();
        let mut col = 0;
        for width in panel_widths(n) {
            let cols = width.min(n - col);
            let offset = data.len();
            data.extend((0..width).map(|j| if j < cols { bias[col + j] } else { 0.0 }));
            for p in 0..k {
                data.extend((0..width).map(|j| if j < cols { w[(col + j) * k + p] } else { 0.0 }));
            }
            panels.push(Panel {
                col,
                cols,
                width,
                offset,
            });
            col += cols;
        }
        Self { k, n, panels, data }
    }

    /// Rows per block for this inner size.
    fn block_rows(&self) -> usize {
        let rows = (BLOCK_VALUES / self.k.max(1)).max(ROW_QUANTUM);
        rows - rows % ROW_QUANTUM
    }

    /// `c[i][j] = act(bias[j] + sum_p a[i][p] * w[j][p])` for `m` rows: `a`
    /// rows are `lda` apart, `c` rows `ldc` apart.
    ///
    /// # Panics
    /// When a slice is too short for the shape (a planning bug).
    pub fn run(&self, m: usize, a: &[f32], lda: usize, act: Activation, c: &mut [f32], ldc: usize) {
        if m == 0 || self.n == 0 {
            return;
        }
        let (k, n) = (self.k, self.n);
        assert!(lda >= k && ldc >= n, "gemm strides");
        assert!(a.len() >= (m - 1) * lda + k, "gemm: a is too short");
        assert!(c.len() >= (m - 1) * ldc + n, "gemm: c is too short");
        let (lo, hi) = act.bounds().unwrap_or((f32::NEG_INFINITY, f32::INFINITY));
        let block = self.block_rows();
        let mut start = 0;
        while start < m {
            let rows = block.min(m - start);
            gemm_block(
                self,
                rows,
                &a[start * lda..],
                lda,
                &mut c[start * ldc..],
                ldc,
                lo,
                hi,
            );
            start += rows;
        }
        if act.bounds().is_none() {
            for row in c.chunks_mut(ldc).take(m) {
                row[..n].iter_mut().for_each(|v| *v = act.apply(*v));
            }
        }
    }
}

/// `acc[r][j] += x[r] * w[j]` for one input value per row and one row of a
/// panel.
#[inline(always)]
fn tile_step<const NR: usize, const MR: usize>(
    acc: &mut [[f32; NR]; MR],
    x: [f32; MR],
    w: &[f32; NR],
) {
    // The loop order that the compiler turns into register-held vector sums
    // differs with the width (measured).
    if NR >= 32 {
        for j in 0..NR {
            for r in 0..MR {
                acc[r][j] = madd(x[r], w[j], acc[r][j]);
            }
        }
    } else {
        for r in 0..MR {
            for j in 0..NR {
                acc[r][j] = madd(x[r], w[j], acc[r][j]);
            }
        }
    }
}

/// The pattern `((w, x0), x1)...` that takes apart the items of
/// `w.zip(x0).zip(x1)...`.
macro_rules! zipped {
    ($p:pat) => { $p };
    ($p:pat, $x:ident $(, $rest:ident)*) => { zipped!(($p, $x) $(, $rest)*) };
}

/// Where a tile stores its sums: the first `rows` rows and `cols` columns,
/// clamped to `bounds`, at `out`, rows `ldc` apart.
struct TileOut<'a> {
    out: &'a mut [f32],
    ldc: usize,
    rows: usize,
    cols: usize,
    bounds: (f32, f32),
}

impl TileOut<'_> {
    #[inline(always)]
    fn store<const NR: usize, const MR: usize>(self, acc: &[[f32; NR]; MR]) {
        let (lo, hi) = self.bounds;
        for (r, sums) in acc.iter().enumerate().take(self.rows) {
            let dst = &mut self.out[r * self.ldc..r * self.ldc + self.cols];
            for (d, s) in dst.iter_mut().zip(sums) {
                *d = s.max(lo).min(hi);
            }
        }
    }
}

/// The tile kernels: `MR` input rows against one panel of width `NR`, one
/// function per `MR`, so that the rows are zipped with the panel (no bounds
/// checks in the loop).
macro_rules! tile {
    ($name:ident, $mr:literal, [$($x:ident),*]) => {
        /// Sums of the rows `rows` (each `k` long) against the panel `b`
        /// (`k * NR` values) from `bias`, stored at `out`.
        #[inline(always)]
        fn $name<const NR: usize>(rows: [&[f32]; $mr], b: &[f32], bias: &[f32; NR], out: TileOut<'_>) {
            let mut acc = [*bias; $mr];
            let [$($x),*] = rows;
            for zipped!(w $(, $x)*) in b.chunks_exact(NR)$(.zip($x))* {
                tile_step(&mut acc, [$(*$x),*], w.try_into().expect("panel row"));
            }
            out.store(&acc);
        }
    };
}

tile!(tile4, 4, [x0, x1, x2, x3]);
tile!(tile6, 6, [x0, x1, x2, x3, x4, x5]);

/// Rows `i..i + MR` of `a`, each `k` long; rows past `m` repeat the last row
/// (their sums are computed but not stored).
#[inline(always)]
fn row_slices<const MR: usize>(
    a: &[f32],
    lda: usize,
    k: usize,
    i: usize,
    m: usize,
) -> [&[f32]; MR] {
    std::array::from_fn(|r| {
        let row = (i + r).min(m - 1);
        &a[row * lda..row * lda + k]
    })
}

/// One panel over one block of `m` rows, `MR` rows at a time. Each width has
/// its own compiled function: one function holding all of them defeats the
/// compiler's vectoriser.
#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
#[allow(clippy::too_many_arguments)] // a BLAS-style signature
fn panel_rows<const NR: usize, const MR: usize>(
    g: &PackedGemm,
    panel: &Panel,
    m: usize,
    a: &[f32],
    lda: usize,
    c: &mut [f32],
    ldc: usize,
    bounds: (f32, f32),
) {
    let k = g.k;
    let bias: &[f32; NR] = g.data[panel.offset..panel.offset + NR]
        .try_into()
        .expect("panel bias");
    let b = &g.data[panel.offset + NR..panel.offset + NR + k * NR];
    let mut i = 0;
    while i < m {
        let out = TileOut {
            out: &mut c[i * ldc + panel.col..],
            ldc,
            rows: MR.min(m - i),
            cols: panel.cols,
            bounds,
        };
        if MR == 4 {
            tile4::<NR>(row_slices(a, lda, k, i, m), b, bias, out);
        } else {
            tile6::<NR>(row_slices(a, lda, k, i, m), b, bias, out);
        }
        i += MR;
    }
}

/// One 8-wide panel over one block of `m` rows, 6 rows at a time, written
/// with WebAssembly's SIMD128 operations: the compiler does not find this
/// register tiling by itself on this target (measured: twice as slow).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(clippy::too_many_arguments)] // a BLAS-style signature
fn panel_rows_simd128(
    g: &PackedGemm,
    panel: &Panel,
    m: usize,
    a: &[f32],
    lda: usize,
    c: &mut [f32],
    ldc: usize,
    (lo, hi): (f32, f32),
) {
    use core::arch::wasm32::{
        f32x4, f32x4_add, f32x4_extract_lane, f32x4_max, f32x4_min, f32x4_mul, f32x4_splat,
    };
    const MR: usize = 6;
    let k = g.k;
    let bias = &g.data[panel.offset..panel.offset + WASM_PANEL];
    let b = &g.data[panel.offset + WASM_PANEL..panel.offset + WASM_PANEL + k * WASM_PANEL];
    let load = |s: &[f32]| f32x4(s[0], s[1], s[2], s[3]);
    let (vlo, vhi) = (f32x4_splat(lo), f32x4_splat(hi));
    let mut i = 0;
    while i < m {
        let rows: [&[f32]; MR] = row_slices(a, lda, k, i, m);
        let mut acc = [[load(&bias[..4]), load(&bias[4..])]; MR];
        for (p, w) in b.chunks_exact(WASM_PANEL).enumerate() {
            let (w0, w1) = (load(&w[..4]), load(&w[4..]));
            for (sums, row) in acc.iter_mut().zip(&rows) {
                let x = f32x4_splat(row[p]);
                sums[0] = f32x4_add(sums[0], f32x4_mul(x, w0));
                sums[1] = f32x4_add(sums[1], f32x4_mul(x, w1));
            }
        }
        for (r, sums) in acc.iter().enumerate().take(MR.min(m - i)) {
            let [v0, v1] = sums.map(|v| f32x4_min(f32x4_max(v, vlo), vhi));
            let values = [
                f32x4_extract_lane::<0>(v0),
                f32x4_extract_lane::<1>(v0),
                f32x4_extract_lane::<2>(v0),
                f32x4_extract_lane::<3>(v0),
                f32x4_extract_lane::<0>(v1),
                f32x4_extract_lane::<1>(v1),
                f32x4_extract_lane::<2>(v1),
                f32x4_extract_lane::<3>(v1),
            ];
            let at = (i + r) * ldc + panel.col;
            c[at..at + panel.cols].copy_from_slice(&values[..panel.cols]);
        }
        i += MR;
    }
}

#[allow(clippy::too_many_arguments)] // a BLAS-style signature
fn gemm_block(
    g: &PackedGemm,
    m: usize,
    a: &[f32],
    lda: usize,
    c: &mut [f32],
    ldc: usize,
    lo: f32,
    hi: f32,
) {
    for panel in &g.panels {
        let bounds = (lo, hi);
        match panel.width {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            8 => panel_rows_simd128(g, panel, m, a, lda, c, ldc, bounds),
            // WebAssembly without SIMD (x86 never makes 8-wide panels).
            #[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
            8 => panel_rows::<8, 6>(g, panel, m, a, lda, c, ldc, bounds),
            16 => panel_rows::<16, 6>(g, panel, m, a, lda, c, ldc, bounds),
            24 => panel_rows::<24, 6>(g, panel, m, a, lda, c, ldc, bounds),
            32 => panel_rows::<32, 6>(g, panel, m, a, lda, c, ldc, bounds),
            _ => panel_rows::<48, 4>(g, panel, m, a, lda, c, ldc, bounds),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, random};

    fn naive(
        m: usize,
        k: usize,
        n: usize,
        a: &[f32],
        w: &[f32],
        bias: &[f32],
        act: Activation,
    ) -> Vec<f32> {
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
    fn panels_cover_every_column() {
        for n in 1..=300 {
            let w = panel_widths(n);
            let total: usize = w.iter().sum();
            assert!(total >= n && total < n + 16, "{n}: {w:?}");
            assert!(w.iter().all(|x| [16, 24, 32, 48].contains(x)), "{n}: {w:?}");
        }
        assert_eq!(panel_widths(24), [24]);
        assert_eq!(panel_widths(88), [48, 24, 16]);
        assert_eq!(panel_widths(64), [32, 32]);
    }

    #[test]
    fn matches_the_naive_product() {
        let shapes = [
            (1, 1, 1),
            (7, 3, 5),
            (64, 24, 144),
            (130, 144, 24),
            (1, 1152, 195),
            (13, 88, 39),
            (300, 16, 64),
            (5, 40, 117),
        ];
        for (i, &(m, k, n)) in shapes.iter().enumerate() {
            let a = random(m * k, i as u64);
            let w = random(n * k, 100 + i as u64);
            let bias = random(n, 200 + i as u64);
            let g = PackedGemm::new(&w, &bias, k, n);
            for act in [Activation::None, Activation::Relu6, Activation::Tanh] {
                let mut c = vec![f32::NAN; m * n];
                g.run(m, &a, k, act, &mut c, n);
                assert_close(&c, &naive(m, k, n, &a, &w, &bias, act), 1e-4);
            }
        }
    }

    #[test]
    fn strided_rows_leave_the_gaps_alone() {
        let a = [1.0, 2.0, 99.0, 3.0, 4.0, 99.0, 5.0, 6.0];
        let g = PackedGemm::new(&[1.0, 0.0, 0.0, 1.0], &[0.5, 0.0], 2, 2);
        let mut c = vec![-7.0; 9];
        g.run(3, &a, 3, Activation::None, &mut c, 3);
        assert_eq!(c, [1.5, 2.0, -7.0, 3.5, 4.0, -7.0, 5.5, 6.0, -7.0]);
    }
}
