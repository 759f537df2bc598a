//! Where uploads' bytes and sessions' key frames live: in the database (the
//! default) or in an S3-compatible bucket ([`Bucket`], through the
//! `object_store` crate) that every worker and replica reaches.
//!
//! With a bucket the database keeps only each object's key
//! (`upload_jobs.object_key`, `session_objects`). Keys, under the bucket's
//! prefix:
//!
//! - `users/<user id>/uploads/<file name>`: an accepted upload, until its job
//!   ends (the file name is the job's unique `job-<token>.upload`);
//! - `users/<user id>/sessions/<session id>/media.json`: a session's key
//!   frames and breath traces.
//!
//! Everything of one account is under `users/<user id>/`, so deleting the
//! account deletes that prefix. Objects are written before the row that names
//! them commits and deleted after the row's deletion commits, so a crash in
//! between leaves an object no row names, never a row without its object;
//! [`Bucket::sweep_orphans`] removes such objects.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::{SessionId, StoreError, UserId};

/// Size of one part of a multipart upload to the bucket: S3's smallest part
/// (all but the last must be at least 5 MiB). A file no larger goes in one
/// put.
pub const OBJECT_PART_BYTES: usize = 5 << 20;
/// Parts of one upload in flight at once: at most this many plus one part
/// of a file are ever in memory.
pub const OBJECT_PARTS_IN_FLIGHT: usize = 2;
/// An object no row names is removed by the sweep only once it is this old:
/// an upload is written before its job row commits, and a session's key
/// frames before the session commits; neither takes anywhere near this long.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(60 * 60);

/// The standard variables that configure the bucket's client (besides the
/// many more `object_store` reads from the process environment itself, such
/// as web identity and container credentials). [`Bucket::open`] takes their
/// values from its caller, so a settings layer can supply them.
pub const MEDIA_STORE_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT",
    "AWS_ALLOW_HTTP",
];

/// Whether the value of the variable `name` is a secret, never to be printed.
pub fn is_secret_var(name: &str) -> bool {
    matches!(
        name,
        "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN"
    )
}

/// Where uploads' bytes and sessions' key frames are kept.
#[derive(Debug, Clone, Default)]
pub enum MediaBackend {
    /// In the database: key frames in `session_media`, and an upload's bytes
    /// in `upload_chunks` when the caller hands them over.
    #[default]
    Database,
    /// In an S3-compatible bucket; the database keeps only the keys.
    Bucket(Bucket),
}

impl MediaBackend {
    /// The bucket, when media go to one.
    pub fn bucket(&self) -> Option<&Bucket> {
        match self {
            Self::Database => None,
            Self::Bucket(b) => Some(b),
        }
    }

    /// Checks, inside a transaction that is about to drop the rows naming
    /// `keys`, that their objects can be deleted once it commits.
    ///
    /// # Errors
    /// [`StoreError::NoBucket`] when `keys` names an object and no bucket
    /// is named.
    pub(crate) fn can_delete(&self, keys: &[String]) -> Result<(), StoreError> {
        match (keys.first(), self.bucket()) {
            (Some(key), None) => Err(StoreError::NoBucket { key: key.clone() }),
            _ => Ok(()),
        }
    }

    /// [`Bucket::delete_after_commit`] when media go to a bucket.
    pub(crate) async fn delete_after_commit(&self, keys: &[String], prefixes: &[String]) {
        if let Some(bucket) = self.bucket() {
            bucket.delete_after_commit(keys, prefixes).await;
        }
    }

    /// Media in the database, or in the bucket `location` names
    /// (see [`Bucket::open`], with `vars`) when there is one.
    ///
    /// # Errors
    /// As [`Bucket::open`].
    pub fn open(location: Option<&str>, vars: &[(String, String)]) -> Result<Self, StoreError> {
        match location.map(str::trim).filter(|l| !l.is_empty()) {
            None => Ok(Self::Database),
            Some(l) => Ok(Self::Bucket(Bucket::open(l, vars)?)),
        }
    }
}

/// An S3-compatible bucket and a prefix in it. Cheap to clone.
#[derive(Clone)]
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    location: String,
    prefix: String,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// `(bucket, prefix)` of `s3://BUCKET[/PREFIX]`.
fn parse_s3_url(location: &str) -> Result<(&str, String), StoreError> {
    let bad = |reason: &str| StoreError::MediaStoreUrl {
        location: crate::redact_location(location),
        reason: reason.to_owned(),
    };
    let rest = location
        .strip_prefix("s3://")
        .ok_or_else(|| bad("only s3:// is supported"))?;
    if rest.contains(['?', '#', '@']) {
        return Err(bad(
            "no query, fragment or credentials in the URL; give them in AWS_* variables",
        ));
    }
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(bad("no bucket name"));
    }
    let prefix = prefix.trim_matches('/');
    if prefix.split('/').any(|p| p == "." || p == "..") {
        return Err(bad("the prefix may not hold . or .. parts"));
    }
    Ok((bucket, prefix.to_owned()))
}

fn object_error(what: impl Into<String>) -> impl FnOnce(object_store::Error) -> StoreError {
    let what = what.into();
    move |source| StoreError::ObjectStore {
        what,
        source: Box::new(source),
    }
}

impl Bucket {
    /// The bucket at `s3://BUCKET[/PREFIX]`, with credentials, region and
    /// endpoint from the standard variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` or
    /// `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL` or `AWS_ENDPOINT` for another
    /// S3-compatible server, `AWS_ALLOW_HTTP=true` for one without TLS): the
    /// process environment's, overridden by `vars` (name, value; see
    /// [`MEDIA_STORE_VARS`]). Nothing is sent until the first use.
    ///
    /// # Errors
    /// [`StoreError::MediaStoreUrl`] for another URL, [`StoreError::ObjectStore`]
    /// when the client cannot be configured (a malformed variable).
    pub fn open(location: &str, vars: &[(String, String)]) -> Result<Self, StoreError> {
        let (bucket, prefix) = parse_s3_url(location)?;
        let mut builder = AmazonS3Builder::from_env();
        for (name, value) in vars {
            if let Ok(key) = name.to_ascii_lowercase().parse() {
                builder = builder.with_config(key, value);
            }
        }
        let store = builder
            .with_bucket_name(bucket)
            .build()
            .map_err(object_error(format!("configuring {location}")))?;
        Ok(Self {
            store: Arc::new(store),
            location: location.to_owned(),
            prefix,
        })
    }

    /// Checks that `location` is `s3://BUCKET[/PREFIX]`, without making a
    /// client.
    ///
    /// # Errors
    /// [`StoreError::MediaStoreUrl`].
    pub fn check_location(location: &str) -> Result<(), StoreError> {
        parse_s3_url(location).map(drop)
    }

    /// The bucket with `store` as its client, for tests and other backends
    /// (`object_store`'s in-memory store, a local folder).
    pub fn with_store(store: Arc<dyn ObjectStore>, prefix: &str) -> Self {
        Self {
            store,
            location: format!("custom:{prefix}"),
            prefix: prefix.trim_matches('/').to_owned(),
        }
    }

    /// `s3://BUCKET/PREFIX` as given (it never holds a secret).
    pub fn location(&self) -> &str {
        &self.location
    }

    fn full(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.prefix)
        }
    }

    fn path(&self, key: &str) -> ObjectPath {
        ObjectPath::from(self.full(key))
    }

    /// The prefix (ending in `/`) of everything of `user`.
    pub fn user_prefix(user: UserId) -> String {
        format!("users/{}/", user.0)
    }

    /// The key of `user`'s upload kept as `file_name`.
    pub fn upload_key(user: UserId, file_name: &str) -> String {
        format!("users/{}/uploads/{file_name}", user.0)
    }

    /// The key of session `session`'s key frames.
    pub fn session_key(user: UserId, session: SessionId) -> String {
        format!("users/{}/sessions/{}/media.json", user.0, session.0)
    }

    /// Stores the file at `path` as `key`, streamed: a file up to
    /// [`OBJECT_PART_BYTES`] in one put, a larger one in parts of that size,
    /// at most [`OBJECT_PARTS_IN_FLIGHT`] at once. Returns its size. A failed
    /// upload is aborted (nothing is left under `key`).
    ///
    /// # Errors
    /// [`StoreError::Io`] when the file cannot be read,
    /// [`StoreError::ObjectStore`] when the bucket refuses or cannot be reached.
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<u64, StoreError> {
        let mut file = tokio::fs::File::open(path).await.map_err(StoreError::Io)?;
        let len = file.metadata().await.map_err(StoreError::Io)?.len();
        let target = self.path(key);
        if len <= OBJECT_PART_BYTES as u64 {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut bytes).await.map_err(StoreError::Io)?;
            let size = bytes.len() as u64;
            self.store
                .put(&target, PutPayload::from(bytes))
                .await
                .map_err(object_error(format!("storing {key}")))?;
            return Ok(size);
        }
        let upload = self
            .store
            .put_multipart(&target)
            .await
            .map_err(object_error(format!("starting the upload of {key}")))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, OBJECT_PART_BYTES);
        let mut buf = vec![0_u8; 1 << 16];
        let mut size = 0_u64;
        let streamed: Result<(), StoreError> = async {
            loop {
                let n = file.read(&mut buf).await.map_err(StoreError::Io)?;
                if n == 0 {
                    return Ok(());
                }
                writer
                    .wait_for_capacity(OBJECT_PARTS_IN_FLIGHT)
                    .await
                    .map_err(object_error(format!("uploading {key}")))?;
                writer.write(&buf[..n]);
                size += n as u64;
            }
        }
        .await;
        match streamed {
            Ok(()) => {
                writer
                    .finish()
                    .await
                    .map_err(object_error(format!("finishing the upload of {key}")))?;
                Ok(size)
            }
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    /// Stores `bytes` (small: a session's key frames) as `key`.
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`].
    pub async fn put_bytes(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.store
            .put(&self.path(key), PutPayload::from(bytes.to_vec()))
            .await
            .map_err(object_error(format!("storing {key}")))?;
        Ok(())
    }

    /// The object `key`, whole (small objects only: key frames).
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`], also when it does not exist.
    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let got = self
            .store
            .get(&self.path(key))
            .await
            .map_err(object_error(format!("reading {key}")))?;
        let bytes = got
            .bytes()
            .await
            .map_err(object_error(format!("reading {key}")))?;
        Ok(bytes.to_vec())
    }

    /// Writes the object `key` to `dest` (created or truncated), as it
    /// streams in. Returns its size, `None` when there is no such object.
    ///
    /// # Errors
    /// [`StoreError::Io`] when `dest` cannot be written,
    /// [`StoreError::ObjectStore`].
    pub async fn copy_to_file(&self, key: &str, dest: &Path) -> Result<Option<u64>, StoreError> {
        let got = match self.store.get(&self.path(key)).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(object_error(format!("reading {key}"))(e)),
        };
        let mut out = tokio::fs::File::create(dest)
            .await
            .map_err(StoreError::Io)?;
        let mut stream = got.into_stream();
        let mut written = 0_u64;
        while let Some(chunk) = stream
            .try_next()
            .await
            .map_err(object_error(format!("reading {key}")))?
        {
            out.write_all(&chunk).await.map_err(StoreError::Io)?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(StoreError::Io)?;
        out.sync_all().await.map_err(StoreError::Io)?;
        Ok(Some(written))
    }

    /// Whether the object `key` exists.
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`].
    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.store.head(&self.path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(object_error(format!("looking for {key}"))(e)),
        }
    }

    /// Deletes the object `key` (nothing when it is not there).
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`].
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(object_error(format!("deleting {key}"))(e)),
        }
    }

    /// The keys (without the bucket's prefix) of every object under
    /// `prefix`, sorted.
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`].
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .list(prefix)
            .await?
            .into_iter()
            .map(|(key, _)| key)
            .collect())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<(String, time::OffsetDateTime)>, StoreError> {
        let under = self.path(prefix.trim_end_matches('/'));
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut keys: Vec<(String, time::OffsetDateTime)> = self
            .store
            .list(Some(&under))
            .map_ok(|meta| {
                let full = meta.location.to_string();
                let key = full.strip_prefix(&strip).unwrap_or(&full).to_owned();
                let at = time::OffsetDateTime::from_unix_timestamp(meta.last_modified.timestamp())
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
                (key, at)
            })
            .try_collect()
            .await
            .map_err(object_error(format!("listing {prefix}")))?;
        keys.sort();
        Ok(keys)
    }

    /// Deletes every object under `prefix` (a folder-like key ending in
    /// `/`). Returns how many.
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`].
    pub async fn delete_prefix(&self, prefix: &str) -> Result<usize, StoreError> {
        let keys = self.keys(prefix).await?;
        for key in &keys {
            self.delete(key).await?;
        }
        Ok(keys.len())
    }

    /// Deletes `keys` and then `prefixes` after the rows that named them
    /// are gone; a failure is only reported (the sweep removes what is
    /// left), since the deletion the caller asked for has happened.
    pub(crate) async fn delete_after_commit(&self, keys: &[String], prefixes: &[String]) {
        for key in keys {
            if let Err(e) = self.delete(key).await {
                eprintln!("janu-store: {e}; the next sweep removes it");
            }
        }
        for prefix in prefixes {
            if let Err(e) = self.delete_prefix(prefix).await {
                eprintln!("janu-store: {e}; the next sweep removes it");
            }
        }
    }

    /// Deletes the objects under `users/` that no row of `store` names and
    /// that are older than `grace` ([`ORPHAN_GRACE`] on a running server):
    /// what a crash between writing an object and committing its row (or
    /// between deleting a row and its objects) left. Returns how many.
    ///
    /// # Errors
    /// [`StoreError::ObjectStore`], [`StoreError::Database`].
    pub async fn sweep_orphans(
        &self,
        store: &crate::Store,
        grace: Duration,
    ) -> Result<usize, StoreError> {
        let listed = self.list("users/").await?;
        let named: HashSet<String> = store.object_keys().await?.into_iter().collect();
        let before = time::OffsetDateTime::now_utc() - grace;
        let mut removed = 0;
        for (key, at) in listed {
            if at < before && !named.contains(&key) {
                self.delete(&key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_name_a_bucket_and_a_prefix() {
        assert_eq!(
            parse_s3_url("s3://media").unwrap(),
            ("media", String::new())
        );
        assert_eq!(
            parse_s3_url("s3://media/janu/prod/").unwrap(),
            ("media", "janu/prod".to_owned())
        );
        for bad in [
            "media",
            "s3://",
            "s3:///x",
            "gs://media",
            "s3://key:secret@media",
            "s3://media/../x",
            "s3://media?region=x",
        ] {
            let err = parse_s3_url(bad).unwrap_err().to_string();
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[tokio::test]
    async fn files_go_up_in_parts_and_come_back_whole() {
        let bucket = Bucket::with_store(Arc::new(object_store::memory::InMemory::new()), "p/");
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big");
        // Two full parts and a short one.
        let data: Vec<u8> = (0..(2 * OBJECT_PART_BYTES + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&src, &data).unwrap();
        let key = Bucket::upload_key(UserId(3), "job-x.upload");
        assert_eq!(
            bucket.put_file(&key, &src).await.unwrap(),
            data.len() as u64
        );
        let back = dir.path().join("back");
        assert_eq!(
            bucket.copy_to_file(&key, &back).await.unwrap(),
            Some(data.len() as u64)
        );
        assert_eq!(std::fs::read(&back).unwrap(), data);
        assert_eq!(bucket.keys("users/3/").await.unwrap(), vec![key.clone()]);
        assert!(bucket.exists(&key).await.unwrap());
        assert_eq!(bucket.delete_prefix("users/3/").await.unwrap(), 1);
        assert!(!bucket.exists(&key).await.unwrap());
        assert_eq!(bucket.copy_to_file(&key, &back).await.unwrap(), None);
        bucket.delete(&key).await.unwrap();
    }
}
