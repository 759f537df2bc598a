//! Helpers shared by the server's integration tests: an app on a temporary
//! folder, requests through `oneshot`, real landmark sequences from janu-synth,
//! and (in [`browser`]) the end-to-end harness that drives Chromium.

#![allow(dead_code)]

pub mod browser;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use janu_server::{AppState, Settings, app};
use tower::ServiceExt;

/// An app on a fresh temporary folder with an in-memory SQLite store (or the
/// store at `database`). Users made by [`TestApp::sign_in`] act through the
/// bearer token their login answered.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub dir: tempfile::TempDir,
    tokens: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// The in-browser engine built into this server, or `None` after a visible
/// skip message on a machine that cannot build it (no rustc-web).
///
/// # Panics
/// Under CI=true when it is missing: CI installs what builds it.
pub fn web_engine() -> Option<&'static janu_server::live::device::WebEngine> {
    let engine = janu_server::live::device::engine();
    if engine.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: janu-server must be built with the in-browser engine (tools/build-web)"
        );
        eprintln!(
            "SKIPPED: this build has no in-browser engine (install rustc-web rust-web-src lld-22)"
        );
    }
    engine
}

/// The password [`TestApp::sign_in`] and [`add_user`] give `handle`.
pub fn password_of(handle: &str) -> String {
    format!("pass-{handle}-word")
}

/// Creates `handle` with [`password_of`] in `state`'s store (what `janu users
/// add` does).
pub async fn add_user(state: &AppState, handle: &str) -> janu_store::User {
    janu_server::accounts::add_user(
        state.store(),
        state.hasher(),
        handle,
        None,
        password_of(handle),
    )
    .await
    .unwrap()
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(tweak: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path());
        tweak(&mut settings);
        let state = AppState::new(settings).await.unwrap();
        let router = app(state.clone());
        TestApp {
            state,
            router,
            dir,
            tokens: Default::default(),
        }
    }

    /// `Bearer TOKEN` for a handle signed in with [`TestApp::sign_in`]; a
    /// token that was never issued for any other handle.
    pub fn bearer(&self, handle: &str) -> String {
        let token = self.tokens.lock().unwrap().get(handle).cloned();
        format!(
            "Bearer {}",
            token.unwrap_or_else(|| format!("never-issued-{handle}"))
        )
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        Reply::read(res).await
    }

    pub async fn get(&self, uri: &str, handle: Option<&str>) -> Reply {
        let mut b = Request::get(uri);
        if let Some(h) = handle {
            b = b.header(header::AUTHORIZATION, self.bearer(h));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, uri: &str, handle: Option<&str>, json: &str) -> Reply {
        let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(h) = handle {
            b = b.header(header::AUTHORIZATION, self.bearer(h));
        }
        self.send(b.body(Body::from(json.to_owned())).unwrap())
            .await
    }

    pub async fn upload(&self, handle: &str, name: &str, bytes: Vec<u8>) -> Reply {
        let req = Request::post(format!("/api/uploads?name={name}"))
            .header(header::AUTHORIZATION, self.bearer(handle))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        self.send(req).await
    }

    /// Creates `handle` (password [`password_of`]) and signs in through
    /// `POST /api/login`; later requests for `handle` carry its token.
    pub async fn sign_in(&self, handle: &str) {
        add_user(&self.state, handle).await;
        let body = serde_json::json!({"handle": handle, "password": password_of(handle)});
        let r = self.post_json("/api/login", None, &body.to_string()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let token = r.json()["token"].as_str().unwrap().to_owned();
        self.tokens.lock().unwrap().insert(handle.to_owned(), token);
    }

    /// Poll a job until it is done or failed; panics after `limit`.
    pub async fn wait_job(&self, handle: &str, id: u64, limit: Duration) -> serde_json::Value {
        let start = std::time::Instant::now();
        loop {
            let r = self.get(&format!("/api/jobs/{id}"), Some(handle)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            let j = r.json();
            if j["state"] == "done" || j["state"] == "failed" {
                return j;
            }
            assert!(
                start.elapsed() < limit,
                "job {id} still {j} after {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A response read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    async fn read(res: Response<Body>) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `{"error": ...}` message, checking the shape.
    pub fn error(&self) -> String {
        let j = self.json();
        assert_eq!(j.as_object().map(serde_json::Map::len), Some(1), "{j}");
        j["error"].as_str().expect("error is a string").to_owned()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A landmark file (JSON Lines) of a whole synthetic practice: Janusirsasana on
/// both sides with known holds, as an estimator would give it.
pub fn practice_landmarks(seed: u64) -> Vec<u8> {
    let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(seed)).unwrap();
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &synth.frames).unwrap();
    out
}

/// As [`practice_landmarks`] with a planted mistake.
pub fn landmarks_with_locked_knee(seed: u64) -> Vec<u8> {
    let synth = janu_synth::generate(&janu_synth::scenarios::with_mistake(
        janu_synth::Mistake::LockedKnee,
        seed,
    ))
    .unwrap();
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &synth.frames).unwrap();
    out
}
