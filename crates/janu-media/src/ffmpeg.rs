//! Codecs Janu does not decode itself, through an `ffmpeg` process on the PATH:
//! `ffprobe` for the stream's facts and packet times, `ffmpeg` for raw RGB frames
//! on a pipe.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::RgbImage;

use crate::MediaError;
use crate::video::{DECODER_FFMPEG, Sampler, VideoFrame, VideoInfo, rotate};

/// How much of ffmpeg's error output is kept for the message (its last lines matter).
const MAX_STDERR_BYTES: u64 = 64 * 1024;

/// Largest frame accepted from ffmpeg, in pixels (8K). Reason: a bogus size from
/// ffprobe must not become a gigabyte buffer.
const MAX_FFMPEG_PIXELS: u64 = 7680 * 4320;

/// The `ffmpeg` and `ffprobe` programs found on the PATH.
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    ffmpeg: PathBuf,
    ffprobe: PathBuf,
}

/// Find `ffmpeg` and `ffprobe` on the PATH (both are in every ffmpeg package).
pub(crate) fn find_tools() -> Option<Tools> {
    Some(Tools {
        ffmpeg: find_program("ffmpeg")?,
        ffprobe: find_program("ffprobe")?,
    })
}

/// True when `ffmpeg` and `ffprobe` are both on the PATH.
pub fn ffmpeg_available() -> bool {
    find_tools().is_some()
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// Longest ffmpeg may go without giving a frame. Decoding one frame takes
/// milliseconds, even of 8K; a minute without one is a file built to hang it.
pub const DECODE_STALL_LIMIT: Duration = Duration::from_secs(60);
/// [`Watchdog`]'s mark for "no frame awaited".
const NOT_WAITING: u64 = u64::MAX;
/// How often the watchdog looks at a running ffmpeg.
const WATCH_POLL: Duration = Duration::from_millis(50);

fn lock_child(child: &Mutex<Child>) -> std::sync::MutexGuard<'_, Child> {
    child.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Kills ffmpeg when a frame is awaited for longer than its stall limit. Only
/// the waiting counts: an opened video may sit in a queue for minutes before
/// its first frame is asked for.
struct Watchdog {
    started: Instant,
    /// Milliseconds after `started` when the frame now awaited was asked
    /// for; [`NOT_WAITING`] between frames.
    waiting_since: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    fired: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(child: Arc<Mutex<Child>>, limit: Duration) -> Self {
        let started = Instant::now();
        let waiting_since = Arc::new(AtomicU64::new(NOT_WAITING));
        let done = Arc::new(AtomicBool::new(false));
        let fired = Arc::new(AtomicBool::new(false));
        let (w, d, f) = (
            Arc::clone(&waiting_since),
            Arc::clone(&done),
            Arc::clone(&fired),
        );
        let watched = std::thread::Builder::new()
            .name("janu-ffmpeg-watchdog".into())
            .spawn(move || {
                while !d.load(Ordering::Relaxed) {
                    let since = w.load(Ordering::Relaxed);
                    let waited = started
                        .elapsed()
                        .saturating_sub(Duration::from_millis(since));
                    if since != NOT_WAITING && waited > limit {
                        f.store(true, Ordering::Relaxed);
                        let _ = lock_child(&child).kill();
                        return;
                    }
                    std::thread::sleep(WATCH_POLL);
                }
            });
        if watched.is_err() {
            // Without a watchdog the decode still works; it is only unguarded.
            done.store(true, Ordering::Relaxed);
        }
        Self {
            started,
            waiting_since,
            done,
            fired,
        }
    }

    /// A frame is asked for.
    fn waiting(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(NOT_WAITING - 1);
        self.waiting_since.store(ms, Ordering::Relaxed);
    }

    /// The frame came (or the stream ended).
    fn served(&self) {
        self.waiting_since.store(NOT_WAITING, Ordering::Relaxed);
    }

    fn fired(&self) -> bool {
        self.fired.load(Ordering::Relaxed)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Frames read from a running ffmpeg.
pub(crate) struct FfmpegBackend {
    path: PathBuf,
    child: Arc<Mutex<Child>>,
    watchdog: Watchdog,
    stall_limit: Duration,
    stdout: BufReader<ChildStdout>,
    stderr: Option<JoinHandle<String>>,
    /// Coded size (before rotation).
    width: u32,
    height: u32,
    rotation: u32,
    fps: f64,
    /// Presentation times from the packets, sorted, relative to the stream start.
    times: Vec<f64>,
    index: u64,
    scratch: Vec<u8>,
    finished: bool,
}

impl FfmpegBackend {
    pub(crate) fn open(path: &Path, tools: &Tools) -> Result<(VideoInfo, Self), MediaError> {
        Self::open_with(path, tools, DECODE_STALL_LIMIT)
    }

    fn open_with(
        path: &Path,
        tools: &Tools,
        stall_limit: Duration,
    ) -> Result<(VideoInfo, Self), MediaError> {
        let fail = |detail: String| MediaError::Ffmpeg {
            path: path.to_path_buf(),
            detail,
        };
        let probe = run(
            Command::new(&tools.ffprobe)
                .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
                .arg(
                    "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration,start_time\
                     :stream_tags=rotate:stream_side_data=rotation:format=duration",
                )
                .args(["-of", "json"])
                .arg(path),
        )
        .map_err(fail)?;
        let json: serde_json::Value = serde_json::from_slice(&probe)
            .map_err(|e| fail(format!("ffprobe's answer was not JSON: {e}")))?;
        let Some(stream) = json["streams"].as_array().and_then(|s| s.first()) else {
            return Err(MediaError::NoVideoTrack {
                path: path.to_path_buf(),
            });
        };
        let num = |v: &serde_json::Value| -> Option<f64> {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        };
        let width = stream["width"].as_u64().unwrap_or(0);
        let height = stream["height"].as_u64().unwrap_or(0);
        if width == 0 || height == 0 || width * height > MAX_FFMPEG_PIXELS {
            return Err(fail(format!(
                "the video reports an unusable frame size {width} x {height}"
            )));
        }
        let rate = |v: &serde_json::Value| -> Option<f64> {
            let s = v.as_str()?;
            let (n, d) = s.split_once('/').unwrap_or((s, "1"));
            let r = n.parse::<f64>().ok()? / d.parse::<f64>().ok()?;
            (r.is_finite() && r > 0.0).then_some(r)
        };
        let fps = rate(&stream["avg_frame_rate"])
            .or_else(|| rate(&stream["r_frame_rate"]))
            .unwrap_or(30.0);
        // ffprobe 5+ reports the display matrix's counter-clockwise angle; older
        // versions a clockwise `rotate` tag.
        let side_rotation = stream["side_data_list"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|s| num(&s["rotation"]))
            .map(|r| -r);
        let rotation = side_rotation
            .or_else(|| num(&stream["tags"]["rotate"]))
            .map_or(0, |r| ((r / 90.0).round() as i64).rem_euclid(4) as u32 * 90);
        let start = num(&stream["start_time"]).unwrap_or(0.0);
        let duration = num(&stream["duration"])
            .or_else(|| num(&json["format"]["duration"]))
            .unwrap_or(0.0);
        let frame_count = stream["nb_frames"]
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .or_else(|| stream["nb_frames"].as_u64());
        if frame_count == Some(0) {
            return Err(MediaError::NoFrames {
                path: path.to_path_buf(),
            });
        }
        let codec = friendly_codec(stream["codec_name"].as_str().unwrap_or("unknown"));

        // Packet times, sorted, are the frames' display times.
        let packets = run(Command::new(&tools.ffprobe)
            .args([
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=pts_time",
            ])
            .args(["-of", "csv=p=0"])
            .arg(path))
        .map_err(fail)?;
        let mut times: Vec<f64> = String::from_utf8_lossy(&packets)
            .lines()
            .filter_map(|l| l.trim().trim_end_matches(',').parse::<f64>().ok())
            .filter(|t| t.is_finite())
            .collect();
        times.sort_by(f64::total_cmp);
        let origin = times.first().copied().unwrap_or(start).min(start.max(0.0));
        for t in &mut times {
            *t = (*t - origin).max(0.0);
        }

        let mut child = Command::new(&tools.ffmpeg)
            .args(["-nostdin", "-v", "error", "-noautorotate", "-i"])
            .arg(path)
            .args([
                "-map",
                "0:v:0",
                "-vsync",
                "passthrough",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "pipe:1",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("could not start {}: {e}", tools.ffmpeg.display())))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| fail("ffmpeg's output pipe is missing".into()))?;
        let stderr = child.stderr.take().and_then(|mut err| {
            std::thread::Builder::new()
                .name("janu-ffmpeg-stderr".into())
                .spawn(move || {
                    let mut s = String::new();
                    let _ = (&mut err).take(MAX_STDERR_BYTES).read_to_string(&mut s);
                    // Keep draining so ffmpeg never blocks on a full pipe.
                    let _ = std::io::copy(&mut err, &mut std::io::sink());
                    s
                })
                .ok()
        });
        let (w, h) = (width as u32, height as u32);
        let (out_w, out_h) = if rotation % 180 == 90 { (h, w) } else { (w, h) };
        let info = VideoInfo {
            width: out_w,
            height: out_h,
            rotation_degrees: rotation,
            fps,
            duration_s: duration,
            frame_count,
            codec,
            decoder: DECODER_FFMPEG,
        };
        let child = Arc::new(Mutex::new(child));
        let watchdog = Watchdog::start(Arc::clone(&child), stall_limit);
        Ok((
            info,
            Self {
                path: path.to_path_buf(),
                child,
                watchdog,
                stall_limit,
                stdout: BufReader::with_capacity(1 << 20, stdout),
                stderr,
                width: w,
                height: h,
                rotation,
                fps,
                times,
                index: 0,
                scratch: Vec::new(),
                finished: false,
            },
        ))
    }

    fn time_of(&self, index: u64) -> f64 {
        match self.times.get(index as usize) {
            Some(&t) => t,
            None => {
                let (base, from) = self
                    .times
                    .last()
                    .map_or((0.0, 0), |&t| (t, self.times.len() as u64 - 1));
                base + (index - from) as f64 / self.fps
            }
        }
    }

    pub(crate) fn next_frame(
        &mut self,
        sampler: &mut Sampler,
    ) -> Option<Result<VideoFrame, MediaError>> {
        if self.finished {
            return None;
        }
        let bytes = self.width as usize * self.height as usize * 3;
        loop {
            let t = self.time_of(self.index);
            let keep = sampler.keep(t);
            let mut buf = if keep {
                vec![0u8; bytes]
            } else {
                std::mem::take(&mut self.scratch)
            };
            buf.resize(bytes, 0);
            self.watchdog.waiting();
            let read = read_full(&mut self.stdout, &mut buf);
            self.watchdog.served();
            if self.watchdog.fired() {
                self.finished = true;
                let _ = lock_child(&self.child).wait();
                return Some(Err(MediaError::Ffmpeg {
                    path: self.path.clone(),
                    detail: format!(
                        "ffmpeg gave no frame for {} s after frame {} and was stopped",
                        self.stall_limit.as_secs_f64(),
                        self.index
                    ),
                }));
            }
            match read {
                Ok(n) if n == bytes => {}
                Ok(0) => return self.end(),
                Ok(n) => {
                    self.finished = true;
                    let mut child = lock_child(&self.child);
                    let _ = child.kill();
                    let _ = child.wait();
                    return Some(Err(MediaError::corrupt_video(
                        &self.path,
                        format!(
                            "ffmpeg's output stopped in the middle of frame {} ({n} of {bytes} bytes)",
                            self.index
                        ),
                    )));
                }
                Err(e) => {
                    self.finished = true;
                    return Some(Err(MediaError::read(&self.path, e)));
                }
            }
            let index = self.index;
            self.index += 1;
            if !keep {
                self.scratch = buf;
                continue;
            }
            let image = RgbImage::from_raw(self.width, self.height, buf)?;
            return Some(Ok(VideoFrame {
                t,
                index,
                image: rotate(image, self.rotation),
            }));
        }
    }

    /// ffmpeg closed its output: success, or an error with what it said.
    fn end(&mut self) -> Option<Result<VideoFrame, MediaError>> {
        self.finished = true;
        let status = lock_child(&self.child).wait();
        let said = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let ok = status.as_ref().is_ok_and(std::process::ExitStatus::success);
        if !ok {
            return Some(Err(MediaError::Ffmpeg {
                path: self.path.clone(),
                detail: last_lines(&said).unwrap_or_else(|| match status {
                    Ok(s) => format!("ffmpeg stopped with {s}"),
                    Err(e) => e.to_string(),
                }),
            }));
        }
        if self.index == 0 {
            return Some(Err(MediaError::NoFrames {
                path: self.path.clone(),
            }));
        }
        None
    }
}

impl Drop for FfmpegBackend {
    fn drop(&mut self) {
        let mut child = lock_child(&self.child);
        if !self.finished {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

/// ffprobe's codec name with the common name in front, e.g. "VP9 (vp9)", to read
/// like the in-process decoder's "H.264 (avc1)".
fn friendly_codec(name: &str) -> String {
    let common = match name {
        "h264" => "H.264",
        "hevc" => "HEVC",
        "vp9" => "VP9",
        "vp8" => "VP8",
        "av1" => "AV1",
        "mpeg4" => "MPEG-4 Part 2",
        "mpeg2video" => "MPEG-2",
        "mjpeg" => "Motion JPEG",
        "prores" => "Apple ProRes",
        "theora" => "Theora",
        _ => return name.to_string(),
    };
    format!("{common} ({name})")
}

/// Read until `buf` is full or the stream ends; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Longest a probe of one file may take. ffprobe reads the index and walks
/// the packets without decoding: a two-hour phone video takes a few seconds,
/// so a minute means a file built to stall it.
pub const PROBE_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Most output kept from one probe: the packet list of three hours at 240 fps
/// is about 30 MB.
pub const MAX_PROBE_OUTPUT: u64 = 64 << 20;
/// How often a running probe is checked on.
const PROBE_POLL: Duration = Duration::from_millis(10);

/// Run a tool to completion within [`PROBE_TIME_LIMIT`]; its output, or what
/// it said on failure. A tool past the limit, or writing more than
/// [`MAX_PROBE_OUTPUT`], is killed.
fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    run_within(cmd, PROBE_TIME_LIMIT)
}

fn run_within(cmd: &mut Command, limit: Duration) -> Result<Vec<u8>, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    let overflow = Arc::new(AtomicBool::new(false));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        let overflow = Arc::clone(&overflow);
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(pipe) = pipe {
                // One byte past the cap shows that the cap was reached.
                let _ = pipe.take(MAX_PROBE_OUTPUT + 1).read_to_end(&mut out);
            }
            if out.len() as u64 > MAX_PROBE_OUTPUT {
                overflow.store(true, Ordering::Relaxed);
            }
            out
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let stop = |child: &mut Child, why: String| {
        let _ = child.kill();
        let _ = child.wait();
        Err(why)
    };
    let status = loop {
        if overflow.load(Ordering::Relaxed) {
            return stop(
                &mut child,
                format!(
                    "{program} described more than {} MB for this file; it is not a video Janu can use",
                    MAX_PROBE_OUTPUT >> 20
                ),
            );
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(PROBE_POLL),
            Ok(None) => {
                return stop(
                    &mut child,
                    format!(
                        "{program} took longer than {} s on this file and was stopped",
                        limit.as_secs_f64()
                    ),
                );
            }
            Err(e) => return stop(&mut child, format!("{program}: {e}")),
        }
    };
    let out = stdout.join().unwrap_or_default();
    let said = stderr.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let said = String::from_utf8_lossy(&said);
        Err(last_lines(&said).unwrap_or_else(|| format!("{program} stopped with {status}")))
    }
}

/// The last three non-empty lines of a tool's error output, joined.
fn last_lines(s: &str) -> Option<String> {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    Some(lines[lines.len().saturating_sub(3)..].join("; "))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A script `name` in `dir` that runs `body` with sh.
    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn an_ffmpeg_that_hangs_is_stopped_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let ffprobe = script(
            dir.path(),
            "ffprobe",
            r#"case "$*" in
  *packet=pts_time*) printf '0.0\n0.033\n' ;;
  *) printf '{"streams":[{"codec_name":"vp9","width":64,"height":48,"avg_frame_rate":"30/1","nb_frames":"2"}]}' ;;
esac"#,
        );
        let ffmpeg = script(dir.path(), "ffmpeg", "exec sleep 30");
        let tools = Tools { ffmpeg, ffprobe };
        let video = dir.path().join("hang.webm");
        std::fs::write(&video, b"not read by the fake tools").unwrap();
        let started = Instant::now();
        let (info, mut backend) =
            FfmpegBackend::open_with(&video, &tools, Duration::from_millis(300)).unwrap();
        assert_eq!((info.width, info.height), (64, 48));
        // Waiting in a queue before the first frame is asked for is no stall.
        std::thread::sleep(Duration::from_millis(600));
        assert!(!backend.watchdog.fired());
        let err = backend
            .next_frame(&mut Sampler::new(None))
            .unwrap()
            .unwrap_err()
            .to_string();
        assert!(err.contains("gave no frame"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(backend.next_frame(&mut Sampler::new(None)).is_none());
    }

    #[test]
    fn a_stalled_tool_is_stopped_at_the_limit() {
        let started = Instant::now();
        let err =
            run_within(Command::new("sleep").arg("30"), Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("took longer"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_tool_that_never_stops_talking_is_stopped() {
        let err = run_within(&mut Command::new("yes"), Duration::from_secs(60)).unwrap_err();
        assert!(err.contains("more than 64 MB"), "{err}");
    }

    #[test]
    fn a_quick_tool_gives_its_output_and_its_complaint() {
        let out = run_within(Command::new("echo").arg("hello"), PROBE_TIME_LIMIT).unwrap();
        assert_eq!(out, b"hello\n");
        let err = run_within(
            Command::new("sh").args(["-c", "echo 'moov atom not found' >&2; exit 1"]),
            PROBE_TIME_LIMIT,
        )
        .unwrap_err();
        assert_eq!(err, "moov atom not found");
    }
}
