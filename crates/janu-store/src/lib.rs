//! Practice history for Janu: users, saved practice sessions (per side, with their
//! findings and the full report) and progress over weeks. SQLite by default (a
//! single file, nothing to install), Postgres for a server shared by many users.
//!
//! The server holds one [`Store`] and calls its operations; the same SQL runs on
//! both backends, each with its own embedded migrations. Writes are transactions:
//! a failed or interrupted [`Store::save_session`] leaves nothing behind.
//!
//! ```
//! use janu_store::{Finding, NewSession, NewUser, Page, Severity, Side, SideSummary, Source, Store};
//! use time::macros::datetime;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let dir = tempfile::tempdir()?;
//! // A path (folders are created), sqlite://PATH, sqlite::memory: or postgres://...
//! let store = Store::open(dir.path().join("janu/history.db").to_str().unwrap()).await?;
//!
//! let ana = store
//!     .create_user(&NewUser { handle: "ana".into(), display_name: "Ana".into() })
//!     .await?;
//! let id = store
//!     .save_session(&NewSession {
//!         user: ana.id,
//!         started_at: datetime!(2025-03-04 07:30 UTC),
//!         duration_s: 300.0,
//!         source: Source::Live,
//!         media_name: None,
//!         segments: vec![],
//!         sides: vec![SideSummary {
//!             side: Side::Left,
//!             fold_angle_deg: Some(48.5),
//!             head_to_knee: Some(0.62),
//!             knee_angle_deg: Some(176.0),
//!             hip_opening_deg: Some(95.0),
//!             hold_s: 42.0,
//!             breaths: Some(7),
//!             breath_rate_bpm: Some(10.0),
//!         }],
//!         asymmetry_index: None,
//!         tighter_side: None,
//!         findings: vec![Finding {
//!             mistake_id: "locked_knee".into(),
//!             side: Some(Side::Left),
//!             severity: Severity::Medium,
//!             start_s: 60.0,
//!             end_s: 75.5,
//!         }],
//!         report: serde_json::json!({"pose": {"name": "janusirsasana"}}),
//!     })
//!     .await?;
//!
//! let page = store.sessions(ana.id, Page::first(20)).await?;
//! assert_eq!(page.total, 1);
//! assert_eq!(page.items[0].id, id);
//! let progress = store.progress(ana.id, time::UtcOffset::UTC).await?;
//! assert_eq!(progress.weeks[0].left.fold_angle_deg_mean, Some(48.5));
//! assert_eq!(progress.mistake_series("locked_knee"), vec![1]);
//! store.close().await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Tables
//! `users` (unique `handle`, `display_name`, `created_at`, the argon2
//! `password_hash` or none); `logins` (signed-in browsers: the SHA-256 of the
//! cookie, its CSRF token, expiry); `api_tokens` (SHA-256 of personal tokens,
//! named, revocable); `shares` (a student lets a teacher read their history);
//! `sessions` (one row per practice session, with the segments summary and the
//! report as JSON text); `session_sides` (one row per side practised, keyed by
//! session and side); `findings` (one row per mistake seen, in report order).
//! Deleting a user deletes their sessions; deleting a session deletes its sides
//! and findings. Timestamps are UTC with microsecond resolution on both backends.

mod backend;
mod error;
mod media;
mod model;
mod progress;
mod queue;
mod store;

pub use error::StoreError;
pub use media::{
    Bucket, MEDIA_STORE_VARS, MediaBackend, OBJECT_PART_BYTES, OBJECT_PARTS_IN_FLIGHT,
    ORPHAN_GRACE, is_secret_var,
};
pub use model::{
    ASYMMETRY_RANGE, BREATH_RATE_RANGE_BPM, DISPLAY_NAME_MAX_CHARS, FOLD_ANGLE_RANGE_DEG, Finding,
    HANDLE_MAX_CHARS, HEAD_TO_KNEE_RANGE, HIP_OPENING_RANGE_DEG, IDENT_MAX_CHARS,
    KNEE_ANGLE_RANGE_DEG, MAX_BREATHS, MAX_DURATION_S, MAX_FINDINGS, MAX_REPORT_BYTES,
    MAX_SEGMENTS, MEDIA_NAME_MAX_CHARS, NewSession, NewUser, Page, PoseSegment, Session, SessionId,
    SessionList, SessionSummary, Severity, Side, SideSummary, Source, TIME_SLACK_S, User, UserId,
};
pub use progress::{MistakeWeek, Progress, SideWeek, WeekProgress};
pub use queue::{
    AnalyseUpload, JobQueue, QUEUE_MAX_DELIVERIES, QUEUE_NAMESPACE, QUEUE_POLL, QueueSettings,
    QueueStorage, SQLITE_MIN_LEASE, helper_task_id, task_id,
};
pub use store::{
    ApiToken, Backend, JobId, Login, MAX_JOB_ATTEMPTS, PASSWORD_HASH_MAX_LEN,
    POSTGRES_CONNECT_TIMEOUT, POSTGRES_MAX_CONNECTIONS, QueueStats, SQLITE_BUSY_TIMEOUT,
    SQLITE_MAX_CONNECTIONS, Store, TOKEN_HASH_LEN, TOKEN_NAME_MAX_CHARS, UPLOAD_CHUNK_BYTES,
    UploadJob, UploadState, redact_location,
};
pub use store::{MAX_UPLOAD_PIECES, UploadPiece};
