//! The report of one analysed session as HTML, for `/sessions/{id}` (where the
//! upload page lands when its job is done): the same report as
//! `janu analyze --format html`, rendered by `janu_report::html::fragment` from
//! the stored report and the session's key frames.
//!
//! # How past sessions keep their key frames
//! The key frames and breathing traces ([`ReportMedia`]) of a session are one
//! JSON value (pictures as base64 JPEG, about 50 kB each, at most eight), saved
//! in the database (`session_media`) in the session's own transaction, so every
//! replica and worker sees them and deleting the session deletes them; history
//! queries never read that table. With a media bucket (`--media-store`) the
//! JSON is an object there instead, written before that transaction commits,
//! with only its key in the database (see [`janu_store::Bucket`]).
//!
//! Sessions saved by earlier versions keep theirs in a file,
//! `report-media/<session id>.json` under the data folder, read by
//! [`MediaStore`] as below.
//!
//! (Earlier versions wrote that file before the session's transaction and
//! renamed it after; a `.pending-*` file left by a crash between the two is
//! removed at start. Deleting a session deletes its file. A missing or
//! unreadable file is not an error: the page says the pictures were not kept.)
//!
//! The file also names whose session it belongs to and when it started
//! ([`MediaOwner`]), and is shown only with a session that matches: a database
//! emptied or replaced under the same data folder numbers its sessions from 1
//! again, and must never show a new person another's pictures.

use std::path::{Path, PathBuf};

use janu_analysis::SessionReport;
use janu_report::media::ReportMedia;
use janu_store::{NewSession, SessionId};
use maud::{Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};

use crate::ServerError;

/// Folder under the data folder holding the sessions' key frames.
pub const REPORT_MEDIA_DIR: &str = "report-media";
/// Prefix of a media file written before its session was saved.
pub const PENDING_PREFIX: &str = ".pending-";

/// Whose session a media file belongs to: checked against the session it is
/// shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaOwner {
    /// The user's id.
    pub user: i64,
    /// When the session started, whole seconds since 1970 (the stores keep
    /// finer precision differently).
    pub started_at_s: i64,
}

impl MediaOwner {
    /// The owner of session `data`.
    pub fn of(data: &NewSession) -> Self {
        Self {
            user: data.user.0,
            started_at_s: data.started_at.unix_timestamp(),
        }
    }
}

/// A media file: the media with its owner.
#[derive(Serialize, Deserialize)]
struct Stored<M> {
    owner: MediaOwner,
    media: M,
}

/// The sessions' key frames on disk. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
}

/// A session's media written under a temporary name, waiting for the session's
/// id. Dropped without [`Staged::commit`], the file is deleted.
#[derive(Debug)]
pub struct Staged {
    file: tempfile::NamedTempFile,
    dir: PathBuf,
}

impl MediaStore {
    /// The store under `data_dir` (no I/O: for reading).
    pub fn at(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(REPORT_MEDIA_DIR),
        }
    }

    /// The store under `data_dir`, its folder created and the files of saves
    /// that never finished (a crash between the write and the rename) removed.
    ///
    /// # Errors
    /// [`ServerError::Start`] when the folder cannot be created.
    pub fn open(data_dir: &Path) -> Result<Self, ServerError> {
        let store = Self::at(data_dir);
        std::fs::create_dir_all(&store.dir).map_err(|e| {
            ServerError::Start(format!(
                "cannot create the folder {}: {e}",
                store.dir.display()
            ))
        })?;
        crate::remove_files_named(&store.dir, PENDING_PREFIX);
        Ok(store)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: SessionId) -> PathBuf {
        self.dir.join(format!("{}.json", id.0))
    }

    /// Write `media` of `owner`'s session under a temporary name, before the
    /// session is saved.
    ///
    /// # Errors
    /// [`ServerError::Internal`] when the file cannot be written.
    pub fn stage(&self, media: &ReportMedia, owner: MediaOwner) -> Result<Staged, ServerError> {
        use std::io::Write as _;
        let mut file = tempfile::Builder::new()
            .prefix(PENDING_PREFIX)
            .suffix(".json")
            .tempfile_in(&self.dir)
            .map_err(|e| ServerError::Internal(format!("writing key frames: {e}")))?;
        let json = serde_json::to_vec(&Stored { owner, media })
            .map_err(|e| ServerError::Internal(format!("key frames to JSON: {e}")))?;
        file.write_all(&json)
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| ServerError::Internal(format!("writing key frames: {e}")))?;
        Ok(Staged {
            file,
            dir: self.dir.clone(),
        })
    }

    /// The media of session `id`, owned by `owner`; `None` when none was
    /// kept, it cannot be read, or it belongs to another session.
    pub fn load(&self, id: SessionId, owner: MediaOwner) -> Option<ReportMedia> {
        let bytes = std::fs::read(self.path(id)).ok()?;
        let stored: Stored<ReportMedia> = serde_json::from_slice(&bytes).ok()?;
        (stored.owner == owner).then_some(stored.media)
    }

    /// The sessions that have media on disk.
    pub fn sessions_on_disk(&self) -> Vec<SessionId> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let id = name.to_str()?.strip_suffix(".json")?.parse::<i64>().ok()?;
                Some(SessionId(id))
            })
            .collect()
    }

    /// Removes the media whose session is gone (a crash between deleting an
    /// account's rows and its files). Returns how many files.
    pub async fn sweep_orphans(&self, store: &janu_store::Store) -> usize {
        let mut removed = 0;
        for id in self.sessions_on_disk() {
            if matches!(store.session(id).await, Ok(None)) {
                self.remove(id);
                removed += 1;
            }
        }
        removed
    }

    /// Delete the media of session `id` (nothing when there is none).
    pub fn remove(&self, id: SessionId) {
        let _ = std::fs::remove_file(self.path(id));
    }
}

impl Staged {
    /// Give the file its session's name, once the session is saved.
    ///
    /// # Errors
    /// [`ServerError::Internal`] when the rename fails (the session is saved;
    /// its page then shows the report without pictures).
    pub fn commit(self, id: SessionId) -> Result<(), ServerError> {
        let path = self.dir.join(format!("{}.json", id.0));
        self.file
            .persist(&path)
            .map_err(|e| ServerError::Internal(format!("keeping key frames: {}", e.error)))?;
        Ok(())
    }
}

/// A stored report (JSON) with its media as an HTML fragment titled `title`:
/// the report renderer's fragment when the JSON reads as a [`SessionReport`],
/// else a note and the JSON as saved.
pub fn stored_report_html(
    report: &serde_json::Value,
    media: Option<&ReportMedia>,
    title: &str,
) -> Markup {
    let parsed = serde_json::from_value::<SessionReport>(report.clone())
        .map_err(|e| e.to_string())
        .and_then(|r| {
            let none = ReportMedia::none();
            janu_report::html::fragment(&r, media.unwrap_or(&none), title)
                .map_err(|e| e.to_string())
        });
    match parsed {
        Ok(fragment) => html! {
            @if media.is_none() {
                p.small data-testid="no-media" { "The key frames of this session were not kept." }
            }
            // Safe: janu-report made this fragment and escapes every text it
            // puts in.
            (PreEscaped(fragment))
        },
        Err(_) => html! {
            p { "This report was written by another version of Janu; here it is as saved." }
            pre { (serde_json::to_string_pretty(report).unwrap_or_default()) }
        },
    }
}

/// The key frames kept for `session`: saved with it in the database or the
/// media bucket, or for a session saved before they moved there, its file in
/// `files`. `None` when none were kept or they cannot be read.
pub async fn session_media(
    store: &janu_store::Store,
    media: &janu_store::MediaBackend,
    files: &MediaStore,
    session: &janu_store::Session,
) -> Option<ReportMedia> {
    match store.session_media(session.id, media).await {
        Ok(Some(json)) => serde_json::from_slice(&json).ok(),
        Ok(None) => files.load(session.id, MediaOwner::of(&session.data)),
        Err(e) => {
            tracing::warn!(session = session.id.0, error = %e, "reading key frames failed");
            None
        }
    }
}

/// The report of a saved session, with its key frames.
pub fn session_html(
    media: Option<&ReportMedia>,
    session: &janu_store::Session,
    title: &str,
) -> Markup {
    stored_report_html(&session.data.report, media, title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use janu_report::media::{KeyFrame, KeyFrameKind};

    fn media() -> ReportMedia {
        ReportMedia {
            key_frames: vec![KeyFrame {
                t: 0.0,
                side: None,
                kind: KeyFrameKind::Photo,
                finding: None,
                caption: "the photo".into(),
                picture: true,
                width: 1,
                height: 1,
                jpeg: vec![0xff, 0xd8, 0xff, 0xd9],
            }],
            breath: vec![],
        }
    }

    const ANA: MediaOwner = MediaOwner {
        user: 1,
        started_at_s: 1_790_000_000,
    };

    #[test]
    fn staged_media_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::open(dir.path()).unwrap();
        let staged = store.stage(&media(), ANA).unwrap();
        assert_eq!(store.load(SessionId(7), ANA), None);
        staged.commit(SessionId(7)).unwrap();
        assert_eq!(store.load(SessionId(7), ANA), Some(media()));
        store.remove(SessionId(7));
        assert_eq!(store.load(SessionId(7), ANA), None);
    }

    #[test]
    fn pictures_are_never_shown_with_another_persons_session() {
        // The database was emptied: session 7 now belongs to someone else.
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::open(dir.path()).unwrap();
        store
            .stage(&media(), ANA)
            .unwrap()
            .commit(SessionId(7))
            .unwrap();
        let ben = MediaOwner {
            user: 1,
            started_at_s: ANA.started_at_s + 3600,
        };
        assert_eq!(store.load(SessionId(7), ben), None);
        let other_user = MediaOwner { user: 2, ..ANA };
        assert_eq!(store.load(SessionId(7), other_user), None);
        assert!(store.load(SessionId(7), ANA).is_some());
    }

    #[test]
    fn a_failed_save_leaves_nothing_and_a_crash_is_cleaned_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::open(dir.path()).unwrap();
        drop(store.stage(&media(), ANA).unwrap());
        assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 0);
        // A crash between the write and the rename: the pending file stays
        // until the next start.
        let staged = store.stage(&media(), ANA).unwrap();
        let (_, path) = staged.file.keep().unwrap();
        assert!(path.is_file());
        let store = MediaStore::open(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn key_frames_of_sessions_that_are_gone_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let media_store = MediaStore::open(dir.path()).unwrap();
        // A crash after an account's rows were deleted and before its files.
        media_store
            .stage(&media(), ANA)
            .unwrap()
            .commit(SessionId(42))
            .unwrap();
        assert_eq!(media_store.sessions_on_disk(), vec![SessionId(42)]);
        let db = janu_store::Store::open_sqlite_memory().await.unwrap();
        assert_eq!(media_store.sweep_orphans(&db).await, 1);
        assert!(media_store.sessions_on_disk().is_empty());
    }
}
