//! `janu serve`: the web app and its JSON API.

use std::path::PathBuf;

use janu_server::SettingsLayer;

/// Serve the Janu web app: screening, plans, live coaching from the webcam,
/// uploads with reports, history.
///
/// Works offline on its defaults: a SQLite file in your data folder, this machine
/// only. Settings come from defaults, then a TOML file (--config, $JANU_CONFIG or
/// server.toml in your config folder's janu/), then JANU_* environment variables
/// (JANU_ADDR, JANU_DATABASE, JANU_DATA_DIR, JANU_WORKERS, JANU_QUEUE,
/// JANU_JOB_LEASE_S, JANU_MAX_UPLOAD_MB, JANU_MODEL, JANU_ALLOWED_HOSTS, JANU_OPEN_SIGNUP,
/// JANU_TLS_CERT, JANU_TLS_KEY, JANU_MEDIA_STORE), then these flags. Stop it with Ctrl-C.
///
/// It logs to standard error: text for people, or JSON lines with
/// --log-format json (JANU_LOG_FORMAT), filtered by RUST_LOG (default info).
/// Every request is logged with its method, route, status and latency; the
/// URL it serves on is also printed alone on standard output.
///
/// People sign in with a handle and a password. Make their accounts with
/// `janu users add HANDLE` (same --data-dir / --database); or let anyone make
/// one at /signup with open_signup = true. Each person sees only their own
/// history, and the teachers they share it with. The server answers to IP
/// addresses and localhost; give other names it is reached by (e.g.
/// studio.local) in allowed_hosts.
///
/// To grow past one machine: point several `janu serve` replicas (workers = 0)
/// and any number of `janu worker` processes at one Postgres database, and
/// optionally at one bucket for the media (--media-store); see docs/deploy.md.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 picks one).
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<String>,
    /// Database: a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    /// (add ?sslmode=require to talk to Postgres over TLS).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Folder for the default database and for uploads being analysed.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. A phone's
    /// browser opens the camera for live coaching only on HTTPS pages.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(flatten)]
    server: super::ServerFlags,
}

/// Run `janu serve`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (settings, runtime) = args.server.start(SettingsLayer {
        addr: args.addr,
        database: args.database,
        data_dir: args.data_dir,
        tls_cert: args.tls_cert,
        tls_key: args.tls_key,
        ..Default::default()
    })?;
    let history = super::history_note(&settings);
    if !settings.addr.ip().is_loopback() && settings.tls.is_none() {
        tracing::warn!(
            "listening on {} without TLS: anyone on this network can reach the server, and \
             what they send (pictures of practice, sign-ins) travels unencrypted. Serve on \
             127.0.0.1 unless the network is yours.",
            settings.addr
        );
    }
    runtime.block_on(janu_server::serve(settings, shutdown_signal(), |url| {
        tracing::info!("history in {history}");
        tracing::info!("serving on {url} (Ctrl-C to stop)");
        println!("{url}");
    }))?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C (and on SIGTERM on Unix, as service managers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stopping (finishing the work in flight)");
}
