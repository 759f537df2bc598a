//! Analysis of uploads on a fixed pool of worker threads behind a bounded,
//! durable queue.
//!
//! The pose model is CPU-heavy, so it never runs on the async runtime: each
//! worker is a plain thread that owns one [`LazyEstimator`] (the model is loaded
//! once per worker, on its first photo or video, and reused) and runs uploads
//! through janu-pipeline, then saves the session and its key frames (see
//! [`crate::report_view`] for how the key frames are kept).
//!
//! Every accepted upload is a row in the database (`upload_jobs`) and a file
//! in the uploads folder named after it, before the client hears 202. The row
//! is finished in the transaction that saves the session (or marked failed),
//! and only then is the file deleted. So a server that stops, crashes or is
//! killed loses nothing it accepted: at the next start [`Analyzer::resume`]
//! runs every job still queued or running, and a job saves its session at
//! most once. At most [`Settings::queue`](crate::Settings::queue) uploads wait;
//! past that a new upload is refused with 503 instead of piling up. Live
//! progress (stage, frames) is kept in memory for the API to poll; a job this
//! process never ran is answered from its row.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use janu_pipeline::{Progress, Stage};
use janu_store::{JobId, Store, StoreError, UploadJob, UploadState, UserId};
use janu_vision::{EstimatorOptions, ModelSize};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::ServerError;
use crate::analysis::{self, LazyEstimator, Prepared};
use crate::report_view::MediaStore;

/// Finished jobs remembered in memory for polling; older ones are answered
/// from the database.
pub const MAX_KEPT_JOBS: usize = 1000;
/// Threads the model uses inside one worker: the machines Janu targets have 2
/// cores, and one worker with 2 threads keeps both busy.
pub const MODEL_THREADS: usize = 2;
/// Name prefix of an accepted upload's file in the uploads folder.
pub const JOB_FILE_PREFIX: &str = "job-";
/// How long a stopping server waits for running analyses to finish before it
/// closes the database; an analysis still running then is run again at the
/// next start.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// A worker is on it.
    Running,
    /// Finished; the session is saved.
    Done,
    /// Finished without a session; `error` says why.
    Failed,
}

/// An upload's analysis, as `GET /api/jobs/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Job {
    /// Its id.
    pub id: u64,
    /// Where it is.
    pub state: JobState,
    /// What it is doing now, in words.
    pub stage: String,
    /// `photo`, `video` or `landmarks`.
    pub kind: String,
    /// The file name the user gave.
    pub media_name: String,
    /// Frames through the pose model so far.
    pub frames_done: u64,
    /// Frames expected (for a video, an estimate from its duration).
    pub frames_total: Option<u64>,
    /// 0 to 1.
    pub progress: f32,
    /// The saved session, when done.
    pub session_id: Option<i64>,
    /// Why it failed, when it failed.
    pub error: Option<String>,
    /// The owner; jobs are shown to their owner only.
    #[serde(skip)]
    pub user: UserId,
}

impl Job {
    /// A job as its database row tells it (no live progress).
    fn from_row(row: &UploadJob) -> Self {
        let (state, stage, progress) = match row.state {
            UploadState::Queued => (JobState::Queued, "waiting for a worker", 0.0),
            UploadState::Running => (JobState::Running, "analysing", 0.0),
            UploadState::Done => (JobState::Done, "done", 1.0),
            UploadState::Failed => (JobState::Failed, "failed", 0.0),
        };
        Self {
            id: row.id.0.unsigned_abs(),
            state,
            stage: stage.into(),
            kind: row.kind.clone(),
            media_name: row.media_name.clone(),
            frames_done: 0,
            frames_total: None,
            progress,
            session_id: row.session.map(|s| s.0),
            error: row.error.clone(),
            user: row.user,
        }
    }
}

/// An accepted upload's file in the uploads folder, deleted when dropped
/// unless [`JobFile::keep`] hands it to a job.
#[derive(Debug)]
pub struct JobFile {
    path: Option<PathBuf>,
}

impl JobFile {
    /// Give a received upload (a temporary file in `dir`) its job name.
    ///
    /// # Errors
    /// [`ServerError::Internal`] when the rename fails.
    pub fn adopt(received: tempfile::TempPath, dir: &Path) -> Result<Self, ServerError> {
        let token = crate::accounts::new_token()?;
        let path = dir.join(format!("{JOB_FILE_PREFIX}{token}.upload"));
        received
            .persist(&path)
            .map_err(|e| ServerError::Internal(format!("keeping an upload: {}", e.error)))?;
        Ok(Self { path: Some(path) })
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    fn keep(mut self) -> PathBuf {
        self.path.take().unwrap_or_default()
    }
}

impl Drop for JobFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// One job for a worker.
struct Task {
    id: JobId,
    user: UserId,
    name: String,
    file: PathBuf,
    /// Opened when the upload arrived; `None` for a job resumed at start.
    prepared: Option<Prepared>,
}

#[derive(Default)]
struct Table {
    jobs: HashMap<u64, Job>,
    finished: VecDeque<u64>,
}

/// The job table and the queue in front of the workers.
pub struct Analyzer {
    table: Arc<Mutex<Table>>,
    queue: Mutex<Option<Sender<Task>>>,
    store: Store,
    /// Jobs sent to the workers and not yet taken.
    waiting: Arc<AtomicUsize>,
    /// Jobs a worker is on.
    running: Arc<AtomicUsize>,
    /// Set when the server stops: workers take no new job.
    stopping: Arc<AtomicBool>,
    capacity: usize,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Analyzer {
    /// Start `workers` threads with room for `queue` waiting uploads. Sessions
    /// are saved to `store` through `runtime` (the server's tokio runtime),
    /// their key frames to `media`.
    ///
    /// # Errors
    /// [`ServerError::Start`] when a thread cannot be started.
    pub fn start(
        workers: usize,
        queue: usize,
        model: ModelSize,
        store: &Store,
        media: &MediaStore,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Self, ServerError> {
        let (tx, rx) = std::sync::mpsc::channel::<Task>();
        let rx = Arc::new(Mutex::new(rx));
        let table = Arc::new(Mutex::new(Table::default()));
        let waiting = Arc::new(AtomicUsize::new(0));
        let running = Arc::new(AtomicUsize::new(0));
        let stopping = Arc::new(AtomicBool::new(false));
        for i in 0..workers {
            let worker = Worker {
                rx: Arc::clone(&rx),
                table: Arc::clone(&table),
                waiting: Arc::clone(&waiting),
                running: Arc::clone(&running),
                stopping: Arc::clone(&stopping),
                store: store.clone(),
                media: media.clone(),
                runtime: runtime.clone(),
                estimator: LazyEstimator::new(EstimatorOptions {
                    model,
                    threads: MODEL_THREADS,
                    ..Default::default()
                }),
            };
            std::thread::Builder::new()
                .name(format!("janu-analysis-{i}"))
                .spawn(move || worker.run())
                .map_err(|e| ServerError::Start(format!("starting an analysis worker: {e}")))?;
        }
        Ok(Self {
            table,
            queue: Mutex::new(Some(tx)),
            store: store.clone(),
            waiting,
            running,
            stopping,
            capacity: queue,
        })
    }

    fn send(&self, task: Task) -> bool {
        match lock(&self.queue).as_ref() {
            Some(tx) => tx.send(task).is_ok(),
            None => false,
        }
    }

    /// Queue a prepared upload of `user` whose bytes are `file`: recorded in
    /// the database first, so it survives a restart. The job starts `queued`.
    ///
    /// # Errors
    /// [`ServerError::Busy`] when [`Settings::queue`](crate::Settings::queue)
    /// uploads already wait or the server is stopping; store errors.
    pub async fn submit(
        &self,
        user: UserId,
        name: String,
        prepared: Prepared,
        file: JobFile,
    ) -> Result<Job, ServerError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(ServerError::Busy);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(ServerError::Busy);
        }
        let file_name = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = prepared.kind().as_str();
        let row = match self
            .store
            .create_upload_job(user, &name, kind, &file_name)
            .await
        {
            Ok(row) => row,
            Err(e) => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err(e.into());
            }
        };
        let job = Job::from_row(&row);
        lock(&self.table).jobs.insert(job.id, job.clone());
        let sent = self.send(Task {
            id: row.id,
            user,
            name,
            file: file.keep(),
            prepared: Some(prepared),
        });
        if !sent {
            // Stopping: the job stays queued in the database and runs at the
            // next start.
            self.waiting.fetch_sub(1, Ordering::SeqCst);
        }
        Ok(job)
    }

    /// Run again every job the database holds as queued or running (a stop,
    /// a crash or a kill came first), oldest first; a job whose file is gone
    /// fails saying so. Then remove upload files no job waits for. Returns how
    /// many jobs were queued again.
    ///
    /// # Errors
    /// Store errors.
    pub async fn resume(&self, uploads: &Path) -> Result<usize, ServerError> {
        let jobs = self.store.unfinished_upload_jobs().await?;
        let mut queued = 0;
        let mut wanted = std::collections::HashSet::new();
        for row in jobs {
            let file = uploads.join(&row.file_name);
            if !file.is_file() {
                self.store
                    .fail_upload_job(
                        row.id,
                        "the uploaded file was lost while the server was stopped; upload it again",
                    )
                    .await?;
                continue;
            }
            wanted.insert(row.file_name.clone());
            let job = Job::from_row(&row);
            lock(&self.table).jobs.insert(job.id, job);
            self.waiting.fetch_add(1, Ordering::SeqCst);
            if self.send(Task {
                id: row.id,
                user: row.user,
                name: row.media_name,
                file,
                prepared: None,
            }) {
                queued += 1;
            } else {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if let Ok(entries) = std::fs::read_dir(uploads) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(JOB_FILE_PREFIX) && !wanted.contains(&name) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(queued)
    }

    /// The job `id` if it belongs to `user`: live from memory, else from the
    /// database (a job from before a restart, or long finished).
    ///
    /// # Errors
    /// Store errors.
    pub async fn job(&self, id: u64, user: UserId) -> Result<Option<Job>, ServerError> {
        if let Some(job) = lock(&self.table).jobs.get(&id) {
            return Ok((job.user == user).then(|| job.clone()));
        }
        let Ok(row_id) = i64::try_from(id) else {
            return Ok(None);
        };
        let row = self.store.upload_job(JobId(row_id)).await?;
        Ok(row.filter(|r| r.user == user).map(|r| Job::from_row(&r)))
    }

    /// Refuse new uploads; workers finish the job they are on and take no
    /// other (jobs still waiting stay queued in the database for the next
    /// start).
    pub fn close(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        lock(&self.queue).take();
    }

    /// Wait until no worker is running a job, or `grace` has passed.
    pub async fn drain(&self, grace: Duration) {
        let deadline = tokio::time::Instant::now() + grace;
        while self.running.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

struct Worker {
    rx: Arc<Mutex<Receiver<Task>>>,
    table: Arc<Mutex<Table>>,
    waiting: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
    stopping: Arc<AtomicBool>,
    store: Store,
    media: MediaStore,
    runtime: tokio::runtime::Handle,
    estimator: LazyEstimator,
}

/// How a job ended, as far as the worker knows.
enum Outcome {
    /// Saved with this session.
    Saved(i64),
    /// Failed with this error (recorded as the job's end).
    Failed(ServerError),
    /// The job is gone (deleted with its user) or already finished elsewhere.
    Gone,
    /// The database could not record the end (the server stopping): the row
    /// stays unfinished and the job runs again at the next start.
    Unrecorded,
}

impl Worker {
    fn run(mut self) {
        loop {
            // Hold the receiver only while waiting, so other workers can take
            // the next task while this one works.
            let task = lock(&self.rx).recv();
            let Ok(task) = task else { return };
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            if self.stopping.load(Ordering::SeqCst) {
                // Stays queued in the database; runs at the next start.
                continue;
            }
            self.running.fetch_add(1, Ordering::SeqCst);
            let id = task.id.0.unsigned_abs();
            let file = task.file.clone();
            let outcome = self.finish(task);
            if !matches!(outcome, Outcome::Unrecorded) {
                let _ = std::fs::remove_file(&file);
            }
            let mut t = lock(&self.table);
            if let Some(job) = t.jobs.get_mut(&id) {
                match outcome {
                    Outcome::Saved(session) => {
                        job.state = JobState::Done;
                        job.stage = "done".into();
                        job.progress = 1.0;
                        job.session_id = Some(session);
                    }
                    Outcome::Failed(e) => {
                        job.state = JobState::Failed;
                        job.stage = "failed".into();
                        job.error = Some(e.public_message());
                    }
                    Outcome::Gone => {
                        job.state = JobState::Failed;
                        job.stage = "failed".into();
                        job.error = Some("the upload's account was deleted".into());
                    }
                    Outcome::Unrecorded => {
                        job.stage = "interrupted; it runs again when the server is back".into();
                    }
                }
            }
            t.finished.push_back(id);
            while t.finished.len() > MAX_KEPT_JOBS {
                if let Some(old) = t.finished.pop_front() {
                    t.jobs.remove(&old);
                }
            }
            drop(t);
            self.running.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Run one job and record its end in the database.
    fn finish(&mut self, task: Task) -> Outcome {
        let id = task.id;
        match self.runtime.block_on(self.store.start_upload_job(id)) {
            Ok(true) => {}
            Ok(false) => return Outcome::Gone,
            Err(_) => return Outcome::Unrecorded,
        }
        match caught(|| self.work(task)) {
            Ok(session) => Outcome::Saved(session),
            Err(ServerError::Store(StoreError::JobGone(_))) => Outcome::Gone,
            Err(e) => {
                if e.status().is_server_error() {
                    eprintln!("janu-server: job {}: {e}", id.0);
                }
                match self
                    .runtime
                    .block_on(self.store.fail_upload_job(id, &e.public_message()))
                {
                    Ok(_) => Outcome::Failed(e),
                    Err(_) => Outcome::Unrecorded,
                }
            }
        }
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Job)) {
        if let Some(job) = lock(&self.table).jobs.get_mut(&id) {
            f(job);
        }
    }

    fn work(&mut self, task: Task) -> Result<i64, ServerError> {
        let Task {
            id: job_id,
            user,
            name,
            file,
            prepared,
        } = task;
        let id = job_id.0.unsigned_abs();
        let started_at = OffsetDateTime::now_utc();
        self.update(id, |j| {
            j.state = JobState::Running;
            j.stage = Stage::Landmarks.words().into();
        });
        let prepared = match prepared {
            Some(p) => p,
            None => analysis::prepare(&file, &name)?,
        };
        let table = Arc::clone(&self.table);
        let analysis = prepared
            .run(&mut self.estimator, &mut |p| {
                if let Some(job) = lock(&table).jobs.get_mut(&id) {
                    job.stage = p.stage.words().into();
                    job.progress = job.progress.max(progress_of(p));
                    if p.stage == Stage::Landmarks {
                        job.frames_done = p.done;
                        job.frames_total = p.total;
                    }
                }
            })
            .map_err(analysis::pipeline_error)?;
        self.update(id, |j| {
            j.stage = "saving to your history".into();
            j.progress = SAVING_PROGRESS;
        });
        let new = analysis::new_session(user, &analysis.report, &name, started_at)?;
        // The key frames go to disk first; they get the session's name only once
        // the session's transaction has committed (dropped on failure).
        let owner = crate::report_view::MediaOwner::of(&new);
        let staged = self.media.stage(&analysis.media, owner)?;
        let saved = self
            .runtime
            .block_on(self.store.save_session_for_job(&new, job_id))?;
        if let Err(e) = staged.commit(saved) {
            eprintln!(
                "janu-server: job {id}: session {} saved without key frames: {e}",
                saved.0
            );
        }
        Ok(saved.0)
    }
}

/// Share of the progress bar done when the session is being saved.
const SAVING_PROGRESS: f32 = 0.97;

/// How far along a pipeline step is, 0 to 1: the pose model is most of the
/// work (up to 85 %), the analysis and the key frames the rest.
fn progress_of(p: Progress) -> f32 {
    let frac = p
        .total
        .map_or(0.0, |t| (p.done as f32 / t.max(1) as f32).min(1.0));
    match p.stage {
        Stage::LoadingModel => 0.0,
        Stage::Landmarks => 0.85 * frac,
        Stage::Analysing => 0.88,
        Stage::KeyFrames => 0.9 + 0.06 * frac,
    }
}

/// Run `work`, turning a panic into an error: one bad file fails its own job
/// and never takes a worker (and, one worker at a time, the server) down.
fn caught<T>(work: impl FnOnce() -> Result<T, ServerError>) -> Result<T, ServerError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Err(ServerError::Internal(format!(
            "the analysis panicked: {what}"
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_analysis_becomes_a_failed_job() {
        let err = caught::<i64>(|| panic!("capacity overflow")).unwrap_err();
        assert!(err.to_string().contains("capacity overflow"), "{err}");
        assert!(err.status().is_server_error());
        assert!(!err.public_message().contains("capacity"));
        assert_eq!(caught(|| Ok(7)).unwrap(), 7);
    }
}
