//! Analysis of uploads on a fixed pool of worker threads behind a bounded queue.
//!
//! The pose model is CPU-heavy, so it never runs on the async runtime: each
//! worker is a plain thread that owns one [`LazyEstimator`] (the model is loaded
//! once per worker, on its first photo or video, and reused) and runs uploads
//! through janu-pipeline, then saves the session and its key frames (see
//! [`crate::report_view`] for how the key frames are kept). Uploads wait in a
//! queue of [`Settings::queue`](crate::Settings::queue) places; when it is full a
//! new upload is refused with 503 instead of piling up. Each job's state is kept
//! in a table the API polls; a finished job points at the saved session.

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

use janu_pipeline::{Progress, Stage};
use janu_store::{Store, UserId};
use janu_vision::{EstimatorOptions, ModelSize};
use serde::Serialize;
use tempfile::TempPath;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::ServerError;
use crate::analysis::{self, LazyEstimator, Prepared};
use crate::report_view::MediaStore;

/// Finished jobs remembered for polling; older ones are forgotten first (their
/// sessions stay in the history).
pub const MAX_KEPT_JOBS: usize = 1000;
/// Threads the model uses inside one worker: the machines Janu targets have 2
/// cores, and one worker with 2 threads keeps both busy.
pub const MODEL_THREADS: usize = 2;

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

/// One queued upload.
struct Task {
    id: u64,
    user: UserId,
    name: String,
    prepared: Prepared,
    /// The uploaded bytes on disk; deleted when the task is dropped.
    _file: TempPath,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    jobs: HashMap<u64, Job>,
    finished: VecDeque<u64>,
}

/// The job table and the queue in front of the workers.
pub struct Analyzer {
    table: Arc<Mutex<Table>>,
    queue: Mutex<Option<SyncSender<Task>>>,
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
    /// Start `workers` threads with queue room for `queue` uploads. Sessions are
    /// saved to `store` through `runtime` (the server's tokio runtime), their key
    /// frames to `media`.
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
        let (tx, rx) = std::sync::mpsc::sync_channel::<Task>(queue);
        let rx = Arc::new(Mutex::new(rx));
        let table = Arc::new(Mutex::new(Table::default()));
        for i in 0..workers {
            let worker = Worker {
                rx: Arc::clone(&rx),
                table: Arc::clone(&table),
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
        })
    }

    /// Queue a prepared upload for `user`; the job starts `queued`.
    ///
    /// # Errors
    /// [`ServerError::Busy`] when the queue is full or the server is stopping.
    pub fn submit(
        &self,
        user: UserId,
        name: String,
        prepared: Prepared,
        file: TempPath,
    ) -> Result<Job, ServerError> {
        let job = {
            let mut t = lock(&self.table);
            t.next_id += 1;
            let job = Job {
                id: t.next_id,
                state: JobState::Queued,
                stage: "waiting for a worker".into(),
                kind: prepared.kind().as_str().into(),
                media_name: name.clone(),
                frames_done: 0,
                frames_total: None,
                progress: 0.0,
                session_id: None,
                error: None,
                user,
            };
            t.jobs.insert(job.id, job.clone());
            job
        };
        let task = Task {
            id: job.id,
            user,
            name,
            prepared,
            _file: file,
        };
        let sent = match lock(&self.queue).as_ref() {
            Some(tx) => tx.try_send(task).map_err(|e| match e {
                TrySendError::Full(_) | TrySendError::Disconnected(_) => ServerError::Busy,
            }),
            None => Err(ServerError::Busy),
        };
        if let Err(e) = sent {
            lock(&self.table).jobs.remove(&job.id);
            return Err(e);
        }
        Ok(job)
    }

    /// The job `id` if it belongs to `user`.
    pub fn job(&self, id: u64, user: UserId) -> Option<Job> {
        lock(&self.table)
            .jobs
            .get(&id)
            .filter(|j| j.user == user)
            .cloned()
    }

    /// Refuse new uploads; workers finish the queued ones and stop.
    pub fn close(&self) {
        lock(&self.queue).take();
    }
}

struct Worker {
    rx: Arc<Mutex<Receiver<Task>>>,
    table: Arc<Mutex<Table>>,
    store: Store,
    media: MediaStore,
    runtime: tokio::runtime::Handle,
    estimator: LazyEstimator,
}

impl Worker {
    fn run(mut self) {
        loop {
            // Hold the receiver only while waiting, so other workers can take
            // the next task while this one works.
            let task = lock(&self.rx).recv();
            let Ok(task) = task else { return };
            let id = task.id;
            let outcome = caught(|| self.work(task));
            let mut t = lock(&self.table);
            if let Some(job) = t.jobs.get_mut(&id) {
                match outcome {
                    Ok(session) => {
                        job.state = JobState::Done;
                        job.stage = "done".into();
                        job.progress = 1.0;
                        job.session_id = Some(session);
                    }
                    Err(e) => {
                        if e.status().is_server_error() {
                            eprintln!("janu-server: job {id}: {e}");
                        }
                        job.state = JobState::Failed;
                        job.stage = "failed".into();
                        job.error = Some(e.public_message());
                    }
                }
            }
            t.finished.push_back(id);
            while t.finished.len() > MAX_KEPT_JOBS {
                if let Some(old) = t.finished.pop_front() {
                    t.jobs.remove(&old);
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
            id,
            user,
            name,
            prepared,
            _file,
        } = task;
        let started_at = OffsetDateTime::now_utc();
        self.update(id, |j| {
            j.state = JobState::Running;
            j.stage = Stage::Landmarks.words().into();
        });
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
        let saved = self.runtime.block_on(self.store.save_session(&new))?;
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
