//! [`Store`]: opening a database and every operation on it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Row};
use time::{OffsetDateTime, UtcOffset};

use crate::model::{check_handle, normalize_time};
use crate::progress::{ProgressRows, SideRow, progress_from_rows};
use crate::{
    Bucket, Finding, MAX_REPORT_BYTES, MediaBackend, NewSession, NewUser, Page, PoseSegment,
    Progress, Session, SessionId, SessionList, SessionSummary, Severity, Side, SideSummary, Source,
    StoreError, User, UserId,
};

/// The SQLite schema, embedded at build time.
fn sqlite_migrator() -> Migrator {
    shared_history(sqlx::migrate!("./migrations/sqlite"))
}

/// The Postgres schema, embedded at build time.
fn postgres_migrator() -> Migrator {
    shared_history(sqlx::migrate!("./migrations/postgres"))
}

/// The job queue's tables (apalis) are migrated into the same database and
/// the same migration history as Janu's own: each migrator must pass over
/// the other's entries instead of calling them unknown.
fn shared_history(mut m: Migrator) -> Migrator {
    m.set_ignore_missing(true);
    m
}

/// How long a SQLite writer waits for another writer's lock before failing: far
/// longer than any one save takes, short enough that a stuck server says so.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// SQLite connections in the pool: WAL lets readers run beside the one writer;
/// more than a few buys nothing on a small machine.
pub const SQLITE_MAX_CONNECTIONS: u32 = 4;
/// Postgres connections in the pool: enough for a busy server on a small machine,
/// well under the server's default limit of 100.
pub const POSTGRES_MAX_CONNECTIONS: u32 = 8;
/// How long to wait for a Postgres connection before calling the server
/// unreachable: a local or LAN server answers in milliseconds.
pub const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The practice history: a pool of connections to SQLite or Postgres.
///
/// An enum over the two pools rather than a trait: both backends are known
/// when Janu is built, the server holds one `Store` (cheap to clone, it shares the
/// pool) with no generics or boxed futures, and the variants stay public for the
/// rare backend-specific need (an admin query, a test that installs a trigger).
/// Every operation runs the same SQL text on both; the only differences live in
/// the private `backend` module (timestamp encoding, snapshot reads).
#[derive(Debug, Clone)]
pub enum Store {
    /// A SQLite file (WAL journal, foreign keys on, busy timeout), or memory.
    Sqlite(SqlitePool),
    /// A Postgres database.
    Postgres(PgPool),
}

/// Which kind of database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Runs `$body` once per backend with `$pool` bound to the pool and (if named)
/// `$be` to the matching module of `crate::backend`.
macro_rules! with_backend {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            Store::Sqlite($pool) => $body,
            Store::Postgres($pool) => $body,
        }
    };
    ($store:expr, |$pool:ident, $be:ident| $body:expr) => {
        match $store {
            Store::Sqlite($pool) => {
                use crate::backend::sqlite as $be;
                $body
            }
            Store::Postgres($pool) => {
                use crate::backend::postgres as $be;
                $body
            }
        }
    };
}

/// In transaction `$tx`, finishes upload job `$job` (its `i64` id) while it
/// is unfinished: reads the key of its object, checks that `$media` can delete
/// that object once the transaction commits, runs `$update` (the bound UPDATE
/// of the job's row, itself guarded on the job being unfinished) and drops
/// the job's stored chunks and pieces. Yields how many rows `$update` changed
/// and the object key, for the caller to delete after the commit.
macro_rules! finish_upload_job {
    ($tx:ident, $job:expr, $media:expr, $update:expr) => {{
        let key: Option<String> = sqlx::query_scalar(
            "SELECT object_key FROM upload_jobs WHERE id = $1 AND state IN ('queued', 'running')",
        )
        .bind($job)
        .fetch_optional(&mut *$tx)
        .await?
        .flatten();
        $media.can_delete(key.as_slice())?;
        let n = $update.execute(&mut *$tx).await?.rows_affected();
        for table in ["upload_chunks", "upload_pieces"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE job_id = $1"))
                .bind($job)
                .execute(&mut *$tx)
                .await?;
        }
        (n, key)
    }};
}

/// Where a database location points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres(String),
}

/// A database location fit to print: the password of
/// `scheme://user:password@host/...` replaced by `***` (the authority ends at
/// the first `/`, `?` or `#`). Anything else comes back as it is.
pub fn redact_location(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return location.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => location.to_owned(),
    }
}

fn parse_location(location: &str) -> Result<Location, StoreError> {
    let unsupported = || StoreError::UnsupportedLocation {
        location: redact_location(location),
    };
    if location.trim().is_empty() {
        return Err(unsupported());
    }
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Location::Postgres(location.to_owned()));
    }
    if let Some(rest) = location.strip_prefix("sqlite:") {
        if rest == ":memory:" || rest == "//:memory:" {
            return Ok(Location::SqliteMemory);
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        // Janu sets its own connection options; a query string would be ignored.
        if path.is_empty() || path.contains('?') {
            return Err(unsupported());
        }
        return Ok(Location::SqliteFile(PathBuf::from(path)));
    }
    if location.contains("://") {
        return Err(unsupported());
    }
    Ok(Location::SqliteFile(PathBuf::from(location)))
}

fn db_error_kind(e: &sqlx::Error) -> Option<sqlx::error::ErrorKind> {
    match e {
        sqlx::Error::Database(db) => Some(db.kind()),
        _ => None,
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(
        db_error_kind(e),
        Some(sqlx::error::ErrorKind::UniqueViolation)
    )
}

/// `e`, from writing rows that belong to `user`, as a [`StoreError`]: a
/// foreign key violation there means the user does not exist.
fn user_write_error(e: sqlx::Error, user: UserId) -> StoreError {
    match db_error_kind(&e) {
        Some(sqlx::error::ErrorKind::ForeignKeyViolation) => StoreError::UnknownUser(user.0),
        _ => e.into(),
    }
}

/// An error inside a transaction that also talks to the media bucket.
enum TxError {
    Db(sqlx::Error),
    Store(StoreError),
}

impl From<sqlx::Error> for TxError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

fn to_i64(field: &str, v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::invalid(field, format!("{v} is too large")))
}

fn to_u32(col: &str, v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("{col} = {v} is out of range")))
}

fn parse_side(col: &str, s: &str) -> Result<Side, StoreError> {
    s.parse::<Side>()
        .ok()
        .ok_or_else(|| StoreError::corrupt(format!("{col} = {s:?}")))
}

fn parse_opt_side(col: &str, s: Option<String>) -> Result<Option<Side>, StoreError> {
    s.map(|s| parse_side(col, &s)).transpose()
}

/// Checks a page request and turns it into (limit, offset) binds.
fn page_binds(page: Page) -> Result<(i64, i64), StoreError> {
    if page.limit == 0 || page.limit > Page::MAX_LIMIT {
        return Err(StoreError::invalid(
            "page.limit",
            format!("{} is outside 1..={}", page.limit, Page::MAX_LIMIT),
        ));
    }
    Ok((i64::from(page.limit), to_i64("page.offset", page.offset)?))
}

/// The columns of a `sessions` row as read, before enums and JSON are parsed.
struct SessionRow {
    id: i64,
    user_id: i64,
    started_at: OffsetDateTime,
    duration_s: f64,
    source: String,
    media_name: Option<String>,
    asymmetry_index: Option<f64>,
    tighter_side: Option<String>,
}

impl SessionRow {
    fn source(&self) -> Result<Source, StoreError> {
        Source::parse(&self.source)
            .ok_or_else(|| StoreError::corrupt(format!("sessions.source = {:?}", self.source)))
    }
}

const SESSION_COLUMNS: &str = "s.id, s.user_id, s.started_at, s.duration_s, s.source, \
     s.media_name, s.asymmetry_index, s.tighter_side";

macro_rules! session_row {
    ($be:ident, $row:expr) => {{
        let r = $row;
        Ok::<_, StoreError>(SessionRow {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            started_at: $be::get_ts(r, "started_at")?,
            duration_s: r.try_get("duration_s")?,
            source: r.try_get("source")?,
            media_name: r.try_get("media_name")?,
            asymmetry_index: r.try_get("asymmetry_index")?,
            tighter_side: r.try_get("tighter_side")?,
        })
    }};
}

const SIDE_COLUMNS: &str = "d.session_id, d.side, d.fold_angle_deg, d.head_to_knee, \
     d.knee_angle_deg, d.hip_opening_deg, d.hold_s, d.breaths, d.breath_rate_bpm";

macro_rules! side_row {
    ($row:expr) => {{
        let r = $row;
        let side: String = r.try_get("side")?;
        let breaths: Option<i64> = r.try_get("breaths")?;
        Ok::<_, StoreError>((
            r.try_get::<i64, _>("session_id")?,
            SideSummary {
                side: parse_side("session_sides.side", &side)?,
                fold_angle_deg: r.try_get("fold_angle_deg")?,
                head_to_knee: r.try_get("head_to_knee")?,
                knee_angle_deg: r.try_get("knee_angle_deg")?,
                hip_opening_deg: r.try_get("hip_opening_deg")?,
                hold_s: r.try_get("hold_s")?,
                breaths: breaths
                    .map(|b| to_u32("session_sides.breaths", b))
                    .transpose()?,
                breath_rate_bpm: r.try_get("breath_rate_bpm")?,
            },
        ))
    }};
}

macro_rules! user_row {
    ($be:ident, $row:expr) => {{
        let r = $row;
        Ok::<_, StoreError>(User {
            id: UserId(r.try_get("id")?),
            handle: r.try_get("handle")?,
            display_name: r.try_get("display_name")?,
            created_at: $be::get_ts(r, "created_at")?,
        })
    }};
}

const USER_COLUMNS: &str = "id, handle, display_name, created_at";

impl Store {
    /// Opens (creating if needed) the database at `location` and brings its schema
    /// up to date.
    ///
    /// `location` is one of:
    /// - a file path, or `sqlite://PATH` / `sqlite:PATH`: a SQLite file; the file
    ///   and its parent folders are created when missing;
    /// - `sqlite::memory:`: a private in-memory SQLite database (one connection;
    ///   for tests and trials);
    /// - `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (or `postgresql://`): an
    ///   existing Postgres database.
    ///
    /// # Errors
    /// [`StoreError::UnsupportedLocation`] for another URL scheme,
    /// [`StoreError::CreateDir`] / [`StoreError::OpenSqlite`] when the SQLite file
    /// cannot be made or is not a database, [`StoreError::InvalidPostgresUrl`] /
    /// [`StoreError::PostgresUnreachable`] for Postgres, and [`StoreError::Migrate`]
    /// when the schema cannot be brought up to date.
    pub async fn open(location: &str) -> Result<Store, StoreError> {
        match parse_location(location)? {
            Location::SqliteFile(path) => Self::open_sqlite(&path).await,
            Location::SqliteMemory => Self::open_sqlite_memory().await,
            Location::Postgres(url) => {
                let options = PgConnectOptions::from_str(&url).map_err(|e| {
                    StoreError::InvalidPostgresUrl {
                        reason: e.to_string(),
                    }
                })?;
                Self::open_postgres(options).await
            }
        }
    }

    /// Opens (creating if needed) a SQLite file in WAL mode with foreign keys on
    /// and a busy timeout, and brings its schema up to date.
    ///
    /// # Errors
    /// As [`Store::open`] for a SQLite file.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL keeps every commit atomic; only the last commits
            // before a power cut can be lost, never half of one.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let open_err = |source| StoreError::OpenSqlite {
            path: path.to_path_buf(),
            source,
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        // A file that is not a database only shows itself on the first real read.
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&pool)
            .await
            .map_err(open_err)?;
        sqlite_migrator().run(&pool).await?;
        crate::queue::migrate_sqlite(&pool).await?;
        Ok(Store::Sqlite(pool))
    }

    /// Opens a private in-memory SQLite database (gone when the store is dropped).
    ///
    /// # Errors
    /// [`StoreError::OpenSqlite`] or [`StoreError::Migrate`] (neither expected).
    pub async fn open_sqlite_memory() -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|source| StoreError::OpenSqlite {
                path: PathBuf::from(":memory:"),
                source,
            })?
            .foreign_keys(true);
        // One connection that never closes: each connection would be its own
        // empty database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::OpenSqlite {
                path: PathBuf::from(":memory:"),
                source,
            })?;
        sqlite_migrator().run(&pool).await?;
        crate::queue::migrate_sqlite(&pool).await?;
        Ok(Store::Sqlite(pool))
    }

    /// Connects to an existing Postgres database and brings its schema up to date
    /// (concurrent servers are safe: the migrator takes a lock).
    ///
    /// # Errors
    /// [`StoreError::PostgresUnreachable`] or [`StoreError::Migrate`].
    pub async fn open_postgres(options: PgConnectOptions) -> Result<Store, StoreError> {
        let host = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        // One direct connection first: its error says what is wrong ("connection
        // refused", "password authentication failed") where the pool would only
        // report a timeout after retrying.
        let unreachable = |source| StoreError::PostgresUnreachable {
            host: host.clone(),
            source,
        };
        let first = tokio::time::timeout(
            POSTGRES_CONNECT_TIMEOUT,
            PgConnection::connect_with(&options),
        )
        .await
        .map_err(|_| {
            unreachable(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {POSTGRES_CONNECT_TIMEOUT:?}"),
            )))
        })?
        .map_err(unreachable)?;
        first.close().await.ok();
        let pool = PgPoolOptions::new()
            .max_connections(POSTGRES_MAX_CONNECTIONS)
            .acquire_timeout(POSTGRES_CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(unreachable)?;
        postgres_migrator().run(&pool).await?;
        crate::queue::migrate_postgres(&pool).await?;
        Ok(Store::Postgres(pool))
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers (for a health endpoint).
    ///
    /// # Errors
    /// [`StoreError::Database`] when it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_backend!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection, waiting for running operations to finish. Later
    /// operations fail.
    pub async fn close(&self) {
        with_backend!(self, |pool| pool.close().await);
    }

    // ---------------------------------------------------------------- users

    /// Creates a user and returns it.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a malformed handle or display name,
    /// [`StoreError::HandleTaken`] when another user has the handle.
    pub async fn create_user(&self, new: &NewUser) -> Result<User, StoreError> {
        new.validate()?;
        let created_at = normalize_time(OffsetDateTime::now_utc());
        let sql = "INSERT INTO users (handle, display_name, created_at) VALUES ($1, $2, $3) \
                   RETURNING id";
        let result: Result<i64, sqlx::Error> = with_backend!(self, |pool, be| {
            sqlx::query_scalar(sql)
                .bind(&new.handle)
                .bind(&new.display_name)
                .bind(be::ts(created_at))
                .fetch_one(pool)
                .await
        });
        match result {
            Ok(id) => Ok(User {
                id: UserId(id),
                handle: new.handle.clone(),
                display_name: new.display_name.clone(),
                created_at,
            }),
            Err(e) if is_unique_violation(&e) => Err(StoreError::HandleTaken {
                handle: new.handle.clone(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The user with this id, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the database fails.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        with_backend!(self, |pool, be| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            row.as_ref().map(|r| user_row!(be, r)).transpose()
        })
    }

    /// The user with this handle, if any.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a malformed handle (no user can have it),
    /// [`StoreError::Database`] when the database fails.
    pub async fn user_by_handle(&self, handle: &str) -> Result<Option<User>, StoreError> {
        check_handle(handle)?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE handle = $1");
        with_backend!(self, |pool, be| {
            let row = sqlx::query(&sql).bind(handle).fetch_optional(pool).await?;
            row.as_ref().map(|r| user_row!(be, r)).transpose()
        })
    }

    /// Users ordered by id (oldest first), one page at a time.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad page, [`StoreError::Database`].
    pub async fn users(&self, page: Page) -> Result<Vec<User>, StoreError> {
        let (limit, offset) = page_binds(page)?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2");
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(&sql)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| user_row!(be, r)).collect()
        })
    }

    /// Deletes a user and, with them, all their sessions, jobs and media: the
    /// rows in one transaction, then their objects in the media bucket
    /// (everything under `users/<id>/`). Returns whether the user existed.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when some of their media are in a bucket and
    /// `media` names none (nothing is deleted), [`StoreError::Database`].
    pub async fn delete_user(&self, id: UserId, media: &MediaBackend) -> Result<bool, StoreError> {
        self.delete_with_objects(
            id.0,
            "SELECT o.object_key FROM session_objects o JOIN sessions s \
             ON s.id = o.session_id WHERE s.user_id = $1 UNION ALL \
             SELECT object_key FROM upload_jobs WHERE user_id = $1 \
             AND object_key IS NOT NULL",
            "DELETE FROM users WHERE id = $1",
            &[Bucket::user_prefix(id)],
            media,
        )
        .await
    }

    /// Deletes the row `delete_sql` names with the objects `keys_sql` names
    /// (both binding `$1` to `id`): the keys are read and the row deleted in
    /// one transaction, then the objects, and everything under `prefixes`,
    /// go from the media bucket once that has committed. Returns whether the
    /// row existed.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when `keys_sql` names objects and `media`
    /// names no bucket (nothing is deleted), [`StoreError::Database`].
    async fn delete_with_objects(
        &self,
        id: i64,
        keys_sql: &str,
        delete_sql: &str,
        prefixes: &[String],
        media: &MediaBackend,
    ) -> Result<bool, StoreError> {
        let (n, keys) = with_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let keys: Vec<String> = sqlx::query_scalar(keys_sql)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            media.can_delete(&keys)?;
            let n = sqlx::query(delete_sql)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            (n, keys)
        });
        media.delete_after_commit(&keys, prefixes).await;
        Ok(n > 0)
    }

    // ------------------------------------------------------------- sessions

    /// Saves a session with its sides and findings in one transaction: either all
    /// of it is stored or (on any error, or if the process dies) none of it.
    ///
    /// The session is checked and normalised first (see [`NewSession::validated`]).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a value out of range (nothing is written),
    /// [`StoreError::UnknownUser`] when the user does not exist,
    /// [`StoreError::Database`] when the database fails (the transaction is
    /// rolled back).
    pub async fn save_session(&self, new: &NewSession) -> Result<SessionId, StoreError> {
        self.save_session_finishing(new, None, None, &MediaBackend::Database)
            .await
    }

    /// As [`Store::save_session`], and in the same transaction marks the
    /// upload job `job` done with this session: either both happen or
    /// neither, so a job interrupted by a crash runs again without saving its
    /// session twice.
    ///
    /// The session's key frames and breath traces, `media_json`, go with it:
    /// into `session_media` with [`MediaBackend::Database`]; with a bucket,
    /// written there (`users/<user>/sessions/<id>/media.json`) before the
    /// transaction commits, with only the key in `session_objects` (the
    /// object is deleted again if the commit fails). The job's upload goes:
    /// its rows in the transaction, its object once that has committed.
    ///
    /// # Errors
    /// As [`Store::save_session`]; [`StoreError::JobGone`] when the job no
    /// longer waits for its session (deleted with its user, or already done);
    /// [`StoreError::ObjectStore`]; [`StoreError::NoBucket`] when the job's
    /// upload is in a bucket and `media` names none.
    pub async fn save_session_for_job(
        &self,
        new: &NewSession,
        job: JobId,
        media_json: Option<&[u8]>,
        media: &MediaBackend,
    ) -> Result<SessionId, StoreError> {
        self.save_session_finishing(new, Some(job), media_json, media)
            .await
    }

    /// The key frames and breathing traces (JSON) saved with session `id`,
    /// from the database or the media bucket.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when they are in a bucket and `media` names
    /// none, [`StoreError::ObjectStore`], [`StoreError::Database`].
    pub async fn session_media(
        &self,
        id: SessionId,
        media: &MediaBackend,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key: Option<String> = with_backend!(self, |pool| {
            sqlx::query_scalar("SELECT object_key FROM session_objects WHERE session_id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        if let Some(key) = key {
            let bucket = media
                .bucket()
                .ok_or(StoreError::NoBucket { key: key.clone() })?;
            return bucket.get_bytes(&key).await.map(Some);
        }
        Ok(with_backend!(self, |pool| {
            sqlx::query_scalar("SELECT media_json FROM session_media WHERE session_id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Every object key a row names (uploads waiting or running, sessions'
    /// key frames): what [`Bucket::sweep_orphans`](crate::Bucket::sweep_orphans) keeps.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn object_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(with_backend!(self, |pool| {
            sqlx::query_scalar(
                "SELECT object_key FROM session_objects UNION ALL \
                 SELECT object_key FROM upload_jobs WHERE object_key IS NOT NULL",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    async fn save_session_finishing(
        &self,
        new: &NewSession,
        job: Option<JobId>,
        media_json: Option<&[u8]>,
        media: &MediaBackend,
    ) -> Result<SessionId, StoreError> {
        let s = new.validated()?;
        let segments = serde_json::to_string(&s.segments)
            .map_err(|e| StoreError::invalid("segments", e.to_string()))?;
        let report = serde_json::to_string(&s.report)
            .map_err(|e| StoreError::invalid("report", e.to_string()))?;
        if report.len() > MAX_REPORT_BYTES {
            return Err(StoreError::invalid(
                "report",
                format!("{} bytes of JSON, at most {MAX_REPORT_BYTES}", report.len()),
            ));
        }
        let insert_session = "INSERT INTO sessions (user_id, started_at, duration_s, source, \
             media_name, segments_json, asymmetry_index, tighter_side, report_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
        let insert_side = "INSERT INTO session_sides (session_id, side, fold_angle_deg, \
             head_to_knee, knee_angle_deg, hip_opening_deg, hold_s, breaths, breath_rate_bpm) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let insert_finding = "INSERT INTO findings (session_id, ordinal, mistake_id, side, \
             severity, start_s, end_s) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        // The session's own object, once written, and the job's upload object.
        let mut written: Option<String> = None;
        let mut upload: Option<String> = None;
        let result: Result<Option<i64>, TxError> = with_backend!(self, |pool, be| {
            async {
                // The first statement writes, so a SQLite transaction takes the
                // write lock at once (waiting out the busy timeout) instead of
                // failing later when a read would have to be upgraded.
                let mut tx = pool.begin().await?;
                let id: i64 = sqlx::query_scalar(insert_session)
                    .bind(s.user.0)
                    .bind(be::ts(s.started_at))
                    .bind(s.duration_s)
                    .bind(s.source.as_str())
                    .bind(s.media_name.as_deref())
                    .bind(&segments)
                    .bind(s.asymmetry_index)
                    .bind(s.tighter_side.map(Side::as_str))
                    .bind(&report)
                    .fetch_one(&mut *tx)
                    .await?;
                for side in &s.sides {
                    sqlx::query(insert_side)
                        .bind(id)
                        .bind(side.side.as_str())
                        .bind(side.fold_angle_deg)
                        .bind(side.head_to_knee)
                        .bind(side.knee_angle_deg)
                        .bind(side.hip_opening_deg)
                        .bind(side.hold_s)
                        .bind(side.breaths.map(i64::from))
                        .bind(side.breath_rate_bpm)
                        .execute(&mut *tx)
                        .await?;
                }
                for (ordinal, f) in (0_i64..).zip(&s.findings) {
                    sqlx::query(insert_finding)
                        .bind(id)
                        .bind(ordinal)
                        .bind(&f.mistake_id)
                        .bind(f.side.map(Side::as_str))
                        .bind(f.severity.as_str())
                        .bind(f.start_s)
                        .bind(f.end_s)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(job) = job {
                    let now = normalize_time(OffsetDateTime::now_utc());
                    let (n, key) = finish_upload_job!(
                        tx,
                        job.0,
                        media,
                        sqlx::query(
                            "UPDATE upload_jobs SET state = 'done', session_id = $1, \
                             error = NULL, object_key = NULL, updated_at = $2 \
                             WHERE id = $3 AND state IN ('queued', 'running')",
                        )
                        .bind(id)
                        .bind(be::ts(now))
                        .bind(job.0)
                    );
                    upload = key;
                    if n == 0 {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                }
                match (media_json, media.bucket()) {
                    (Some(json), Some(bucket)) => {
                        let key = Bucket::session_key(s.user, SessionId(id));
                        bucket.put_bytes(&key, json).await?;
                        written = Some(key.clone());
                        sqlx::query(
                            "INSERT INTO session_objects (session_id, object_key) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                    }
                    (Some(json), None) => {
                        sqlx::query(
                            "INSERT INTO session_media (session_id, media_json) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(json)
                        .execute(&mut *tx)
                        .await?;
                    }
                    (None, _) => {}
                }
                tx.commit().await?;
                Ok(Some(id))
            }
            .await
        });
        if let Some(bucket) = media.bucket() {
            match (&result, written, upload) {
                (Ok(Some(_)), _, Some(upload)) => bucket.delete_after_commit(&[upload], &[]).await,
                (Ok(Some(_)), _, None) => {}
                (_, Some(written), _) => bucket.delete_after_commit(&[written], &[]).await,
                (_, None, _) => {}
            }
        }
        match result {
            Ok(Some(id)) => Ok(SessionId(id)),
            Ok(None) => Err(StoreError::JobGone(job.map_or(0, |j| j.0))),
            Err(TxError::Db(e)) => Err(user_write_error(e, s.user)),
            Err(TxError::Store(e)) => Err(e),
        }
    }

    /// One session with its sides, findings, segments and report, if it exists.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value does not decode,
    /// [`StoreError::Database`].
    pub async fn session(&self, id: SessionId) -> Result<Option<Session>, StoreError> {
        let session_sql = format!(
            "SELECT {SESSION_COLUMNS}, s.segments_json, s.report_json FROM sessions s \
             WHERE s.id = $1"
        );
        let sides_sql =
            format!("SELECT {SIDE_COLUMNS} FROM session_sides d WHERE d.session_id = $1");
        let findings_sql = "SELECT mistake_id, side, severity, start_s, end_s FROM findings \
                            WHERE session_id = $1 ORDER BY ordinal";
        type Raw = (SessionRow, String, String, Vec<SideSummary>, Vec<Finding>);
        let raw: Option<Raw> = with_backend!(self, |pool, be| {
            let mut tx = pool.begin().await?;
            be::snapshot(&mut tx).await?;
            let Some(row) = sqlx::query(&session_sql)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            let head = session_row!(be, &row)?;
            let segments: String = row.try_get("segments_json")?;
            let report: String = row.try_get("report_json")?;
            let sides = sqlx::query(&sides_sql)
                .bind(id.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| side_row!(r).map(|(_, side)| side))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let findings = sqlx::query(findings_sql)
                .bind(id.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    let side: Option<String> = r.try_get("side")?;
                    let severity: String = r.try_get("severity")?;
                    Ok(Finding {
                        mistake_id: r.try_get("mistake_id")?,
                        side: parse_opt_side("findings.side", side)?,
                        severity: Severity::parse(&severity).ok_or_else(|| {
                            StoreError::corrupt(format!("findings.severity = {severity:?}"))
                        })?,
                        start_s: r.try_get("start_s")?,
                        end_s: r.try_get("end_s")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            tx.commit().await?;
            Some((head, segments, report, sides, findings))
        });
        let Some((head, segments, report, mut sides, findings)) = raw else {
            return Ok(None);
        };
        sides.sort_by_key(|s| s.side);
        let segments: Vec<PoseSegment> = serde_json::from_str(&segments)
            .map_err(|e| StoreError::corrupt(format!("sessions.segments_json: {e}")))?;
        let report: serde_json::Value = serde_json::from_str(&report)
            .map_err(|e| StoreError::corrupt(format!("sessions.report_json: {e}")))?;
        Ok(Some(Session {
            id: SessionId(head.id),
            data: NewSession {
                user: UserId(head.user_id),
                started_at: head.started_at,
                duration_s: head.duration_s,
                source: head.source()?,
                media_name: head.media_name,
                segments,
                sides,
                asymmetry_index: head.asymmetry_index,
                tighter_side: parse_opt_side("sessions.tighter_side", head.tighter_side)?,
                findings,
                report,
            },
        }))
    }

    /// A user's sessions, newest first (ties by the newer id), one page at a time,
    /// with the total count.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad page, [`StoreError::Corrupt`],
    /// [`StoreError::Database`].
    pub async fn sessions(&self, user: UserId, page: Page) -> Result<SessionList, StoreError> {
        let (limit, offset) = page_binds(page)?;
        let page_ids = "SELECT id FROM sessions WHERE user_id = $1 \
                        ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3";
        let list_sql = format!(
            "SELECT {SESSION_COLUMNS}, \
             (SELECT COUNT(*) FROM findings f WHERE f.session_id = s.id) AS finding_count \
             FROM sessions s WHERE s.id IN ({page_ids}) ORDER BY s.started_at DESC, s.id DESC"
        );
        let sides_sql = format!(
            "SELECT {SIDE_COLUMNS} FROM session_sides d WHERE d.session_id IN ({page_ids})"
        );
        let count_sql = "SELECT COUNT(*) FROM sessions WHERE user_id = $1";
        let (total, heads, sides) = with_backend!(self, |pool, be| {
            let mut tx = pool.begin().await?;
            be::snapshot(&mut tx).await?;
            let total: i64 = sqlx::query_scalar(count_sql)
                .bind(user.0)
                .fetch_one(&mut *tx)
                .await?;
            let heads = sqlx::query(&list_sql)
                .bind(user.0)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    let count: i64 = r.try_get("finding_count")?;
                    Ok((session_row!(be, r)?, to_u32("finding_count", count)?))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let sides = sqlx::query(&sides_sql)
                .bind(user.0)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| side_row!(r))
                .collect::<Result<Vec<_>, StoreError>>()?;
            tx.commit().await?;
            (total, heads, sides)
        });
        let mut by_session: std::collections::HashMap<i64, Vec<SideSummary>> =
            std::collections::HashMap::new();
        for (id, side) in sides {
            by_session.entry(id).or_default().push(side);
        }
        let items = heads
            .into_iter()
            .map(|(head, finding_count)| {
                let mut sides = by_session.remove(&head.id).unwrap_or_default();
                sides.sort_by_key(|s| s.side);
                Ok(SessionSummary {
                    id: SessionId(head.id),
                    user: UserId(head.user_id),
                    started_at: head.started_at,
                    duration_s: head.duration_s,
                    source: head.source()?,
                    media_name: head.media_name,
                    sides,
                    asymmetry_index: head.asymmetry_index,
                    tighter_side: parse_opt_side("sessions.tighter_side", head.tighter_side)?,
                    finding_count,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(SessionList {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Deletes a session with its sides, findings and key frames (in the
    /// database in the same transaction; in the media bucket once that has
    /// committed). Returns whether it existed.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when its key frames are in a bucket and
    /// `media` names none (nothing is deleted), [`StoreError::Database`].
    pub async fn delete_session(
        &self,
        id: SessionId,
        media: &MediaBackend,
    ) -> Result<bool, StoreError> {
        // A session has at most one object (`session_id` is its key).
        self.delete_with_objects(
            id.0,
            "SELECT object_key FROM session_objects WHERE session_id = $1",
            "DELETE FROM sessions WHERE id = $1",
            &[],
            media,
        )
        .await
    }

    // ------------------------------------------------------------- progress

    /// A user's progress per ISO week: per side the mean fold angle,
    /// head-to-knee distance and hold; the mean asymmetry index; and per mistake
    /// id how many findings and sessions. Weeks are those of the session start
    /// times seen at `week_offset` from UTC (the user's time zone; pass
    /// [`UtcOffset::UTC`] for UTC weeks).
    ///
    /// The numbers are computed in Rust from rows read in session order, so both
    /// backends give the same results to the last bit.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`], [`StoreError::Database`].
    pub async fn progress(
        &self,
        user: UserId,
        week_offset: UtcOffset,
    ) -> Result<Progress, StoreError> {
        let sessions_sql = "SELECT s.id, s.started_at, s.asymmetry_index FROM sessions s \
                            WHERE s.user_id = $1 ORDER BY s.started_at, s.id";
        let sides_sql = "SELECT d.session_id, d.side, d.fold_angle_deg, d.head_to_knee, \
                         d.hold_s FROM session_sides d JOIN sessions s ON s.id = d.session_id \
                         WHERE s.user_id = $1 ORDER BY s.started_at, s.id, d.side";
        let findings_sql = "SELECT f.session_id, f.mistake_id FROM findings f \
                            JOIN sessions s ON s.id = f.session_id \
                            WHERE s.user_id = $1 ORDER BY s.started_at, s.id, f.ordinal";
        let rows = with_backend!(self, |pool, be| {
            let mut tx = pool.begin().await?;
            be::snapshot(&mut tx).await?;
            let mut rows = ProgressRows::default();
            for r in sqlx::query(sessions_sql)
                .bind(user.0)
                .fetch_all(&mut *tx)
                .await?
            {
                rows.sessions.push((
                    r.try_get("id")?,
                    be::get_ts(&r, "started_at")?,
                    r.try_get("asymmetry_index")?,
                ));
            }
            for r in sqlx::query(sides_sql)
                .bind(user.0)
                .fetch_all(&mut *tx)
                .await?
            {
                let side: String = r.try_get("side")?;
                rows.sides.push(SideRow {
                    session: r.try_get("session_id")?,
                    side: parse_side("session_sides.side", &side)?,
                    fold_angle_deg: r.try_get("fold_angle_deg")?,
                    head_to_knee: r.try_get("head_to_knee")?,
                    hold_s: r.try_get("hold_s")?,
                });
            }
            for r in sqlx::query(findings_sql)
                .bind(user.0)
                .fetch_all(&mut *tx)
                .await?
            {
                rows.findings
                    .push((r.try_get("session_id")?, r.try_get("mistake_id")?));
            }
            tx.commit().await?;
            rows
        });
        Ok(progress_from_rows(user, week_offset, &rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_choose_the_backend() {
        assert_eq!(
            parse_location("/tmp/j/history.db").unwrap(),
            Location::SqliteFile("/tmp/j/history.db".into())
        );
        assert_eq!(
            parse_location("sqlite:///tmp/a.db").unwrap(),
            Location::SqliteFile("/tmp/a.db".into())
        );
        assert_eq!(
            parse_location("sqlite:rel/a.db").unwrap(),
            Location::SqliteFile("rel/a.db".into())
        );
        assert_eq!(
            parse_location("sqlite::memory:").unwrap(),
            Location::SqliteMemory
        );
        assert!(matches!(
            parse_location("postgresql://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        let err = parse_location("mysql://root:hunter2@db/janu")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql://root:***@db/janu"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(parse_location("sqlite:///tmp/a.db?mode=ro").is_err());
        assert!(parse_location("  ").is_err());
    }

    #[test]
    fn redact_keeps_urls_without_passwords() {
        assert_eq!(redact_location("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_location("postgres://h?user=u@x:p"),
            "postgres://h?user=u@x:p",
            "an @ after the authority is not a password"
        );
        assert_eq!(
            redact_location("postgres://u:p@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_location("/plain/path"), "/plain/path");
    }
}

mod accounts;
mod jobs;
mod pieces;

pub use accounts::{ApiToken, Login, PASSWORD_HASH_MAX_LEN, TOKEN_HASH_LEN, TOKEN_NAME_MAX_CHARS};
pub use jobs::{JobId, MAX_JOB_ATTEMPTS, QueueStats, UPLOAD_CHUNK_BYTES, UploadJob, UploadState};
pub use pieces::{MAX_UPLOAD_PIECES, UploadPiece};
