//! Photos in: JPEG, PNG and WebP to RGB, EXIF orientation applied, size bounded.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use crate::MediaError;
use crate::probe::{Sniffed, sniff};

/// The largest photo decoded, in pixels (50 megapixels).
///
/// Reason: it covers the 48-50 MP modes of phones and 45 MP full-frame cameras,
/// and keeps the worst decode (a progressive JPEG holds its coefficients, about
/// 6 bytes a pixel, beside the 3-byte RGB result) near 450 MB. A larger photo (a
/// 10000 x 10000 scan, say) is refused from its header, before anything big is
/// allocated, with [`MediaError::ImageTooLarge`].
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// Hard cap on what a decoder may allocate, as a backstop for [`MAX_IMAGE_PIXELS`]
/// (a format whose decoder needs more than the estimate fails cleanly instead of
/// growing without bound).
pub const MAX_DECODE_BYTES: u64 = 1 << 30;

/// Longest side of a decoded photo, in pixels; larger photos are downscaled.
///
/// Reason: the landmark model looks at a 256 x 256 crop and the detector at
/// 224 x 224, so 4096 px (4K) keeps far more detail than they use, while one RGB
/// photo stays under 50 MB in memory (the server may hold several at once).
/// Every photo in the shared test set is at most 4016 px long, so none is touched.
pub const MAX_LONG_SIDE: u32 = 4096;

/// What to do with the alpha channel of a PNG or WebP with transparency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlphaMode {
    /// Drop alpha and keep the colour stored under it, as PIL's `convert("RGB")`
    /// does. The default, because the MediaPipe reference landmarks in
    /// `tests/data/mediapipe` were made from pictures loaded that way.
    #[default]
    Discard,
    /// Composite over a white background, as most viewers show a cut-out photo.
    OverWhite,
}

/// How [`read_image_with`] decodes a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageOptions {
    /// Longest side after decoding; larger photos are downscaled (area filter).
    pub max_long_side: u32,
    /// Photos with more pixels than this are refused.
    pub max_pixels: u64,
    /// What to do with transparency.
    pub alpha: AlphaMode,
    /// Apply the EXIF orientation tag (on by default: photos from phones need it).
    pub apply_orientation: bool,
}

impl Default for ImageOptions {
    fn default() -> Self {
        Self {
            max_long_side: MAX_LONG_SIDE,
            max_pixels: MAX_IMAGE_PIXELS,
            alpha: AlphaMode::Discard,
            apply_orientation: true,
        }
    }
}

/// Label used in errors for images decoded from memory.
const IN_MEMORY: &str = "image data";

/// Decode the photo at `path` to RGB with the default [`ImageOptions`]:
/// EXIF orientation applied, alpha dropped, long side at most [`MAX_LONG_SIDE`].
///
/// The format is taken from the content, not the name (a WebP named `.jpg` works).
///
/// # Errors
/// [`MediaError::Read`] or [`MediaError::Empty`] when the file cannot be read;
/// [`MediaError::WrongKind`] when it is not an image; [`MediaError::Unsupported`]
/// for GIF, HEIC and the like; [`MediaError::CorruptImage`] for damaged or cut-short
/// data; [`MediaError::ImageTooLarge`] above [`MAX_IMAGE_PIXELS`].
pub fn read_image(path: &Path) -> Result<RgbImage, MediaError> {
    read_image_with(path, &ImageOptions::default())
}

/// [`read_image`] with explicit options.
///
/// # Errors
/// As [`read_image`].
pub fn read_image_with(path: &Path, options: &ImageOptions) -> Result<RgbImage, MediaError> {
    let bytes = std::fs::read(path).map_err(|e| MediaError::read(path, e))?;
    decode_named(&bytes, path, options)
}

/// Decode a photo held in memory (an upload, say) with the default [`ImageOptions`].
///
/// # Errors
/// As [`read_image`]; errors name the source as `image data`.
pub fn decode_image(bytes: &[u8]) -> Result<RgbImage, MediaError> {
    decode_named(bytes, Path::new(IN_MEMORY), &ImageOptions::default())
}

/// [`decode_image`] with explicit options.
///
/// # Errors
/// As [`read_image`].
pub fn decode_image_with(bytes: &[u8], options: &ImageOptions) -> Result<RgbImage, MediaError> {
    decode_named(bytes, Path::new(IN_MEMORY), options)
}

fn decode_named(bytes: &[u8], path: &Path, options: &ImageOptions) -> Result<RgbImage, MediaError> {
    let path_buf = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(MediaError::Empty { path: path_buf() });
    }
    let head = &bytes[..bytes.len().min(crate::probe::PROBE_BYTES)];
    let (format, name) = match sniff(head) {
        Sniffed::Jpeg => (ImageFormat::Jpeg, "JPEG"),
        Sniffed::Png => (ImageFormat::Png, "PNG"),
        Sniffed::WebP => (ImageFormat::WebP, "WebP"),
        Sniffed::OtherImage(what) => {
            return Err(MediaError::Unsupported {
                path: path_buf(),
                format: what.into(),
                hint: "convert it to JPEG, PNG or WebP".into(),
            });
        }
        other => {
            return Err(MediaError::WrongKind {
                path: path_buf(),
                expected: "an image",
                found: other.describe(),
            });
        }
    };
    let corrupt = |detail: String| MediaError::CorruptImage {
        path: path_buf(),
        format: name,
        detail,
    };
    if format == ImageFormat::Jpeg {
        check_jpeg_complete(bytes).map_err(|d| corrupt(d.into()))?;
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| corrupt(describe_image_error(&e)))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(corrupt(format!(
            "it claims a size of {width} x {height} pixels"
        )));
    }
    if u64::from(width) * u64::from(height) > options.max_pixels {
        return Err(MediaError::ImageTooLarge {
            path: path_buf(),
            width,
            height,
            limit: options.max_pixels,
        });
    }
    let orientation = if options.apply_orientation {
        // A malformed EXIF block is not worth refusing the photo for.
        decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms)
    } else {
        image::metadata::Orientation::NoTransforms
    };
    let dynamic = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::ImageTooLarge {
            path: path_buf(),
            width,
            height,
            limit: options.max_pixels,
        },
        other => corrupt(describe_image_error(&other)),
    })?;
    let rgb = to_rgb(dynamic, options.alpha);
    let mut out = DynamicImage::ImageRgb8(downscale_to(rgb, options.max_long_side));
    out.apply_orientation(orientation);
    Ok(out.into_rgb8())
}

fn describe_image_error(e: &image::ImageError) -> String {
    match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the data ends too early (the file was cut short)".into()
        }
        other => other.to_string(),
    }
}

fn to_rgb(image: DynamicImage, alpha: AlphaMode) -> RgbImage {
    if alpha == AlphaMode::Discard || !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(src[3]);
        for c in 0..3 {
            dst[c] = ((u32::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

/// Downscale so that the long side is at most `max_long_side`, keeping the aspect.
pub(crate) fn downscale_to(image: RgbImage, max_long_side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= max_long_side || max_long_side == 0 {
        return image;
    }
    let scale = f64::from(max_long_side) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).clamp(1, max_long_side);
    let nh = ((f64::from(h) * scale).round() as u32).clamp(1, max_long_side);
    image::imageops::resize(&image, nw, nh, image::imageops::FilterType::Triangle)
}

/// Refuse a JPEG whose entropy-coded data has no end-of-image marker.
///
/// The JPEG decoder runs in lenient mode and would fill a cut-short photo with
/// grey; a person would rather hear that the file is incomplete. The marker
/// segments before the first start-of-scan are skipped by their lengths, so an
/// EXIF thumbnail (which has its own end marker) cannot hide the truncation.
fn check_jpeg_complete(bytes: &[u8]) -> Result<(), &'static str> {
    let mut pos = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return Err("the data ends before the picture starts (the file was cut short)");
        };
        if marker == 0xD9 {
            return Err("it ends before any picture data");
        }
        let Some(len) = bytes.get(pos + 2..pos + 4) else {
            return Err("the data ends inside a header (the file was cut short)");
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let next = pos + 2 + len;
        if next > bytes.len() {
            return Err("the data ends inside a header (the file was cut short)");
        }
        if marker == 0xDA {
            let scan = &bytes[next..];
            return if scan.windows(2).any(|w| w == [0xFF, 0xD9]) {
                Ok(())
            } else {
                Err("the picture data ends early (the file was cut short)")
            };
        }
        pos = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_keeps_aspect() {
        let img = RgbImage::new(8000, 2000);
        let out = downscale_to(img, 4096);
        assert_eq!(out.dimensions(), (4096, 1024));
        let small = RgbImage::new(100, 50);
        assert_eq!(downscale_to(small, 4096).dimensions(), (100, 50));
    }

    #[test]
    fn over_white_flattens_transparency() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([10, 20, 30, 255]));
        let out = to_rgb(DynamicImage::ImageRgba8(rgba.clone()), AlphaMode::OverWhite);
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [10, 20, 30]);
        let kept = to_rgb(DynamicImage::ImageRgba8(rgba), AlphaMode::Discard);
        assert_eq!(kept.get_pixel(0, 0).0, [0, 0, 0]);
    }
}
