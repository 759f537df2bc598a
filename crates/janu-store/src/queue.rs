//! The job queue that hands uploads to workers on any machine: apalis, on the
//! same database as the history (its SQLite storage for one machine, its
//! Postgres storage, `FOR UPDATE SKIP LOCKED`, for many).
//!
//! The queue carries only an upload job's id ([`AnalyseUpload`]); the
//! `upload_jobs` row stays the record that the uploader, the admin and the
//! exactly-once rule read (a session is saved only in the transaction that
//! moves its row from unfinished to `done`). What apalis adds is the delivery:
//! a worker takes a job, sends a heartbeat while it works, and a job whose
//! worker stopped sending one (killed, machine lost) goes back to the queue
//! after the lease ([`QueueSettings::lease`]) for another worker to take.
//!
//! Each job's apalis task id is derived from its row id ([`task_id`]), so
//! queueing is idempotent: the server that accepted the upload and a sweep
//! that finds the row with no live task ([`JobQueue::requeue_stranded`]) can
//! both try, and only one task exists.

use std::time::Duration;

use apalis_core::request::{Request, State};
use apalis_core::storage::Storage as _;
use apalis_core::task::task_id::TaskId;
use apalis_sql::context::SqlContext;
use apalis_sql::postgres::PostgresStorage;
use apalis_sql::sqlite::SqliteStorage;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::{JobId, Store, StoreError};

/// The queue's name in apalis's tables.
pub const QUEUE_NAMESPACE: &str = "janu::analyse_upload";
/// How often an idle worker asks for a job: an upload waits at most this long
/// for a free worker to notice it.
pub const QUEUE_POLL: Duration = Duration::from_millis(250);
/// Deliveries apalis makes of one task before giving up on it. Janu's own
/// count ([`crate::MAX_JOB_ATTEMPTS`]) ends a job that keeps killing its
/// worker sooner; this is the backstop.
pub const QUEUE_MAX_DELIVERIES: i32 = 10;
/// Apalis's SQLite storage sends its heartbeat every 30 s whatever it is
/// told, so a lease shorter than this would hand living workers' jobs away.
pub const SQLITE_MIN_LEASE: Duration = Duration::from_secs(45);

/// One queued analysis: the `upload_jobs` row to run, or (`helper` > 0) a
/// call for help with the pieces of a long video whose job another worker
/// holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyseUpload {
    /// The row id.
    pub job: i64,
    /// 0 for the job itself; 1, 2, ... for the helpers it called.
    #[serde(default)]
    pub helper: u32,
}

/// How the queue hands out work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSettings {
    /// How long a worker may stay silent before its jobs go to another: it
    /// sends a heartbeat every quarter of this.
    pub lease: Duration,
}

impl Default for QueueSettings {
    /// A minute: a lost machine's jobs restart within about a minute, and a
    /// worker busy on a long video is never mistaken for a dead one (its
    /// heartbeat runs beside the analysis).
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
        }
    }
}

/// The apalis task id of upload job `id`: its row id as the 128-bit number
/// of a ULID (Crockford base 32), so the same job always has the same task.
pub fn task_id(id: JobId) -> TaskId {
    helper_task_id(id, 0)
}

/// The apalis task id of helper `helper` of upload job `id` (0: the job's
/// own, [`task_id`]): the helper's number in the upper 64 bits.
pub fn helper_task_id(id: JobId, helper: u32) -> TaskId {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut v = u128::from(id.0.unsigned_abs()) | (u128::from(helper) << 64);
    let mut text = [b'0'; 26];
    for c in text.iter_mut().rev() {
        *c = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    let text = std::str::from_utf8(&text).unwrap_or("00000000000000000000000000");
    text.parse().unwrap_or_default()
}

/// The queue of one [`Store`]. Cheap to clone (it shares the pool).
#[derive(Debug, Clone)]
pub struct JobQueue {
    storage: QueueStorage,
    lease: Duration,
}

/// Apalis's storage on either backend.
#[derive(Debug, Clone)]
pub enum QueueStorage {
    /// On the SQLite file.
    Sqlite(SqliteStorage<AnalyseUpload>),
    /// On the Postgres database.
    Postgres(PostgresStorage<AnalyseUpload>),
}

fn queue_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e)
}

impl JobQueue {
    /// The queue on `store`'s database.
    pub fn new(store: &Store, settings: QueueSettings) -> Self {
        // Apalis's own watch on its workers backs up the rows' leases (see
        // [`JobQueue::requeue_stranded`]); on SQLite it cannot be shorter.
        let orphaned_after = match store {
            Store::Sqlite(_) => settings.lease.max(SQLITE_MIN_LEASE),
            Store::Postgres(_) => settings.lease,
        };
        let config = apalis_sql::Config::new(QUEUE_NAMESPACE)
            .set_keep_alive(orphaned_after / 4)
            .set_reenqueue_orphaned_after(orphaned_after)
            .set_poll_interval(QUEUE_POLL)
            // A worker takes one job at a time and prefetches none: a job never
            // waits behind a long video on a busy worker while another is idle.
            .set_buffer_size(1);
        let storage = match store {
            Store::Sqlite(pool) => {
                QueueStorage::Sqlite(SqliteStorage::new_with_config(pool.clone(), config))
            }
            Store::Postgres(pool) => {
                QueueStorage::Postgres(PostgresStorage::new_with_config(pool.clone(), config))
            }
        };
        Self {
            storage,
            lease: settings.lease,
        }
    }

    /// Apalis's storage, for registering workers on it.
    pub fn storage(&self) -> &QueueStorage {
        &self.storage
    }

    /// How long a worker may leave its job's row untouched before the job
    /// goes to another ([`QueueSettings::lease`]).
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// Queue upload job `id` (nothing when its task exists already).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn enqueue(&self, id: JobId) -> Result<(), StoreError> {
        self.push(id, 0).await
    }

    /// Call `helpers` workers to help with job `id`'s pieces (nothing for a
    /// helper whose task exists already).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn call_helpers(&self, id: JobId, helpers: u32) -> Result<(), StoreError> {
        for helper in 1..=helpers {
            self.push(id, helper).await?;
        }
        Ok(())
    }

    async fn push(&self, id: JobId, helper: u32) -> Result<(), StoreError> {
        let mut ctx = SqlContext::new();
        ctx.set_max_attempts(QUEUE_MAX_DELIVERIES);
        let mut req = Request::new_with_ctx(AnalyseUpload { job: id.0, helper }, ctx);
        req.parts.task_id = helper_task_id(id, helper);
        let pushed = match self.storage.clone() {
            QueueStorage::Sqlite(mut s) => s.push_request(req).await.map(drop),
            QueueStorage::Postgres(mut s) => s.push_request(req).await.map(drop),
        };
        match pushed {
            Ok(()) => Ok(()),
            Err(e) if is_unique_violation(&e) => Ok(()),
            Err(e) => Err(queue_error(e)),
        }
    }

    /// The state of upload job `id`'s task, `None` when it has none.
    async fn task_state(&self, id: JobId) -> Result<Option<State>, StoreError> {
        let tid = task_id(id);
        let found = match self.storage.clone() {
            QueueStorage::Sqlite(mut s) => s.fetch_by_id(&tid).await,
            QueueStorage::Postgres(mut s) => s.fetch_by_id(&tid).await,
        }
        .map_err(queue_error)?;
        Ok(found.map(|r| r.parts.context.status().clone()))
    }

    /// Put upload job `id`'s task back in the queue, whatever state it ended in.
    async fn rerun(&self, id: JobId) -> Result<(), StoreError> {
        let mut ctx = SqlContext::new();
        ctx.set_max_attempts(QUEUE_MAX_DELIVERIES);
        ctx.set_status(State::Pending);
        let mut req = Request::new_with_ctx(
            AnalyseUpload {
                job: id.0,
                helper: 0,
            },
            ctx,
        );
        req.parts.task_id = task_id(id);
        match self.storage.clone() {
            QueueStorage::Sqlite(mut s) => s.update(req).await,
            QueueStorage::Postgres(mut s) => s.update(req).await,
        }
        .map_err(queue_error)
    }

    /// Give every upload job that no living worker holds (see
    /// [`Store::stranded_upload_jobs`]) a live task: one whose task was never
    /// written (the process stopped between the row and the task), or whose
    /// task ended while the row did not (a delivery found the row held by a
    /// worker that then died). Safe to run from many processes at once.
    /// Returns how many were queued.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn requeue_stranded(&self, store: &Store) -> Result<usize, StoreError> {
        let mut queued = 0;
        for row in store.stranded_upload_jobs(self.lease()).await? {
            match self.task_state(row.id).await? {
                None => {
                    self.enqueue(row.id).await?;
                    queued += 1;
                }
                // Waiting already: a worker will take it.
                Some(State::Pending) => {}
                // Ended while the row did not; or delivered to a worker that
                // has not touched the row within the lease (dead or hung: the
                // row's lease is the truth, apalis's watch on its workers is
                // slower and, on SQLite, at least SQLITE_MIN_LEASE).
                Some(_) => {
                    self.rerun(row.id).await?;
                    queued += 1;
                }
            }
        }
        Ok(queued)
    }

    /// Tasks waiting for a worker (apalis's count).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn waiting(&self) -> Result<i64, StoreError> {
        match self.storage.clone() {
            QueueStorage::Sqlite(mut s) => s.len().await,
            QueueStorage::Postgres(mut s) => s.len().await,
        }
        .map_err(queue_error)
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Bring apalis's SQLite tables up to date.
pub(crate) async fn migrate_sqlite(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut m = SqliteStorage::migrations();
    m.set_ignore_missing(true);
    m.run(pool).await?;
    Ok(())
}

/// Bring apalis's Postgres schema (`apalis`) up to date.
pub(crate) async fn migrate_postgres(pool: &PgPool) -> Result<(), StoreError> {
    let mut m = PostgresStorage::migrations();
    m.set_ignore_missing(true);
    m.run(pool).await?;
    Ok(())
}
