//! Cutting a (rotated) region out of a picture into a model's input tensor, as
//! MediaPipe's `ImageToTensorCalculator` does on the CPU: an OpenCV perspective
//! warp of the region's corners onto the tensor's corners, bilinear sampling
//! with 1/32-pixel coordinates, 8-bit rounding, then a linear map of 0..255 to
//! the model's value range.

use image::RgbImage;

use crate::geometry::{NormRect, Padding};

/// What the sampler reads outside the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Black (the detector: `BORDER_ZERO`).
    Zero,
    /// The nearest edge pixel (the landmark model: the default border mode).
    Replicate,
}

/// OpenCV's sub-pixel resolution of warp coordinates (`INTER_TAB_SIZE`).
const SUBPIXEL_STEPS: f32 = 32.0;

/// A region in pixels: centre, size, rotation (radians).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelRect {
    /// Centre x, pixels.
    pub cx: f32,
    /// Centre y, pixels.
    pub cy: f32,
    /// Width, pixels.
    pub width: f32,
    /// Height, pixels.
    pub height: f32,
    /// Rotation, radians.
    pub rotation: f32,
}

/// The region of `rect` in a `width` x `height` picture, widened to the tensor's
/// aspect ratio (`keep_aspect_ratio`), and the padding this adds, as fractions of
/// the tensor: (left, top, right, bottom).
pub fn fit_rect(
    rect: &NormRect,
    width: u32,
    height: u32,
    tensor_w: usize,
    tensor_h: usize,
) -> (PixelRect, Padding) {
    let mut r = PixelRect {
        cx: rect.x_center * width as f32,
        cy: rect.y_center * height as f32,
        width: rect.width * width as f32,
        height: rect.height * height as f32,
        rotation: rect.rotation,
    };
    let tensor_aspect = tensor_h as f32 / tensor_w as f32;
    let roi_aspect = r.height / r.width;
    let (mut h_pad, mut v_pad) = (0.0, 0.0);
    if tensor_aspect > roi_aspect {
        v_pad = (1.0 - roi_aspect / tensor_aspect) / 2.0;
        r.height = r.width * tensor_aspect;
    } else {
        h_pad = (1.0 - tensor_aspect / roi_aspect) / 2.0;
        r.width = r.height / tensor_aspect;
    }
    (r, [h_pad, v_pad, h_pad, v_pad])
}

/// Fill `out` (`tensor_h` x `tensor_w` x 3, row-major RGB) with the region `roi`
/// of `image`, values mapped from 0..255 to `range`.
///
/// The region's corners land on the tensor's outer corners (pixel edges 0 and
/// `tensor_w`), and each tensor pixel `(i, j)` samples the picture where that
/// correspondence puts the point `(i, j)`, the way OpenCV's `warpPerspective`
/// does for the calculator.
pub fn crop_to_tensor(
    image: &RgbImage,
    roi: &PixelRect,
    tensor_w: usize,
    tensor_h: usize,
    border: Border,
    range: (f32, f32),
    out: &mut [f32],
) {
    debug_assert_eq!(out.len(), tensor_w * tensor_h * 3);
    let (iw, ih) = (image.width() as i64, image.height() as i64);
    let raw = image.as_raw();
    let scale = (range.1 - range.0) / 255.0;
    let offset = range.0;
    let (sin, cos) = roi.rotation.sin_cos();
    // Picture position of tensor point (u, v): centre + R * (offset in the rect).
    let ax = cos * roi.width / tensor_w as f32;
    let ay = sin * roi.width / tensor_w as f32;
    let bx = -sin * roi.height / tensor_h as f32;
    let by = cos * roi.height / tensor_h as f32;
    let ox = roi.cx - 0.5 * (cos * roi.width - sin * roi.height);
    let oy = roi.cy - 0.5 * (sin * roi.width + cos * roi.height);

    let pixel = |x: i64, y: i64| -> [f32; 3] {
        let (x, y) = match border {
            Border::Replicate => (x.clamp(0, iw - 1), y.clamp(0, ih - 1)),
            Border::Zero => {
                if x < 0 || y < 0 || x >= iw || y >= ih {
                    return [0.0; 3];
                }
                (x, y)
            }
        };
        let i = ((y * iw + x) * 3) as usize;
        [
            f32::from(raw[i]),
            f32::from(raw[i + 1]),
            f32::from(raw[i + 2]),
        ]
    };

    for v in 0..tensor_h {
        let row = &mut out[v * tensor_w * 3..(v + 1) * tensor_w * 3];
        for (u, px) in row.chunks_exact_mut(3).enumerate() {
            let x = ox + ax * u as f32 + bx * v as f32;
            let y = oy + ay * u as f32 + by * v as f32;
            // Quantise to 1/32 pixel as OpenCV's fixed-point warp does.
            let xq = (x * SUBPIXEL_STEPS).round();
            let yq = (y * SUBPIXEL_STEPS).round();
            let x0 = (xq / SUBPIXEL_STEPS).floor();
            let y0 = (yq / SUBPIXEL_STEPS).floor();
            let fx = (xq - x0 * SUBPIXEL_STEPS) / SUBPIXEL_STEPS;
            let fy = (yq - y0 * SUBPIXEL_STEPS) / SUBPIXEL_STEPS;
            let (x0, y0) = (x0 as i64, y0 as i64);
            let inside = x0 >= 0 && y0 >= 0 && x0 + 1 < iw && y0 + 1 < ih;
            let (p00, p10, p01, p11) = if inside {
                let i = ((y0 * iw + x0) * 3) as usize;
                let j = i + (iw * 3) as usize;
                let g = |k: usize| f32::from(raw[k]);
                (
                    [g(i), g(i + 1), g(i + 2)],
                    [g(i + 3), g(i + 4), g(i + 5)],
                    [g(j), g(j + 1), g(j + 2)],
                    [g(j + 3), g(j + 4), g(j + 5)],
                )
            } else {
                (
                    pixel(x0, y0),
                    pixel(x0 + 1, y0),
                    pixel(x0, y0 + 1),
                    pixel(x0 + 1, y0 + 1),
                )
            };
            for c in 0..3 {
                let top = p00[c] + (p10[c] - p00[c]) * fx;
                let bottom = p01[c] + (p11[c] - p01[c]) * fx;
                // The warp writes 8-bit pixels, rounded, before the value map.
                let value = (top + (bottom - top) * fy).round().clamp(0.0, 255.0);
                px[c] = value * scale + offset;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 10) as u8, (y * 10) as u8, 7]))
    }

    #[test]
    fn an_axis_aligned_crop_of_the_same_size_copies_pixels() {
        let img = gradient(8, 8);
        let roi = PixelRect {
            cx: 4.0,
            cy: 4.0,
            width: 8.0,
            height: 8.0,
            rotation: 0.0,
        };
        let mut out = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, 8, Border::Zero, (0.0, 255.0), &mut out);
        for y in 0..8 {
            for x in 0..8 {
                let p = img.get_pixel(x, y);
                let i = ((y * 8 + x) * 3) as usize;
                assert_eq!(out[i], f32::from(p[0]), "({x},{y})");
                assert_eq!(out[i + 1], f32::from(p[1]));
            }
        }
    }

    #[test]
    fn a_half_turn_flips_the_picture_and_borders_differ() {
        let img = gradient(8, 8);
        let roi = PixelRect {
            cx: 4.0,
            cy: 4.0,
            width: 8.0,
            height: 8.0,
            rotation: std::f32::consts::PI,
        };
        let mut out = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, 8, Border::Replicate, (0.0, 1.0), &mut out);
        // Tensor (0,0) maps to picture (8,8): clamped to the last pixel (7,7).
        assert!((out[0] - 70.0 / 255.0).abs() < 1e-6);
        // Tensor (1,1) maps to picture (7,7).
        let i = (8 + 1) * 3;
        assert!((out[i] - 70.0 / 255.0).abs() < 1e-6);
        crop_to_tensor(&img, &roi, 8, 8, Border::Zero, (-1.0, 1.0), &mut out);
        assert!((out[0] + 1.0).abs() < 1e-6, "outside is black: {}", out[0]);
    }

    #[test]
    fn fitting_a_wide_picture_pads_top_and_bottom() {
        let (r, pad) = fit_rect(&NormRect::FULL, 400, 200, 224, 224);
        assert_eq!((r.width, r.height), (400.0, 400.0));
        assert_eq!(pad, [0.0, 0.25, 0.0, 0.25]);
        let (r, pad) = fit_rect(&NormRect::FULL, 100, 200, 224, 224);
        assert_eq!((r.width, r.height), (200.0, 200.0));
        assert_eq!(pad, [0.25, 0.0, 0.25, 0.0]);
    }
}
