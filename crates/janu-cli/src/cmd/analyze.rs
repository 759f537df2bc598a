//! `janu analyze`: form analysis of a photo, a video or a landmark file.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use janu_analysis::{AnalysisOptions, analyze_with};
use janu_body::{Frame, LandmarkFileError};
use janu_media::{MediaKind, VideoOptions, open_video, probe, read_image};
use janu_report::Format as ReportFormat;
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator};

use crate::progress::{bar, install_reporter};

/// Frames decoded ahead of the pose estimator (as `janu landmarks`).
const DECODE_AHEAD: usize = 4;
/// Inference threads: one, the decoder has the other core (as `janu landmarks`).
const THREADS: usize = 1;

/// Analyse Janusirsasana in a photo, a video or a landmark file: which pose and
/// side, how deep, how long, the breath, left against right, the common mistakes
/// with corrections and props, and where to put the camera.
///
/// INPUT is recognised by its content: a JPEG, PNG or WebP photo, an MP4/MOV
/// video, or a landmark file (JSON Lines as written by `janu landmarks`, schema
/// blazepose33 or coco17). Output: a text summary (default), the report as JSON
/// (schema in docs/report-schema.md), or CSV with one row of metrics per frame.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The photo, video or landmark file to analyse.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Output format; by default taken from the -o extension (.json, .csv,
    /// .html), else text.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write here instead of standard output (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Landmark model for photos and videos: lite, full (default) or heavy.
    #[arg(long, default_value = "full", value_parser = parse_model)]
    model: ModelSize,
    /// The pictures are mirrored (a selfie webcam): swap left and right back.
    #[arg(long)]
    mirrored: bool,
    /// For videos: analyse about N frames a second (default: every frame).
    #[arg(long, value_name = "N")]
    fps: Option<f64>,
}

/// Output formats of `janu analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A readable summary.
    Text,
    /// The full report as JSON.
    Json,
    /// A self-contained HTML page with plots.
    Html,
    /// Per-frame metrics.
    Csv,
}

fn parse_model(s: &str) -> Result<ModelSize, String> {
    s.parse()
}

fn format_of(args: &Args) -> Format {
    args.format.unwrap_or_else(|| {
        let ext = args
            .output
            .as_deref()
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some("html" | "htm") => Format::Html,
            _ => Format::Text,
        }
    })
}

/// Run `janu analyze`.
#[allow(clippy::needless_pass_by_value)] // main.rs hands every command its Args by value
pub fn run(args: Args) -> anyhow::Result<()> {
    let format = match format_of(&args) {
        Format::Text => ReportFormat::Text,
        Format::Json => ReportFormat::Json,
        Format::Csv => ReportFormat::Csv,
        Format::Html => bail!("HTML reports are not available yet; use --format text, json or csv"),
    };
    if let Some(fps) = args.fps {
        if !(fps.is_finite() && fps > 0.0) {
            bail!("--fps {fps}: give a number of frames a second above 0");
        }
    }
    let kind =
        probe(&args.input).with_context(|| format!("cannot read {}", args.input.display()))?;
    let frames = match kind {
        MediaKind::LandmarkFile => landmark_file(&args.input)?,
        MediaKind::Image => vec![photo(&args)?],
        MediaKind::Video => video(&args)?,
    };
    let options = AnalysisOptions {
        mirrored: args.mirrored,
    };
    let report = analyze_with(&frames, &options)
        .with_context(|| format!("cannot analyse {}", args.input.display()))?;
    let text = janu_report::render(&report, format)?;
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("writing to stdout"),
    }
}

fn landmark_file(path: &Path) -> anyhow::Result<Vec<Frame>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    janu_body::file::read_jsonl(BufReader::new(file)).map_err(|e| match e {
        LandmarkFileError::Invalid { line, message } => {
            anyhow::anyhow!("{}: line {line}: {message}", path.display())
        }
        LandmarkFileError::Empty => {
            anyhow::anyhow!("{}: the landmark file holds no frames", path.display())
        }
        LandmarkFileError::Io(io) => anyhow::anyhow!("cannot read {}: {io}", path.display()),
    })
}

fn estimator(model: ModelSize) -> anyhow::Result<PoseEstimator> {
    let options = EstimatorOptions {
        model,
        threads: THREADS,
        ..Default::default()
    };
    Ok(PoseEstimator::with_progress(
        options,
        &mut install_reporter(),
    )?)
}

fn photo(args: &Args) -> anyhow::Result<Frame> {
    let image = read_image(&args.input)?;
    let estimate = estimator(args.model)?
        .estimate_image(&image)
        .with_context(|| format!("estimating the pose in {}", args.input.display()))?;
    if estimate.pose.is_none() {
        eprintln!("{}: no person found", args.input.display());
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
    let expected = match args.fps {
        Some(fps) => (info.duration_s * fps.min(info.fps)).ceil() as u64,
        None => info
            .frame_count
            .unwrap_or((info.duration_s * info.fps).ceil() as u64),
    };
    let mut estimator = estimator(args.model)?;
    let pb = bar(expected.max(1), "analysing");
    let mut frames = Vec::new();
    for item in source.spawn(DECODE_AHEAD) {
        let frame = item?;
        let estimate = estimator
            .track(&frame.image, frame.t)
            .with_context(|| format!("estimating the pose in {}", args.input.display()))?;
        frames.push(Frame {
            t: frame.t,
            width: info.width,
            height: info.height,
            pose: estimate.pose,
        });
        pb.inc(1);
    }
    pb.finish_and_clear();
    if frames.is_empty() {
        bail!("{}: the video holds no frames", args.input.display());
    }
    Ok(frames)
}

/// Write `bytes` to `path` through a temporary file in the same folder, renamed
/// into place only when complete.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".janu-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
