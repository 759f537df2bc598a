//! Uploads as durable jobs: accepted here, analysed by workers anywhere.
//!
//! Every accepted upload is a row in the database (`upload_jobs`) before the
//! client hears 202, with its bytes where every worker can read them: in the
//! media bucket when one is configured (`--media-store s3://...`, streamed in
//! parts, the row keeping only the key), else in the database when it is
//! Postgres (`upload_chunks`, streamed in 1 MiB rows), else in the uploads
//! folder with SQLite (one machine). The job is then handed to the
//! apalis queue on the same database ([`janu_store::JobQueue`]); a worker in
//! this process ([`crate::worker`], `workers` > 0) or in a `janu worker` on any
//! machine takes it, runs it through janu-pipeline and saves the session with
//! its key frames in the transaction that finishes the row, so a job's session
//! is saved exactly once whatever dies when. Progress lives in the row, so
//! any replica answers `GET /api/jobs/{id}`. At most
//! [`Settings::queue`](crate::Settings::queue) uploads wait; past that a new
//! upload is refused with 503 instead of piling up.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use janu_pipeline::{Progress, Stage};
use janu_store::{
    Backend, JobId, JobQueue, MediaBackend, QueueStats, Store, UploadJob, UploadState, UserId,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ServerError;
use crate::analysis::Prepared;

/// Name prefix of an accepted upload's file in the uploads folder.
pub const JOB_FILE_PREFIX: &str = "job-";

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
    /// A job as its database row tells it.
    pub fn from_row(row: &UploadJob) -> Self {
        let (state, stage, progress) = match row.state {
            UploadState::Queued => (JobState::Queued, "waiting for a worker", 0.0),
            UploadState::Running => (
                JobState::Running,
                row.stage.as_deref().unwrap_or("starting"),
                row.progress,
            ),
            UploadState::Done => (JobState::Done, "done", 1.0),
            UploadState::Failed => (JobState::Failed, "failed", 0.0),
        };
        Self {
            id: row.id.0.unsigned_abs(),
            state,
            stage: stage.into(),
            kind: row.kind.clone(),
            media_name: row.media_name.clone(),
            frames_done: row.frames_done.unsigned_abs(),
            frames_total: row.frames_total.map(i64::unsigned_abs),
            progress,
            session_id: row.session.map(|s| s.0),
            error: row.error.clone(),
            user: row.user,
        }
    }
}

/// An accepted upload's file in the uploads folder, deleted when dropped
/// unless `JobFile::keep` hands it to a job.
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

    fn name(&self) -> String {
        self.path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

impl Drop for JobFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Where accepted uploads' bytes wait for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPlace {
    /// In the database (Postgres: every machine reads it).
    Database,
    /// In the uploads folder (SQLite: one machine).
    Folder,
    /// In the media bucket (every machine reads it).
    Bucket,
}

impl UploadPlace {
    /// Where uploads go with `store` and `media`.
    pub fn for_store(store: &Store, media: &MediaBackend) -> Self {
        match (media, store.backend()) {
            (MediaBackend::Bucket(_), _) => Self::Bucket,
            (MediaBackend::Database, Backend::Postgres) => Self::Database,
            (MediaBackend::Database, Backend::Sqlite) => Self::Folder,
        }
    }
}

/// The front of the queue: accepts uploads, answers for their jobs.
pub struct Analyzer {
    store: Store,
    media: MediaBackend,
    queue: JobQueue,
    place: UploadPlace,
    /// Set when the server stops: no new upload is accepted.
    stopping: AtomicBool,
    capacity: usize,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("place", &self.place)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    /// The front of `queue` on `store`, with room for `capacity` waiting
    /// uploads (across every replica: the count is the database's), keeping
    /// their bytes in `media`'s bucket when it has one.
    pub fn new(store: &Store, media: &MediaBackend, queue: JobQueue, capacity: usize) -> Self {
        Self {
            store: store.clone(),
            media: media.clone(),
            place: UploadPlace::for_store(store, media),
            queue,
            stopping: AtomicBool::new(false),
            capacity,
        }
    }

    /// Where uploads' bytes wait.
    pub fn place(&self) -> UploadPlace {
        self.place
    }

    /// Queue a prepared upload of `user` whose bytes are `file`: recorded in
    /// the database first (with its bytes, when the database holds them), so
    /// it survives a restart. The job starts `queued`.
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
        let waiting = self.store.queue_stats().await?.queued;
        if usize::try_from(waiting).unwrap_or(usize::MAX) >= self.capacity {
            return Err(ServerError::Busy);
        }
        let kind = prepared.kind().as_str();
        // The pose model reopens the file on the worker (perhaps another
        // machine); what was opened here only proved the file readable.
        drop(prepared);
        let row = match self.place {
            UploadPlace::Database | UploadPlace::Bucket => {
                let row = self
                    .store
                    .create_upload_job(
                        user,
                        &name,
                        kind,
                        &file.name(),
                        Some(file.path()),
                        &self.media,
                    )
                    .await?;
                drop(file);
                row
            }
            UploadPlace::Folder => {
                let row = self
                    .store
                    .create_upload_job(user, &name, kind, &file.name(), None, &self.media)
                    .await?;
                file.keep();
                row
            }
        };
        if let Err(e) = self.queue.enqueue(row.id).await {
            // The row is saved: a worker's sweep queues it again.
            tracing::warn!(
                job = row.id.0,
                error = %e,
                "job recorded but not queued yet; a worker will find it"
            );
        }
        Ok(Job::from_row(&row))
    }

    /// The job `id` if it belongs to `user`.
    ///
    /// # Errors
    /// Store errors.
    pub async fn job(&self, id: u64, user: UserId) -> Result<Option<Job>, ServerError> {
        let Ok(row_id) = i64::try_from(id) else {
            return Ok(None);
        };
        let row = self.store.upload_job(JobId(row_id)).await?;
        Ok(row.filter(|r| r.user == user).map(|r| Job::from_row(&r)))
    }

    /// The queue's counts (for health and metrics).
    ///
    /// # Errors
    /// Store errors.
    pub async fn stats(&self) -> Result<QueueStats, ServerError> {
        Ok(self.store.queue_stats().await?)
    }

    /// Refuse new uploads (the server is stopping).
    pub fn close(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }
}

/// Remove the upload files in `uploads` that no unfinished job waits for
/// (a crash between receiving a file and recording its job). Returns how many.
///
/// # Errors
/// Store errors.
pub async fn sweep_upload_files(store: &Store, uploads: &Path) -> Result<usize, ServerError> {
    let wanted: std::collections::HashSet<String> = store
        .unfinished_upload_jobs()
        .await?
        .into_iter()
        .map(|r| r.file_name)
        .collect();
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(uploads) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(JOB_FILE_PREFIX)
                && !wanted.contains(&name)
                && std::fs::remove_file(e.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// Share of the progress bar done when the session is being saved.
pub(crate) const SAVING_PROGRESS: f32 = 0.97;

/// How far along a pipeline step is, 0 to 1: the pose model is most of the
/// work (up to 85 %), the analysis and the key frames the rest.
pub(crate) fn progress_of(p: Progress) -> f32 {
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
pub(crate) fn caught<T>(work: impl FnOnce() -> Result<T, ServerError>) -> Result<T, ServerError> {
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
