//! Bilinear resizing (`RESIZE_BILINEAR`) of NHWC tensors, with TFLite's
//! `align_corners` and `half_pixel_centers` conventions.

/// A bilinear resize's fixed parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resize {
    /// Input height and width.
    pub input: (usize, usize),
    /// Output height and width.
    pub output: (usize, usize),
    /// Channels.
    pub channels: usize,
    /// Corner pixels of input and output are aligned.
    pub align_corners: bool,
    /// Pixel centres sit at half-integer coordinates.
    pub half_pixel_centers: bool,
}

/// Where output index `i` samples an axis of `size` inputs: the two neighbours
/// and the weight of the second.
fn sample(i: usize, scale: f32, size: usize, half_pixel: bool) -> (usize, usize, f32) {
    let x = if half_pixel {
        (i as f32 + 0.5) * scale - 0.5
    } else {
        i as f32 * scale
    };
    let floor = x.floor();
    let lo = (floor.max(0.0) as usize).min(size - 1);
    let hi = (x.ceil().max(0.0) as usize).min(size - 1);
    (lo, hi, x - lo as f32)
}

impl Resize {
    fn scale(&self, input: usize, output: usize) -> f32 {
        if self.align_corners && output > 1 {
            (input - 1) as f32 / (output - 1) as f32
        } else {
            input as f32 / output as f32
        }
    }

    /// Compute the whole output.
    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let (ih, iw) = self.input;
        let (oh, ow) = self.output;
        let c = self.channels;
        let (sy, sx) = (self.scale(ih, oh), self.scale(iw, ow));
        for (y, out_row) in out.chunks_exact_mut(ow * c).enumerate().take(oh) {
            let (y0, y1, fy) = sample(y, sy, ih, self.half_pixel_centers);
            for (x, dst) in out_row.chunks_exact_mut(c).enumerate() {
                let (x0, x1, fx) = sample(x, sx, iw, self.half_pixel_centers);
                let at = |yy: usize, xx: usize| &input[(yy * iw + xx) * c..][..c];
                let (a, b, p, q) = (at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1));
                let (w00, w01) = ((1.0 - fy) * (1.0 - fx), (1.0 - fy) * fx);
                let (w10, w11) = (fy * (1.0 - fx), fy * fx);
                for i in 0..c {
                    dst[i] = a[i] * w00 + b[i] * w01 + p[i] * w10 + q[i] * w11;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_with_half_pixel_centres() {
        // One row 0, 4 widened to four columns: samples at -0.25, 0.25, 0.75, 1.25.
        let r = Resize {
            input: (1, 2),
            output: (1, 4),
            channels: 1,
            align_corners: false,
            half_pixel_centers: true,
        };
        let mut out = [0.0; 4];
        r.run(&[0.0, 4.0], &mut out);
        assert_eq!(out, [0.0, 1.0, 3.0, 4.0]);
    }

    #[test]
    fn aligned_corners_keep_the_ends() {
        let r = Resize {
            input: (1, 3),
            output: (1, 5),
            channels: 1,
            align_corners: true,
            half_pixel_centers: false,
        };
        let mut out = [0.0; 5];
        r.run(&[0.0, 2.0, 8.0], &mut out);
        assert_eq!(out, [0.0, 1.0, 2.0, 5.0, 8.0]);
    }
}
