//! The Janu web server: the pages people use in a browser, the JSON API under
//! `/api` (described by `/api/openapi.json`), upload analysis on a worker pool,
//! and the history with progress charts. Live coaching (`/live`, `/api/live`)
//! lives in the [`live`] module.
//!
//! The router is built by [`app`] from an [`AppState`], apart from any socket, so
//! tests call it directly; [`launch_with_tcp_listener`] serves it on a listener
//! the caller bound (port 0 in tests) until a shutdown future resolves.
//!
//! ```no_run
//! use janu_server::{AppState, Settings, launch_with_tcp_listener};
//!
//! # async fn run() -> Result<(), janu_server::ServerError> {
//! let dir = tempfile::tempdir().unwrap();
//! let settings = Settings::for_tests(dir.path());
//! let listener = tokio::net::TcpListener::bind(settings.addr).await.unwrap();
//! println!("http://{}", listener.local_addr().unwrap());
//! let state = AppState::new(settings).await?;
//! launch_with_tcp_listener(state, listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use janu_store::Store;

pub mod accounts;
pub mod analysis;
// utoipa's macros expand to fully qualified paths that this lint flags.
#[allow(unused_qualifications)]
pub mod api;
mod assets;
pub mod config;
pub mod conn;
mod error;
mod guard;
mod headers;
mod html;
pub mod jobs;
pub mod live;
mod pages;
pub mod report_view;
mod request_log;
pub mod shared_video;
pub mod tls;
pub mod user;
pub mod worker;

pub use assets::Asset;
pub use config::{MAX_UPLOAD_BYTES, Settings, SettingsLayer};
pub use error::ServerError;
pub use html::page;

/// Name of the folder in the data folder where uploads wait for analysis.
pub const UPLOADS_DIR: &str = "uploads";

/// Everything a request handler needs: the store, the analysis workers, the
/// settings. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    store: Store,
    /// Where uploads and key frames are kept.
    media: janu_store::MediaBackend,
    analyzer: jobs::Analyzer,
    /// The workers of this process (none with `workers = 0`); taken at stop.
    workers: std::sync::Mutex<Option<worker::WorkerPool>>,
    uploads: PathBuf,
    /// Uploads being received or prepared at once (see [`AppState::receiving`]).
    receiving: Arc<tokio::sync::Semaphore>,
    /// Password hashes, a few at a time.
    hasher: accounts::Hasher,
    /// Failed sign-ins per handle.
    limiter: accounts::LoginLimiter,
}

impl AppState {
    /// Open the store named by the settings and start the analysis workers.
    /// Must run inside a tokio runtime (the workers save through it).
    ///
    /// # Errors
    /// Store errors (unreachable database, failed migration) and
    /// [`ServerError::Start`] when the uploads folder cannot be created.
    pub async fn new(settings: Settings) -> Result<Self, ServerError> {
        let store = Store::open(&settings.database).await?;
        let state = Self::with_store(settings, store)?;
        state.resume_jobs().await?;
        Ok(state)
    }

    /// As [`AppState::new`] with a store the caller opened.
    ///
    /// # Errors
    /// [`ServerError::Start`] when the uploads folder or a worker cannot be made.
    pub fn with_store(settings: Settings, store: Store) -> Result<Self, ServerError> {
        let uploads = settings.data_dir.join(UPLOADS_DIR);
        std::fs::create_dir_all(&uploads).map_err(|e| {
            ServerError::Start(format!(
                "cannot create the folder {}: {e}",
                uploads.display()
            ))
        })?;
        let swept = remove_files_named(&uploads, api::UPLOAD_PREFIX);
        if swept > 0 {
            tracing::info!(
                files = swept,
                folder = %uploads.display(),
                "removed upload files left by an earlier run"
            );
        }
        let media = report_view::MediaStore::open(&settings.data_dir)?;
        let objects =
            janu_store::MediaBackend::open(settings.media_store.as_deref(), &settings.media_env)?;
        let (sweep_media, sweep_store, sweep_objects) =
            (media.clone(), store.clone(), objects.clone());
        tokio::runtime::Handle::current().spawn(async move {
            let n = sweep_media.sweep_orphans(&sweep_store).await;
            if n > 0 {
                tracing::info!(
                    sessions = n,
                    "removed key frames of sessions that no longer exist"
                );
            }
            if let Some(bucket) = sweep_objects.bucket() {
                match bucket
                    .sweep_orphans(&sweep_store, janu_store::ORPHAN_GRACE)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        objects = n,
                        bucket = %bucket.location(),
                        "removed objects no upload or session names"
                    ),
                    Err(e) => tracing::warn!(
                        bucket = %bucket.location(),
                        error = %e,
                        "sweeping the media bucket failed"
                    ),
                }
            }
        });
        let queue = janu_store::JobQueue::new(
            &store,
            janu_store::QueueSettings {
                lease: settings.job_lease,
            },
        );
        let analyzer = jobs::Analyzer::new(&store, &objects, queue.clone(), settings.queue);
        let workers = if settings.workers > 0 {
            Some(worker::WorkerPool::start(
                &worker::WorkerSettings {
                    workers: settings.workers,
                    model: settings.model,
                    uploads: uploads.clone(),
                    piece_s: shared_video::SHARED_PIECE_S,
                    media: objects.clone(),
                },
                &store,
                &queue,
            )?)
        } else {
            None
        };
        // As many uploads may arrive at once as can wait for and run on the
        // workers; more would only fill the disk with files that get refused.
        let receiving = Arc::new(tokio::sync::Semaphore::new(
            settings.queue + settings.workers,
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                store,
                media: objects,
                analyzer,
                workers: std::sync::Mutex::new(workers),
                uploads,
                receiving,
                hasher: accounts::Hasher::default(),
                limiter: accounts::LoginLimiter::default(),
            }),
        })
    }

    /// Queue again the uploads that no worker holds (accepted before a stop,
    /// a crash or a kill), and remove upload files no job waits for;
    /// [`AppState::new`] does this. Returns how many were queued again.
    ///
    /// # Errors
    /// Store errors.
    pub async fn resume_jobs(&self) -> Result<usize, ServerError> {
        let queue = janu_store::JobQueue::new(
            self.store(),
            janu_store::QueueSettings {
                lease: self.settings().job_lease,
            },
        );
        let n = queue.requeue_stranded(self.store()).await?;
        if n > 0 {
            tracing::info!(
                uploads = n,
                "uploads accepted before the last stop are queued again"
            );
        }
        if self.analyzer().place() == jobs::UploadPlace::Folder {
            jobs::sweep_upload_files(self.store(), self.uploads_dir()).await?;
        }
        Ok(n)
    }

    /// The history store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Where uploads and key frames are kept: the database or a bucket.
    pub fn media(&self) -> &janu_store::MediaBackend {
        &self.inner.media
    }

    /// The settings the server runs with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The analysis workers and their jobs.
    pub fn analyzer(&self) -> &jobs::Analyzer {
        &self.inner.analyzer
    }

    /// Leave to receive one upload, or `None` when as many are arriving as
    /// the queue and the workers can take: checked before a byte is written.
    pub fn receiving(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.inner.receiving).try_acquire_owned().ok()
    }

    /// The password hasher (argon2id on blocking threads, a few at a time).
    pub fn hasher(&self) -> &accounts::Hasher {
        &self.inner.hasher
    }

    /// The per-handle limit on failed sign-ins.
    pub fn limiter(&self) -> &accounts::LoginLimiter {
        &self.inner.limiter
    }

    /// The folder uploads are written to while they wait for analysis.
    pub fn uploads_dir(&self) -> &std::path::Path {
        &self.inner.uploads
    }
}

/// Remove the files in `dir` whose names start with `prefix`: at start, the
/// temporary files an earlier run left behind (a crash or a kill while an
/// upload or a session's key frames were written). Returns how many.
pub(crate) fn remove_files_named(dir: &std::path::Path, prefix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// The whole application: pages, assets, the JSON API and live coaching.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router(&state))
        .merge(live::router())
        .route("/assets/{name}", axum::routing::get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check,
        ))
        .layer(axum::middleware::from_fn(conn::time_limit))
        .layer(axum::middleware::map_response(headers::add))
        // Outermost, so the latency and the status are the client's: after
        // the guard, the time limit and the headers. Server errors are logged
        // with their cause where they are turned into responses (`ServerError`).
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_log::request_span)
                .on_response(request_log::answered)
                .on_failure(()),
        )
        .with_state(state)
}

/// Serve [`app`] on `listener` until `shutdown` resolves, then stop accepting,
/// let requests in flight finish, give running analyses up to
/// [`worker::SHUTDOWN_GRACE`], and close the store. Uploads still waiting stay
/// queued in the database and run at the next start; a session being saved is
/// saved whole or not at all.
///
/// # Errors
/// [`ServerError::Start`] when serving fails.
pub async fn launch_with_tcp_listener(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    launch(state, listener, shutdown).await
}

async fn launch<L>(
    state: AppState,
    listener: L,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError>
where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
{
    let router = app(state.clone());
    conn::serve(listener, router, shutdown).await;
    // Waiting uploads stay queued in the database; running ones get a while
    // to finish, and run again at the next start if they do not.
    state.analyzer().close();
    let pool = state
        .inner
        .workers
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(pool) = pool {
        pool.stop(worker::SHUTDOWN_GRACE).await;
    }
    state.store().close().await;
    Ok(())
}

/// Bind `settings.addr`, open everything, call `on_ready` with the bound URL, and
/// serve until `shutdown` resolves: what `janu serve` runs.
///
/// # Errors
/// [`ServerError::Start`] when the address cannot be bound; as [`AppState::new`].
pub async fn serve(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(&str),
) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| ServerError::Start(format!("cannot listen on {}: {e}", settings.addr)))?;
    let local = listener
        .local_addr()
        .map_err(|e| ServerError::Start(e.to_string()))?;
    // Read the certificate before anything else starts: a wrong file is a
    // start-up error, not a server that cannot be reached.
    let acceptor = match &settings.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key)?),
        None => None,
    };
    let state = AppState::new(settings).await?;
    match acceptor {
        Some(acceptor) => {
            let listener = tls::TlsListener::new(listener, acceptor)
                .map_err(|e| ServerError::Start(e.to_string()))?;
            on_ready(&format!("https://{local}/"));
            launch(state, listener, shutdown).await
        }
        None => {
            on_ready(&format!("http://{local}/"));
            launch(state, listener, shutdown).await
        }
    }
}
