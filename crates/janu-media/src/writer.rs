//! Videos out: H.264 (OpenH264 encoder, built from source) in an MP4 file.

use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use image::RgbImage;
use openh264::OpenH264API;
use openh264::encoder::{
    Encoder, EncoderConfig, FrameRate, IntraFramePeriod, QpRange, RateControlMode, UsageType,
    VuiConfig,
};
use openh264::formats::{RgbSliceU8, YUVBuffer};

use crate::MediaError;
use crate::mp4::mux::{self, MuxTrack, WRITE_TIMESCALE};
use crate::output::AtomicFile;

/// Quantiser range of written videos (0 best .. 51 coarsest). Reason: 16-22 keeps
/// fine detail (fingers, toes, the overlay's thin lines) close to the source
/// (above 40 dB PSNR on the test clips) at about 1-3 Mbit/s for 720p30 footage.
/// OpenH264 honours a fixed range only in its buffer-based rate control, which
/// is also the one mode that never drops frames without printing a warning.
pub const DEFAULT_QP_RANGE: (u8, u8) = (16, 22);

/// Seconds between key frames. Reason: players can seek to within 2 s, at a
/// small cost in size.
pub const KEYFRAME_INTERVAL_S: f64 = 2.0;

/// Largest frame OpenH264 encodes (its level 5.2 limit), long side by short side.
pub const MAX_ENCODE_SIZE: (u32, u32) = (3840, 2160);

/// Options of [`Mp4Writer::with_options`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mp4WriterOptions {
    /// Smallest and largest quantiser (0..=51, smaller is better quality and
    /// larger files); see [`DEFAULT_QP_RANGE`].
    pub qp_range: (u8, u8),
    /// Clockwise rotation a player should apply (0, 90, 180, 270), written into the
    /// track matrix as phones do; the frames themselves are stored unrotated.
    pub rotation_degrees: u32,
    /// Put the index (`moov`) before the frame data, so browsers can start playing
    /// before the whole file has arrived. Costs one copy of the file in `finish`.
    pub faststart: bool,
}

impl Default for Mp4WriterOptions {
    fn default() -> Self {
        Self {
            qp_range: DEFAULT_QP_RANGE,
            rotation_degrees: 0,
            faststart: true,
        }
    }
}

/// Writes RGB frames as an H.264 MP4 at a constant frame rate.
///
/// The file appears at its path only when [`Mp4Writer::finish`] succeeds: frames go
/// to a temporary file in the same folder first, which is deleted if the writer is
/// dropped without `finish` or `finish` fails. Same frames, same bytes.
///
/// ```no_run
/// # fn main() -> Result<(), janu_media::MediaError> {
/// use janu_media::{Mp4Writer, Rgb, RgbImage};
/// let mut w = Mp4Writer::create("out.mp4".as_ref(), 320, 240, 30.0)?;
/// for i in 0..30u8 {
///     w.push(&RgbImage::from_pixel(320, 240, Rgb([i * 8, 0, 0])))?;
/// }
/// w.finish()?;
/// # Ok(()) }
/// ```
pub struct Mp4Writer {
    path: PathBuf,
    out: AtomicFile,
    encoder: Encoder,
    yuv: YUVBuffer,
    width: u32,
    height: u32,
    options: Mp4WriterOptions,
    sample_delta: u32,
    /// Offset of the first sample in `out` (after ftyp and the mdat header).
    data_start: u64,
    written: u64,
    sizes: Vec<u32>,
    sync: Vec<u32>,
    sps: Option<Vec<u8>>,
    pps: Option<Vec<u8>>,
    sample: Vec<u8>,
}

impl std::fmt::Debug for Mp4Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mp4Writer")
            .field("path", &self.path)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("frames", &self.sizes.len())
            .finish_non_exhaustive()
    }
}

impl Mp4Writer {
    /// Start a video of `width` x `height` pixels at `fps` frames per second.
    ///
    /// # Errors
    /// [`MediaError::InvalidInput`] for an odd or zero size, a size above
    /// [`MAX_ENCODE_SIZE`], or an fps that is not between 0 and 1000;
    /// [`MediaError::Write`] when the folder is not writable;
    /// [`MediaError::Encode`] when the encoder cannot start.
    pub fn create(path: &Path, width: u32, height: u32, fps: f64) -> Result<Self, MediaError> {
        Self::with_options(path, width, height, fps, &Mp4WriterOptions::default())
    }

    /// [`Mp4Writer::create`] with explicit options.
    ///
    /// # Errors
    /// As [`Mp4Writer::create`], and [`MediaError::InvalidInput`] for a rotation
    /// that is not a multiple of 90.
    pub fn with_options(
        path: &Path,
        width: u32,
        height: u32,
        fps: f64,
        options: &Mp4WriterOptions,
    ) -> Result<Self, MediaError> {
        if width == 0 || height == 0 || width % 2 == 1 || height % 2 == 1 {
            return Err(MediaError::invalid(
                path,
                format!(
                    "H.264 frames need an even, non-zero width and height (got {width} x {height})"
                ),
            ));
        }
        let (long, short) = (width.max(height), width.min(height));
        if long > MAX_ENCODE_SIZE.0 || short > MAX_ENCODE_SIZE.1 {
            return Err(MediaError::invalid(
                path,
                format!(
                    "{width} x {height} is larger than the {} x {} the H.264 encoder supports",
                    MAX_ENCODE_SIZE.0, MAX_ENCODE_SIZE.1
                ),
            ));
        }
        if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
            return Err(MediaError::invalid(
                path,
                format!("the frame rate must be between 0 and 1000 frames per second, not {fps}"),
            ));
        }
        if !options.rotation_degrees.is_multiple_of(90) {
            return Err(MediaError::invalid(
                path,
                format!(
                    "rotation must be 0, 90, 180 or 270 degrees, not {}",
                    options.rotation_degrees
                ),
            ));
        }
        let (qp_min, qp_max) = options.qp_range;
        if qp_min > qp_max || qp_max > 51 {
            return Err(MediaError::invalid(
                path,
                format!(
                    "the quantiser range must lie within 0..=51 with min <= max, not {qp_min}..={qp_max}"
                ),
            ));
        }
        let keyint = (KEYFRAME_INTERVAL_S * fps).round().max(1.0) as u32;
        let config = EncoderConfig::new()
            .max_frame_rate(FrameRate::from_hz(fps as f32))
            .skip_frames(false)
            .usage_type(UsageType::CameraVideoRealTime)
            .rate_control_mode(RateControlMode::Bufferbased)
            .qp(QpRange::new(qp_min, qp_max))
            .intra_frame_period(IntraFramePeriod::from_num_frames(keyint))
            // One thread: the same frames must give the same bytes.
            .num_threads(1)
            .vui(VuiConfig::bt601());
        let encoder =
            Encoder::with_api_config(OpenH264API::from_source(), config).map_err(|e| {
                MediaError::encode(path, format!("the H.264 encoder did not start: {e}"))
            })?;

        let mut out = AtomicFile::create(path)?;
        let head = mux::ftyp();
        let file = out.file();
        file.write_all(&head)
            .map_err(|e| MediaError::write(path, e))?;
        // mdat with a 64-bit size, patched in `finish`.
        let mut mdat = Vec::with_capacity(16);
        mdat.extend_from_slice(&1u32.to_be_bytes());
        mdat.extend_from_slice(b"mdat");
        mdat.extend_from_slice(&0u64.to_be_bytes());
        file.write_all(&mdat)
            .map_err(|e| MediaError::write(path, e))?;

        Ok(Self {
            path: path.to_path_buf(),
            out,
            encoder,
            yuv: YUVBuffer::new(width as usize, height as usize),
            width,
            height,
            options: *options,
            sample_delta: (f64::from(WRITE_TIMESCALE) / fps).round().max(1.0) as u32,
            data_start: (head.len() + 16) as u64,
            written: 0,
            sizes: Vec::new(),
            sync: Vec::new(),
            sps: None,
            pps: None,
            sample: Vec::new(),
        })
    }

    /// Frames pushed so far.
    pub fn frames(&self) -> u64 {
        self.sizes.len() as u64
    }

    /// Encode and append one frame.
    ///
    /// # Errors
    /// [`MediaError::InvalidInput`] when the frame's size differs from the video's;
    /// [`MediaError::Encode`] or [`MediaError::Write`] when encoding or writing fails.
    pub fn push(&mut self, frame: &RgbImage) -> Result<(), MediaError> {
        if frame.dimensions() != (self.width, self.height) {
            return Err(MediaError::invalid(
                &self.path,
                format!(
                    "frame {} is {} x {} but the video is {} x {}",
                    self.sizes.len(),
                    frame.width(),
                    frame.height(),
                    self.width,
                    self.height
                ),
            ));
        }
        self.yuv.read_rgb8(RgbSliceU8::new(
            frame.as_raw(),
            (self.width as usize, self.height as usize),
        ));
        let stream = self.encoder.encode(&self.yuv).map_err(|e| {
            MediaError::encode(&self.path, format!("frame {}: {e}", self.sizes.len()))
        })?;
        self.sample.clear();
        let mut key = false;
        for l in 0..stream.num_layers() {
            let Some(layer) = stream.layer(l) else {
                continue;
            };
            for n in 0..layer.nal_count() {
                let Some(nal) = layer.nal_unit(n).map(strip_start_code) else {
                    continue;
                };
                let Some(&header) = nal.first() else { continue };
                match header & 0x1F {
                    7 => self.sps = Some(nal.to_vec()),
                    8 => self.pps = Some(nal.to_vec()),
                    t => {
                        key |= t == 5;
                        self.sample
                            .extend_from_slice(&(nal.len() as u32).to_be_bytes());
                        self.sample.extend_from_slice(nal);
                    }
                }
            }
        }
        if self.sample.is_empty() {
            return Err(MediaError::encode(
                &self.path,
                format!(
                    "the encoder produced no picture for frame {}",
                    self.sizes.len()
                ),
            ));
        }
        let path = &self.path;
        self.out
            .file()
            .write_all(&self.sample)
            .map_err(|e| MediaError::write(path, e))?;
        self.written += self.sample.len() as u64;
        self.sizes.push(self.sample.len() as u32);
        if key {
            self.sync.push(self.sizes.len() as u32);
        }
        Ok(())
    }

    /// Write the index and move the finished file into place.
    ///
    /// # Errors
    /// [`MediaError::InvalidInput`] when no frame was pushed (an MP4 without frames
    /// is useless to every reader); [`MediaError::Write`] when writing fails. On
    /// error no file is left at the path.
    pub fn finish(mut self) -> Result<(), MediaError> {
        let path = self.path.clone();
        let (Some(sps), Some(pps)) = (self.sps.take(), self.pps.take()) else {
            return Err(MediaError::invalid(
                &path,
                "no frames were written to the video",
            ));
        };
        let track = MuxTrack {
            width: self.width,
            height: self.height,
            sample_delta: self.sample_delta,
            rotation: self.options.rotation_degrees % 360,
            sps,
            pps,
            sizes: std::mem::take(&mut self.sizes),
            sync: std::mem::take(&mut self.sync),
        };
        let werr = |e| MediaError::write(&path, e);
        let mdat_size = 16 + self.written;
        if !self.options.faststart {
            let moov = mux::moov(&track, self.data_start);
            let file = self.out.file();
            file.write_all(&moov).map_err(werr)?;
            file.seek(SeekFrom::Start(self.data_start - 8))
                .map_err(werr)?;
            file.write_all(&mdat_size.to_be_bytes()).map_err(werr)?;
            return self.out.commit();
        }
        // Index first: its size decides where the frames land, so build it twice.
        let head = mux::ftyp();
        let probe = mux::moov(&track, (head.len() + 16) as u64);
        let mut moov = mux::moov(&track, (head.len() + probe.len() + 16) as u64);
        if moov.len() != probe.len() {
            moov = mux::moov(&track, (head.len() + moov.len() + 16) as u64);
        }
        let mut fin = AtomicFile::create(&path)?;
        {
            let src = self.out.file();
            src.seek(SeekFrom::Start(self.data_start)).map_err(werr)?;
            let mut w = BufWriter::new(fin.file());
            w.write_all(&head).map_err(werr)?;
            w.write_all(&moov).map_err(werr)?;
            w.write_all(&1u32.to_be_bytes()).map_err(werr)?;
            w.write_all(b"mdat").map_err(werr)?;
            w.write_all(&mdat_size.to_be_bytes()).map_err(werr)?;
            let copied = std::io::copy(&mut src.take(self.written), &mut w).map_err(werr)?;
            if copied != self.written {
                return Err(MediaError::write(
                    &path,
                    std::io::Error::other("the temporary frame data was shorter than written"),
                ));
            }
            w.flush().map_err(werr)?;
        }
        fin.commit()
        // `self.out` (the frame data) is deleted as it drops.
    }
}

/// A NAL unit without its Annex B start code.
fn strip_start_code(nal: &[u8]) -> &[u8] {
    let zeros = nal.iter().take_while(|&&b| b == 0).count();
    if zeros >= 2 && nal.get(zeros) == Some(&1) {
        &nal[zeros + 1..]
    } else {
        nal
    }
}
