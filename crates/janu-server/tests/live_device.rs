//! Live coaching on the device: what the server gives the browser's engine
//! (the WebAssembly, the models, the service worker, the manifest) and the
//! save of a session the browser followed itself (`POST /api/live/sessions`),
//! through the router with a real store.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use janu_body::file::write_jsonl;
use janu_server::live::device;
use janu_synth::{generate, scenarios};
use support::TestApp;

/// Frames a second in the files the live page saves.
const DEVICE_FPS: f64 = janu_web::engine::SAVED_FPS;

/// A clean two-sided practice as the browser's engine would save it.
fn practice_file(seed: u64) -> Vec<u8> {
    let synth = generate(&scenarios::clean_session(seed)).unwrap();
    let step = (synth.truth.fps / DEVICE_FPS).round().max(1.0) as usize;
    let frames: Vec<_> = synth.frames.iter().step_by(step).cloned().collect();
    let mut out = Vec::new();
    write_jsonl(&mut out, &frames).unwrap();
    out
}

async fn save(app: &TestApp, handle: Option<&str>, body: Vec<u8>) -> support::Reply {
    let mut b =
        Request::post("/api/live/sessions").header(header::CONTENT_TYPE, "application/x-ndjson");
    if let Some(h) = handle {
        b = b.header(header::AUTHORIZATION, app.bearer(h));
    }
    app.send(b.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn a_session_followed_on_the_device_is_saved_with_its_sides() {
    let app = TestApp::new().await;
    app.sign_in("dev").await;
    let r = save(&app, Some("dev"), practice_file(1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json();
    assert_eq!(s["saved"], true, "{s}");
    let sides: Vec<&str> = s["sides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["side"].as_str().unwrap())
        .collect();
    assert_eq!(sides, ["left", "right"], "{s}");
    let url = s["url"].as_str().unwrap();
    let id = s["session_id"].as_i64().unwrap();
    assert_eq!(url, format!("/sessions/{id}"));

    // The history has it, as a live session with its report.
    let list = app.get("/api/sessions", Some("dev")).await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["source"], "live", "{list}");
    let one = app.get(&format!("/api/sessions/{id}"), Some("dev")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert!(one.text.contains("left"), "{}", one.text);
}

#[tokio::test]
async fn bad_saves_are_refused_and_nothing_is_written() {
    let app = TestApp::new().await;
    app.sign_in("dev").await;

    // Nobody signed in.
    let r = save(&app, None, practice_file(2)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);

    // Not a landmark file, a NaN time, time going back by hours.
    let nan = b"{\"t\": NaN, \"width\": 640, \"height\": 480, \"landmarks\": null}\n".to_vec();
    let absurd = b"{\"t\": 0, \"width\": 640, \"height\": 480, \"landmarks\": null}\n\
                   {\"t\": 99999999, \"width\": 640, \"height\": 480, \"landmarks\": null}\n"
        .to_vec();
    for (what, body) in [
        ("a picture", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0]),
        ("NaN time", nan),
        ("absurd times", absurd),
    ] {
        let r = save(&app, Some("dev"), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.text);
        let msg = r.json()["error"].as_str().unwrap().to_owned();
        assert!(msg.contains("landmark file"), "{what}: {msg}");
    }

    // Too short to be a practice: answered, not saved, and why.
    let mut short = Vec::new();
    let synth = generate(&scenarios::clean_session(3)).unwrap();
    write_jsonl(&mut short, &synth.frames[..60]).unwrap();
    let r = save(&app, Some("dev"), short).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["saved"], false);
    assert!(r.json()["reason"].as_str().unwrap().contains("not saved"));

    // Too big: refused before it is read whole.
    let huge = vec![b' '; device::MAX_SAVE_BYTES + 2];
    let r = save(&app, Some("dev"), huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);

    let list = app.get("/api/sessions", Some("dev")).await.json();
    assert_eq!(list["total"], 0, "nothing saved: {list}");
}

#[tokio::test]
async fn fifty_devices_save_at_once_and_each_gets_its_own_session() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let handles: Vec<String> = (0..50).map(|i| format!("d{i}")).collect();
    for h in &handles {
        app.sign_in(h).await;
    }
    let file = practice_file(4);
    let saves = handles.iter().map(|h| {
        let app = std::sync::Arc::clone(&app);
        let (h, file) = (h.clone(), file.clone());
        tokio::spawn(async move { (save(&app, Some(&h), file).await, h) })
    });
    for done in futures_util::future::join_all(saves).await {
        let (r, h) = done.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{h}: {}", r.text);
        assert_eq!(r.json()["saved"], true, "{h}: {}", r.text);
        let list = app.get("/api/sessions", Some(&h)).await.json();
        assert_eq!(list["total"], 1, "{h}: {list}");
    }
}

#[tokio::test]
async fn the_engine_the_worker_and_the_app_files_are_served() {
    let app = TestApp::new().await;
    let sw = app.get("/sw.js", None).await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(sw.content_type().starts_with("text/javascript"));
    assert!(sw.text.contains("caches.open"), "a caching service worker");
    let m = app.get("/manifest.webmanifest", None).await;
    assert_eq!(m.status, StatusCode::OK);
    assert_eq!(m.content_type(), "application/manifest+json");
    assert_eq!(m.json()["start_url"], "/live");
    assert_eq!(m.json()["orientation"], "any", "portrait and landscape");
    let w = app.get("/assets/live-worker.js", None).await;
    assert_eq!(w.status, StatusCode::OK);
    assert!(w.text.contains("landmarkFile"));
    let csp = w.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");

    let bad = app.get("/web/0000000000000000/janu_web.js", None).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    let bad = app.get("/models/00/pose_detection.tflite", None).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);

    let Some(engine) = support::web_engine() else {
        return;
    };
    let wasm = app
        .get(&format!("/web/{}/janu_web_bg.wasm", engine.hash), None)
        .await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.content_type(), "application/wasm");
    assert!(
        wasm.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let js = app
        .get(&format!("/web/{}/janu_web.js", engine.hash), None)
        .await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text.contains("janu_web_bg.wasm"));
}
