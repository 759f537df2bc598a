//! Test and benchmark videos from real photos: each photo shown for a while
//! with a slow, smooth pan and zoom (sub-pixel motion, as a handheld camera
//! would give), encoded as H.264 MP4. Deterministic: same photos and spec, same bytes.

use std::path::{Path, PathBuf};

use image::RgbImage;

use crate::photo::downscale_to;
use crate::{MediaError, Mp4Writer};

/// What [`pan_zoom_video`] makes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanZoomSpec {
    /// Frame width in pixels (even).
    pub width: u32,
    /// Frame height in pixels (even).
    pub height: u32,
    /// Frames per second.
    pub fps: f64,
    /// How long each photo is shown.
    pub seconds_per_photo: f64,
    /// Largest extra zoom over "whole photo fits the frame" (0.12 = 12%).
    pub max_zoom: f64,
    /// Largest pan, as a fraction of the frame width (and height).
    pub max_pan: f64,
    /// Seed of the deterministic motion.
    pub seed: u64,
    /// Colour around photos whose shape differs from the frame's.
    pub background: [u8; 3],
}

impl PanZoomSpec {
    /// 1280 x 720 at 30 fps, 2 s a photo.
    pub const fn hd720() -> Self {
        Self {
            width: 1280,
            height: 720,
            fps: 30.0,
            seconds_per_photo: 2.0,
            max_zoom: 0.12,
            max_pan: 0.04,
            seed: 0x4A41_4E55,
            background: [24, 24, 24],
        }
    }

    /// 1920 x 1080 at 30 fps, 2 s a photo.
    pub const fn hd1080() -> Self {
        Self {
            width: 1920,
            height: 1080,
            ..Self::hd720()
        }
    }

    /// Frames made for each photo.
    pub fn frames_per_photo(&self) -> u64 {
        (self.seconds_per_photo * self.fps).round().max(1.0) as u64
    }
}

impl Default for PanZoomSpec {
    fn default() -> Self {
        Self::hd720()
    }
}

/// What [`pan_zoom_video`] wrote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanZoomSummary {
    /// Frames in the video.
    pub frames: u64,
    /// Its duration in seconds.
    pub duration_s: f64,
}

/// SplitMix64: a tiny, well-mixed deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1].
    fn signed(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// Make an H.264 MP4 at `out` showing each photo in turn with a small pan and zoom.
///
/// # Errors
/// [`MediaError::InvalidInput`] for an empty photo list or an unusable spec;
/// any error of [`crate::read_image`] for a photo that cannot be read (naming it);
/// any error of [`Mp4Writer`]. No output file is left behind on error.
pub fn pan_zoom_video(
    photos: &[PathBuf],
    out: &Path,
    spec: &PanZoomSpec,
) -> Result<PanZoomSummary, MediaError> {
    if photos.is_empty() {
        return Err(MediaError::invalid(
            out,
            "no photos were given to make the video from",
        ));
    }
    if !(spec.max_zoom >= 0.0 && spec.max_zoom <= 1.0 && spec.max_pan >= 0.0 && spec.max_pan <= 0.5)
    {
        return Err(MediaError::invalid(
            out,
            "the pan-zoom motion must have max_zoom in 0..=1 and max_pan in 0..=0.5",
        ));
    }
    let mut writer = Mp4Writer::create(out, spec.width, spec.height, spec.fps)?;
    let per_photo = spec.frames_per_photo();
    let mut frame = RgbImage::new(spec.width, spec.height);
    for (i, path) in photos.iter().enumerate() {
        let photo = crate::read_image(path)?;
        let (pw, ph) = photo.dimensions();
        // Keep no more pixels than the most-zoomed view shows (area-filtered).
        let fit =
            (f64::from(spec.width) / f64::from(pw)).min(f64::from(spec.height) / f64::from(ph));
        let need_long = (f64::from(pw.max(ph)) * fit * (1.0 + spec.max_zoom))
            .ceil()
            .max(2.0);
        let photo = downscale_to(photo, need_long as u32);

        let mut rng = Rng(spec.seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        let (z0, z1) = (rng.signed().abs(), rng.signed().abs());
        let pan = |r: &mut Rng| r.signed() * spec.max_pan;
        let (sx0, sy0, sx1, sy1) = (pan(&mut rng), pan(&mut rng), pan(&mut rng), pan(&mut rng));
        for k in 0..per_photo {
            let u = if per_photo > 1 {
                k as f64 / (per_photo - 1) as f64
            } else {
                0.0
            };
            let e = u * u * (3.0 - 2.0 * u); // smoothstep: starts and stops gently
            let zoom = 1.0 + spec.max_zoom * (z0 + (z1 - z0) * e);
            let pan_x = (sx0 + (sx1 - sx0) * e) * f64::from(spec.width);
            let pan_y = (sy0 + (sy1 - sy0) * e) * f64::from(spec.height);
            render(&photo, &mut frame, zoom, (pan_x, pan_y), spec.background);
            writer.push(&frame)?;
        }
    }
    let frames = writer.frames();
    writer.finish()?;
    Ok(PanZoomSummary {
        frames,
        duration_s: frames as f64 / spec.fps,
    })
}

/// Taps of one output coordinate: two source indices and the weight of the
/// second (0..256), or `None` outside the photo.
fn taps(out_len: u32, src_len: u32, scale: f64, shift: f64) -> Vec<Option<(u32, u32, u32)>> {
    (0..out_len)
        .map(|o| {
            let s = (f64::from(o) + 0.5 - f64::from(out_len) / 2.0 - shift) / scale
                + f64::from(src_len) / 2.0
                - 0.5;
            if s < -0.5 || s > f64::from(src_len) - 0.5 {
                return None;
            }
            let s = s.clamp(0.0, f64::from(src_len - 1));
            let i0 = s.floor() as u32;
            let i1 = (i0 + 1).min(src_len - 1);
            let w = ((s - f64::from(i0)) * 256.0).round() as u32;
            Some((i0, i1, w))
        })
        .collect()
}

/// Draw `photo` centred in `frame`, scaled to fit times `zoom`, shifted by `pan`
/// pixels, with bilinear sampling (the mapping is separable, so taps are per row
/// and per column).
fn render(photo: &RgbImage, frame: &mut RgbImage, zoom: f64, pan: (f64, f64), background: [u8; 3]) {
    let (pw, ph) = photo.dimensions();
    let (fw, fh) = frame.dimensions();
    let scale = (f64::from(fw) / f64::from(pw)).min(f64::from(fh) / f64::from(ph)) * zoom;
    let cols = taps(fw, pw, scale, pan.0);
    let rows = taps(fh, ph, scale, pan.1);
    let src = photo.as_raw();
    let stride = pw as usize * 3;
    for (y, row) in frame.as_mut().chunks_exact_mut(fw as usize * 3).enumerate() {
        let Some((y0, y1, wy)) = rows[y] else {
            for px in row.chunks_exact_mut(3) {
                px.copy_from_slice(&background);
            }
            continue;
        };
        let (r0, r1) = (y0 as usize * stride, y1 as usize * stride);
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let Some((x0, x1, wx)) = cols[x] else {
                px.copy_from_slice(&background);
                continue;
            };
            let (c0, c1) = (x0 as usize * 3, x1 as usize * 3);
            for c in 0..3 {
                let top =
                    u32::from(src[r0 + c0 + c]) * (256 - wx) + u32::from(src[r0 + c1 + c]) * wx;
                let bot =
                    u32::from(src[r1 + c0 + c]) * (256 - wx) + u32::from(src[r1 + c1 + c]) * wx;
                px[c] = ((top * (256 - wy) + bot * wy + (1 << 15)) >> 16) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fits_and_moves_smoothly() {
        let mut photo = RgbImage::new(40, 20);
        for (x, _, p) in photo.enumerate_pixels_mut() {
            p.0 = [(x * 6) as u8, 100, 50];
        }
        let mut a = RgbImage::new(80, 60);
        render(&photo, &mut a, 1.0, (0.0, 0.0), [1, 2, 3]);
        // A 2:1 photo in a 4:3 frame: bars above and below, photo across.
        assert_eq!(a.get_pixel(40, 2).0, [1, 2, 3]);
        assert_eq!(a.get_pixel(40, 30).0[1], 100);
        let mut b = RgbImage::new(80, 60);
        render(&photo, &mut b, 1.0, (0.5, 0.0), [1, 2, 3]);
        // Half a pixel of pan changes the gradient by a fraction of a step.
        let (va, vb) = (a.get_pixel(40, 30).0[0], b.get_pixel(40, 30).0[0]);
        assert!(va > vb && va - vb <= 2, "{va} {vb}");
    }
}
