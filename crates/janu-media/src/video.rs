//! Videos in: frames with container timestamps, rotation applied, optionally
//! subsampled, from H.264 in MP4/MOV in-process or from anything else through ffmpeg.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use image::RgbImage;
use openh264::OpenH264API;
use openh264::decoder::{DecodedYUV, Decoder, DecoderConfig, Flush};
use openh264::formats::YUVSource;

use crate::MediaError;
use crate::ffmpeg::{self, FfmpegBackend};
use crate::mp4::demux::{self, VideoTrack};
use crate::probe::{Sniffed, read_head, sniff};

/// Largest single compressed frame read. Reason: a 4K intra frame at very high
/// quality is a few MB; a forged 4 GB size must not become an allocation.
pub const MAX_SAMPLE_BYTES: u32 = 64 << 20;

/// Slack when comparing a frame's time with the next time [`VideoOptions::target_fps`]
/// wants, in seconds. Reason: container times are rounded to their timescale
/// (1/90000 s and coarser), so 2/30 s may be stored a hair early.
const SUBSAMPLE_SLACK_S: f64 = 1e-3;

/// Decoded frames held back at most for B-frame reordering before the oldest
/// pending time is given up (H.264 reorders at most 16 frames).
const MAX_PENDING_TIMES: usize = 32;

/// Name of the in-process decoder in [`VideoInfo::decoder`].
pub const DECODER_OPENH264: &str = "openh264";
/// Name of the ffmpeg decoder in [`VideoInfo::decoder`].
pub const DECODER_FFMPEG: &str = "ffmpeg";

/// Whether [`open_video`] may run `ffmpeg` for codecs it does not decode itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FfmpegUse {
    /// Use `ffmpeg` and `ffprobe` from the `PATH` when they are there.
    #[default]
    Auto,
    /// Never start a process; other codecs get [`MediaError::NeedsFfmpeg`].
    Never,
}

/// How to read a video.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VideoOptions {
    /// Keep about this many frames a second (by timestamp; the first frame is
    /// always kept). `None` keeps every frame.
    pub target_fps: Option<f64>,
    /// Whether ffmpeg may be used.
    pub ffmpeg: FfmpegUse,
    /// Only the frames from this time on, in seconds (0: from the start). An
    /// MP4 decoded in-process starts at the key frame before it, so reading
    /// the end of a long video does not decode its beginning.
    pub start_s: f64,
    /// Only the frames before this time, in seconds (`None`: to the end).
    pub end_s: Option<f64>,
}

/// What is known about a video before its frames are decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    /// Width of the frames handed out, after rotation.
    pub width: u32,
    /// Height of the frames handed out, after rotation.
    pub height: u32,
    /// Clockwise rotation applied to the stored frames (0, 90, 180 or 270), from
    /// the container's display matrix.
    pub rotation_degrees: u32,
    /// Average frame rate of the source.
    pub fps: f64,
    /// Duration in seconds.
    pub duration_s: f64,
    /// Number of frames, when the container says.
    pub frame_count: Option<u64>,
    /// The codec, e.g. "H.264 (avc1)" or "vp9".
    pub codec: String,
    /// What decodes it: [`DECODER_OPENH264`] or [`DECODER_FFMPEG`].
    pub decoder: &'static str,
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoFrame {
    /// Presentation time in seconds from the start, from the container's timestamps.
    pub t: f64,
    /// Position of the frame among all frames of the video in display order
    /// (frames skipped by [`VideoOptions::target_fps`] are counted too).
    pub index: u64,
    /// The picture, rotated for display.
    pub image: RgbImage,
}

/// Picks frames by timestamp for [`VideoOptions::target_fps`].
#[derive(Debug, Clone)]
pub(crate) struct Sampler {
    period: Option<f64>,
    next: Option<f64>,
}

impl Sampler {
    pub(crate) fn new(target_fps: Option<f64>) -> Self {
        Self {
            period: target_fps
                .filter(|f| f.is_finite() && *f > 0.0)
                .map(|f| 1.0 / f),
            next: None,
        }
    }

    /// A sampler for a reading that starts at `start_s`: it keeps the frames
    /// a reading from the start would keep after `start_s` (its grid is
    /// anchored at time 0), so pieces of one video read apart join up.
    pub(crate) fn starting_at(target_fps: Option<f64>, start_s: f64) -> Self {
        let mut s = Self::new(target_fps);
        if let Some(period) = s.period
            && start_s > 0.0
        {
            let steps = ((start_s - SUBSAMPLE_SLACK_S) / period).ceil().max(0.0);
            s.next = Some(steps * period);
        }
        s
    }

    /// Whether the frame at `t` is wanted.
    pub(crate) fn keep(&mut self, t: f64) -> bool {
        let Some(period) = self.period else {
            return true;
        };
        match self.next {
            Some(next) if t < next - SUBSAMPLE_SLACK_S => false,
            Some(mut next) => {
                while next <= t + SUBSAMPLE_SLACK_S {
                    next += period;
                }
                self.next = Some(next);
                true
            }
            None => {
                self.next = Some(t + period);
                true
            }
        }
    }
}

enum Backend {
    H264(Box<H264Backend>),
    Ffmpeg(Box<FfmpegBackend>),
}

/// A stream of decoded frames; see [`open_video`].
///
/// It is an iterator of `Result<VideoFrame, MediaError>`. A damaged frame gives
/// an `Err` and the next call goes on with the following frame; an error that
/// ends the stream (the file is cut short, ffmpeg failed) is followed by `None`.
/// The source is `Send`: decode on one thread and use the frames on another with
/// [`VideoSource::spawn`].
pub struct VideoSource {
    path: PathBuf,
    info: VideoInfo,
    backend: Backend,
    sampler: Sampler,
    /// [`VideoOptions::start_s`] and [`VideoOptions::end_s`].
    start_s: f64,
    end_s: Option<f64>,
    /// Past `end_s`: nothing more to hand out.
    ended: bool,
}

impl std::fmt::Debug for VideoSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoSource")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl VideoSource {
    /// What is known about the video.
    pub fn info(&self) -> &VideoInfo {
        &self.info
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Decode on a new thread, handing frames over through a channel that holds at
    /// most `capacity` decoded frames (at least 1). Decoding waits while the
    /// channel is full, so memory stays bounded; dropping the receiver stops the
    /// thread.
    pub fn spawn(self, capacity: usize) -> FrameReceiver {
        let info = self.info.clone();
        let path = self.path.clone();
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity.max(1));
        let handle = std::thread::Builder::new()
            .name("janu-decode".into())
            .spawn(move || pump(self, &tx));
        match handle {
            Ok(handle) => FrameReceiver {
                info,
                rx: Some(rx),
                handle: Some(handle),
            },
            Err(e) => {
                // No thread: hand the error over through a channel of our own.
                let (tx, rx) = std::sync::mpsc::sync_channel(1);
                let _ = tx.send(Err(MediaError::read(&path, e)));
                FrameReceiver {
                    info,
                    rx: Some(rx),
                    handle: None,
                }
            }
        }
    }
}

fn pump(source: VideoSource, tx: &SyncSender<Result<VideoFrame, MediaError>>) {
    for item in source {
        if tx.send(item).is_err() {
            return; // the receiver is gone
        }
    }
}

/// Frames decoded on a background thread; see [`VideoSource::spawn`].
#[derive(Debug)]
pub struct FrameReceiver {
    info: VideoInfo,
    rx: Option<Receiver<Result<VideoFrame, MediaError>>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl FrameReceiver {
    /// What is known about the video.
    pub fn info(&self) -> &VideoInfo {
        &self.info
    }
}

impl Iterator for FrameReceiver {
    type Item = Result<VideoFrame, MediaError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rx.as_ref()?.recv().ok()
    }
}

impl Drop for FrameReceiver {
    fn drop(&mut self) {
        // Closing the channel first makes a blocked decoder thread return.
        drop(self.rx.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Iterator for VideoSource {
    type Item = Result<VideoFrame, MediaError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        loop {
            let item = match &mut self.backend {
                Backend::H264(b) => b.next_frame(&mut self.sampler),
                Backend::Ffmpeg(b) => b.next_frame(&mut self.sampler),
            }?;
            match &item {
                // Decoded only to reach the start (from the key frame before it).
                Ok(f) if f.t < self.start_s - SUBSAMPLE_SLACK_S => {}
                Ok(f) if self.end_s.is_some_and(|e| f.t >= e - SUBSAMPLE_SLACK_S) => {
                    self.ended = true;
                    return None;
                }
                _ => return Some(item),
            }
        }
    }
}

/// Open a video for decoding.
///
/// The container is recognised by content. H.264 in MP4/MOV/M4V is decoded
/// in-process (OpenH264, no system library); other codecs (HEVC, VP9, AV1,
/// MPEG-4 Part 2, ...) and containers (WebM/MKV, AVI, MPEG-TS, ...) go through
/// `ffmpeg` when it is on the `PATH`. The display rotation of the container is
/// applied to every frame; timestamps come from the container.
///
/// ```no_run
/// # fn main() -> Result<(), janu_media::MediaError> {
/// use janu_media::{open_video, VideoOptions};
/// let video = open_video("yoga.mp4".as_ref(), &VideoOptions { target_fps: Some(10.0), ..Default::default() })?;
/// println!("{} x {}, {:.1} s", video.info().width, video.info().height, video.info().duration_s);
/// for frame in video {
///     let frame = frame?;
///     println!("frame {} at {:.3} s", frame.index, frame.t);
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`MediaError::Read`] / [`MediaError::Empty`] when the file cannot be read;
/// [`MediaError::WrongKind`] when it is not a video ("it looks like text");
/// [`MediaError::CorruptVideo`] when the container is damaged or cut short before
/// any frame; [`MediaError::NoVideoTrack`], [`MediaError::NoFrames`];
/// [`MediaError::NeedsFfmpeg`] naming the codec when ffmpeg is needed but missing;
/// [`MediaError::Ffmpeg`] when ffprobe fails on the file.
pub fn open_video(path: &Path, options: &VideoOptions) -> Result<VideoSource, MediaError> {
    let head = read_head(path)?;
    let sniffed = sniff(&head);
    let start_s = if options.start_s.is_finite() {
        options.start_s.max(0.0)
    } else {
        0.0
    };
    let end_s = options.end_s.filter(|e| e.is_finite());
    let sampler = Sampler::starting_at(options.target_fps, start_s);
    let via_ffmpeg = |codec: String| -> Result<VideoSource, MediaError> {
        let tools = match options.ffmpeg {
            FfmpegUse::Auto => ffmpeg::find_tools(),
            FfmpegUse::Never => None,
        };
        let Some(tools) = tools else {
            return Err(MediaError::NeedsFfmpeg {
                path: path.to_path_buf(),
                codec,
            });
        };
        let (info, backend) = FfmpegBackend::open(path, &tools)?;
        Ok(VideoSource {
            path: path.to_path_buf(),
            info,
            backend: Backend::Ffmpeg(Box::new(backend)),
            sampler: sampler.clone(),
            start_s,
            end_s,
            ended: false,
        })
    };
    match sniffed {
        Sniffed::IsoBmff => {
            let mut file = File::open(path).map_err(|e| MediaError::read(path, e))?;
            let track = demux::read_video_track(&mut file)
                .map_err(|d| MediaError::corrupt_video(path, d))?
                .ok_or_else(|| MediaError::NoVideoTrack {
                    path: path.to_path_buf(),
                })?;
            if track.fragmented {
                return via_ffmpeg(format!(
                    "{} in a fragmented MP4 (as screen recorders and browsers write)",
                    track.entry.codec_name()
                ));
            }
            if track.samples.is_empty() {
                return Err(MediaError::NoFrames {
                    path: path.to_path_buf(),
                });
            }
            if !track.entry.is_h264() {
                return via_ffmpeg(track.entry.codec_name());
            }
            let (info, mut backend) = H264Backend::open(path, file, track)?;
            backend.seek_before(start_s);
            Ok(VideoSource {
                path: path.to_path_buf(),
                info,
                backend: Backend::H264(Box::new(backend)),
                sampler,
                start_s,
                end_s,
                ended: false,
            })
        }
        Sniffed::Matroska => {
            via_ffmpeg(format!("{} in a WebM/Matroska file", matroska_codec(&head)))
        }
        Sniffed::OtherVideo(what) => {
            let what = match avi_codec(&head) {
                Some(fourcc) => format!("{what} ({fourcc})"),
                None => what.to_string(),
            };
            via_ffmpeg(what)
        }
        other => Err(MediaError::WrongKind {
            path: path.to_path_buf(),
            expected: "a video",
            found: other.describe(),
        }),
    }
}

/// The codec of a Matroska/WebM file, from the codec IDs in its first bytes.
fn matroska_codec(head: &[u8]) -> &'static str {
    let has = |s: &[u8]| head.windows(s.len()).any(|w| w == s);
    if has(b"V_VP9") {
        "VP9"
    } else if has(b"V_VP8") {
        "VP8"
    } else if has(b"V_AV1") {
        "AV1"
    } else if has(b"V_MPEGH/ISO/HEVC") {
        "HEVC"
    } else if has(b"V_MPEG4/ISO/AVC") {
        "H.264"
    } else {
        "an unknown codec"
    }
}

/// The video four-character code of an AVI file (the `strh` of its `vids` stream).
fn avi_codec(head: &[u8]) -> Option<String> {
    let pos = head
        .windows(8)
        .position(|w| &w[..4] == b"strh" && &w[4..8] != b"\0\0\0\0")?;
    let body = head.get(pos + 8..pos + 16)?;
    (&body[..4] == b"vids").then(|| String::from_utf8_lossy(&body[4..8]).trim().to_string())
}

/// Rotate a frame clockwise by a multiple of 90 degrees.
pub(crate) fn rotate(image: RgbImage, degrees: u32) -> RgbImage {
    match degrees % 360 {
        90 => image::imageops::rotate90(&image),
        180 => image::imageops::rotate180(&image),
        270 => image::imageops::rotate270(&image),
        _ => image,
    }
}

/// H.264 from an MP4/MOV sample table through OpenH264.
struct H264Backend {
    path: PathBuf,
    file: File,
    file_len: u64,
    track: VideoTrack,
    length_size: usize,
    decoder: Decoder,
    next_sample: usize,
    sample: Vec<u8>,
    annexb: Vec<u8>,
    /// Presentation times of samples fed to the decoder whose pictures have not
    /// come out yet; pictures come out in display order, so each takes the smallest.
    pending: BinaryHeap<Reverse<i64>>,
    queue: VecDeque<VideoFrame>,
    shown: u64,
    emitted: u64,
    flushed: bool,
    finished: bool,
}

impl H264Backend {
    fn open(
        path: &Path,
        mut file: File,
        track: VideoTrack,
    ) -> Result<(VideoInfo, Self), MediaError> {
        let corrupt = |d: String| MediaError::corrupt_video(path, d);
        let avcc =
            track.entry.avcc.as_deref().ok_or_else(|| {
                corrupt("the H.264 track has no decoder setup ('avcC' box)".into())
            })?;
        let (parameter_sets, length_size) = demux::parse_avcc(avcc).map_err(corrupt)?;
        let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
        let mut decoder = Decoder::with_api_config(OpenH264API::from_source(), config)
            .map_err(|e| corrupt(format!("the H.264 decoder did not start: {e}")))?;
        if !parameter_sets.is_empty() {
            decoder
                .decode(&parameter_sets)
                .map_err(|e| corrupt(format!("the H.264 setup (SPS/PPS) is invalid: {e}")))?;
        }
        let file_len = file
            .seek(SeekFrom::End(0))
            .map_err(|e| MediaError::read(path, e))?;
        let (w, h) = (u32::from(track.entry.width), u32::from(track.entry.height));
        let (width, height) = if track.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        };
        let info = VideoInfo {
            width,
            height,
            rotation_degrees: track.rotation,
            fps: median_fps(&track),
            duration_s: track.duration_s,
            frame_count: Some(track.samples.len() as u64),
            codec: track.entry.codec_name(),
            decoder: DECODER_OPENH264,
        };
        Ok((
            info,
            Self {
                path: path.to_path_buf(),
                file,
                file_len,
                track,
                length_size,
                decoder,
                next_sample: 0,
                sample: Vec::new(),
                annexb: Vec::new(),
                pending: BinaryHeap::new(),
                queue: VecDeque::new(),
                shown: 0,
                emitted: 0,
                flushed: false,
                finished: false,
            },
        ))
    }

    fn next_frame(&mut self, sampler: &mut Sampler) -> Option<Result<VideoFrame, MediaError>> {
        loop {
            if let Some(f) = self.queue.pop_front() {
                self.emitted += 1;
                return Some(Ok(f));
            }
            if self.finished {
                return None;
            }
            if self.next_sample < self.track.samples.len() {
                if let Err(e) = self.decode_next(sampler) {
                    return Some(Err(e));
                }
            } else if !self.flushed {
                self.flushed = true;
                let frames = match self.decoder.flush_remaining() {
                    Ok(frames) => frames,
                    Err(e) => {
                        self.finished = true;
                        return Some(Err(MediaError::corrupt_video(
                            &self.path,
                            format!("the last frames could not be decoded: {e}"),
                        )));
                    }
                };
                for yuv in &frames {
                    let pts = self.pending.pop().map(|Reverse(p)| p);
                    if let Some(f) = picture(yuv, pts, &self.track, sampler, &mut self.shown) {
                        self.queue.push_back(f);
                    }
                }
            } else {
                self.finished = true;
                if self.emitted == 0 && self.shown == 0 {
                    return Some(Err(MediaError::corrupt_video(
                        &self.path,
                        "the decoder produced no picture from any of its frames",
                    )));
                }
            }
        }
    }

    /// Start decoding at the last key frame at or before `start_s` (nothing
    /// to do at 0): the frames between it and `start_s` are decoded only to
    /// feed the ones after.
    fn seek_before(&mut self, start_s: f64) {
        if start_s <= 0.0 {
            return;
        }
        let key = self
            .track
            .samples
            .iter()
            .enumerate()
            .filter(|(_, s)| s.sync && self.track.seconds(s.pts) <= start_s + SUBSAMPLE_SLACK_S)
            .map(|(i, _)| i)
            .next_back();
        if let Some(i) = key {
            self.next_sample = i;
            self.shown = i as u64;
        }
    }

    /// Read and decode the next sample; queue the picture if one comes out.
    fn decode_next(&mut self, sampler: &mut Sampler) -> Result<(), MediaError> {
        let i = self.next_sample;
        self.next_sample += 1;
        let s = self.track.samples[i];
        let total = self.track.samples.len();
        let t = self.track.seconds(s.pts);
        let end = s.offset.saturating_add(u64::from(s.size));
        if end > self.file_len {
            self.finished = true;
            return Err(MediaError::corrupt_video(
                &self.path,
                format!(
                    "it is cut short: frame {} of {total} (at {t:.3} s) lies past the end of the file \
                     (the file has {} bytes, the frame ends at byte {end}); the {} frames before it were read",
                    i + 1,
                    self.file_len,
                    self.emitted + self.queue.len() as u64,
                ),
            ));
        }
        if s.size > MAX_SAMPLE_BYTES {
            return Err(self.frame_error(
                i,
                t,
                format!("it claims {} bytes, more than any real frame", s.size),
            ));
        }
        self.sample.resize(s.size as usize, 0);
        let read = self
            .file
            .seek(SeekFrom::Start(s.offset))
            .and_then(|_| self.file.read_exact(&mut self.sample));
        if let Err(e) = read {
            self.finished = true;
            return Err(MediaError::read(&self.path, e));
        }
        if let Err(d) = demux::sample_to_annexb(&self.sample, self.length_size, &mut self.annexb) {
            return Err(self.frame_error(i, t, d));
        }
        self.pending.push(Reverse(s.pts));
        match self.decoder.decode(&self.annexb) {
            Ok(Some(yuv)) => {
                let pts = self.pending.pop().map(|Reverse(p)| p);
                if let Some(f) = picture(&yuv, pts, &self.track, sampler, &mut self.shown) {
                    self.queue.push_back(f);
                }
            }
            Ok(None) => {}
            Err(e) => {
                // No picture will come for this sample: forget its time.
                let mut v = std::mem::take(&mut self.pending).into_vec();
                if let Some(p) = v.iter().position(|&Reverse(p)| p == s.pts) {
                    v.swap_remove(p);
                }
                self.pending = v.into();
                return Err(self.frame_error(i, t, e.to_string()));
            }
        }
        while self.pending.len() > MAX_PENDING_TIMES {
            self.pending.pop();
        }
        Ok(())
    }

    fn frame_error(&self, index: usize, t: f64, detail: String) -> MediaError {
        MediaError::FrameDecode {
            path: self.path.clone(),
            index: index as u64,
            t,
            detail,
        }
    }
}

/// Turn a decoded picture into a frame if the sampler wants it; count it either way.
fn picture(
    yuv: &DecodedYUV<'_>,
    pts: Option<i64>,
    track: &VideoTrack,
    sampler: &mut Sampler,
    shown: &mut u64,
) -> Option<VideoFrame> {
    let t = pts.map_or(0.0, |p| track.seconds(p));
    // Frames before the edit list's start are decoded only to feed later ones.
    if t < -SUBSAMPLE_SLACK_S {
        return None;
    }
    let index = *shown;
    *shown += 1;
    if !sampler.keep(t) {
        return None;
    }
    let (w, h) = yuv.dimensions();
    let mut buf = vec![0u8; w * h * 3];
    yuv.write_rgb8(&mut buf);
    let image = RgbImage::from_raw(w as u32, h as u32, buf)?;
    Some(VideoFrame {
        t: t.max(0.0),
        index,
        image: rotate(image, track.rotation),
    })
}

/// Frame rate from the median gap between decode times.
fn median_fps(track: &VideoTrack) -> f64 {
    let mut gaps: Vec<i64> = track
        .samples
        .windows(2)
        .map(|w| w[1].dts - w[0].dts)
        .filter(|&g| g > 0)
        .collect();
    if gaps.is_empty() {
        return if track.duration_s > 0.0 {
            track.samples.len() as f64 / track.duration_s
        } else {
            0.0
        };
    }
    let mid = gaps.len() / 2;
    let (_, median, _) = gaps.select_nth_unstable(mid);
    f64::from(track.timescale) / *median as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampler_keeps_about_target_rate() {
        let mut s = Sampler::new(Some(10.0));
        let kept: Vec<f64> = (0..90)
            .map(|i| f64::from(i) * 3003.0 / 90000.0)
            .filter(|&t| s.keep(t))
            .collect();
        // 3 s of 29.97 fps at 10 fps: 30 frames, about 0.1 s apart.
        assert_eq!(kept.len(), 30, "{kept:?}");
        for w in kept.windows(2) {
            assert!((w[1] - w[0] - 0.1).abs() < 0.034, "{w:?}");
        }
        let mut all = Sampler::new(None);
        assert!((0..10).all(|i| all.keep(f64::from(i))));
    }

    #[test]
    fn sources_are_send() {
        fn is_send<T: Send>() {}
        is_send::<VideoSource>();
        is_send::<FrameReceiver>();
    }
}
