//! Live coaching: the HTTP parts through the router without a network, and the
//! WebSocket against a real server on port 0 with the real pose model and
//! frames made from a real photo.
//!
//! The WebSocket tests need the shared photos; they skip (pass, printing why)
//! without them, except under CI=true.

#[path = "support/live.rs"]
mod live_support;
mod support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use live_support::{LiveClient, PHOTO, jpeg, zoom_frames};
use support::TestApp;
use support::browser::Server;

/// Frames a second the tests send, as the page does.
const FPS: f64 = 15.0;
/// Longest wait for one message: the first frame may wait for the model to load.
const WAIT: Duration = Duration::from_secs(60);

#[tokio::test]
async fn the_live_page_and_its_assets_are_served() {
    let app = TestApp::new().await;
    let r = app.get("/live", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("/login?next=%2Flive"), "{}", r.text);
    assert!(!r.text.contains("live.js"), "no coaching without a user");

    app.sign_in("ana").await;
    let r = app.get("/live", Some("ana")).await;
    assert_eq!(r.status, StatusCode::OK);
    for needle in [
        "id=\"live\"",
        "data-skeleton=\"[[",
        "/assets/live.js",
        "/assets/live.css",
        "id=\"overlay\"",
        "id=\"mute\"",
        "id=\"mirrored\"",
        "front-diagonal",
    ] {
        assert!(r.text.contains(needle), "{needle} missing");
    }
    let js = app.get("/assets/live.js", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type().starts_with("text/javascript"));
    assert!(js.text.contains("getUserMedia") && js.text.contains("speechSynthesis"));
    // Works offline: nothing loaded from elsewhere.
    assert!(
        !js.text.contains("cdn") && !js.text.contains("import "),
        "no CDN"
    );
    assert!(!r.text.contains("src=\"http") && !r.text.contains("href=\"http"));
    let css = app.get("/assets/live.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
}

#[tokio::test]
async fn the_socket_route_says_what_it_needs() {
    let app = TestApp::new().await;
    let r = app.get("/api/live", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.error().contains("sign in"), "{}", r.text);

    app.sign_in("ben").await;
    let r = app.get("/api/live", Some("ben")).await;
    assert_eq!(r.status, StatusCode::UPGRADE_REQUIRED);
    assert!(r.error().contains("WebSocket"), "{}", r.text);

    let doc = app.get("/api/openapi.json", None).await.json();
    assert!(
        doc["paths"]["/api/live"]["get"].is_object(),
        "{}",
        doc["paths"]
    );
    for schema in ["ClientMessage", "ServerMessage", "Feedback", "Summary"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// A server with the user `handle` and an API token of theirs.
async fn server_with_user(handle: &str) -> (Server, String) {
    let server = Server::start(|_| {}).await;
    let user = support::add_user(&server.state, handle).await;
    let token = janu_server::api::accounts::make_token(&server.state, &user, "live test")
        .await
        .unwrap()
        .token;
    (server, token)
}

/// JPEG frames of the shared photo, 480 x 360, or `None` (skipped).
fn photo_jpegs(count: usize) -> Option<Vec<Vec<u8>>> {
    let photos = janu_testkit::shared_data("photos")?;
    let frames = zoom_frames(&photos.join(PHOTO), count, 480, 360);
    Some(frames.iter().map(|f| jpeg(f, 75)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_over_a_real_socket_is_coached_and_saved() {
    let Some(jpegs) = photo_jpegs((6.5 * FPS) as usize) else {
        return;
    };
    let (server, cleo) = server_with_user("cleo").await;

    // No user: refused before the upgrade.
    assert!(LiveClient::connect(&server.url, None).await.is_err());

    let mut c = LiveClient::connect(&server.url, Some(&cleo)).await.unwrap();
    // Frames before start are refused, and the connection stays.
    c.send_frame(0, 0.0, false, &jpegs[0]).await;
    let m = c.next(WAIT).await.unwrap();
    assert_eq!(m["code"], "not_started", "{m}");
    c.send_json(r#"{"type":"start","mirrored":false}"#).await;
    let ready = c.next(WAIT).await.unwrap();
    assert_eq!(ready["type"], "ready", "{ready}");
    assert_eq!(ready["model"], "full");

    // Bad input is named and survived.
    c.send_bytes(b"JLF1 too short".to_vec()).await;
    let m = c.next(WAIT).await.unwrap();
    assert_eq!(
        (m["type"].as_str(), m["code"].as_str()),
        (Some("error"), Some("bad_frame"))
    );
    // A picture over the live limit (2,400 x 1,200) is refused by its size.
    let big = jpeg(&image::RgbImage::new(2400, 1200), 75);
    c.send_frame(0, 0.0, false, &big).await;
    let m = c.next(WAIT).await.unwrap();
    assert_eq!(m["code"], "bad_frame", "{m}");
    assert!(m["message"].as_str().unwrap().contains("live limit"), "{m}");
    c.send_json(r#"{"type":"dance"}"#).await;
    let m = c.next(WAIT).await.unwrap();
    assert_eq!(m["code"], "bad_message", "{m}");
    assert_eq!(m["fatal"], false);

    // Frames at a steady 15 a second; feedback is read as it comes.
    let start = Instant::now();
    let mut feedback = Vec::new();
    for (i, j) in jpegs.iter().enumerate() {
        let due = Duration::from_secs_f64(i as f64 / FPS);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            // Read what arrived while waiting for the next frame's time.
            let deadline = Instant::now() + wait;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match c.next(left).await {
                    Some(m) => feedback.push(m),
                    None => break,
                }
            }
        }
        c.send_frame(i as u32 + 1, due.as_secs_f64() * 1000.0, false, j)
            .await;
    }
    c.send_json(r#"{"type":"stop"}"#).await;
    let rest = c.until("summary", WAIT).await;
    feedback.extend(rest);
    let summary = feedback.pop().unwrap();
    assert_eq!(summary["type"], "summary", "{summary}");
    let fbs: Vec<_> = feedback
        .iter()
        .filter(|m| m["type"] == "feedback")
        .collect();
    let errors: Vec<_> = feedback.iter().filter(|m| m["type"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");

    // Every frame is answered or counted as dropped; ids only go up.
    let sent = jpegs.len() as u64;
    let dropped = summary["dropped"].as_u64().unwrap();
    let dropped_on_the_way: u64 = fbs.iter().map(|m| m["dropped"].as_u64().unwrap()).sum();
    assert!(dropped_on_the_way <= dropped);
    assert_eq!(
        fbs.len() as u64 + dropped,
        sent,
        "{} answered, {dropped} dropped",
        fbs.len()
    );
    assert!(
        fbs.len() as f64 >= 0.5 * sent as f64,
        "only {} of {sent} frames answered",
        fbs.len()
    );
    let ids: Vec<u64> = fbs.iter().map(|m| m["frame"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    // The person is found in the photo: landmarks for the skeleton, a pose.
    let with_body = fbs.iter().filter(|m| m["landmarks"].is_array()).count();
    assert!(
        with_body as f64 >= 0.8 * fbs.len() as f64,
        "{with_body} of {}",
        fbs.len()
    );
    let last = fbs.last().unwrap();
    assert_eq!(last["landmarks"].as_array().unwrap().len(), 33);
    assert!(last["person_visible"].as_bool().unwrap());
    assert!(last["pose"].is_string(), "{last}");
    assert!(last["timing"]["model_ms"].as_f64().unwrap() > 0.0);
    assert!(
        fbs.iter().any(|m| m["cue"].is_object()),
        "no cue at all: {last}"
    );

    // Saved as a live session.
    assert_eq!(summary["saved"], true, "{summary}");
    let id = summary["session_id"].as_i64().unwrap();
    assert_eq!(summary["url"], format!("/sessions/{id}"));
    let session = server
        .state
        .store()
        .session(janu_store::SessionId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.data.source, janu_store::Source::Live);
    assert!(session.data.duration_s > 5.0, "{}", session.data.duration_s);
    // The server closes after the summary.
    assert!(c.next(Duration::from_secs(5)).await.is_none());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_frames_is_dropped_not_queued_and_sessions_are_limited() {
    let Some(jpegs) = photo_jpegs(40) else {
        return;
    };
    let (server, dan) = server_with_user("dan").await;
    let mut c = LiveClient::connect(&server.url, Some(&dan)).await.unwrap();
    c.send_json(r#"{"type":"start"}"#).await;
    assert_eq!(c.next(WAIT).await.unwrap()["type"], "ready");

    // 40 frames at once: far faster than the model and than the rate limit.
    for (i, j) in jpegs.iter().enumerate() {
        c.send_frame(i as u32 + 1, i as f64, false, j).await;
    }
    // Let the worker finish what it kept, then stop.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    c.send_json(r#"{"type":"stop"}"#).await;
    let msgs = c.until("summary", WAIT).await;
    let summary = msgs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    let answered = msgs.iter().filter(|m| m["type"] == "feedback").count() as u64;
    let dropped = summary["dropped"].as_u64().unwrap();
    assert_eq!(
        answered + dropped,
        40,
        "{answered} answered, {dropped} dropped"
    );
    assert!(answered <= 5, "{answered} answered: frames were queued");
    assert_eq!(
        summary["saved"], false,
        "a 0 s session is not saved: {summary}"
    );
    assert!(summary["reason"].as_str().unwrap().contains("not saved"));

    // Two sessions at once at most; a third is told the server is busy. A
    // client that vanishes without `stop` frees its place.
    let mut a = LiveClient::connect(&server.url, Some(&dan)).await.unwrap();
    a.send_json(r#"{"type":"start"}"#).await;
    assert_eq!(a.next(WAIT).await.unwrap()["type"], "ready");
    let mut b = LiveClient::connect(&server.url, Some(&dan)).await.unwrap();
    b.send_json(r#"{"type":"start"}"#).await;
    assert_eq!(b.next(WAIT).await.unwrap()["type"], "ready");
    let mut third = LiveClient::connect(&server.url, Some(&dan)).await.unwrap();
    third.send_json(r#"{"type":"start"}"#).await;
    let m = third.next(WAIT).await.unwrap();
    assert_eq!(
        (m["code"].as_str(), m["fatal"].as_bool()),
        (Some("busy"), Some(true)),
        "{m}"
    );
    assert!(
        third.next(Duration::from_secs(5)).await.is_none(),
        "closed after busy"
    );
    a.close().await;
    drop(b);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut again = loop {
        let mut c = LiveClient::connect(&server.url, Some(&dan)).await.unwrap();
        c.send_json(r#"{"type":"start"}"#).await;
        let m = c.next(WAIT).await.unwrap();
        if m["type"] == "ready" {
            break c;
        }
        assert!(Instant::now() < deadline, "places never freed: {m}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    again.send_json(r#"{"type":"stop"}"#).await;
    assert_eq!(
        again.until("summary", WAIT).await.last().unwrap()["type"],
        "summary"
    );
    server.stop().await;
}
