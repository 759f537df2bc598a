//! `janu analyze`: form analysis of a photo, a video or a landmark file. A thin
//! layer over `janu-pipeline`: flags in, progress bars, the rendered report out.

use std::path::{Path, PathBuf};

use anyhow::bail;
use indicatif::ProgressBar;
use janu_pipeline::{Input, LazyEstimator, PipelineOptions, Progress, Stage};
use janu_report::Format as ReportFormat;
use janu_vision::{EstimatorOptions, ModelSize};

use crate::progress::{bar, install_reporter, spinner};

/// Inference threads: one, the decoder has the other core (as `janu landmarks`).
const THREADS: usize = 1;

/// Analyse Janusirsasana in a photo, a video or a landmark file: which pose and
/// side, how deep, how long, the breath, left against right, the common mistakes
/// with corrections and props, and where to put the camera.
///
/// INPUT is recognised by its content: a JPEG, PNG or WebP photo, an MP4/MOV
/// video, or a landmark file (JSON Lines as written by `janu landmarks`, schema
/// blazepose33 or coco17). Output: a text summary (default), the report as JSON
/// (schema in docs/report-schema.md), CSV with one row of metrics per frame, or
/// a self-contained HTML page with charts and key frames (open it in any
/// browser; it fetches nothing).
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
    /// For photos: look only MediaPipe's way (one crop, turned by the detector)
    /// instead of several crops, turned and mirrored. Faster; worse on folds.
    #[arg(long)]
    mediapipe_only: bool,
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
    /// A self-contained HTML page with charts and key frames.
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

/// Progress bars for the pipeline's stages (hidden when stderr is no terminal).
#[derive(Default)]
struct Bars {
    current: Option<(Stage, ProgressBar)>,
}

impl Bars {
    fn show(&mut self, p: Progress) {
        if self.current.as_ref().is_some_and(|(s, _)| *s == p.stage) {
            if let Some((_, pb)) = &self.current {
                if let Some(t) = p.total {
                    pb.set_length(t);
                }
                pb.set_position(p.done);
            }
            return;
        }
        self.finish();
        let pb = match (p.stage, p.total) {
            (Stage::Landmarks | Stage::KeyFrames, Some(t)) if t > 1 => {
                let pb = bar(
                    t,
                    if p.stage == Stage::Landmarks {
                        "landmarks"
                    } else {
                        "key frames"
                    },
                );
                pb.set_position(p.done);
                pb
            }
            (stage, _) => spinner(stage.words()),
        };
        self.current = Some((p.stage, pb));
    }

    fn finish(&mut self) {
        if let Some((_, pb)) = self.current.take() {
            pb.finish_and_clear();
        }
    }
}

/// Run `janu analyze`.
#[allow(clippy::needless_pass_by_value)] // main.rs hands every command its Args by value
pub fn run(args: Args) -> anyhow::Result<()> {
    let format = format_of(&args);
    if let Some(fps) = args.fps
        && !(fps.is_finite() && fps > 0.0)
    {
        bail!("--fps {fps}: give a number of frames a second above 0");
    }
    let options = PipelineOptions {
        fps: args.fps,
        mirrored: args.mirrored,
        // Only the HTML page shows key frames; the other formats skip the work.
        no_key_frames: format != Format::Html,
        mediapipe_only: args.mediapipe_only,
        // A long video is tracked in pieces, one core each.
        segments: janu_pipeline::cores(),
    };
    let input = Input::open(&args.input, &options)?;
    let mut estimator = LazyEstimator::with_install_progress(
        EstimatorOptions {
            model: args.model,
            threads: THREADS,
            ..Default::default()
        },
        Box::new(install_reporter()),
    );
    let mut bars = Bars::default();
    let analysis = input.run(&mut estimator, &mut |p| bars.show(p));
    bars.finish();
    let analysis = analysis?;
    if analysis.input == janu_pipeline::InputKind::Photo
        && analysis.frames.iter().all(|f| f.pose.is_none())
    {
        eprintln!("{}: no person found", args.input.display());
    }
    let text = match format {
        Format::Text => janu_report::render(&analysis.report, ReportFormat::Text)?,
        Format::Json => janu_report::render(&analysis.report, ReportFormat::Json)?,
        Format::Csv => janu_report::render(&analysis.report, ReportFormat::Csv)?,
        Format::Html => {
            let title = args.input.file_name().map_or_else(
                || args.input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            janu_report::html::document(&analysis.report, &analysis.media, &title)?
        }
    };
    crate::output::emit(args.output.as_deref(), text.as_bytes())
}
