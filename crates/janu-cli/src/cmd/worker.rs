//! `janu worker`: analyse uploads from the shared queue, and nothing else.

use std::path::PathBuf;

use janu_server::SettingsLayer;

/// Analyse uploads from the job queue of a Janu database, on this machine.
///
/// Start any number of these, on any machines that reach the database, beside
/// `janu serve` replicas that only queue (workers = 0, JANU_WORKERS=0). Each
/// worker takes one upload at a time, sends a heartbeat while it works, and
/// saves the session with its key frames in the transaction that ends the
/// job: a worker that is killed or loses its machine loses nothing, its job
/// starts again on another worker after the lease (job_lease_s, default 60).
///
/// With Postgres the uploads travel in the database, so a worker needs only
/// --database (it copies the upload it works on into a scratch folder,
/// uploads/.work-HOST-PID under --data-dir, removed when it stops). With SQLite
/// (one machine) give the server's --data-dir too: the uploads wait in its
/// uploads folder. With a media bucket (--media-store, the same as the
/// servers') uploads and key frames travel through the bucket instead.
///
/// Settings come from the same places as `janu serve` (defaults, TOML file,
/// JANU_* variables, flags). Stop it with Ctrl-C or SIGTERM: it finishes the
/// upload it is on (up to 20 s) or hands it back to the queue. It logs to
/// standard error like `janu serve`: --log-format text or json, RUST_LOG.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  janu worker --database postgres://janu:PW@db.studio/janu
  janu worker --database postgres://janu:PW@db.studio/janu --workers 2 --model lite")]
pub struct Args {
    /// Database: a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The server's data folder (with SQLite: where uploads wait).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Uploads analysed at once in this process; each loads its own model and
    /// runs it on 2 threads (default 1, or `workers` from the settings).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Landmark model: lite, full or heavy (default full).
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    #[command(flatten)]
    server: super::ServerFlags,
}

/// Run `janu worker`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (mut settings, runtime) = args.server.start(SettingsLayer {
        database: args.database,
        data_dir: args.data_dir,
        workers: args.workers,
        model: args.model,
        ..Default::default()
    })?;
    // A server's `workers = 0` means "only queue"; a worker always works.
    if settings.workers == 0 {
        settings.workers = janu_server::config::DEFAULT_WORKERS;
    }
    let history = super::history_note(&settings);
    let workers = settings.workers;
    runtime.block_on(janu_server::worker::run(
        &settings,
        super::serve::shutdown_signal(),
        |name| {
            tracing::info!("{workers} worker(s) {name} on the queue in {history} (Ctrl-C to stop)");
        },
    ))?;
    tracing::info!("worker stopped");
    Ok(())
}
