//! One module per subcommand: its validated arguments and its `run`.

pub mod analyze;
pub mod jobs;
pub mod landmarks;
pub mod models;
pub mod plan;
pub mod pose;
pub mod practice;
pub mod screen;
pub mod serve;
pub mod users;
pub mod worker;

use std::path::PathBuf;

use anyhow::Context;
use janu_server::{Settings, SettingsLayer};
use janu_store::Store;

/// Where a server's database is, for the commands that work on it beside the
/// servers (`janu users`, `janu jobs`).
#[derive(Debug, clap::Args)]
pub struct StoreFlags {
    /// Database: a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, value_name = "URL", global = true)]
    database: Option<String>,
    /// The data folder of the server (its default database and key frames).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// The server's TOML settings file.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
}

impl StoreFlags {
    /// The settings these flags, the JANU_* variables and the file give, as
    /// the servers read them.
    pub fn settings(self) -> anyhow::Result<Settings> {
        let flags = SettingsLayer {
            database: self.database,
            data_dir: self.data_dir,
            ..Default::default()
        };
        Ok(Settings::load(
            self.config.as_deref(),
            &|k| std::env::var(k).ok(),
            flags,
        )?)
    }
}

/// Where the servers keep media, for `janu serve` and `janu worker` alike.
#[derive(Debug, clap::Args)]
pub struct MediaFlags {
    /// Keep uploads and key frames in an S3-compatible bucket, s3://BUCKET/PREFIX,
    /// that every replica and worker reaches (default: in the database; with
    /// SQLite uploads wait in the data folder). Give every `janu serve` and
    /// `janu worker` the same value. Credentials, region and endpoint come from
    /// the standard variables, never from flags: AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN), AWS_REGION, AWS_ENDPOINT_URL
    /// for a server other than AWS (MinIO, Ceph, Garage, ...) and
    /// AWS_ALLOW_HTTP=true when it has no TLS.
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    pub media_store: Option<String>,
}

/// ", media in s3://…" for a start-up line when media live in a bucket. Only a
/// bucket is worth a word: the default keeps media with the history.
pub fn media_note(settings: &Settings) -> String {
    match settings.media_store {
        Some(_) => format!(", media in {}", settings.media_store_display()),
        None => String::new(),
    }
}

/// A one-thread runtime for a command that talks to the store and exits.
pub fn store_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Open the database the settings name, saying which one failed.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.database)
        .await
        .with_context(|| format!("opening {}", settings.database_display()))
}

/// A janu-pose error in the command line's words: where the library names a
/// value, say which flag gives it.
pub fn pose_error(e: janu_pose::PoseError) -> anyhow::Error {
    match e {
        janu_pose::PoseError::TrimesterRequired => {
            anyhow::anyhow!("pregnancy needs the trimester: give --trimester 1, 2 or 3")
        }
        janu_pose::PoseError::MinutesOutOfRange { given, min, max } => {
            anyhow::anyhow!("--minutes must be between {min} and {max}, not {given}")
        }
        other => other.into(),
    }
}
