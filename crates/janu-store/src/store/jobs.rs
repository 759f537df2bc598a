//! The durable upload queue: one row per accepted upload, from `queued` to
//! `done` (with its session, written in the session's own transaction, see
//! [`Store::save_session_for_job`]) or `failed` (with the reason).

use sqlx::Row;
use time::OffsetDateTime;

use super::{Store, is_foreign_key_violation};
use crate::model::normalize_time;
use crate::{MEDIA_NAME_MAX_CHARS, SessionId, StoreError, UserId};

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
    /// Where it is.
    pub state: UploadState,
    /// Why it failed.
    pub error: Option<String>,
    /// Its session, once done (and while the session exists).
    pub session: Option<SessionId>,
    /// When it was accepted.
    pub created_at: OffsetDateTime,
}

const JOB_COLUMNS: &str =
    "id, user_id, media_name, kind, file_name, state, error, session_id, created_at";

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
            state: UploadState::parse(&state)?,
            error: r.try_get("error")?,
            session: session.map(SessionId),
            created_at: $be::get_ts(r, "created_at")?,
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
    /// `video` or `landmarks`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for an empty or over-long name or another kind,
    /// [`StoreError::UnknownUser`], [`StoreError::Database`].
    pub async fn create_upload_job(
        &self,
        user: UserId,
        media_name: &str,
        kind: &str,
        file_name: &str,
    ) -> Result<UploadJob, StoreError> {
        if !["photo", "video", "landmarks"].contains(&kind) {
            return Err(StoreError::invalid("kind", "photo, video or landmarks"));
        }
        check_name("media_name", media_name)?;
        check_name("file_name", file_name)?;
        let now = normalize_time(OffsetDateTime::now_utc());
        let result: Result<i64, sqlx::Error> = with_backend!(self, |pool, be| {
            sqlx::query_scalar(
                "INSERT INTO upload_jobs (user_id, media_name, kind, file_name, state, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, 'queued', $5, $5) RETURNING id",
            )
            .bind(user.0)
            .bind(media_name)
            .bind(kind)
            .bind(file_name)
            .bind(be::ts(now))
            .fetch_one(pool)
            .await
        });
        match result {
            Ok(id) => Ok(UploadJob {
                id: JobId(id),
                user,
                media_name: media_name.to_owned(),
                kind: kind.to_owned(),
                file_name: file_name.to_owned(),
                state: UploadState::Queued,
                error: None,
                session: None,
                created_at: now,
            }),
            Err(e) if is_foreign_key_violation(&e) => Err(StoreError::UnknownUser(user.0)),
            Err(e) => Err(e.into()),
        }
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

    async fn set_upload_state(
        &self,
        id: JobId,
        state: UploadState,
        error: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let error: Option<String> = error.map(|e| e.chars().take(JOB_ERROR_MAX_CHARS).collect());
        let n = with_backend!(self, |pool, be| {
            sqlx::query(
                "UPDATE upload_jobs SET state = $1, error = $2, updated_at = $3 \
                 WHERE id = $4 AND state IN ('queued', 'running')",
            )
            .bind(state.as_str())
            .bind(error)
            .bind(be::ts(now))
            .bind(id.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Marks an unfinished job running. Returns whether it was unfinished.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn start_upload_job(&self, id: JobId) -> Result<bool, StoreError> {
        self.set_upload_state(id, UploadState::Running, None).await
    }

    /// Marks an unfinished job failed with `error`. Returns whether it was
    /// unfinished.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn fail_upload_job(&self, id: JobId, error: &str) -> Result<bool, StoreError> {
        self.set_upload_state(id, UploadState::Failed, Some(error))
            .await
    }
}
