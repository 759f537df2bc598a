//! A long video shared between workers: the pieces of one upload job, each
//! taken by one worker at a time (under a lease, like the job itself), its
//! landmark frames stored when tracked, joined by the job's own worker.

use std::time::Duration;

use sqlx::Row;
use time::OffsetDateTime;

use super::Store;
use super::jobs::worker_name;
use crate::model::normalize_time;
use crate::{JobId, StoreError};

/// Most pieces one job is cut into: an hour in 60 s pieces, with room.
pub const MAX_UPLOAD_PIECES: usize = 1000;

/// One piece of an upload job's video.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadPiece {
    /// Its place in the video, from 0.
    pub seq: i32,
    /// First second it covers.
    pub start_s: f64,
    /// Second it covers up to (`None`: to the end).
    pub end_s: Option<f64>,
    /// Whether its frames are stored.
    pub done: bool,
    /// The worker that holds it, or last held it.
    pub worker: Option<String>,
}

fn piece_row(r: &impl PieceRow) -> Result<UploadPiece, StoreError> {
    r.piece()
}

/// Reading a piece from either backend's row.
trait PieceRow {
    fn piece(&self) -> Result<UploadPiece, StoreError>;
}

macro_rules! impl_piece_row {
    ($row:ty) => {
        impl PieceRow for $row {
            fn piece(&self) -> Result<UploadPiece, StoreError> {
                let done: i32 = self.try_get("done")?;
                Ok(UploadPiece {
                    seq: self.try_get("seq")?,
                    start_s: self.try_get("start_s")?,
                    end_s: self.try_get("end_s")?,
                    done: done != 0,
                    worker: self.try_get("worker")?,
                })
            }
        }
    };
}
impl_piece_row!(sqlx::sqlite::SqliteRow);
impl_piece_row!(sqlx::postgres::PgRow);

const PIECE_COLUMNS: &str = "seq, start_s, end_s, worker, CAST(CASE WHEN frames IS NULL THEN 0 ELSE 1 END AS INTEGER) AS done";

impl Store {
    /// Cut unfinished upload job `id` into `pieces` (start and end seconds,
    /// in order), unless it was cut already (a worker that took the job over
    /// keeps the pieces done before it). Returns the job's pieces; none when
    /// the job is finished or gone.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for no pieces, more than [`MAX_UPLOAD_PIECES`]
    /// or times that are not increasing; [`StoreError::Database`].
    pub async fn plan_upload_pieces(
        &self,
        id: JobId,
        pieces: &[(f64, Option<f64>)],
    ) -> Result<Vec<UploadPiece>, StoreError> {
        let increasing = pieces
            .iter()
            .all(|&(s, e)| s.is_finite() && s >= 0.0 && e.is_none_or(|e| e > s))
            && pieces.windows(2).all(|w| w[0].1 == Some(w[1].0));
        if pieces.is_empty() || pieces.len() > MAX_UPLOAD_PIECES || !increasing {
            return Err(StoreError::invalid(
                "pieces",
                format!("1 to {MAX_UPLOAD_PIECES} pieces, each starting where the last ended"),
            ));
        }
        with_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let cut: Option<i32> =
                sqlx::query_scalar("SELECT seq FROM upload_pieces WHERE job_id = $1 LIMIT 1")
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            for (seq, &(start_s, end_s)) in (0_i32..).zip(pieces).filter(|_| cut.is_none()) {
                sqlx::query(
                    "INSERT INTO upload_pieces (job_id, seq, start_s, end_s) \
                     SELECT $1, $2, $3, $4 WHERE EXISTS \
                     (SELECT 1 FROM upload_jobs WHERE id = $1 AND state IN ('queued', 'running')) \
                     ON CONFLICT (job_id, seq) DO NOTHING",
                )
                .bind(id.0)
                .bind(seq)
                .bind(start_s)
                .bind(end_s)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        self.upload_pieces(id).await
    }

    /// Upload job `id`'s pieces, in order.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn upload_pieces(&self, id: JobId) -> Result<Vec<UploadPiece>, StoreError> {
        let sql =
            format!("SELECT {PIECE_COLUMNS} FROM upload_pieces WHERE job_id = $1 ORDER BY seq");
        with_backend!(self, |pool| {
            let rows = sqlx::query(&sql).bind(id.0).fetch_all(pool).await?;
            rows.iter().map(piece_row).collect()
        })
    }

    /// Worker `worker` takes the first free piece of job `id`: not tracked,
    /// and held by no worker or by one silent for `lease`. `None` when none
    /// is free.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn take_upload_piece(
        &self,
        id: JobId,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<UploadPiece>, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let stale = now - lease;
        let worker = worker_name(worker);
        let free = "frames IS NULL AND (worker IS NULL OR updated_at < $2)";
        let find = format!(
            "SELECT seq FROM upload_pieces WHERE job_id = $1 AND {free} ORDER BY seq LIMIT 8"
        );
        let take = format!(
            "UPDATE upload_pieces SET worker = $3, updated_at = $4 \
             WHERE job_id = $1 AND {free} AND seq = $5 RETURNING {PIECE_COLUMNS}"
        );
        with_backend!(self, |pool, be| {
            let seqs: Vec<i32> = sqlx::query_scalar(&find)
                .bind(id.0)
                .bind(be::ts(stale))
                .fetch_all(pool)
                .await?;
            // Another worker may take a piece between the two: try the next.
            for seq in seqs {
                let row = sqlx::query(&take)
                    .bind(id.0)
                    .bind(be::ts(stale))
                    .bind(&worker)
                    .bind(be::ts(now))
                    .bind(seq)
                    .fetch_optional(pool)
                    .await?;
                if let Some(r) = row {
                    return piece_row(&r).map(Some);
                }
            }
            Ok(None)
        })
    }

    /// Worker `worker` is still on piece `seq` of job `id`. False when the
    /// piece is no longer its own (done, or taken over).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn touch_upload_piece(
        &self,
        id: JobId,
        seq: i32,
        worker: &str,
    ) -> Result<bool, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let n = with_backend!(self, |pool, be| {
            sqlx::query(
                "UPDATE upload_pieces SET updated_at = $1 \
                 WHERE job_id = $2 AND seq = $3 AND worker = $4 AND frames IS NULL",
            )
            .bind(be::ts(now))
            .bind(id.0)
            .bind(seq)
            .bind(worker_name(worker))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Store the tracked frames of piece `seq` of job `id` (whoever tracked
    /// it: every worker computes the same frames). False when it was stored
    /// already or the job is gone.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn finish_upload_piece(
        &self,
        id: JobId,
        seq: i32,
        frames: &[u8],
    ) -> Result<bool, StoreError> {
        let now = normalize_time(OffsetDateTime::now_utc());
        let n = with_backend!(self, |pool, be| {
            sqlx::query(
                "UPDATE upload_pieces SET frames = $1, updated_at = $2 \
                 WHERE job_id = $3 AND seq = $4 AND frames IS NULL",
            )
            .bind(frames)
            .bind(be::ts(now))
            .bind(id.0)
            .bind(seq)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// The stored frames of piece `seq` of job `id`, `None` until tracked.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn upload_piece_frames(
        &self,
        id: JobId,
        seq: i32,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let frames: Option<Option<Vec<u8>>> = with_backend!(self, |pool| {
            sqlx::query_scalar("SELECT frames FROM upload_pieces WHERE job_id = $1 AND seq = $2")
                .bind(id.0)
                .bind(seq)
                .fetch_optional(pool)
                .await?
        });
        Ok(frames.flatten())
    }
}
