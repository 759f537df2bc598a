//! The durable upload queue: one row per accepted upload, from `queued` to
//! `done` (with its session, written in the session's own transaction, see
//! [`Store::save_session_for_job`]) or `failed` (with the reason).

use std::path::Path;
use std::time::Duration;

use sqlx::Row;
use time::OffsetDateTime;
use tokio::io::AsyncReadExt as _;

use super::{Store, user_write_error};
use crate::model::normalize_time;
use crate::{Bucket, MEDIA_NAME_MAX_CHARS, MediaBackend, SessionId, StoreError, UserId};

/// Longest failure message kept.
pub const JOB_ERROR_MAX_CHARS: usize = 2000;

/// Identifier of an upload job (the database's row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

/// Where an upload job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadState {
    /// Accepted, waiting for a worker.
    Queued,
    /// A worker took it (or was on it when the server stopped).
    Running,
    /// Its session is saved.
    Done,
    /// It ended without a session.
    Failed,
}

impl UploadState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => return Err(StoreError::corrupt(format!("upload_jobs.state = {s:?}"))),
        })
    }
}

/// An upload job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadJob {
    /// Its id.
    pub id: JobId,
    /// Whose upload.
    pub user: UserId,
    /// The file name the user gave.
    pub media_name: String,
    /// `photo`, `video` or `landmarks`.
    pub kind: String,
    /// The name of the uploaded bytes in the server's uploads folder.
    pub file_name: String,
    /// The key of the uploaded bytes in the media bucket, while the job waits
    /// or runs (see [`crate::Bucket`]).
    pub object_key: Option<String>,
    /// Where it is.
    pub state: UploadState,
    /// Why it failed.
    pub error: Option<String>,
    /// Its session, once done (and while the session exists).
    pub session: Option<SessionId>,
    /// When it was accepted.
    pub created_at: OffsetDateTime,
    /// When it last changed (state or progress).
    pub updated_at: OffsetDateTime,
    /// How many times a worker took it.
    pub attempts: i32,
    /// The worker on it, or the last one that was.
    pub worker: Option<String>,
    /// What the worker is doing, in words, while running.
    pub stage: Option<String>,
    /// Frames through the pose model so far.
    pub frames_done: i64,
    /// Frames expected, when known.
    pub frames_total: Option<i64>,
    /// 0 to 1.
    pub progress: f32,
}

const JOB_COLUMNS: &str = "id, user_id, media_name, kind, file_name, object_key, state, error, \
     session_id, created_at, updated_at, attempts, worker, stage, frames_done, frames_total, \
     progress";

/// Times a worker may take one job: a job whose worker died (killed, out of
/// memory, machine lost) runs again, but an upload that kills every worker
/// that opens it fails after this many tries instead of going round forever.
pub const MAX_JOB_ATTEMPTS: i32 = 3;
/// Size of one stored piece of an upload (`upload_chunks`): large enough that
/// an hour of video is a few thousand rows, small enough that neither side
/// ever holds more than this of it in memory.
pub const UPLOAD_CHUNK_BYTES: usize = 1 << 20;

/// Counts of the queue, for an admin and for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QueueStats {
    /// Jobs waiting for a worker.
    pub queued: i64,
    /// Jobs a worker is on.
    pub running: i64,
    /// Jobs finished with a session.
    pub done: i64,
    /// Jobs finished without one.
    pub failed: i64,
    /// Seconds the oldest waiting job has waited.
    pub oldest_queued_s: f64,
}

macro_rules! job_row {
    ($be:ident, $row:expr) => {{
        let r = $row;
        let state: String = r.try_get("state")?;
        let session: Option<i64> = r.try_get("session_id")?;
        Ok::<_, StoreError>(UploadJob {
            id: JobId(r.try_get("id")?),
            user: UserId(r.try_get("user_id")?),
            media_name: r.try_get("media_name")?,
            kind: r.try_get("kind")?,
            file_name: r.try_get("file_name")?,
            object_key: r.try_get("object_key")?,
            state: UploadState::parse(&state)?,
            error: r.try_get("error")?,
            session: session.map(SessionId),
            created_at: $be::get_ts(r, "created_at")?,
            updated_at: $be::get_ts(r, "updated_at")?,
            attempts: r.try_get("attempts")?,
            worker: r.try_get("worker")?,
            stage: r.try_get("stage")?,
            frames_done: r.try_get("frames_done")?,
            frames_total: r.try_get("frames_total")?,
            progress: r.try_get("progress")?,
        })
    }};
}

fn check_name(field: &str, v: &str) -> Result<(), StoreError> {
    let n = v.chars().count();
    if n == 0 || n > MEDIA_NAME_MAX_CHARS || v.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            field,
            format!("1 to {MEDIA_NAME_MAX_CHARS} characters, no control characters"),
        ));
    }
    Ok(())
}

impl Store {
    /// Records an accepted upload of `user`, queued: `kind` is `photo`,
    /// `video` or `landmarks`. With `bytes`, the file there is kept where
    /// every worker reads it: with [`MediaBackend::Database`] copied into the
    /// database (`upload_chunks`, [`UPLOAD_CHUNK_BYTES`] at a time, never
    /// whole in memory) in the same transaction; with a bucket streamed to
    /// it first (see [`Bucket::put_file`]) and only its key recorded (the
    /// object is deleted again when the row cannot be written). Without
    /// `bytes`, they stay in the uploads folder as `file_name`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for an empty or over-long name or another kind,
    /// [`StoreError::UnknownUser`], [`StoreError::Io`] when `bytes` cannot be
    /// read, [`StoreError::ObjectStore`], [`StoreError::Database`].
    pub async fn create_upload_job(
        &self,
        user: UserId,
        media_name: &str,
        kind: &str,
        file_name: &str,
        bytes: Option<&Path>,
        media: &MediaBackend,
    ) -> Result<UploadJob, StoreError> {
        if !["photo", "video", "landmarks"].contains(&kind) {
            return Err(StoreError::invalid("kind", "photo, video or landmarks"));
        }
        check_name("media_name", media_name)?;
        check_name("file_name", file_name)?;
        let (mut file, object_key) = match (bytes, media.bucket()) {
            (Some(path), Some(bucket)) => {
                let key = Bucket::upload_key(user, file_name);
                bucket.put_file(&key, path).await?;
                (None, Some(key))
            }
            (Some(path), None) => (
                Some(tokio::fs::File::open(path).await.map_err(StoreError::Io)?),
                None,
            ),
            (None, _) => (None, None),
        };
        let now = normalize_time(OffsetDateTime::now_utc());
        let result: Result<i64, ChunkError> = with_backend!(self, |pool, be| {
            async {
                let mut tx = pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO upload_jobs (user_id, media_name, kind, file_name, object_key, \
                     state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6) RETURNING id",
                )
                .bind(user.0)
                .bind(media_name)
                .bind(kind)
                .bind(file_name)
                .bind(object_key.as_deref())
                .bind(be::ts(now))
                .fetch_one(&mut *tx)
                .await?;
                if let Some(file) = file.as_mut() {
                    let mut seq = 0_i32;
                    while let Some(chunk) = read_chunk(file).await? {
                        sqlx::query(
                            "INSERT INTO upload_chunks (job_id, seq, bytes) VALUES ($1, $2, $3)",
                        )
                        .bind(id)
                        .bind(seq)
                        .bind(chunk)
                        .execute(&mut *tx)
                        .await?;
                        seq += 1;
                    }
                }
                tx.commit().await?;
                Ok(id)
            }
            .await
        });
        if let (Err(_), Some(key), Some(bucket)) = (&result, &object_key, media.bucket()) {
            bucket
                .delete_after_commit(std::slice::from_ref(key), &[])
                .await;
        }
        match result {
            Ok(id) => Ok(UploadJob {
                id: JobId(id),
                user,
                media_name: media_name.to_owned(),
                kind: kind.to_owned(),
                file_name: file_name.to_owned(),
                object_key,
                state: UploadState::Queued,
                error: None,
                session: None,
                created_at: now,
                updated_at: now,
                attempts: 0,
                worker: None,
                stage: None,
                frames_done: 0,
                frames_total: None,
                progress: 0.0,
            }),
            Err(ChunkError::Io(e)) => Err(StoreError::Io(e)),
            Err(ChunkError::Db(e)) => Err(user_write_error(e, user)),
        }
    }

    /// Write upload job `id`'s bytes kept in the database or in the media
    /// bucket to `dest` (created or truncated), as they stream in. Returns
    /// the bytes written, `None` when neither holds any for it.
    ///
    /// # Errors
    /// [`StoreError::Io`] when `dest` cannot be written,
    /// [`StoreError::NoBucket`] when they are in a bucket and `media` names
    /// none, [`StoreError::ObjectStore`], [`StoreError::Database`].
    pub async fn copy_upload_bytes(
        &self,
        id: JobId,
        dest: &Path,
        media: &MediaBackend,
    ) -> Result<Option<u64>, StoreError> {
        use tokio::io::AsyncWriteExt as _;
        let key: Option<Option<String>> = with_backend!(self, |pool| {
            sqlx::query_scalar("SELECT object_key FROM upload_jobs WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        if let Some(key) = key.flatten() {
            let bucket = media
                .bucket()
                .ok_or(StoreError::NoBucket { key: key.clone() })?;
            return bucket.copy_to_file(&key, dest).await;
        }
        let mut out: Option<tokio::fs::File> = None;
        let mut written = 0_u64;
        for seq in 0_i32.. {
            let chunk: Option<Vec<u8>> = with_backend!(self, |pool| {
                sqlx::query_scalar("SELECT bytes FROM upload_chunks WHERE job_id = $1 AND seq = $2")
                    .bind(id.0)
                    .bind(seq)
                    .fetch_optional(pool)
                    .await?
            });
            let Some(chunk) = chunk else { break };
            if out.is_none() {
                out = Some(
                    tokio::fs::File::create(dest)
                        .await
                        .map_err(StoreError::Io)?,
                );
            }
            if let Some(f) = out.as_mut() {
                f.write_all(&chunk).await.map_err(StoreError::Io)?;
            }
            written += chunk.len() as u64;
        }
        match out {
            Some(mut f) => {
                f.flush().await.map_err(StoreError::Io)?;
                f.sync_all().await.map_err(StoreError::Io)?;
                Ok(Some(written))
            }
            None => Ok(None),
        }
    }

    /// A worker named `worker` takes job `id`: it becomes running and its
    /// attempts grow by one. A job is taken when it waits, or when it runs but
    /// its worker has not touched it for `lease` (that worker is gone).
    /// `None` when the job is finished, gone, or held by a living worker:
    /// nothing to do.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn take_upload_job(
        &self,
        id: JobId,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<UploadJob>, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let stale = now - lease;
        let worker = worker_name(worker);
        let sql = format!(
            "UPDATE upload_jobs SET state = 'running', attempts = attempts + 1, worker = $1, \
             stage = NULL, frames_done = 0, frames_total = NULL, progress = 0, updated_at = $2 \
             WHERE id = $3 AND (state = 'queued' OR (state = 'running' AND updated_at < $4)) \
             RETURNING {JOB_COLUMNS}"
        );
        with_backend!(self, |pool, be| {
            let row = sqlx::query(&sql)
                .bind(worker)
                .bind(be::ts(now))
                .bind(id.0)
                .bind(be::ts(stale))
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(|r| job_row!(be, r)).transpose()
        })
    }

    /// Worker `worker` is still on job `id` (its lease runs again from now).
    /// Returns false when the job is no longer its own.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn touch_upload_job(&self, id: JobId, worker: &str) -> Result<bool, StoreError> {
        self.update_own_job(id, worker, "updated_at = $1").await
    }

    /// Worker `worker` stops without finishing job `id` (its process is
    /// stopping): the job waits again, for the next worker to take at once.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn release_upload_job(&self, id: JobId, worker: &str) -> Result<bool, StoreError> {
        self.update_own_job(
            id,
            worker,
            "state = 'queued', stage = NULL, updated_at = $1",
        )
        .await
    }

    async fn update_own_job(&self, id: JobId, worker: &str, set: &str) -> Result<bool, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let worker = worker_name(worker);
        let sql = format!(
            "UPDATE upload_jobs SET {set} WHERE id = $2 AND state = 'running' AND worker = $3"
        );
        let n = with_backend!(self, |pool, be| {
            sqlx::query(&sql)
                .bind(be::ts(now))
                .bind(id.0)
                .bind(worker)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// The jobs no living worker holds: queued ones, and running ones whose
    /// worker has not touched them for `lease`. Oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn stranded_upload_jobs(
        &self,
        lease: Duration,
    ) -> Result<Vec<UploadJob>, StoreError> {
        let stale = normalize_time(OffsetDateTime::now_utc()) - lease;
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM upload_jobs WHERE state = 'queued' \
             OR (state = 'running' AND updated_at < $1) ORDER BY id"
        );
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(&sql)
                .bind(be::ts(stale))
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| job_row!(be, r)).collect()
        })
    }

    /// Record how far running job `id` is.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn set_upload_progress(
        &self,
        id: JobId,
        stage: &str,
        frames_done: u64,
        frames_total: Option<u64>,
        progress: f32,
    ) -> Result<(), StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let done = i64::try_from(frames_done).unwrap_or(i64::MAX);
        let total = frames_total.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
        let stage: String = stage.chars().take(MEDIA_NAME_MAX_CHARS).collect();
        with_backend!(self, |pool, be| {
            sqlx::query(
                "UPDATE upload_jobs SET stage = $1, frames_done = $2, frames_total = $3, \
                 progress = $4, updated_at = $5 WHERE id = $6 AND state = 'running'",
            )
            .bind(stage)
            .bind(done)
            .bind(total)
            .bind(progress.clamp(0.0, 1.0))
            .bind(be::ts(now))
            .bind(id.0)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The newest `limit` jobs, of every user, newest first (for an admin).
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn recent_upload_jobs(&self, limit: u32) -> Result<Vec<UploadJob>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM upload_jobs ORDER BY id DESC LIMIT $1");
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(&sql)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| job_row!(be, r)).collect()
        })
    }

    /// Jobs per state and the age of the oldest waiting one.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        let mut stats = QueueStats::default();
        let now = OffsetDateTime::now_utc();
        with_backend!(self, |pool, be| {
            let rows = sqlx::query("SELECT state, count(*) AS n FROM upload_jobs GROUP BY state")
                .fetch_all(pool)
                .await?;
            for r in &rows {
                let state: String = r.try_get("state")?;
                let n: i64 = r.try_get("n")?;
                match UploadState::parse(&state)? {
                    UploadState::Queued => stats.queued = n,
                    UploadState::Running => stats.running = n,
                    UploadState::Done => stats.done = n,
                    UploadState::Failed => stats.failed = n,
                }
            }
            let oldest = sqlx::query(
                "SELECT created_at FROM upload_jobs WHERE state = 'queued' ORDER BY id LIMIT 1",
            )
            .fetch_optional(pool)
            .await?;
            if let Some(r) = oldest {
                let at = be::get_ts(&r, "created_at")?;
                stats.oldest_queued_s = (now - at).as_seconds_f64().max(0.0);
            }
        });
        Ok(stats)
    }

    /// The upload job `id`, if it exists.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn upload_job(&self, id: JobId) -> Result<Option<UploadJob>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM upload_jobs WHERE id = $1");
        with_backend!(self, |pool, be| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            row.as_ref().map(|r| job_row!(be, r)).transpose()
        })
    }

    /// The jobs not finished (queued, or running when the server stopped),
    /// oldest first: what a starting server runs again.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    pub async fn unfinished_upload_jobs(&self) -> Result<Vec<UploadJob>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM upload_jobs WHERE state IN ('queued', 'running') ORDER BY id"
        );
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(&sql).fetch_all(pool).await?;
            rows.iter().map(|r| job_row!(be, r)).collect()
        })
    }

    /// Marks an unfinished job failed with `error`. Its bytes go with it: the
    /// rows in the database in the same transaction, the object in the
    /// bucket once that has committed. Returns whether it was unfinished.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when its bytes are in a bucket and `media`
    /// names none (nothing is changed), [`StoreError::Database`].
    pub async fn fail_upload_job(
        &self,
        id: JobId,
        error: &str,
        media: &MediaBackend,
    ) -> Result<bool, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let error: String = error.chars().take(JOB_ERROR_MAX_CHARS).collect();
        let (n, key) = with_backend!(self, |pool, be| {
            let mut tx = pool.begin().await?;
            let changed = finish_upload_job!(
                tx,
                id.0,
                media,
                sqlx::query(
                    "UPDATE upload_jobs SET state = $1, error = $2, updated_at = $3, \
                     object_key = NULL WHERE id = $4 AND state IN ('queued', 'running')",
                )
                .bind(UploadState::Failed.as_str())
                .bind(&error)
                .bind(be::ts(now))
                .bind(id.0)
            );
            tx.commit().await?;
            changed
        });
        media.delete_after_commit(key.as_slice(), &[]).await;
        Ok(n > 0)
    }
}

/// A worker's name as stored: its first [`MEDIA_NAME_MAX_CHARS`] characters.
pub(super) fn worker_name(worker: &str) -> String {
    worker.chars().take(MEDIA_NAME_MAX_CHARS).collect()
}

/// An error while copying an upload into the database.
enum ChunkError {
    Io(std::io::Error),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ChunkError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}

impl From<std::io::Error> for ChunkError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// The next [`UPLOAD_CHUNK_BYTES`] (fewer at the end) of `file`, `None` at
/// its end.
async fn read_chunk(file: &mut tokio::fs::File) -> Result<Option<Vec<u8>>, std::io::Error> {
    let mut buf = vec![0_u8; UPLOAD_CHUNK_BYTES];
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    if filled == 0 {
        return Ok(None);
    }
    buf.truncate(filled);
    Ok(Some(buf))
}
