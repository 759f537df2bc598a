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

use std::path::{Path, PathBuf};

use anyhow::Context;
use janu_server::{Settings, SettingsLayer};
use janu_store::Store;

// A command that works on a server's database beside the servers (`janu
// users`, `janu jobs`): its action and where the database is. No doc comment
// here nor on `StoreFlags`, on purpose: clap would show one as the help of
// every such command, in place of the help each writes on its `Action` enum.
#[derive(Debug, clap::Args)]
pub struct StoreCommand<A: clap::Subcommand> {
    #[command(subcommand)]
    action: A,
    #[command(flatten)]
    store: StoreFlags,
}

impl<A: clap::Subcommand> StoreCommand<A> {
    /// Open the database the flags name, run `act` on the action, then close
    /// the database whatever `act` gave.
    pub fn run(
        self,
        act: impl AsyncFnOnce(A, &Store, &Settings) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let settings = self.store.settings()?;
        let runtime = store_runtime()?;
        runtime.block_on(async {
            let store = open_store(&settings).await?;
            let result = act(self.action, &store, &settings).await;
            store.close().await;
            result
        })
    }
}

// Where a server's database is (no doc comment: see `StoreCommand`).
#[derive(Debug, clap::Args)]
struct StoreFlags {
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
    fn settings(self) -> anyhow::Result<Settings> {
        let flags = SettingsLayer {
            database: self.database,
            data_dir: self.data_dir,
            ..Default::default()
        };
        load_settings(self.config.as_deref(), flags)
    }
}

/// What `janu serve` and `janu worker` share: where media live, the settings
/// file, and how they log.
#[derive(Debug, clap::Args)]
pub struct ServerFlags {
    /// Keep uploads and key frames in an S3-compatible bucket, s3://BUCKET/PREFIX,
    /// that every replica and worker reaches (default: in the database; with
    /// SQLite uploads wait in the data folder). Give every `janu serve` and
    /// `janu worker` the same value. Credentials, region and endpoint come from
    /// the standard variables, never from flags: AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN), AWS_REGION, AWS_ENDPOINT_URL
    /// for a server other than AWS (MinIO, Ceph, Garage, ...) and
    /// AWS_ALLOW_HTTP=true when it has no TLS.
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    media_store: Option<String>,
    /// A TOML file with the settings (keys: addr, database, data_dir, workers,
    /// queue, job_lease_s, max_upload_mb, model, allowed_hosts = ["studio.local"],
    /// open_signup, tls_cert, tls_key, media_store).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// How the log on standard error is written: text, lines for people, or
    /// json, one JSON object a line for a log collector (every request is one
    /// `answered` line with its method, route, status and latency_ms). Which
    /// lines are written follows RUST_LOG (default info), e.g. RUST_LOG=warn,
    /// RUST_LOG=info,janu_server::request_log=warn (no request lines) or
    /// RUST_LOG=debug.
    #[arg(
        long,
        value_name = "FORMAT",
        value_enum,
        env = "JANU_LOG_FORMAT",
        default_value_t = LogFormat::Text
    )]
    log_format: LogFormat,
}

/// How `janu serve` and `janu worker` write their log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

impl ServerFlags {
    /// Start the log on standard error, then load the settings (defaults, the
    /// file, the JANU_* variables, then `flags` with this media store) and
    /// make the runtime a server runs on.
    pub fn start(
        self,
        flags: SettingsLayer,
    ) -> anyhow::Result<(Settings, tokio::runtime::Runtime)> {
        start_log(self.log_format)?;
        let flags = SettingsLayer {
            media_store: self.media_store,
            ..flags
        };
        let settings = load_settings(self.config.as_deref(), flags)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        Ok((settings, runtime))
    }
}

/// Send `tracing` events to standard error as `format` says, filtered by
/// RUST_LOG (info when it is unset).
fn start_log(format: LogFormat) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing_subscriber::filter::LevelFilter::INFO.into())
        .from_env()
        .context("reading RUST_LOG")?;
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.try_init(),
        LogFormat::Json => log.json().flatten_event(true).try_init(),
    }
    .map_err(|e| anyhow::anyhow!("starting the log: {e}"))
}

/// The settings from the defaults, the TOML file, the JANU_* variables and
/// then `flags`, as every command that works on a server's data reads them.
fn load_settings(config: Option<&Path>, flags: SettingsLayer) -> anyhow::Result<Settings> {
    Ok(Settings::load(config, &|k| std::env::var(k).ok(), flags)?)
}

/// Where a server keeps its history, for a start-up line: the database and,
/// when media live in a bucket, ", media in s3://…" (the default keeps media
/// with the history).
pub fn history_note(settings: &Settings) -> String {
    let database = settings.database_display();
    match settings.media_store {
        Some(_) => format!("{database}, media in {}", settings.media_store_display()),
        None => database,
    }
}

/// A one-thread runtime for a command that talks to the store and exits.
fn store_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Open the database the settings name, saying which one failed.
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
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

#[cfg(test)]
mod tests {
    /// The first line of the help a `janu users` / `janu jobs` argument
    /// struct gives its command.
    fn about<A: clap::Args>() -> String {
        A::augment_args(clap::Command::new("c"))
            .get_about()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn each_store_command_keeps_its_own_help() {
        assert_eq!(
            about::<super::jobs::Args>(),
            "Show the upload queue that `janu serve` replicas fill and workers empty"
        );
        assert_eq!(
            about::<super::users::Args>(),
            "Manage the accounts of `janu serve`: add people, list them, reset a password, \
             remove an account with everything it owns"
        );
    }
}
