//! Pooling (`MAX_POOL_2D`, `AVERAGE_POOL_2D`) over NHWC windows.
//!
//! Taps outside the input are left out, as TFLite does: they never win a
//! maximum and are not counted in an average.

use super::{Activation, Geometry};

/// Which pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PoolKind {
    /// Largest tap.
    Max,
    /// Mean of the taps inside the input.
    Average,
}

/// A pooling's fixed parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pool {
    /// Which pooling.
    pub kind: PoolKind,
    /// The window (dilation 1).
    pub geometry: Geometry,
    /// Channels.
    pub channels: usize,
    /// Fused activation.
    pub activation: Activation,
}

impl Pool {
    /// Compute the whole output.
    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let g = &self.geometry;
        let c = self.channels;
        for (p, dst) in out.chunks_exact_mut(c).enumerate() {
            let (oy, ox) = (p / g.ow, p % g.ow);
            match self.kind {
                PoolKind::Max => dst.fill(f32::NEG_INFINITY),
                PoolKind::Average => dst.fill(0.0),
            }
            let mut count = 0usize;
            for ky in 0..g.kh {
                let Some(iy) = g.in_row(oy, ky) else { continue };
                for kx in 0..g.kw {
                    let Some(ix) = g.in_col(ox, kx) else { continue };
                    count += 1;
                    let src = &input[(iy * g.w + ix) * c..][..c];
                    match self.kind {
                        PoolKind::Max => dst.iter_mut().zip(src).for_each(|(d, s)| *d = d.max(*s)),
                        PoolKind::Average => dst.iter_mut().zip(src).for_each(|(d, s)| *d += *s),
                    }
                }
            }
            if self.kind == PoolKind::Average {
                let scale = 1.0 / count.max(1) as f32;
                dst.iter_mut().for_each(|d| *d *= scale);
            }
            dst.iter_mut().for_each(|d| *d = self.activation.apply(*d));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::square_window;

    #[test]
    fn max_and_average_of_two_by_two() {
        // 2 x 4 to 1 x 2.
        let g = square_window((2, 4), 2, 2, 1, 0);
        // Two channels: the second is the negated first.
        let first = [1.0, 5.0, -2.0, 0.0, 3.0, 4.0, 8.0, 6.0];
        let input: Vec<f32> = first.iter().flat_map(|&v| [v, -v]).collect();
        let mut pool = Pool {
            kind: PoolKind::Max,
            geometry: g,
            channels: 2,
            activation: Activation::None,
        };
        let mut out = vec![0.0; 4];
        pool.run(&input, &mut out);
        assert_eq!(out, [5.0, -1.0, 8.0, 2.0]);
        pool.kind = PoolKind::Average;
        pool.run(&input, &mut out);
        assert_eq!(out, [3.25, -3.25, 3.0, -3.0]);
    }

    #[test]
    fn padding_is_left_out() {
        // 1 x 1 to 1 x 1.
        let g = square_window((1, 1), 3, 1, 1, 1);
        for kind in [PoolKind::Max, PoolKind::Average] {
            let pool = Pool {
                kind,
                geometry: g,
                channels: 1,
                activation: Activation::None,
            };
            let mut out = [0.0];
            pool.run(&[-4.0], &mut out);
            assert_eq!(out, [-4.0], "{kind:?}");
        }
    }
}
