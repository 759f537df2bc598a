//! Videos: write and read back, rotation, subsampling, threads, bad input, ffmpeg.

use std::path::{Path, PathBuf};
use std::process::Command;

use janu_media::{
    FfmpegUse, MediaError, MediaKind, Mp4Writer, Mp4WriterOptions, Rgb, RgbImage, TEMP_PREFIX,
    VideoFrame, VideoOptions, ffmpeg_available, open_video, probe,
};

const W: u32 = 160;
const H: u32 = 120;
const FPS: f64 = 25.0;

/// Frame `i` of the test clip: a white square moving right over a colour ramp,
/// with a red marker block in the top-left corner (to check rotation).
fn frame(i: u32) -> RgbImage {
    RgbImage::from_fn(W, H, |x, y| {
        if x < 16 && y < 16 {
            Rgb([230, 20, 20])
        } else if (20 + 2 * i..52 + 2 * i).contains(&x) && (40..72).contains(&y) {
            Rgb([250, 250, 250])
        } else {
            Rgb([(x * 255 / W) as u8, 90, (y * 255 / H) as u8])
        }
    })
}

fn write_clip(path: &Path, frames: u32, options: &Mp4WriterOptions) {
    let mut w = Mp4Writer::with_options(path, W, H, FPS, options).unwrap();
    for i in 0..frames {
        w.push(&frame(i)).unwrap();
    }
    assert_eq!(w.frames(), u64::from(frames));
    w.finish().unwrap();
}

fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let mse: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.as_raw().len() as f64;
    10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10()
}

fn read_all(path: &Path, options: &VideoOptions) -> Vec<VideoFrame> {
    open_video(path, options)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn no_temp_files(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[test]
fn written_video_reads_back_with_times_sizes_and_pixels() {
    let dir = tempfile::tempdir().unwrap();
    for faststart in [true, false] {
        let path = dir.path().join(format!("clip-{faststart}.mp4"));
        write_clip(
            &path,
            50,
            &Mp4WriterOptions {
                faststart,
                ..Default::default()
            },
        );
        assert_eq!(probe(&path).unwrap(), MediaKind::Video);
        let video = open_video(&path, &VideoOptions::default()).unwrap();
        let info = video.info().clone();
        assert_eq!((info.width, info.height, info.rotation_degrees), (W, H, 0));
        assert_eq!(info.frame_count, Some(50));
        assert!((info.fps - FPS).abs() < 1e-9, "{info:?}");
        assert!((info.duration_s - 2.0).abs() < 1e-3, "{info:?}");
        assert_eq!(info.decoder, "openh264");
        assert_eq!(info.codec, "H.264 (avc1)");
        let frames: Vec<_> = video.collect::<Result<_, _>>().unwrap();
        assert_eq!(frames.len(), 50);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.index, i as u64);
            assert!((f.t - i as f64 / FPS).abs() < 1e-9, "frame {i} at {}", f.t);
            let p = psnr(&f.image, &frame(i as u32));
            assert!(p > 40.0, "frame {i}: PSNR {p:.1} dB");
        }
    }
    no_temp_files(dir.path());
}

#[test]
fn the_same_frames_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    write_clip(&a, 12, &Mp4WriterOptions::default());
    write_clip(&b, 12, &Mp4WriterOptions::default());
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn rotation_metadata_turns_the_frames() {
    let dir = tempfile::tempdir().unwrap();
    // Where the red marker (stored top-left) must appear after rotation.
    for (rotation, size, corner) in [
        (90, (H, W), (1, 0)),
        (180, (W, H), (1, 1)),
        (270, (H, W), (0, 1)),
    ] {
        let path = dir.path().join(format!("rot{rotation}.mp4"));
        write_clip(
            &path,
            5,
            &Mp4WriterOptions {
                rotation_degrees: rotation,
                ..Default::default()
            },
        );
        let video = open_video(&path, &VideoOptions::default()).unwrap();
        assert_eq!(video.info().rotation_degrees, rotation);
        assert_eq!((video.info().width, video.info().height), size);
        let frames: Vec<_> = video.collect::<Result<_, _>>().unwrap();
        let img = &frames[0].image;
        assert_eq!(img.dimensions(), size);
        let (w, h) = size;
        let x = if corner.0 == 0 { 5 } else { w - 6 };
        let y = if corner.1 == 0 { 5 } else { h - 6 };
        let p = img.get_pixel(x, y).0;
        assert!(
            p[0] > 180 && p[1] < 80 && p[2] < 80,
            "rotation {rotation}: marker pixel {p:?}"
        );
        if ffmpeg_available() {
            let theirs = ffmpeg_rgb(&path, w, h);
            let p = psnr(img, &theirs);
            assert!(
                p > 40.0,
                "rotation {rotation}: ffmpeg shows it differently (PSNR {p:.1})"
            );
        }
    }
}

/// The first frame of a video as ffmpeg shows it (autorotated).
fn ffmpeg_rgb(path: &Path, w: u32, h: u32) -> RgbImage {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args([
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "pipe:1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    RgbImage::from_raw(w, h, out.stdout).expect("ffmpeg frame of the rotated size")
}

#[test]
fn target_fps_subsamples_by_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_clip(&path, 50, &Mp4WriterOptions::default());
    let frames = read_all(
        &path,
        &VideoOptions {
            target_fps: Some(5.0),
            ..Default::default()
        },
    );
    let idx: Vec<u64> = frames.iter().map(|f| f.index).collect();
    assert_eq!(idx, (0..10).map(|i| i * 5).collect::<Vec<_>>());
    for f in &frames {
        assert!((f.t - f.index as f64 / FPS).abs() < 1e-9);
    }
}

#[test]
fn pieces_read_apart_join_into_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    // Several key frames (one every KEYFRAME_INTERVAL_S), so later pieces
    // start decoding at one instead of at the start.
    let n = (FPS * 5.0) as u32;
    write_clip(&path, n, &Mp4WriterOptions::default());
    for target_fps in [None, Some(FPS / 3.0)] {
        let whole = read_all(
            &path,
            &VideoOptions {
                target_fps,
                ..Default::default()
            },
        );
        let cuts = [0.0, 1.3, 2.0, 3.71, f64::INFINITY];
        let mut joined = Vec::new();
        for w in cuts.windows(2) {
            joined.extend(read_all(
                &path,
                &VideoOptions {
                    target_fps,
                    start_s: w[0],
                    end_s: w[1].is_finite().then_some(w[1]),
                    ..Default::default()
                },
            ));
        }
        let times = |v: &[VideoFrame]| v.iter().map(|f| f.t).collect::<Vec<_>>();
        assert_eq!(times(&joined), times(&whole), "{target_fps:?}");
        for (a, b) in joined.iter().zip(&whole) {
            assert!(a.image == b.image, "frame at {} s decodes the same", a.t);
        }
    }
}

#[test]
fn decoding_on_its_own_thread_gives_the_same_frames() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_clip(&path, 20, &Mp4WriterOptions::default());
    let direct = read_all(&path, &VideoOptions::default());
    let rx = open_video(&path, &VideoOptions::default())
        .unwrap()
        .spawn(2);
    assert_eq!(rx.info().width, W);
    let threaded: Vec<_> = rx.collect::<Result<_, _>>().unwrap();
    assert_eq!(direct, threaded);
    // Dropping the receiver early stops the thread without hanging.
    let mut rx = open_video(&path, &VideoOptions::default())
        .unwrap()
        .spawn(1);
    assert!(rx.next().unwrap().is_ok());
    drop(rx);
}

#[test]
fn a_video_cut_in_half_gives_its_first_frames_then_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_clip(&path, 40, &Mp4WriterOptions::default());
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let mut video = open_video(&cut, &VideoOptions::default()).unwrap();
    let mut ok = 0;
    let err = loop {
        match video
            .next()
            .expect("the stream must end with an error, not silently")
        {
            Ok(_) => ok += 1,
            Err(e) => break e,
        }
    };
    assert!(ok > 5 && ok < 40, "{ok} frames before the damage");
    let msg = err.to_string();
    assert!(
        msg.contains("cut.mp4 is a damaged or incomplete video: it is cut short"),
        "{msg}"
    );
    assert!(
        video.next().is_none(),
        "nothing after the end-of-stream error"
    );

    // With the index at the end, the first half has no index at all.
    let tail = dir.path().join("tail.mp4");
    write_clip(
        &tail,
        40,
        &Mp4WriterOptions {
            faststart: false,
            ..Default::default()
        },
    );
    let bytes = std::fs::read(&tail).unwrap();
    std::fs::write(&tail, &bytes[..bytes.len() / 2]).unwrap();
    let msg = open_video(&tail, &VideoOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("tail.mp4 is a damaged or incomplete video") && msg.contains("no index"),
        "{msg}"
    );
}

#[test]
fn fake_empty_and_frameless_videos_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("x.mp4");
    std::fs::write(&text, "I am not a video, just some notes.\n").unwrap();
    let msg = open_video(&text, &VideoOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        format!("{} is not a video: it looks like text", text.display())
    );

    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, "").unwrap();
    assert!(matches!(
        open_video(&empty, &VideoOptions::default()),
        Err(MediaError::Empty { .. })
    ));

    let photo = dir.path().join("photo.mp4");
    std::fs::write(&photo, b"\xFF\xD8\xFF\xE0\0\x10JFIF\0").unwrap();
    let msg = open_video(&photo, &VideoOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.ends_with("is not a video: it looks like a JPEG image"),
        "{msg}"
    );

    let junk = dir.path().join("junk.mp4");
    std::fs::write(
        &junk,
        (0..5000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(open_video(&junk, &VideoOptions::default()).is_err());

    // A video track whose sample table lists no frames.
    let clip = dir.path().join("clip.mp4");
    write_clip(&clip, 3, &Mp4WriterOptions::default());
    let mut bytes = std::fs::read(&clip).unwrap();
    let at = find(&bytes, b"stsz") + 8; // version+flags, then the fixed size
    bytes[at + 4..at + 8].copy_from_slice(&0u32.to_be_bytes());
    let zero = dir.path().join("zero.mp4");
    std::fs::write(&zero, &bytes).unwrap();
    let err = open_video(&zero, &VideoOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{} has a video track but no frames", zero.display())
    );

    // A writer with no frames refuses to finish and leaves nothing.
    let none = dir.path().join("none.mp4");
    let w = Mp4Writer::create(&none, W, H, FPS).unwrap();
    assert!(w.finish().is_err());
    assert!(!none.exists());
    // Dropped without finish: nothing either.
    let mut w = Mp4Writer::create(&none, W, H, FPS).unwrap();
    w.push(&frame(0)).unwrap();
    assert!(w.push(&RgbImage::new(10, 10)).is_err());
    drop(w);
    assert!(!none.exists());
    assert!(Mp4Writer::create(&none, 161, 120, FPS).is_err());
    assert!(Mp4Writer::create(&none, 160, 120, 0.0).is_err());
    no_temp_files(dir.path());
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("box present")
}

/// Our H.264 clip relabelled as HEVC: the container says hvc1.
fn fake_hevc(dir: &Path) -> PathBuf {
    let clip = dir.join("clip.mp4");
    write_clip(&clip, 3, &Mp4WriterOptions::default());
    let mut bytes = std::fs::read(&clip).unwrap();
    // The sample entry after 'stsd' (the 'ftyp' box also lists the avc1 brand).
    let stsd = find(&bytes, b"stsd");
    let at = stsd + find(&bytes[stsd..], b"avc1");
    bytes[at..at + 4].copy_from_slice(b"hvc1");
    let at = find(&bytes, b"avcC");
    bytes[at..at + 4].copy_from_slice(b"hvcC");
    let path = dir.join("phone.mp4");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn another_codec_without_ffmpeg_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = fake_hevc(dir.path());
    let err = open_video(
        &path,
        &VideoOptions {
            ffmpeg: FfmpegUse::Never,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} uses HEVC (hvc1); install ffmpeg to read it",
            path.display()
        )
    );
}

/// Runs itself again with a PATH that has no ffmpeg, so the real lookup is tested.
#[test]
fn another_codec_with_no_ffmpeg_on_the_path_is_named() {
    if let Some(path) = std::env::var_os("JANU_MEDIA_NO_FFMPEG_CHILD") {
        let path = PathBuf::from(path);
        assert!(!ffmpeg_available());
        let err = open_video(&path, &VideoOptions::default()).unwrap_err();
        assert!(matches!(err, MediaError::NeedsFfmpeg { .. }), "{err}");
        assert!(
            err.to_string()
                .ends_with("uses HEVC (hvc1); install ffmpeg to read it"),
            "{err}"
        );
        let webm = path.with_file_name("clip.webm");
        std::fs::write(
            &webm,
            b"\x1A\x45\xDF\xA3\x9f\x42\x86\x81\x01webm....\x86\x85V_VP9",
        )
        .unwrap();
        let err = open_video(&webm, &VideoOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("uses VP9 in a WebM/Matroska file; install ffmpeg to read it"),
            "{err}"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = fake_hevc(dir.path());
    let empty_bin = dir.path().join("bin");
    std::fs::create_dir(&empty_bin).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "another_codec_with_no_ffmpeg_on_the_path_is_named",
            "--exact",
            "--nocapture",
        ])
        .env("PATH", &empty_bin)
        .env("JANU_MEDIA_NO_FFMPEG_CHILD", &path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("1 passed"),
        "{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// ffmpeg is on the PATH here, or under CI (which installs it) it must be.
fn need_ffmpeg(test: &str) -> bool {
    if ffmpeg_available() {
        return true;
    }
    assert!(
        !janu_testkit::in_ci(),
        "{test}: ffmpeg must be installed under CI"
    );
    eprintln!("SKIPPED {test}: ffmpeg is not on the PATH");
    false
}

fn ffmpeg_make(out: &Path, args: &[&str]) -> bool {
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10",
            "-t",
            "2",
        ])
        .args(args)
        .arg(out)
        .status()
        .unwrap();
    status.success()
}

#[test]
fn other_codecs_are_read_through_ffmpeg() {
    if !need_ffmpeg("other_codecs_are_read_through_ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, args, codec) in [
        (
            "vp9.webm",
            &["-c:v", "libvpx-vp9", "-b:v", "300k"][..],
            "VP9 (vp9)",
        ),
        (
            "mpeg4.mp4",
            &["-c:v", "mpeg4", "-q:v", "3"][..],
            "MPEG-4 Part 2 (mpeg4)",
        ),
        (
            "mpeg4.avi",
            &["-c:v", "mpeg4", "-q:v", "3"][..],
            "MPEG-4 Part 2 (mpeg4)",
        ),
    ] {
        let path = dir.path().join(name);
        assert!(ffmpeg_make(&path, args), "ffmpeg could not make {name}");
        assert_eq!(probe(&path).unwrap(), MediaKind::Video, "{name}");
        let video = open_video(&path, &VideoOptions::default()).unwrap();
        let info = video.info().clone();
        assert_eq!(
            (info.width, info.height, info.decoder),
            (160, 120, "ffmpeg"),
            "{name}"
        );
        assert_eq!(info.codec, codec);
        let frames: Vec<_> = video
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(frames.len(), 20, "{name}");
        for (i, f) in frames.iter().enumerate() {
            assert!(
                (f.t - i as f64 / 10.0).abs() < 0.011,
                "{name}: frame {i} at {}",
                f.t
            );
            assert_eq!(f.index, i as u64);
        }
        // Subsampling works the same way through ffmpeg.
        let half = read_all(
            &path,
            &VideoOptions {
                target_fps: Some(5.0),
                ..Default::default()
            },
        );
        assert_eq!(half.len(), 10, "{name}");
    }
}

#[test]
fn h264_with_b_frames_and_edit_lists_from_ffmpeg_decodes_in_process() {
    if !need_ffmpeg("h264_with_b_frames_and_edit_lists_from_ffmpeg_decodes_in_process") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x264.mp4");
    if !ffmpeg_make(
        &path,
        &[
            "-c:v",
            "libx264",
            "-profile:v",
            "high",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
        ],
    ) {
        eprintln!("SKIPPED: this ffmpeg has no libx264");
        return;
    }
    let video = open_video(&path, &VideoOptions::default()).unwrap();
    assert_eq!(video.info().decoder, "openh264");
    let frames: Vec<_> = video.collect::<Result<_, _>>().unwrap();
    assert_eq!(frames.len(), 20);
    for (i, f) in frames.iter().enumerate() {
        assert!((f.t - i as f64 / 10.0).abs() < 1e-6, "frame {i} at {}", f.t);
    }
    // Pixels agree with ffmpeg's own decode of the same frames (display order).
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        .output()
        .unwrap();
    let n = 160 * 120 * 3;
    assert_eq!(out.stdout.len(), n * 20);
    for (i, f) in frames.iter().enumerate() {
        let theirs = RgbImage::from_raw(160, 120, out.stdout[i * n..(i + 1) * n].to_vec()).unwrap();
        let p = psnr(&f.image, &theirs);
        assert!(p > 30.0, "frame {i}: PSNR against ffmpeg {p:.1} dB");
    }
}

#[test]
fn our_videos_play_in_ffmpeg() {
    if !need_ffmpeg("our_videos_play_in_ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_clip(&path, 30, &Mp4WriterOptions::default());
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
            "-of",
            "csv=p=0",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "h264,160,120,30"
    );
    // The ffmpeg path of our reader agrees with the in-process one.
    let direct = read_all(&path, &VideoOptions::default());
    let theirs = ffmpeg_rgb(&path, W, H);
    assert!(psnr(&direct[0].image, &theirs) > 40.0);
}

/// A tiny deterministic generator for the damage test.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn damaged_videos_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_clip(&path, 12, &Mp4WriterOptions::default());
    let good = std::fs::read(&path).unwrap();
    let moov = find(&good, b"moov");
    let mdat = find(&good, b"mdat");
    let mut rng = Lcg(7);
    let bad = dir.path().join("bad.mp4");
    let options = VideoOptions {
        ffmpeg: FfmpegUse::Never,
        ..Default::default()
    };
    let (mut opened, mut failed) = (0, 0);
    for round in 0..300 {
        let mut bytes = good.clone();
        if round % 10 == 0 {
            bytes.truncate(rng.next() % bytes.len());
        } else {
            // Mostly hit the index, where a wrong number does the most harm.
            for _ in 0..1 + round % 4 {
                let at = if round % 3 == 0 {
                    mdat + rng.next() % (bytes.len() - mdat)
                } else {
                    moov + rng.next() % (mdat - moov)
                };
                bytes[at] = rng.next() as u8;
            }
        }
        std::fs::write(&bad, &bytes).unwrap();
        match open_video(&bad, &options) {
            Ok(video) => {
                opened += 1;
                // Bounded: every call consumes a sample or ends the stream.
                for item in video.take(100) {
                    if let Err(e) = item {
                        assert!(!e.to_string().is_empty());
                    }
                }
            }
            Err(e) => {
                failed += 1;
                assert!(e.to_string().contains("bad.mp4"), "{e}");
            }
        }
    }
    assert!(opened > 0 && failed > 0, "opened {opened}, failed {failed}");
}

#[test]
fn landmark_files_are_told_apart_from_videos() {
    let dir = tempfile::tempdir().unwrap();
    let lm = dir.path().join("pose.mp4");
    std::fs::write(
        &lm,
        "\n{\"t\":0,\"width\":10,\"height\":10,\"landmarks\":null}\n",
    )
    .unwrap();
    assert_eq!(probe(&lm).unwrap(), MediaKind::LandmarkFile);
    let msg = open_video(&lm, &VideoOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.ends_with("is not a video: it looks like a JSON landmark file"),
        "{msg}"
    );
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let msg = probe(&text).unwrap_err().to_string();
    assert!(
        msg.ends_with("is not a photo, a video or a landmark file: it looks like text"),
        "{msg}"
    );
}
