//! Pictures in and out for Janu: photos and videos decoded to RGB frames with
//! timestamps, skeletons drawn on them, PNG, JPEG and MP4 written back.
//!
//! This is the I/O edge beside the landmark engine (`janu-vision`), the reports
//! and the server; no model code lives here. Everything runs in-process without
//! system libraries: JPEG, PNG and WebP through the `image` crate, H.264 through
//! OpenH264 (compiled from source by the `openh264` crate), MP4 through a small
//! bounded reader and writer of our own. Other video codecs and containers (HEVC,
//! VP9, AV1, WebM, AVI, ...) go through `ffmpeg` when it is on the `PATH`.
//!
//! * [`probe`] tells a photo, a video and a landmark file apart by content.
//! * [`read_image`] / [`decode_image`]: RGB, EXIF orientation applied, size bounded
//!   ([`MAX_IMAGE_PIXELS`], [`MAX_LONG_SIDE`]).
//! * [`open_video`] gives a [`VideoSource`]: an iterator of [`VideoFrame`]s
//!   (time in seconds, index, picture rotated for display), `Send`, with
//!   [`VideoSource::spawn`] to decode on its own thread.
//! * [`draw_skeleton`] draws a [`janu_body::Pose`].
//! * [`write_png`], [`write_jpeg`] and [`Mp4Writer`] write atomically.
//! * [`pan_zoom_video`] makes test videos from real photos.
//!
//! ```
//! # fn main() -> Result<(), janu_media::MediaError> {
//! use janu_media::{Mp4Writer, Rgb, RgbImage, VideoOptions, open_video};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("square.mp4");
//! // Ten frames of a white square moving right on black, at 10 fps.
//! let mut writer = Mp4Writer::create(&path, 64, 48, 10.0)?;
//! for i in 0..10 {
//!     let mut img = RgbImage::new(64, 48);
//!     for y in 16..32 {
//!         for x in (4 * i)..(4 * i + 16) {
//!             img.put_pixel(x, y, Rgb([255, 255, 255]));
//!         }
//!     }
//!     writer.push(&img)?;
//! }
//! writer.finish()?;
//!
//! let video = open_video(&path, &VideoOptions::default())?;
//! assert_eq!((video.info().width, video.info().height), (64, 48));
//! let frames: Vec<_> = video.collect::<Result<_, _>>()?;
//! assert_eq!(frames.len(), 10);
//! assert!((frames[3].t - 0.3).abs() < 1e-6);
//! # Ok(()) }
//! ```

mod draw;
mod error;
mod ffmpeg;
mod mp4;
mod output;
mod panzoom;
mod photo;
mod probe;
mod video;
mod writer;

pub use draw::{
    LINE_WIDTH_OF_DIAGONAL, MIN_LINE_WIDTH, SkeletonStyle, draw_disc, draw_line, draw_skeleton,
};
pub use error::MediaError;
pub use ffmpeg::ffmpeg_available;
pub use image::{Rgb, RgbImage};
pub use mp4::demux::{MAX_MOOV_BYTES, MAX_SAMPLES};
pub use mp4::mux::WRITE_TIMESCALE;
#[cfg(unix)]
pub use output::FILE_MODE;
pub use output::{AtomicFile, TEMP_PREFIX, write_jpeg, write_png};
pub use panzoom::{PanZoomSpec, PanZoomSummary, pan_zoom_video};
pub use photo::{
    AlphaMode, ImageOptions, MAX_DECODE_BYTES, MAX_IMAGE_PIXELS, MAX_LONG_SIDE, decode_image,
    decode_image_with, read_image, read_image_with,
};
pub use probe::{MediaKind, PROBE_BYTES, probe};
pub use video::{
    DECODER_FFMPEG, DECODER_OPENH264, FfmpegUse, FrameReceiver, MAX_SAMPLE_BYTES, VideoFrame,
    VideoInfo, VideoOptions, VideoSource, open_video,
};
pub use writer::{
    DEFAULT_QP_RANGE, KEYFRAME_INTERVAL_S, MAX_ENCODE_SIZE, Mp4Writer, Mp4WriterOptions,
};
