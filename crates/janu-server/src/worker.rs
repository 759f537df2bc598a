//! Analysis workers: apalis workers on the job queue, each running one upload
//! at a time through janu-pipeline. `janu serve` starts `workers` of them in
//! its own process; `janu worker` starts them and nothing else, on any
//! machine that reaches the database.
//!
//! The pose model is CPU-heavy, so it never runs on the async runtime: each
//! job runs on a blocking thread, with the worker's own [`LazyEstimator`]
//! (loaded on the first job, reused after). Beside it a heartbeat touches the
//! job's row every quarter lease; a worker that stops touching (killed,
//! machine lost) loses the job to the next worker that is handed it (apalis
//! hands out the tasks of workers that stopped sending their own heartbeat,
//! and a sweep every half lease queues again any job no living worker holds).
//! Whichever worker saves first saves the only session: the save and the end
//! of the row are one transaction.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use apalis::layers::WorkerBuilderExt as _;
use apalis::prelude::{Data, Monitor, WorkerBuilder, WorkerFactoryFn as _};
use janu_pipeline::Stage;
use janu_store::{
    AnalyseUpload, JobId, JobQueue, MAX_JOB_ATTEMPTS, MediaBackend, QueueStorage, Store,
    StoreError, UploadJob, UploadState,
};
use janu_vision::{EstimatorOptions, ModelSize};
use time::OffsetDateTime;

use crate::ServerError;
use crate::analysis::{self, LazyEstimator};
use crate::jobs::{SAVING_PROGRESS, UploadPlace, caught, progress_of};
use crate::shared_video::{PieceWork, SHARED_PIECE_S, is_shared};

/// Threads the model uses inside one worker: the machines Janu targets have 2
/// cores, and one worker with 2 threads keeps both busy.
pub const MODEL_THREADS: usize = 2;
/// How long a stopping process waits for running analyses to finish; a job
/// still running then is handed back to the queue for another worker.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// Least time between two progress writes of one job: a poll a second sees
/// it move, and the database is not written once per frame.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// What a pool of workers needs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Workers (jobs at once) in this process.
    pub workers: usize,
    /// The landmark model they load.
    pub model: ModelSize,
    /// The uploads folder: where uploads wait with SQLite, and where a worker
    /// copies an upload kept in the database while it analyses it.
    pub uploads: PathBuf,
    /// A video longer than a few of these is shared between workers in
    /// pieces of this many seconds ([`crate::shared_video`]); 0 never shares.
    pub piece_s: f64,
    /// Where uploads and key frames are kept (the database, or a bucket).
    pub media: MediaBackend,
}

/// The workers of this process. Stop them with [`WorkerPool::stop`].
pub struct WorkerPool {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    monitor: tokio::task::JoinHandle<()>,
    sweeper: tokio::task::JoinHandle<()>,
    runners: Vec<Arc<Runner>>,
    scratch: Option<PathBuf>,
}

impl std::fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerPool")
            .field("workers", &self.runners.len())
            .finish_non_exhaustive()
    }
}

/// Name prefix of a worker process's scratch folder in the uploads folder
/// (copies of uploads kept in the database, while they are analysed).
pub const SCRATCH_PREFIX: &str = ".work-";

fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && !h.contains(['/', '\\']))
        .unwrap_or_else(|| "janu".into())
}

/// This process's name for its workers: the host and the process id, so two
/// processes never share one (apalis tells workers apart by name).
pub fn process_name() -> String {
    format!("{}-{}", host_name(), std::process::id())
}

/// Make this process's scratch folder in `uploads`, and remove those of
/// processes of this host that are gone (killed before they could clean up).
fn scratch_dir(uploads: &Path) -> Result<PathBuf, ServerError> {
    let own = format!("{SCRATCH_PREFIX}{}", process_name());
    let host = format!("{SCRATCH_PREFIX}{}-", host_name());
    if let Ok(entries) = std::fs::read_dir(uploads) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid = name.strip_prefix(&host).and_then(|p| p.parse::<u32>().ok());
            if let Some(pid) = pid {
                let alive = Path::new(&format!("/proc/{pid}")).exists();
                if name != own && !alive && Path::new("/proc/self").exists() {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
    let dir = uploads.join(own);
    std::fs::create_dir_all(&dir).map_err(|e| {
        ServerError::Start(format!("cannot create the folder {}: {e}", dir.display()))
    })?;
    Ok(dir)
}

impl WorkerPool {
    /// Start `settings.workers` workers on `queue` (the queue of `store`),
    /// inside the current tokio runtime.
    ///
    /// # Errors
    /// [`ServerError::Start`] when the uploads folder cannot be created.
    pub fn start(
        settings: &WorkerSettings,
        store: &Store,
        queue: &JobQueue,
    ) -> Result<Self, ServerError> {
        std::fs::create_dir_all(&settings.uploads).map_err(|e| {
            ServerError::Start(format!(
                "cannot create the folder {}: {e}",
                settings.uploads.display()
            ))
        })?;
        // Only uploads kept in the database or a bucket are copied out to be
        // analysed.
        let place = UploadPlace::for_store(store, &settings.media);
        let scratch = match place {
            UploadPlace::Database | UploadPlace::Bucket => Some(scratch_dir(&settings.uploads)?),
            UploadPlace::Folder => None,
        };
        let runtime = tokio::runtime::Handle::current();
        let prefix = process_name();
        let mut monitor = Monitor::new().shutdown_timeout(SHUTDOWN_GRACE);
        let mut runners = Vec::new();
        for i in 0..settings.workers {
            let runner = Arc::new(Runner {
                name: format!("{prefix}-{i}"),
                store: store.clone(),
                lease: queue.lease(),
                place,
                media: settings.media.clone(),
                uploads: settings.uploads.clone(),
                scratch: scratch.clone().unwrap_or_else(|| settings.uploads.clone()),
                estimator: Mutex::new(LazyEstimator::new(EstimatorOptions {
                    model: settings.model,
                    threads: MODEL_THREADS,
                    ..Default::default()
                })),
                runtime: runtime.clone(),
                current: Mutex::new(None),
                queue: queue.clone(),
                piece_s: settings.piece_s,
            });
            runners.push(Arc::clone(&runner));
            let builder = WorkerBuilder::new(runner.name.clone())
                .concurrency(1)
                .data(runner);
            monitor = match queue.storage().clone() {
                QueueStorage::Sqlite(s) => monitor.register(builder.backend(s).build_fn(analyse)),
                QueueStorage::Postgres(s) => monitor.register(builder.backend(s).build_fn(analyse)),
            };
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let monitor = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.await;
                Ok(())
            };
            if let Err(e) = monitor.run_with_signal(signal).await {
                tracing::error!(error = %e, "the job queue stopped");
            }
        });
        let (sweep_store, sweep_queue) = (store.clone(), queue.clone());
        let sweeper = tokio::spawn(async move {
            let mut every = tokio::time::interval(sweep_queue.lease() / 2);
            loop {
                every.tick().await;
                match sweep_queue.requeue_stranded(&sweep_store).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(jobs = n, "jobs no worker held are queued again"),
                    Err(e) => tracing::warn!(error = %e, "looking for stranded jobs failed"),
                }
            }
        });
        Ok(Self {
            stop: Some(stop),
            monitor,
            sweeper,
            runners,
            scratch,
        })
    }

    /// Workers in this pool.
    pub fn len(&self) -> usize {
        self.runners.len()
    }

    /// Whether the pool has no workers.
    pub fn is_empty(&self) -> bool {
        self.runners.is_empty()
    }

    /// Take no new job, give running ones up to `grace` to finish, and hand
    /// back to the queue (for another worker, at once) any still running.
    pub async fn stop(mut self, grace: Duration) {
        self.sweeper.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(grace, &mut self.monitor).await;
        for r in &self.runners {
            let current = *lock(&r.current);
            if let Some(id) = current
                && let Ok(true) = r.store.release_upload_job(id, &r.name).await
            {
                tracing::info!(job = id.0, "job handed back to the queue");
            }
        }
        if let Some(dir) = &self.scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One worker: its name, its model, the job it is on.
struct Runner {
    name: String,
    store: Store,
    lease: Duration,
    place: UploadPlace,
    media: MediaBackend,
    uploads: PathBuf,
    scratch: PathBuf,
    estimator: Mutex<LazyEstimator>,
    runtime: tokio::runtime::Handle,
    current: Mutex<Option<JobId>>,
    queue: JobQueue,
    piece_s: f64,
}

/// A job that could not be recorded (the database did not answer): apalis
/// delivers it again.
#[derive(Debug, thiserror::Error)]
#[error("job {job}: {source}")]
pub struct Unrecorded {
    job: i64,
    source: ServerError,
}

/// The apalis handler: take the row, run it on a blocking thread beside a
/// heartbeat, and record its end.
async fn analyse(task: AnalyseUpload, runner: Data<Arc<Runner>>) -> Result<(), Unrecorded> {
    let runner = Arc::clone(&runner);
    let id = JobId(task.job);
    let unrecorded = |e: StoreError| Unrecorded {
        job: id.0,
        source: e.into(),
    };
    if task.helper > 0 {
        let worker = Arc::clone(&runner);
        // A helper holds no job: whatever goes wrong, the job's own worker
        // takes the piece again after its lease, and says why if it fails.
        match tokio::task::spawn_blocking(move || worker.help(id)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(job = id.0, error = %e, "helping with a job failed"),
            Err(e) => tracing::warn!(job = id.0, error = %e, "helping with a job failed"),
        }
        return Ok(());
    }
    let Some(row) = runner
        .store
        .take_upload_job(id, &runner.name, runner.lease)
        .await
        .map_err(unrecorded)?
    else {
        // Finished, gone, or held by a living worker.
        return Ok(());
    };
    if row.attempts > MAX_JOB_ATTEMPTS {
        let why = format!(
            "the analysis of this file stopped its worker {} times; it was given up \
             (try a shorter or re-encoded file)",
            row.attempts - 1
        );
        runner
            .store
            .fail_upload_job(id, &why, &runner.media)
            .await
            .map_err(unrecorded)?;
        return Ok(());
    }
    *lock(&runner.current) = Some(id);
    let beat = {
        let (store, name, every) = (runner.store.clone(), runner.name.clone(), runner.lease / 4);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let _ = store.touch_upload_job(id, &name).await;
            }
        })
    };
    let worker = Arc::clone(&runner);
    let ended = tokio::task::spawn_blocking(move || worker.run(&row)).await;
    beat.abort();
    *lock(&runner.current) = None;
    match ended {
        Ok(result) => result.map_err(|source| Unrecorded { job: id.0, source }),
        Err(e) => Err(Unrecorded {
            job: id.0,
            source: ServerError::Internal(format!("the analysis thread ended: {e}")),
        }),
    }
}

impl Runner {
    /// Run one taken job to its end. `Err` only when the end could not be
    /// recorded (the job then runs again).
    fn run(&self, row: &UploadJob) -> Result<(), ServerError> {
        let id = row.id;
        let local = match self.place {
            UploadPlace::Folder => LocalUpload::kept(self.uploads.join(&row.file_name)),
            UploadPlace::Database | UploadPlace::Bucket => match self.copy_out(id, "job-")? {
                Some(tmp) => LocalUpload::scratch(tmp),
                None => LocalUpload::kept(PathBuf::new()),
            },
        };
        let outcome = if local.path().is_file() {
            caught(|| self.work(row, local.path()))
        } else {
            Err(ServerError::Unprocessable(
                "the uploaded file was lost before it was analysed; upload it again".into(),
            ))
        };
        match outcome {
            Ok(()) | Err(ServerError::Store(StoreError::JobGone(_))) => {
                local.finished();
                Ok(())
            }
            Err(e @ ServerError::Store(_)) => Err(e),
            Err(e) => {
                if e.status().is_server_error() {
                    tracing::error!(job = id.0, error = %e, "job failed");
                }
                self.runtime.block_on(self.store.fail_upload_job(
                    id,
                    &e.public_message(),
                    &self.media,
                ))?;
                local.finished();
                Ok(())
            }
        }
    }

    /// Copy job `id`'s upload out of the database or the bucket into a
    /// scratch file named `prefix`...; `None` when neither holds its bytes.
    fn copy_out(&self, id: JobId, prefix: &str) -> Result<Option<tempfile::TempPath>, ServerError> {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempfile_in(&self.scratch)
            .map_err(|e| ServerError::Internal(format!("a scratch file: {e}")))?
            .into_temp_path();
        let copied = self
            .runtime
            .block_on(self.store.copy_upload_bytes(id, &tmp, &self.media))?;
        Ok(copied.map(|_| tmp))
    }

    /// Help with the pieces of job `id`, held by another worker, while it
    /// runs and has pieces free.
    fn help(&self, id: JobId) -> Result<usize, ServerError> {
        let row = self.runtime.block_on(self.store.upload_job(id))?;
        let Some(row) = row.filter(|r| r.state == UploadState::Running) else {
            return Ok(0);
        };
        let pieces = self.runtime.block_on(self.store.upload_pieces(id))?;
        if pieces.iter().all(|p| p.done) {
            return Ok(0);
        }
        // The upload's own file is the job worker's to delete; a copy out of
        // the database is this helper's.
        let (path, _copy) = match self.place {
            UploadPlace::Folder => (self.uploads.join(&row.file_name), None),
            UploadPlace::Database | UploadPlace::Bucket => match self.copy_out(id, "help-")? {
                Some(tmp) => (tmp.to_path_buf(), Some(tmp)),
                None => return Ok(0),
            },
        };
        caught(|| self.pieces().help(id, &path, &row.media_name))
    }

    fn pieces(&self) -> PieceWork<'_> {
        PieceWork {
            name: &self.name,
            store: &self.store,
            lease: self.lease,
            estimator: &self.estimator,
            runtime: &self.runtime,
            queue: &self.queue,
            piece_s: self.piece_s,
        }
    }

    fn progress(&self, id: JobId, stage: &str, done: u64, total: Option<u64>, progress: f32) {
        let _ = self.runtime.block_on(
            self.store
                .set_upload_progress(id, stage, done, total, progress),
        );
    }

    fn work(&self, row: &UploadJob, file: &Path) -> Result<(), ServerError> {
        let id = row.id;
        let started_at = OffsetDateTime::now_utc();
        self.progress(id, Stage::LoadingModel.words(), 0, None, 0.0);
        let mut prepared = analysis::prepare(file, &row.media_name)?;
        let mut last = Instant::now();
        let mut furthest = 0.0_f32;
        let duration = prepared.video_duration_s();
        if let Some(duration) = duration.filter(|_| is_shared(duration, self.piece_s)) {
            prepared = self
                .pieces()
                .track_all(id, prepared, file, duration, &mut |p| {
                    furthest = furthest.max(progress_of(p));
                    self.progress(id, p.stage.words(), p.done, p.total, furthest);
                })?;
        }
        let analysis = {
            let mut estimator = lock(&self.estimator);
            prepared
                .run(&mut *estimator, &mut |p| {
                    furthest = furthest.max(progress_of(p));
                    if last.elapsed() >= PROGRESS_EVERY {
                        last = Instant::now();
                        let (done, total) = if p.stage == Stage::Landmarks {
                            (p.done, p.total)
                        } else {
                            (0, None)
                        };
                        self.progress(id, p.stage.words(), done, total, furthest);
                    }
                })
                .map_err(analysis::pipeline_error)?
        };
        self.progress(id, "saving to your history", 0, None, SAVING_PROGRESS);
        let new = analysis::new_session(row.user, &analysis.report, &row.media_name, started_at)?;
        let media = serde_json::to_vec(&analysis.media)
            .map_err(|e| ServerError::Internal(format!("key frames to JSON: {e}")))?;
        self.runtime.block_on(self.store.save_session_for_job(
            &new,
            id,
            Some(&media),
            &self.media,
        ))?;
        Ok(())
    }
}

/// The upload's bytes on this machine while a worker analyses them.
enum LocalUpload {
    /// The upload's own file in the uploads folder (SQLite): deleted once
    /// its job has ended, kept while it may run again.
    Kept(PathBuf),
    /// A copy out of the database: deleted when dropped.
    Scratch(tempfile::TempPath),
}

impl LocalUpload {
    fn kept(path: PathBuf) -> Self {
        Self::Kept(path)
    }

    fn scratch(path: tempfile::TempPath) -> Self {
        Self::Scratch(path)
    }

    fn path(&self) -> &Path {
        match self {
            Self::Kept(p) => p,
            Self::Scratch(p) => p,
        }
    }

    /// The job has ended: its bytes are no longer needed.
    fn finished(self) {
        if let Self::Kept(p) = self
            && !p.as_os_str().is_empty()
        {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// What `janu worker` runs: open the database named by `settings`, queue
/// again any job no worker holds, start `settings.workers` workers, call
/// `on_ready` with their names' prefix, and work until `shutdown` resolves;
/// then stop as [`WorkerPool::stop`] does.
///
/// # Errors
/// [`ServerError::Config`] for zero workers; store errors; as
/// [`WorkerPool::start`].
pub async fn run(
    settings: &crate::Settings,
    shutdown: impl Future<Output = ()>,
    on_ready: impl FnOnce(&str),
) -> Result<(), ServerError> {
    if settings.workers == 0 {
        return Err(ServerError::Config(
            "workers = 0: a worker process needs at least 1".into(),
        ));
    }
    let store = Store::open(&settings.database).await?;
    let media = MediaBackend::open(settings.media_store.as_deref(), &settings.media_env)?;
    let queue = JobQueue::new(
        &store,
        janu_store::QueueSettings {
            lease: settings.job_lease,
        },
    );
    let pool = WorkerPool::start(
        &WorkerSettings {
            workers: settings.workers,
            model: settings.model,
            uploads: settings.data_dir.join(crate::UPLOADS_DIR),
            piece_s: SHARED_PIECE_S,
            media,
        },
        &store,
        &queue,
    )?;
    let requeued = queue.requeue_stranded(&store).await?;
    if requeued > 0 {
        tracing::info!(jobs = requeued, "jobs no worker held are queued again");
    }
    on_ready(&process_name());
    shutdown.await;
    pool.stop(SHUTDOWN_GRACE).await;
    store.close().await;
    Ok(())
}
