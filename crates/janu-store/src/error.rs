//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong when opening or using a [`Store`](crate::Store).
///
/// Each message says what failed and, where there is one, what to do about it.
/// Messages never contain a database password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database location is neither a file path, a `sqlite:` URL nor a
    /// `postgres://` URL.
    #[error(
        "unsupported database location {location:?}: give a file path, sqlite://PATH, \
         sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    UnsupportedLocation {
        /// The location as given (with any password removed).
        location: String,
    },

    /// The folder that should hold the SQLite file could not be created.
    #[error(
        "cannot create the folder {path} for the database: {source}; \
         check its permissions or choose another --database location"
    )]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The SQLite database file could not be opened or created.
    #[error(
        "cannot open or create the SQLite database at {path}: {source}; \
         check that the file is a Janu database and that its folder is writable"
    )]
    OpenSqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: sqlx::Error,
    },

    /// A `postgres://` URL could not be parsed.
    #[error("invalid Postgres URL: {reason}; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")]
    InvalidPostgresUrl {
        /// What is wrong with it.
        reason: String,
    },

    /// The Postgres server could not be reached or refused the connection.
    #[error(
        "Postgres unreachable at {host}: {source}; check that the server is running \
         and that the URL names the right host, port, user, password and database"
    )]
    PostgresUnreachable {
        /// `host:port/database` of the server (no user or password).
        host: String,
        /// What the driver said.
        source: sqlx::Error,
    },

    /// The schema could not be brought up to date.
    #[error(
        "cannot bring the database schema up to date: {0}; if a newer Janu wrote \
         this database, use that version or another --database"
    )]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// A file the store reads or writes (an upload's bytes) failed.
    #[error("reading or writing an upload's bytes: {0}")]
    Io(#[source] std::io::Error),

    /// The media store location is not `s3://BUCKET[/PREFIX]`.
    #[error(
        "unsupported media store {location:?}: {reason}; give s3://BUCKET or s3://BUCKET/PREFIX"
    )]
    MediaStoreUrl {
        /// The location as given (with any password removed).
        location: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The object store (an S3-compatible bucket) refused a request or could
    /// not be reached.
    #[error(
        "object storage: {what}: {source}; check the bucket, the AWS_* credentials \
         and AWS_ENDPOINT_URL"
    )]
    ObjectStore {
        /// What was being done, with the object's key.
        what: String,
        /// What the object store client said.
        source: Box<object_store::Error>,
    },

    /// Media are kept in a bucket, but this process was started without one.
    #[error(
        "{key} is kept in object storage, but no media store is configured here; \
         start every server and worker with the same --media-store"
    )]
    NoBucket {
        /// The object's key.
        key: String,
    },

    /// A value handed to the store is out of range or malformed. Nothing was written.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which value, e.g. `sides[0].fold_angle_deg`.
        field: String,
        /// What is wrong and what is allowed.
        reason: String,
    },

    /// Another user already has this handle.
    #[error("the handle {handle:?} is taken: choose another one")]
    HandleTaken {
        /// The handle asked for.
        handle: String,
    },

    /// Another token already has this hash (a token drawn twice: draw again).
    #[error("this token hash is already in use: issue a new token")]
    TokenHashTaken,

    /// The upload job named by an operation is gone or already finished.
    #[error("upload job {0} is gone or already finished")]
    JobGone(i64),

    /// The user named by an operation does not exist.
    #[error("no user with id {0}: create the user first")]
    UnknownUser(i64),

    /// A row read back does not decode (the database was edited by hand or by
    /// another program).
    #[error("the database holds a value Janu cannot read ({what}); was it edited by hand?")]
    Corrupt {
        /// Which value and why.
        what: String,
    },

    /// Any other database failure (connection lost, disk full, constraint, ...).
    /// The operation was rolled back.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Shorthand for [`StoreError::Invalid`].
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`StoreError::Corrupt`].
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        Self::Corrupt { what: what.into() }
    }
}
