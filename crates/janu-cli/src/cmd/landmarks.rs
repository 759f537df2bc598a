//! `janu landmarks`: the 33 body landmarks of a photo or video, as a file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use janu_body::{Frame, LANDMARK_COUNT, Landmark, file::frame_to_json_line};
use janu_media::{
    MediaKind, Mp4Writer, RgbImage, SkeletonStyle, VideoOptions, draw_skeleton, open_video, probe,
    read_image, write_png,
};
use janu_pipeline::segments::SegmentError;
use janu_pipeline::tracking::track_video;
use janu_vision::backend::BackendKind;
use janu_vision::{Estimate, EstimatorOptions, ModelSize, PoseEstimator};

use crate::progress::{bar, install_reporter};

/// Threads for inference on a photo: janu-nn splits its large convolutions
/// over two (criterion, `benches/landmarks.rs`); tract's pool made it slower,
/// so tract stays on one.
const PHOTO_THREADS: usize = 2;
/// Threads for inference on a video, where the decoder has its own thread: see
/// BENCHMARKS.md ("Landmark engine") for the end-to-end measurements.
const VIDEO_THREADS: usize = 1;

/// Find the 33 body landmarks (BlazePose) in a photo or a video.
///
/// Writes one JSON object per frame (JSON Lines):
/// `{"t": 0.033, "width": 1280, "height": 720, "schema": "blazepose33",
/// "landmarks": [[x, y, z, visibility], ...], "world": [[x, y, z], ...],
/// "presence": 0.99}`. x and y are fractions of the image width and height, z is
/// relative depth on the scale of x, visibility is 0..1; "world" holds the same
/// points in metres with the origin between the hips. A frame with nobody in it
/// has `"landmarks": null`. This is the file `janu analyze` reads.
///
/// With `--format csv`: a header row, then one row per frame with `t`, `width`,
/// `height`, `presence` and, for each landmark in BlazePose order, `<name>_x`,
/// `<name>_y`, `<name>_z`, `<name>_visibility` (for example `left_knee_x`);
/// the landmark cells are empty when nobody is found.
///
/// When several people are in view, the most prominent one is analysed. Photos
/// are JPEG, PNG or WebP (EXIF orientation applied); videos are MP4/MOV with
/// H.264 (other codecs need ffmpeg). The models are installed on first use.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The photo or video to read.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Landmark model: lite (fastest), full (default) or heavy (most accurate).
    #[arg(long, default_value = "full", value_parser = parse_model)]
    model: ModelSize,
    /// Output format; by default taken from the -o extension (.csv), else jsonl.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write here instead of standard output (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also draw the skeleton: OUT.png for a photo, OUT.mp4 for a video.
    #[arg(long, value_name = "OUT.png|OUT.mp4")]
    overlay: Option<PathBuf>,
    /// For videos: analyse about N frames a second (default: every frame).
    #[arg(long, value_name = "N")]
    fps: Option<f64>,
    /// Inference backend: nn (janu-nn, the default and fastest) or tract (the
    /// general runtime, kept as a cross-check; only in builds with the
    /// `janu-vision/tract` feature).
    #[arg(long, default_value = "nn", env = "JANU_BACKEND", value_parser = parse_backend)]
    backend: BackendKind,
    /// For videos: cut it into up to N pieces tracked at once, one core each
    /// (default: as many as this machine has cores; 1 reads it in one pass).
    /// Pieces are cut every 10 s or more, where tracking starts afresh in a
    /// single pass too, so they give the same landmarks. Not with --overlay.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    segments: Option<u16>,
}

/// Output formats of `janu landmarks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// JSON Lines, the landmark file format.
    Jsonl,
    /// Comma-separated values, one row per frame.
    Csv,
}

fn parse_model(s: &str) -> Result<ModelSize, String> {
    s.parse()
}

fn parse_backend(s: &str) -> Result<BackendKind, String> {
    s.parse()
}

/// Run `janu landmarks`.
#[allow(clippy::needless_pass_by_value)] // main.rs hands every command its Args by value
pub fn run(args: Args) -> anyhow::Result<()> {
    let format = args.format.unwrap_or_else(|| {
        match args
            .output
            .as_deref()
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
        {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    });
    if let Some(fps) = args.fps
        && !(fps.is_finite() && fps > 0.0)
    {
        bail!("--fps {fps}: give a number of frames a second above 0");
    }
    let kind = probe(&args.input)?;
    let overlay_ext = args.overlay.as_deref().map(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase()
    });
    let frames = match kind {
        MediaKind::Image => {
            if let Some(ext) = &overlay_ext
                && ext != "png"
            {
                bail!("--overlay for a photo must end in .png");
            }
            vec![photo(&args)?]
        }
        MediaKind::Video => {
            if let Some(ext) = &overlay_ext
                && ext != "mp4"
            {
                bail!("--overlay for a video must end in .mp4");
            }
            video(&args)?
        }
        MediaKind::LandmarkFile => bail!(
            "{} is already a landmark file; give a photo or a video",
            args.input.display()
        ),
    };
    let text = match format {
        Format::Jsonl => frames
            .iter()
            .map(|f| frame_to_json_line(f) + "\n")
            .collect::<String>(),
        Format::Csv => csv(&frames),
    };
    crate::output::emit(args.output.as_deref(), text.as_bytes())
}

fn estimator(args: &Args, threads: usize) -> anyhow::Result<PoseEstimator> {
    let threads = match args.backend {
        BackendKind::Nn => threads,
        BackendKind::Tract => 1,
    };
    let options = EstimatorOptions {
        model: args.model,
        threads,
        backend: args.backend,
        ..Default::default()
    };
    Ok(PoseEstimator::with_progress(
        options,
        &mut install_reporter(),
    )?)
}

fn report_people(input: &Path, estimate: &Estimate) {
    match (estimate.people_detected, &estimate.pose) {
        (0, _) | (_, None) => eprintln!("{}: no person found", input.display()),
        (1, Some(_)) => {}
        (n, Some(_)) => eprintln!(
            "{}: {n} people found: analysing the most prominent one",
            input.display()
        ),
    }
}

fn photo(args: &Args) -> anyhow::Result<Frame> {
    let mut image = read_image(&args.input)?;
    let mut estimator = estimator(args, PHOTO_THREADS)?;
    let estimate = estimator
        .estimate_image(&image)
        .with_context(|| format!("estimating the pose in {}", args.input.display()))?;
    report_people(&args.input, &estimate);
    if let Some(out) = &args.overlay {
        if let Some(pose) = &estimate.pose {
            draw_skeleton(&mut image, pose, &SkeletonStyle::default());
        }
        write_png(out, &image)?;
    }
    Ok(Frame {
        t: 0.0,
        width: image.width(),
        height: image.height(),
        pose: estimate.pose,
    })
}

fn video(args: &Args) -> anyhow::Result<Vec<Frame>> {
    let options = VideoOptions {
        target_fps: args.fps,
        ..Default::default()
    };
    let source = open_video(&args.input, &options)?;
    let info = source.info().clone();
    let expected = janu_pipeline::expected_frames(&info, args.fps).unwrap_or(1);
    let parts = args.segments.map_or_else(janu_pipeline::cores, usize::from);
    let pieces = janu_pipeline::segments::plan(info.duration_s, parts);
    if pieces.len() > 1 && args.overlay.is_none() {
        drop(source);
        return video_in_pieces(args, &options, &pieces, expected);
    }
    let mut estimator = estimator(args, VIDEO_THREADS)?;
    let mut writer = match &args.overlay {
        Some(path) => Some(Mp4Writer::create(
            path,
            info.width & !1,
            info.height & !1,
            args.fps.unwrap_or(info.fps).min(info.fps),
        )?),
        None => None,
    };
    let pb = bar(expected, "landmarks");
    let mut frames = Vec::new();
    let mut seen_people = 0;
    for item in track_video(&mut estimator, source) {
        let tracked = match item {
            Ok(tracked) => tracked,
            Err(SegmentError::Media(e)) => return Err(e.into()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("estimating the pose in {}", args.input.display()));
            }
        };
        seen_people = seen_people.max(tracked.people_detected);
        if let Some(w) = writer.as_mut() {
            let mut image = even_sized(tracked.picture);
            if let Some(pose) = &tracked.frame.pose {
                draw_skeleton(&mut image, pose, &SkeletonStyle::default());
            }
            w.push(&image)?;
        }
        frames.push(tracked.frame);
        pb.inc(1);
    }
    pb.finish_and_clear();
    if frames.is_empty() {
        bail!("{}: the video holds no frames", args.input.display());
    }
    if let Some(w) = writer {
        w.finish()?;
    }
    let found = frames.iter().filter(|f| f.pose.is_some()).count();
    if found == 0 {
        eprintln!("{}: no person found in any frame", args.input.display());
    } else if seen_people > 1 {
        eprintln!(
            "{}: up to {seen_people} people found: analysing the most prominent one",
            args.input.display()
        );
    }
    Ok(frames)
}

/// The video in `pieces` at once, one core each.
fn video_in_pieces(
    args: &Args,
    options: &VideoOptions,
    pieces: &[janu_pipeline::segments::Segment],
    expected: u64,
) -> anyhow::Result<Vec<Frame>> {
    // Install or check the model once, here, with its progress shown; the
    // pieces then load it from the cache.
    drop(estimator(args, 1)?);
    let est_options = EstimatorOptions {
        model: args.model,
        threads: 1,
        backend: args.backend,
        ..Default::default()
    };
    let pb = bar(expected, "landmarks");
    let frames = janu_pipeline::segments::landmarks_in_parallel(
        &args.input,
        options,
        &est_options,
        pieces,
        &mut |done| pb.set_position(done),
    )
    .with_context(|| format!("estimating the pose in {}", args.input.display()))?;
    pb.finish_and_clear();
    if frames.is_empty() {
        bail!("{}: the video holds no frames", args.input.display());
    }
    if frames.iter().all(|f| f.pose.is_none()) {
        eprintln!("{}: no person found in any frame", args.input.display());
    }
    Ok(frames)
}

/// H.264 needs even sides: drop a last odd column or row.
fn even_sized(image: RgbImage) -> RgbImage {
    let (w, h) = (image.width() & !1, image.height() & !1);
    if (w, h) == image.dimensions() {
        image
    } else {
        image::imageops::crop_imm(&image, 0, 0, w, h).to_image()
    }
}

fn csv(frames: &[Frame]) -> String {
    let mut out = String::from("t,width,height,presence");
    for lm in Landmark::ALL {
        for field in ["x", "y", "z", "visibility"] {
            out.push_str(&format!(",{}_{field}", lm.name()));
        }
    }
    out.push('\n');
    let num = |v: Option<f32>| {
        v.map(|v| format!("{}", (f64::from(v) * 1e6).round() / 1e6))
            .unwrap_or_default()
    };
    for f in frames {
        out.push_str(&format!(
            "{},{},{},{}",
            (f.t * 1e6).round() / 1e6,
            f.width,
            f.height,
            num(f.pose.as_ref().and_then(|p| p.presence))
        ));
        for i in 0..LANDMARK_COUNT {
            let k = f.pose.as_ref().and_then(|p| p.landmarks[i]);
            out.push_str(&format!(
                ",{},{},{},{}",
                num(k.map(|k| k.x)),
                num(k.map(|k| k.y)),
                num(k.and_then(|k| k.z)),
                num(k.and_then(|k| k.visibility))
            ));
        }
        out.push('\n');
    }
    out
}
