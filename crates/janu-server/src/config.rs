//! Server settings, layered like atuin's: built-in defaults, then an optional TOML
//! file, then `JANU_*` environment variables, then command-line flags. Each later
//! layer overrides the fields it sets.
//!
//! | key | TOML / flag | environment | default |
//! |---|---|---|---|
//! | listen address | `addr` / `--addr` | `JANU_ADDR` | `127.0.0.1:8080` |
//! | database | `database` / `--database` | `JANU_DATABASE` | SQLite file `history.db` in the data folder |
//! | data folder | `data_dir` / `--data-dir` | `JANU_DATA_DIR` | the user's data folder + `janu` |
//! | analysis workers in this process (0: only queue, `janu worker` runs them) | `workers` | `JANU_WORKERS` | [`DEFAULT_WORKERS`] |
//! | queued uploads | `queue` | `JANU_QUEUE` | [`DEFAULT_QUEUE`] |
//! | job lease, seconds: a silent worker's job goes to another after this | `job_lease_s` | `JANU_JOB_LEASE_S` | [`DEFAULT_JOB_LEASE_S`] |
//! | upload limit, MB | `max_upload_mb` | `JANU_MAX_UPLOAD_MB` | [`MAX_UPLOAD_BYTES`] / 1 MB |
//! | landmark model | `model` | `JANU_MODEL` | `full` |
//! | host names answered besides IP addresses and `localhost` | `allowed_hosts` | `JANU_ALLOWED_HOSTS` (comma-separated) | none |
//! | anyone may create an account at `/signup` | `open_signup` | `JANU_OPEN_SIGNUP` (`true`/`false`) | `false`: accounts come from `janu users add` |
//! | TLS certificate chain and key (PEM), to serve HTTPS | `tls_cert`, `tls_key` / `--tls-cert`, `--tls-key` | `JANU_TLS_CERT`, `JANU_TLS_KEY` | none: plain HTTP |
//! | media store: uploads and key frames in an S3-compatible bucket | `media_store` / `--media-store` (`s3://BUCKET/PREFIX`) | `JANU_MEDIA_STORE` | none: in the database (uploads in the data folder with SQLite) |
//!
//! The bucket's credentials, region and endpoint are never settings of Janu:
//! the object store client reads the standard `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT`) and `AWS_ALLOW_HTTP` itself, so no
//! secret is ever part of [`Settings`] or printed with it.
//!
//! The file is `--config FILE`, else `$JANU_CONFIG`, else `server.toml` in the
//! user's config folder + `janu` when it exists. A `postgres://` URL with a
//! password is shown with the password replaced by `***` in `Debug` output and in
//! [`Settings::database_display`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use janu_vision::ModelSize;
use serde::Deserialize;

use crate::ServerError;

/// Default listen address: this machine only; serving others is a choice.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Default analysis workers: each runs the landmark model on 2 threads, and the
/// machines Janu targets have 2 cores, so one worker keeps them busy.
pub const DEFAULT_WORKERS: usize = 1;
/// Default number of uploads that may wait for a worker; more are refused with
/// 503 instead of queueing without bound.
pub const DEFAULT_QUEUE: usize = 8;
/// Largest upload accepted: a few minutes of phone video at 1080p fit, and a
/// request can never fill the disk.
pub const MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;
/// Default job lease: a lost machine's jobs start again on another within a
/// minute, and a worker busy on a long video is never taken for dead (its
/// heartbeat runs beside the analysis).
pub const DEFAULT_JOB_LEASE_S: u64 = 60;
/// Shortest job lease accepted: heartbeats go every quarter lease, and a
/// database round trip must fit well inside one.
pub const MIN_JOB_LEASE_S: u64 = 2;
/// Most workers allowed: one per core of a large machine is plenty.
pub const MAX_WORKERS: usize = 64;
/// Name of the configuration file in the user's config folder.
pub const CONFIG_FILE_NAME: &str = "server.toml";
/// Name of the SQLite file in the data folder.
pub const DATABASE_FILE_NAME: &str = "history.db";
/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "JANU_CONFIG";

/// One layer of settings: every field optional. The TOML file is read into this
/// (unknown keys are refused), and the environment and the flags each make one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsLayer {
    /// Listen address, `HOST:PORT`.
    pub addr: Option<String>,
    /// Database: a file path, `sqlite://PATH`, `sqlite::memory:` or `postgres://...`.
    pub database: Option<String>,
    /// Folder for the default database and for uploads being analysed.
    pub data_dir: Option<PathBuf>,
    /// Analysis worker threads, each with its own pose model.
    pub workers: Option<usize>,
    /// Uploads that may wait for a worker.
    pub queue: Option<usize>,
    /// Seconds a worker may stay silent before its job goes to another.
    pub job_lease_s: Option<u64>,
    /// Upload limit in megabytes.
    pub max_upload_mb: Option<u64>,
    /// Landmark model: lite, full or heavy.
    pub model: Option<String>,
    /// Host names the server answers to besides IP addresses and `localhost`
    /// (e.g. `studio.local`); requests naming any other host are refused,
    /// which stops DNS-rebinding pages from reaching the server.
    pub allowed_hosts: Option<Vec<String>>,
    /// Whether anyone who reaches the server may create an account.
    pub open_signup: Option<bool>,
    /// PEM file with the TLS certificate chain (with `tls_key`: serve HTTPS).
    pub tls_cert: Option<PathBuf>,
    /// PEM file with the TLS private key.
    pub tls_key: Option<PathBuf>,
    /// Where uploads and key frames go: `s3://BUCKET/PREFIX`, or none (the
    /// database).
    pub media_store: Option<String>,
}

impl SettingsLayer {
    /// The layer set by `JANU_*` variables, read through `var` (pass
    /// `|k| std::env::var(k).ok()` for the process environment).
    ///
    /// # Errors
    /// [`ServerError::Config`] when a number does not parse.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, ServerError> {
        let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        Ok(Self {
            addr: get("JANU_ADDR"),
            database: get("JANU_DATABASE"),
            data_dir: get("JANU_DATA_DIR").map(PathBuf::from),
            workers: get("JANU_WORKERS")
                .map(|v| parse_num("JANU_WORKERS", &v))
                .transpose()?,
            queue: get("JANU_QUEUE")
                .map(|v| parse_num("JANU_QUEUE", &v))
                .transpose()?,
            job_lease_s: get("JANU_JOB_LEASE_S")
                .map(|v| parse_num("JANU_JOB_LEASE_S", &v))
                .transpose()?,
            max_upload_mb: get("JANU_MAX_UPLOAD_MB")
                .map(|v| parse_num("JANU_MAX_UPLOAD_MB", &v))
                .transpose()?,
            model: get("JANU_MODEL"),
            open_signup: get("JANU_OPEN_SIGNUP")
                .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => Ok(true),
                    "false" | "0" | "no" | "off" => Ok(false),
                    _ => Err(ServerError::Config(format!(
                        "JANU_OPEN_SIGNUP={v:?}: give true or false"
                    ))),
                })
                .transpose()?,
            tls_cert: get("JANU_TLS_CERT").map(PathBuf::from),
            tls_key: get("JANU_TLS_KEY").map(PathBuf::from),
            media_store: get("JANU_MEDIA_STORE"),
            allowed_hosts: get("JANU_ALLOWED_HOSTS").map(|v| {
                v.split(',')
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
                    .collect()
            }),
        })
    }

    /// The layer of a TOML file.
    ///
    /// # Errors
    /// [`ServerError::ConfigFile`] when the file cannot be read or has unknown
    /// keys or values of the wrong type.
    pub fn from_file(path: &Path) -> Result<Self, ServerError> {
        let text = std::fs::read_to_string(path).map_err(|e| ServerError::ConfigFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| ServerError::ConfigFile {
            path: path.to_path_buf(),
            reason: e.to_string().trim().to_owned(),
        })
    }

    /// This layer with the fields `over` sets replaced.
    pub fn merge(self, over: SettingsLayer) -> SettingsLayer {
        SettingsLayer {
            addr: over.addr.or(self.addr),
            database: over.database.or(self.database),
            data_dir: over.data_dir.or(self.data_dir),
            workers: over.workers.or(self.workers),
            queue: over.queue.or(self.queue),
            job_lease_s: over.job_lease_s.or(self.job_lease_s),
            max_upload_mb: over.max_upload_mb.or(self.max_upload_mb),
            model: over.model.or(self.model),
            allowed_hosts: over.allowed_hosts.or(self.allowed_hosts),
            open_signup: over.open_signup.or(self.open_signup),
            tls_cert: over.tls_cert.or(self.tls_cert),
            tls_key: over.tls_key.or(self.tls_key),
            media_store: over.media_store.or(self.media_store),
        }
    }
}

fn parse_num<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, ServerError> {
    v.trim()
        .parse()
        .map_err(|_| ServerError::Config(format!("{key}={v:?} is not a whole number")))
}

/// The validated settings the server runs with.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The database location ([`janu_store::Store::open`] syntax); may hold a
    /// password, so it is redacted in `Debug`.
    pub database: String,
    /// Folder for the default database and for uploads being analysed.
    pub data_dir: PathBuf,
    /// Analysis workers in this process (0 to [`MAX_WORKERS`]; 0: the server
    /// only queues, `janu worker` processes analyse).
    pub workers: usize,
    /// Uploads that may wait for a worker (at least 1).
    pub queue: usize,
    /// How long a worker may stay silent before its job goes to another.
    pub job_lease: std::time::Duration,
    /// Upload limit in bytes.
    pub max_upload_bytes: u64,
    /// The landmark model the workers load.
    pub model: ModelSize,
    /// Host names answered besides IP addresses and `localhost`, lower case.
    pub allowed_hosts: Vec<String>,
    /// Whether anyone may create an account at `/signup` (off: accounts come
    /// from `janu users add`).
    pub open_signup: bool,
    /// Certificate chain and key files (PEM) when serving HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The S3-compatible bucket uploads and key frames go to
    /// (`s3://BUCKET/PREFIX`, see [`janu_store::Bucket::open`]); none: the
    /// database (and with SQLite the uploads folder).
    pub media_store: Option<String>,
    /// The bucket client's variables ([`janu_store::MEDIA_STORE_VARS`]: keys,
    /// region, endpoint) as the environment layer gave them; secrets are
    /// redacted in `Debug`.
    pub media_env: Vec<(String, String)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("database", &self.database_display())
            .field("data_dir", &self.data_dir)
            .field("workers", &self.workers)
            .field("queue", &self.queue)
            .field("job_lease", &self.job_lease)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("model", &self.model)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("open_signup", &self.open_signup)
            .field("tls", &self.tls)
            .field("media_store", &self.media_store_display())
            .field(
                "media_env",
                &self
                    .media_env
                    .iter()
                    .map(|(k, v)| {
                        let v = if janu_store::is_secret_var(k) {
                            "***"
                        } else {
                            v
                        };
                        format!("{k}={v}")
                    })
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Settings {
    /// The settings from defaults and one merged layer.
    ///
    /// # Errors
    /// [`ServerError::Config`] for a malformed address or model, too many
    /// workers, a lease under [`MIN_JOB_LEASE_S`],
    /// and when no data folder is known and none was given.
    pub fn from_layer(layer: SettingsLayer) -> Result<Self, ServerError> {
        let addr_text = layer.addr.as_deref().unwrap_or(DEFAULT_ADDR);
        let addr: SocketAddr = addr_text.trim().parse().map_err(|_| {
            ServerError::Config(format!(
                "address {addr_text:?} is not HOST:PORT with an IP address, e.g. 127.0.0.1:8080"
            ))
        })?;
        let data_dir = match layer.data_dir {
            Some(d) => d,
            None => dirs::data_dir().map(|d| d.join("janu")).ok_or_else(|| {
                ServerError::Config(
                    "no user data folder is known here: pass --data-dir or set JANU_DATA_DIR"
                        .into(),
                )
            })?,
        };
        let database = layer.database.unwrap_or_else(|| {
            data_dir
                .join(DATABASE_FILE_NAME)
                .to_string_lossy()
                .into_owned()
        });
        let workers = layer.workers.unwrap_or(DEFAULT_WORKERS);
        if workers > MAX_WORKERS {
            return Err(ServerError::Config(format!(
                "workers = {workers}: give 0 (only queue) to {MAX_WORKERS}"
            )));
        }
        let lease_s = layer.job_lease_s.unwrap_or(DEFAULT_JOB_LEASE_S);
        if lease_s < MIN_JOB_LEASE_S {
            return Err(ServerError::Config(format!(
                "job_lease_s = {lease_s}: give at least {MIN_JOB_LEASE_S}"
            )));
        }
        let queue = layer.queue.unwrap_or(DEFAULT_QUEUE);
        if queue == 0 {
            return Err(ServerError::Config("queue = 0: give at least 1".into()));
        }
        let max_upload_bytes = match layer.max_upload_mb {
            Some(0) => {
                return Err(ServerError::Config(
                    "max_upload_mb = 0: give at least 1".into(),
                ));
            }
            Some(mb) => mb.saturating_mul(1024 * 1024),
            None => MAX_UPLOAD_BYTES,
        };
        let model = match layer.model.as_deref() {
            None => ModelSize::Full,
            Some(m) => m
                .parse()
                .map_err(|e: String| ServerError::Config(format!("model: {e}")))?,
        };
        let allowed_hosts = layer
            .allowed_hosts
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let tls = match (layer.tls_cert, layer.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => {
                return Err(ServerError::Config(
                    "give both tls_cert and tls_key (PEM files) to serve HTTPS, or neither".into(),
                ));
            }
        };
        let media_store = layer
            .media_store
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty());
        if let Some(m) = &media_store {
            // Checked here, so a typo stops the start instead of the first upload.
            janu_store::Bucket::check_location(m)
                .map_err(|e| ServerError::Config(e.to_string()))?;
        }
        Ok(Self {
            addr,
            database,
            data_dir,
            workers,
            queue,
            job_lease: std::time::Duration::from_secs(lease_s),
            max_upload_bytes,
            model,
            allowed_hosts,
            open_signup: layer.open_signup.unwrap_or(false),
            tls,
            media_store,
            media_env: Vec::new(),
        })
    }

    /// The settings from every layer: defaults, the configuration file (the one
    /// given, else `$JANU_CONFIG`, else the default file when it exists), the
    /// environment read through `var`, then `flags`.
    ///
    /// # Errors
    /// As [`SettingsLayer::from_file`], [`SettingsLayer::from_env`] and
    /// [`Settings::from_layer`].
    pub fn load(
        config_file: Option<&Path>,
        var: &dyn Fn(&str) -> Option<String>,
        flags: SettingsLayer,
    ) -> Result<Self, ServerError> {
        let file = match config_file {
            Some(p) => Some(p.to_path_buf()),
            None => match var(CONFIG_ENV).filter(|v| !v.is_empty()) {
                Some(p) => Some(PathBuf::from(p)),
                None => dirs::config_dir()
                    .map(|d| d.join("janu").join(CONFIG_FILE_NAME))
                    .filter(|p| p.is_file()),
            },
        };
        let mut layer = SettingsLayer::default();
        if let Some(path) = file {
            layer = layer.merge(SettingsLayer::from_file(&path)?);
        }
        layer = layer.merge(SettingsLayer::from_env(var)?);
        let mut settings = Self::from_layer(layer.merge(flags))?;
        settings.media_env = janu_store::MEDIA_STORE_VARS
            .iter()
            .filter_map(|k| {
                var(k)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| ((*k).to_owned(), v))
            })
            .collect();
        Ok(settings)
    }

    /// The database location with any password replaced by `***`.
    pub fn database_display(&self) -> String {
        janu_store::redact_location(&self.database)
    }

    /// Where media are kept, fit to print: `s3://BUCKET/PREFIX` (with any
    /// password replaced by `***`; credentials belong in `AWS_*` variables),
    /// else `the database`.
    pub fn media_store_display(&self) -> String {
        self.media_store
            .as_deref()
            .map_or_else(|| "the database".to_owned(), janu_store::redact_location)
    }

    /// Settings for tests and embedding: an in-memory SQLite database, uploads in
    /// `data_dir`, address `127.0.0.1:0`, other values at their defaults.
    pub fn for_tests(data_dir: &Path) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: "sqlite::memory:".into(),
            data_dir: data_dir.to_path_buf(),
            workers: DEFAULT_WORKERS,
            queue: DEFAULT_QUEUE,
            job_lease: std::time::Duration::from_secs(DEFAULT_JOB_LEASE_S),
            max_upload_bytes: MAX_UPLOAD_BYTES,
            model: ModelSize::Full,
            allowed_hosts: Vec::new(),
            open_signup: false,
            tls: None,
            media_store: None,
            media_env: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("server.toml");
        std::fs::write(
            &file,
            "addr = \"0.0.0.0:9000\"\nworkers = 2\nmodel = \"lite\"\nqueue = 3\n",
        )
        .unwrap();
        let var = env(&[
            ("JANU_WORKERS", "3"),
            ("JANU_DATA_DIR", "/tmp/janu-env"),
            ("JANU_QUEUE", ""),
        ]);
        let flags = SettingsLayer {
            addr: Some("127.0.0.1:7000".into()),
            ..Default::default()
        };
        let s = Settings::load(Some(&file), &var, flags).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:7000"); // flag beats file
        assert_eq!(s.workers, 3); // env beats file
        assert_eq!(s.queue, 3); // empty env is unset
        assert_eq!(s.model, ModelSize::Lite); // file beats default
        assert_eq!(s.data_dir, PathBuf::from("/tmp/janu-env"));
        assert_eq!(s.database, "/tmp/janu-env/history.db");
        assert_eq!(s.max_upload_bytes, MAX_UPLOAD_BYTES);
    }

    #[test]
    fn bad_values_are_named() {
        let var = env(&[("JANU_WORKERS", "two")]);
        let e = Settings::load(None, &var, SettingsLayer::default()).unwrap_err();
        assert!(e.to_string().contains("JANU_WORKERS"), "{e}");
        let e = Settings::from_layer(SettingsLayer {
            addr: Some("localhost".into()),
            data_dir: Some("/tmp".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("HOST:PORT"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "adress = \"x\"\n").unwrap();
        let e = Settings::load(Some(&file), &env(&[]), SettingsLayer::default()).unwrap_err();
        assert!(e.to_string().contains("bad.toml"), "{e}");
        assert!(e.to_string().contains("adress"), "{e}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            janu_store::redact_location("postgres://janu:s3cret@db:5432/janu"),
            "postgres://janu:***@db:5432/janu"
        );
        assert_eq!(
            janu_store::redact_location("postgres://db/janu"),
            "postgres://db/janu"
        );
        assert_eq!(
            janu_store::redact_location("/home/a/history.db"),
            "/home/a/history.db"
        );
        let s = Settings::from_layer(SettingsLayer {
            database: Some("postgres://janu:s3cret@db/janu".into()),
            data_dir: Some("/tmp".into()),
            ..Default::default()
        })
        .unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }

    #[test]
    fn the_media_store_is_a_bucket_url_from_any_layer() {
        let var = env(&[
            ("JANU_MEDIA_STORE", "s3://janu-media/studio"),
            ("AWS_SECRET_ACCESS_KEY", "hunter2"),
        ]);
        let layer = SettingsLayer {
            data_dir: Some("/tmp".into()),
            ..Default::default()
        };
        let s = Settings::load(None, &var, layer.clone()).unwrap();
        assert_eq!(s.media_store.as_deref(), Some("s3://janu-media/studio"));
        assert_eq!(s.media_store_display(), "s3://janu-media/studio");
        let debug = format!("{s:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("AWS_SECRET_ACCESS_KEY=***"), "{debug}");
        assert_eq!(
            s.media_env,
            vec![("AWS_SECRET_ACCESS_KEY".to_owned(), "hunter2".to_owned())]
        );
        let flag = SettingsLayer {
            media_store: Some("s3://other".into()),
            ..layer.clone()
        };
        let s = Settings::load(None, &var, flag).unwrap();
        assert_eq!(
            s.media_store.as_deref(),
            Some("s3://other"),
            "flag beats env"
        );
        let s = Settings::load(None, &env(&[]), layer.clone()).unwrap();
        assert_eq!(s.media_store, None);
        assert_eq!(s.media_store_display(), "the database");
        for bad in ["/srv/media", "s3://", "s3://key:hunter2@bucket"] {
            let e = Settings::from_layer(SettingsLayer {
                media_store: Some(bad.into()),
                ..layer.clone()
            })
            .unwrap_err()
            .to_string();
            assert!(e.contains("s3://BUCKET"), "{e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
