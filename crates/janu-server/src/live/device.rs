//! Live coaching on the device: the browser runs the pose model and the coach
//! itself (crates/janu-web, WebAssembly), so camera pictures never leave it.
//!
//! This module serves what that needs and takes the result:
//! - `GET /web/{hash}/janu_web.js` and `.../janu_web_bg.wasm`: the engine,
//!   named by its content hash and cached for good;
//! - `GET /models/{sha256}/{file}`: the prepared models (the ones
//!   `janu models install` makes), named by their sha256, cached for good;
//! - `GET /sw.js`: the service worker that keeps the page, the engine and the
//!   models for offline use; `GET /manifest.webmanifest`: the app manifest;
//! - `POST /api/live/sessions`: the session's landmark frames (a landmark
//!   file), replayed through the same live coach, analysed and saved.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use janu_analysis::live::{LiveCoach, LiveOptions};
use janu_vision::models::sha256_hex;
use janu_vision::{ModelKind, ModelSize, ModelStore};
use time::OffsetDateTime;

use super::protocol::Summary;
use super::worker::{LIVE_MEDIA_NAME, MAX_SESSION_S, record_save, summarize};
use crate::user::CurrentUser;
use crate::{AppState, ServerError};

/// Largest landmark file accepted from the page, bytes: an hour at
/// [`super::MAX_FPS`] is about 108,000 frames of about 700 bytes.
pub const MAX_SAVE_BYTES: usize = 96 * 1024 * 1024;
/// Frames accepted in one saved session: an hour at [`super::MAX_FPS`].
pub const MAX_SAVE_FRAMES: usize = (MAX_SESSION_S * super::MAX_FPS) as usize;
/// Files named by their content never change: browsers keep them a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Hex digits of a content hash used in URLs: 64 bits tell builds apart.
const HASH_DIGITS: usize = 16;

/// The WebAssembly engine built into this binary, when the build machine
/// could build it (see `build.rs`).
#[derive(Debug)]
pub struct WebEngine {
    /// wasm-bindgen's JavaScript glue.
    pub js: &'static str,
    /// The WebAssembly module.
    pub wasm: &'static [u8],
    /// Content hash of both, in their URLs.
    pub hash: String,
}

#[cfg(janu_web)]
const WEB_PACKAGE: Option<(&str, &[u8])> = Some((
    include_str!(concat!(env!("OUT_DIR"), "/web/janu_web.js")),
    include_bytes!(concat!(env!("OUT_DIR"), "/web/janu_web_bg.wasm")),
));
#[cfg(not(janu_web))]
const WEB_PACKAGE: Option<(&str, &[u8])> = None;

/// The engine, or `None` when this binary was built without it (the page then
/// runs the model on the server).
pub fn engine() -> Option<&'static WebEngine> {
    static ENGINE: OnceLock<Option<WebEngine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            WEB_PACKAGE.map(|(js, wasm)| {
                let mut both = Vec::with_capacity(js.len() + wasm.len());
                both.extend_from_slice(js.as_bytes());
                both.extend_from_slice(wasm);
                WebEngine {
                    js,
                    wasm,
                    hash: sha256_hex(&both)[..HASH_DIGITS].to_owned(),
                }
            })
        })
        .as_ref()
}

/// One prepared model as the page fetches it.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// Its URL: `/models/{sha256}/{file name}`.
    pub url: String,
    /// Its size, bytes (for the page's progress bar).
    pub bytes: u64,
}

/// An installed model as this server hands it out.
#[derive(Debug)]
struct Served {
    kind: ModelKind,
    file: ModelFile,
    path: std::path::PathBuf,
    sha256: String,
}

/// The models a page needs for `size`: the detector and that landmark model,
/// installed on first use. `None` (and a log line) when they cannot be had;
/// a later page asks again (the network may be back).
#[derive(Debug, Default)]
pub struct DeviceModels {
    served: Mutex<Option<Arc<Vec<Served>>>>,
}

impl DeviceModels {
    /// The installed models with their URLs, installing them the first time
    /// (blocking: call from a blocking thread; one installs, others wait).
    fn installed(&self) -> Option<Arc<Vec<Served>>> {
        let mut slot = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(served) = slot.as_ref() {
            return Some(Arc::clone(served));
        }
        let found = ModelStore::from_env().and_then(|store| {
            store.ensure(&mut |_| {})?;
            store.list()
        });
        match found {
            Ok(list) => {
                let served: Arc<Vec<Served>> = Arc::new(
                    list.into_iter()
                        .map(|m| Served {
                            kind: m.kind,
                            file: ModelFile {
                                url: format!("/models/{}/{}", m.sha256, m.kind.file_name()),
                                bytes: m.bytes,
                            },
                            path: m.path,
                            sha256: m.sha256,
                        })
                        .collect(),
                );
                *slot = Some(Arc::clone(&served));
                Some(served)
            }
            Err(e) => {
                let e = e.message();
                tracing::warn!(error = %e, "the models for in-browser live coaching cannot be served");
                None
            }
        }
    }

    /// The detector's and the `size` landmark model's files.
    pub async fn for_page(self: &Arc<Self>, size: ModelSize) -> Option<(ModelFile, ModelFile)> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let all = me.installed()?;
            let pick =
                |kind: ModelKind| all.iter().find(|m| m.kind == kind).map(|m| m.file.clone());
            Some((pick(ModelKind::Detector)?, pick(ModelKind::Landmark(size))?))
        })
        .await
        .ok()
        .flatten()
    }

    /// The bytes of the model whose sha256 is `sha` and file name `name`.
    async fn read(self: &Arc<Self>, sha: String, name: String) -> Option<Vec<u8>> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let all = me.installed()?;
            let model = all
                .iter()
                .find(|m| m.sha256 == sha && m.kind.file_name() == name)?;
            let bytes = std::fs::read(&model.path).ok()?;
            // The file on disk must still be the one its URL names.
            (sha256_hex(&bytes) == sha).then_some(bytes)
        })
        .await
        .ok()
        .flatten()
    }
}

/// `GET /web/{hash}/{file}`: the engine's glue or module.
pub async fn web_file(Path((hash, file)): Path<(String, String)>) -> Response {
    let Some(engine) = engine().filter(|e| e.hash == hash) else {
        return not_found("no such build of the in-browser engine; reload the page");
    };
    match file.as_str() {
        "janu_web.js" => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            engine.js,
        )
            .into_response(),
        "janu_web_bg.wasm" => (
            [
                (header::CONTENT_TYPE, "application/wasm"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            engine.wasm,
        )
            .into_response(),
        _ => not_found("the engine has janu_web.js and janu_web_bg.wasm"),
    }
}

/// `GET /models/{sha256}/{file}`: a prepared model.
pub async fn model_file(
    Extension(models): Extension<Arc<DeviceModels>>,
    Path((sha, name)): Path<(String, String)>,
) -> Response {
    match models.read(sha, name).await {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            bytes,
        )
            .into_response(),
        None => not_found("no such model here; reload the page for the current ones"),
    }
}

fn not_found(why: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": why })),
    )
        .into_response()
}

/// The service worker, served from the root so that it may look after
/// `/live`.
const SERVICE_WORKER: &str = include_str!("../../assets/sw.js");
/// The web app manifest.
const MANIFEST: &str = include_str!("../../assets/manifest.webmanifest");

/// `GET /sw.js`.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser checks for a new service worker on each visit.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

/// `GET /manifest.webmanifest`.
pub async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        MANIFEST,
    )
        .into_response()
}

/// Save a live session the browser followed itself. The body is its landmark
/// file (JSON Lines, `docs/landmark-format.md`), frames already turned to the
/// person's own left and right. The frames are replayed through the live
/// coach, as the server would have followed them, analysed and saved in one
/// transaction; the answer is the same summary as the WebSocket's `summary`.
#[utoipa::path(post, path = "/api/live/sessions", tag = "live",
    request_body(content = String, content_type = "application/x-ndjson",
        description = "The session's landmark frames, one JSON object a line"),
    responses(
        (status = 200, description = "The session's summary; `saved` says whether it went to the history", body = Summary),
        (status = 400, description = "Not a landmark file", body = crate::api::ErrorBody),
        (status = 401, description = "No user", body = crate::api::ErrorBody),
        (status = 413, description = "Longer than an hour", body = crate::api::ErrorBody)))]
pub async fn save_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    body: Bytes,
) -> Result<Json<Summary>, ServerError> {
    if body.len() > MAX_SAVE_BYTES {
        return Err(ServerError::PayloadTooLarge {
            limit_mb: (MAX_SAVE_BYTES / (1024 * 1024)) as u64,
        });
    }
    let received = OffsetDateTime::now_utc();
    let (mut summary, report) = tokio::task::spawn_blocking(move || {
        let frames = janu_body::file::read_jsonl(&body[..])
            .map_err(|e| ServerError::BadRequest(format!("the session's landmark file: {e}")))?;
        if frames.len() > MAX_SAVE_FRAMES {
            return Err(ServerError::BadRequest(format!(
                "{} frames is more than a live session holds ({MAX_SAVE_FRAMES}, an hour)",
                frames.len()
            )));
        }
        let mut coach = LiveCoach::new(LiveOptions::default());
        for f in &frames {
            coach.push(f);
        }
        Ok(summarize(&coach, frames.len() as u64, 0))
    })
    .await
    .map_err(|e| ServerError::Internal(format!("analysing a live session: {e}")))??;
    if let Some(report) = report {
        let started = received - time::Duration::seconds_f64(summary.duration_s.max(0.0));
        let saved =
            match crate::analysis::new_session(user.user.id, &report, LIVE_MEDIA_NAME, started) {
                Ok(mut new) => {
                    new.source = janu_store::Source::Live;
                    state
                        .store()
                        .save_session(&new)
                        .await
                        .map(|id| id.0)
                        .map_err(ServerError::from)
                }
                Err(e) => Err(e),
            };
        record_save(&mut summary, saved);
    }
    Ok(Json(summary))
}
