//! `janu-eval`: Janu's recognition measured on real people, and the fit of its
//! weights.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use janu_eval::boost::Settings;
use janu_eval::cv;
use janu_eval::datasets::{self, Truth};
use janu_eval::table::Confusion;
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimator};

/// Where the shipped model lives, from the workspace root.
const MODEL_PATH: &str = "crates/janu-analysis/data/recognition.json";

#[derive(Parser)]
#[command(
    about = "Janu's recognition measured on real people: confusion tables and the fit",
    long_about = "Janu's recognition measured on real people.\n\n\
        `report` prints confusion tables (Markdown) for every photo folder of the shared \
        data through Janu's own pipeline (lite, full and heavy models), the Yoga-82 \
        tables and the skeleton sets (cross-validated, split by picture) and the \
        generated sessions. `fit` remakes the recognition weights that Janu ships \
        (crates/janu-analysis/data/recognition.json) from the same data.\n\n\
        Examples:\n  cargo run --release -p janu-eval -- report\n  \
        cargo run --release -p janu-eval -- report --models full --no-tables\n  \
        cargo run --release -p janu-eval -- fit"
)]
struct Cli {
    /// The shared data folder.
    #[arg(long, env = "JANU_SHARED_DATA", default_value = "../shared/data")]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print confusion tables.
    Report {
        /// Landmark models for the photos (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "lite,full,heavy")]
        models: Vec<String>,
        /// Skip the photos.
        #[arg(long)]
        no_photos: bool,
        /// Skip the tables and generated sessions (the cross-validation).
        #[arg(long)]
        no_tables: bool,
        /// Print every photo's call.
        #[arg(long)]
        verbose: bool,
        /// Look at each photo only MediaPipe's way (one detector crop).
        #[arg(long)]
        mediapipe_only: bool,
    },
    /// Fit the recognition weights on all the data and write them.
    Fit {
        /// Where to write (default: the file Janu embeds).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Measure each way of looking at a photo (crops, mirroring) alone, on
    /// every shared photo.
    Views {
        /// Landmark model.
        #[arg(long, default_value = "full")]
        model: String,
    },
    /// Recall and false calls of Janusirsasana, cross-validated, at each
    /// probability threshold (the shipped one is
    /// `janu_analysis::recognize::JANU_MIN_PROBABILITY`).
    Sweep,
    /// Write every sample's picture-plane measures as CSV (for exploration).
    Measures {
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Report {
            models,
            no_photos,
            no_tables,
            verbose,
            mediapipe_only,
        } => {
            if !no_tables {
                let (samples, weights) = datasets::training_data(&cli.data)?;
                let tables = cv::cross_validated(&samples, &weights, Settings::default());
                for (source, t) in &tables {
                    println!("{}", t.markdown(source.title()));
                }
            }
            if !no_photos {
                for m in &models {
                    let size: ModelSize = m
                        .parse()
                        .map_err(|e| anyhow::anyhow!("--models: {m}: {e}"))?;
                    let mut est = PoseEstimator::new(EstimatorOptions {
                        model: size,
                        ..EstimatorOptions::default()
                    })?;
                    let bar = indicatif::ProgressBar::new(0);
                    let calls = janu_eval::photos::analyse_photos(
                        &cli.data.join("photos"),
                        &mut est,
                        mediapipe_only,
                        &mut |done, total| {
                            bar.set_length(total as u64);
                            bar.set_position(done as u64);
                        },
                    )?;
                    bar.finish_and_clear();
                    let mut t = Confusion::new();
                    for c in &calls {
                        t.add(c.truth, c.called);
                        if verbose {
                            println!("{m} {}", c.line());
                        }
                    }
                    println!(
                        "{}",
                        t.markdown(&format!(
                            "Photos, {m} model, {} ({} photos)",
                            if mediapipe_only {
                                "MediaPipe's one look"
                            } else {
                                "Janu's looks"
                            },
                            calls.len()
                        ))
                    );
                }
            }
        }
        Command::Fit { output } => {
            let (samples, weights) = datasets::training_data(&cli.data)?;
            let settings = Settings::default();
            eprintln!("cross-validating ({} folds)...", cv::FOLDS);
            let tables = cv::cross_validated(&samples, &weights, settings);
            eprintln!("fitting on all {} samples...", samples.len());
            let mut model = cv::fit_all(&samples, &weights, settings);
            let mut figures = serde_json::Map::new();
            for (source, t) in &tables {
                let (k, n) = t.janu_found();
                let (f, m) = t.false_janu();
                figures.insert(
                    source.as_str().to_string(),
                    serde_json::json!({
                        "janusirsasana_found": format!("{k} of {n}"),
                        "others_called_janusirsasana": format!("{f} of {m}"),
                    }),
                );
            }
            let mut counts = serde_json::Map::new();
            for s in &samples {
                if matches!(s.truth, Truth::Pose(_)) {
                    let e = counts
                        .entry(s.source.as_str().to_string())
                        .or_insert(serde_json::json!(0));
                    *e = serde_json::json!(e.as_u64().unwrap_or(0) + 1);
                }
            }
            model.provenance = serde_json::json!({
                "command": "cargo run --release -p janu-eval -- fit",
                "data": "../shared/data: yoga82-skeletons/*.csv, yoga82-seated/dev_test_half_mediapipe13.csv, dev_test_half_movenet17.csv, dev_mediapipe13.csv; generated sessions (janu-synth) with seeds 1 and 2, one frame in 15",
                "samples": counts,
                "synthetic_share": datasets::SYNTHETIC_SHARE,
                "settings": {
                    "rounds": settings.rounds,
                    "learning_rate": settings.learning_rate,
                    "max_depth": settings.max_depth,
                    "min_leaf_weight": settings.min_leaf_weight,
                    "l2": settings.l2,
                    "bins": settings.bins,
                },
                "cross_validation": {
                    "folds": cv::FOLDS,
                    "split": "by picture (FNV-1a hash of its name)",
                    "figures": figures,
                },
            });
            let path = output.unwrap_or_else(|| janu_testkit::workspace_root().join(MODEL_PATH));
            let text = janu_eval::model_json(&model);
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, text).with_context(|| tmp.display().to_string())?;
            std::fs::rename(&tmp, &path).with_context(|| path.display().to_string())?;
            for (source, t) in &tables {
                println!("{}", t.markdown(source.title()));
            }
            eprintln!("wrote {}", path.display());
        }
        Command::Views { model } => {
            let size: ModelSize = model
                .parse()
                .map_err(|e| anyhow::anyhow!("--model: {model}: {e}"))?;
            janu_eval::views::compare(&cli.data.join("photos"), size)?;
        }
        Command::Sweep => {
            let (samples, weights) = datasets::training_data(&cli.data)?;
            let probs = cv::janu_top_probabilities(&samples, &weights, Settings::default());
            let thresholds: Vec<f32> = (40..=90).step_by(2).map(|k| k as f32 * 0.01).collect();
            println!("{}", cv::sweep_markdown(&probs, &thresholds));
        }
        Command::Measures { output } => {
            let samples = datasets::real_tables(&cli.data)?;
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&output).with_context(|| output.display().to_string())?,
            );
            write!(f, "source,group,truth")?;
            for n in janu_analysis::measures::MEASURE_NAMES {
                write!(f, ",{n}")?;
            }
            writeln!(f)?;
            for s in &samples {
                let truth = match s.truth {
                    Truth::Pose(p) => p.as_str(),
                    Truth::Excluded => "excluded",
                };
                write!(f, "{},{},{truth}", s.source.as_str(), s.group)?;
                for v in cv::measures_of(s).unwrap_or_default() {
                    match v {
                        Some(v) => write!(f, ",{v:.4}")?,
                        None => write!(f, ",")?,
                    }
                }
                writeln!(f)?;
            }
        }
    }
    Ok(())
}
