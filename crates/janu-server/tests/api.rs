//! Router tests: every route through `app(state).oneshot(...)`, no network.

mod support;

use std::time::Duration;

use futures_util::StreamExt;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, landmarks_with_locked_knee, practice_landmarks};

/// Long enough for the analysis of a synthetic practice on a slow debug build.
const JOB_LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_ok() {
    let app = TestApp::new().await;
    let r = app.get("/api/health", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        serde_json::json!({
            "status": "ok",
            "local_workers": 1,
            "queue": {"queued": 0, "running": 0, "done": 0, "failed": 0, "oldest_queued_s": 0.0},
        })
    );
    let m = app.get("/metrics", None).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.text.contains("janu_upload_jobs{state=\"queued\"} 0"),
        "{}",
        m.text
    );
    assert!(
        m.text.contains("# TYPE janu_queue_oldest_seconds gauge"),
        "{}",
        m.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for uri in [
        "/",
        "/api/health",
        "/assets/app.js",
        "/no/such/page",
        "/live",
    ] {
        let r = app.get(uri, None).await;
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(h("x-frame-options"), "DENY", "{uri}");
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_files_left_by_an_earlier_run_are_swept_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let uploads = dir.path().join(janu_server::UPLOADS_DIR);
    std::fs::create_dir_all(&uploads).unwrap();
    std::fs::write(uploads.join(".upload-crashed"), b"half a video").unwrap();
    std::fs::write(uploads.join("notes.txt"), b"not ours").unwrap();
    let settings = janu_server::Settings::for_tests(dir.path());
    let _state = janu_server::AppState::new(settings).await.unwrap();
    assert!(!uploads.join(".upload-crashed").exists());
    assert!(
        uploads.join("notes.txt").exists(),
        "only upload files are swept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_every_route() {
    let app = TestApp::new().await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/health", &["get"][..]),
        ("/api/openapi.json", &["get"]),
        ("/api/me", &["get", "delete"]),
        ("/api/login", &["post"]),
        ("/api/logout", &["post"]),
        ("/api/signup", &["post"]),
        ("/api/me/password", &["put"]),
        ("/api/me/export", &["get"]),
        ("/api/tokens", &["get", "post"]),
        ("/api/tokens/{id}", &["delete"]),
        ("/api/shares", &["get"]),
        ("/api/shares/{handle}", &["put", "delete"]),
        ("/api/students", &["get"]),
        ("/api/students/{handle}/sessions", &["get"]),
        ("/api/students/{handle}/progress", &["get"]),
        ("/api/pose", &["get"]),
        ("/api/pose/{topic}", &["get"]),
        ("/api/screen/conditions", &["get"]),
        ("/api/screen", &["post"]),
        ("/api/plan", &["post"]),
        ("/api/uploads", &["post"]),
        ("/api/jobs/{id}", &["get"]),
        ("/api/sessions", &["get"]),
        ("/api/sessions/{id}", &["get", "delete"]),
        ("/api/progress", &["get"]),
        ("/api/live", &["get"]),
        ("/api/live/sessions", &["post"]),
    ] {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing from {:?}", paths.keys()));
        for m in methods {
            assert!(item.get(*m).is_some(), "{m} {path}");
        }
    }
    // Every referenced schema exists.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let text = r.text.clone();
    for cap in text.split("\"#/components/schemas/").skip(1) {
        let name = &cap[..cap.find('"').unwrap()];
        assert!(
            schemas.contains_key(name),
            "schema {name} referenced but missing"
        );
    }
    for s in [
        "Job",
        "ErrorBody",
        "PlanForm",
        "ScreenRequest",
        "Credentials",
        "LoginAnswer",
        "StudentView",
        "UserView",
    ] {
        assert!(schemas.contains_key(s), "{s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_hosts_and_cross_site_posts_are_refused() {
    let app = TestApp::with(|s| s.allowed_hosts = vec!["studio.local".into()]).await;
    let get = |host: &str| {
        Request::get("/api/health")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    };
    // A page on another site that points its name at this machine.
    let r = app.send(get("evil.example:8080")).await;
    assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{}", r.text);
    assert!(r.error().contains("allowed_hosts"), "{}", r.text);
    for host in ["127.0.0.1:8080", "localhost:8080", "studio.local:8080"] {
        assert_eq!(app.send(get(host)).await.status, StatusCode::OK, "{host}");
    }
    // A sign-in form posted from another site, and one from Janu's own page.
    support::add_user(&app.state, "ben").await;
    let sign_in = |origin: &str| {
        Request::post("/login")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, "janu_login_csrf=form-token-0123456789")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "handle=ben&password={}&csrf=form-token-0123456789",
                support::password_of("ben")
            )))
            .unwrap()
    };
    let r = app.send(sign_in("https://evil.example")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(!r.headers.contains_key(header::SET_COOKIE));
    let r = app.send(sign_in("http://127.0.0.1:8080")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The live socket opened from another site.
    let live = Request::get("/api/live")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "upgrade")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(live).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_with_navigation() {
    let app = TestApp::new().await;
    for (path, needle) in [
        ("/", "Janusirsasana, practised well"),
        ("/screen", "Is Janusirsasana safe for you?"),
        ("/plan", "Build a practice plan"),
        ("/upload", "/login?next=%2Fupload"),
        ("/history", "/login?next=%2Fhistory"),
        ("/pose", "/pose/mistakes"),
        ("/live", "Live coaching"),
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.content_type().starts_with("text/html"), "{path}");
        assert!(r.text.contains(needle), "{path} lacks {needle:?}");
        for link in [
            "href=\"/screen\"",
            "href=\"/plan\"",
            "href=\"/live\"",
            "href=\"/upload\"",
            "href=\"/history\"",
            "href=\"/pose\"",
        ] {
            assert!(r.text.contains(link), "{path} lacks the nav link {link}");
        }
        assert!(r.text.contains("/assets/style.css"));
    }
    app.sign_in("cara").await;
    let r = app.get("/upload", Some("cara")).await;
    assert!(r.text.contains("id=\"upload-form\""));
    assert!(r.text.contains("/assets/upload.js"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_embedded() {
    let app = TestApp::new().await;
    for (name, ty) in [
        ("style.css", "text/css"),
        ("app.js", "text/javascript"),
        ("upload.js", "text/javascript"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let r = app.get(&format!("/assets/{name}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{name}");
        assert!(
            r.content_type().starts_with(ty),
            "{name}: {}",
            r.content_type()
        );
        assert!(r.text.len() > 100, "{name}");
    }
    assert_eq!(
        app.get("/assets/nope.js", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_are_404_as_json_or_html() {
    let app = TestApp::new().await;
    let r = app.get("/api/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.error().contains("/api/nope"));
    let r = app.get("/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));
    let r = app.get("/pose/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("unknown topic"), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pose_knowledge_is_browsable() {
    let app = TestApp::new().await;
    let r = app.get("/api/pose", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["mistakes"].as_array().unwrap().len(), 6);
    let r = app.get("/api/pose/mistakes", None).await;
    assert!(r.json()["corrections"].is_array());
    let r = app.get("/api/pose/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.error().contains("valid:"), "{}", r.text);
    let page = app.get("/pose/mistakes", None).await;
    for m in &janu_pose::knowledge().mistakes {
        assert!(
            page.text.contains(&maud::html! { (m.name) }.into_string()),
            "{}",
            m.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_follows_the_cli_rules() {
    let app = TestApp::new().await;
    let r = app.get("/api/screen/conditions", None).await;
    let list = r.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "pregnancy" && c["needs_trimester"] == true)
    );

    let r = app.post_json("/api/screen", None, "{}").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["decision"], "proceed");
    let r = app
        .post_json("/api/screen", None, r#"{"conditions":["herniated-disc"]}"#)
        .await;
    assert_eq!(r.json()["decision"], "avoid");
    assert!(!r.json()["cautious_choices"].as_array().unwrap().is_empty());
    let r = app
        .post_json("/api/screen", None, r#"{"conditions":["pregnancy"]}"#)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.error().contains("trimester"), "{}", r.text);
    assert!(
        !r.error().contains("--"),
        "CLI flags are not named: {}",
        r.text
    );
    let r = app
        .post_json("/api/screen", None, r#"{"conditions":["bogus"]}"#)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.error().contains("herniated-disc"),
        "lists the valid ids: {}",
        r.text
    );
    let r = app.post_json("/api/screen", None, "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.error();
    let r = app
        .post_json("/api/screen", None, r#"{"condition":["none"]}"#)
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );
    assert!(r.error().contains("condition"), "{}", r.text);

    // The page: the same answer, rendered.
    let page = app
        .get("/screen?condition=herniated-disc&submitted=1", None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("decision-avoid"));
    assert!(page.text.contains("value=\"herniated-disc\" checked"));
    let page = app
        .get("/screen?condition=pregnancy&submitted=1", None)
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("role=\"alert\""));
    let page = app
        .get("/screen?condition=pregnancy&trimester=2&submitted=1", None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<option value=\"2\" selected>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_follow_the_cli_rules() {
    let app = TestApp::new().await;
    let r = app.post_json("/api/plan", None, r#"{"minutes":15}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let plan = r.json();
    assert_eq!(plan["level"], "beginner");
    let total = plan["total_seconds"].as_u64().unwrap();
    assert!(total.abs_diff(15 * 60) <= 90, "{total}");
    let sides: Vec<_> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["extended_leg"].as_str())
        .collect();
    assert!(
        sides.contains(&"left") && sides.contains(&"right"),
        "{sides:?}"
    );
    // Same as the library with the CLI's defaults.
    let lib =
        janu_pose::plan(&janu_pose::PlanRequest::new(janu_pose::Level::Beginner, 15)).unwrap();
    assert_eq!(plan, serde_json::to_value(&lib).unwrap());

    let r = app
        .post_json("/api/plan", None, r#"{"conditions":["herniated-disc"]}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.error().contains("avoid"), "{}", r.text);
    let r = app.post_json("/api/plan", None, r#"{"minutes":100}"#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.error().contains("minutes"));
    let r = app
        .post_json("/api/plan", None, r#"{"tighter_side":"up"}"#)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let page = app
        .get(
            "/plan?level=intermediate&minutes=30&goal=hip-asymmetry&tighter_side=left&submitted=1",
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("data-testid=\"plan-steps\""));
    assert!(page.text.contains("left leg extended"));
    assert!(
        page.text
            .contains("<option value=\"intermediate\" selected>")
    );
    let page = app.get("/plan?minutes=2&submitted=1", None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_get_clear_client_errors() {
    let app = TestApp::with(|s| s.max_upload_bytes = 1024 * 1024).await;
    let r = app.upload("dan", "a.jpg", b"x".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    app.sign_in("dan").await;

    let r = app.upload("dan", "a.jpg", vec![]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.error().contains("empty"), "{}", r.text);

    let r = app
        .upload(
            "dan",
            "notes.mp4",
            b"just some words, not a video\n".repeat(10),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let e = r.error();
    assert!(e.contains("notes.mp4") && e.contains("text"), "{e}");
    assert!(!e.contains(".upload-"), "the temporary path is hidden: {e}");

    let r = app
        .upload("dan", "a.gif", b"GIF89a\x01\x00\x01\x00".to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.error().contains("GIF"), "{}", r.text);

    let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0];
    broken.extend(std::iter::repeat_n(7u8, 2000));
    let r = app.upload("dan", "broken.jpg", broken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.error().contains("broken.jpg"), "{}", r.text);

    let r = app
        .upload("dan", "bad.jsonl", b"{\"t\": 0}\n".to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.error().contains("bad.jsonl"));

    // One held frame repeated 300 times, 1e-13 s and 1e-300 s apart: such a
    // file once aborted the whole server.
    let practice = practice_landmarks(3);
    let first = String::from_utf8_lossy(&practice)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let rest = first
        .strip_prefix("{\"t\":0.0,")
        .expect("the first frame at 0 s");
    for gap in [1e-13, 1e-300] {
        let dense: String = (0..300)
            .map(|i| format!("{{\"t\":{:e},{rest}\n", f64::from(i) * gap))
            .collect();
        let r = app.upload("dan", "dense.jsonl", dense.into_bytes()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(r.error().contains("1 ms apart"), "{}", r.text);
    }

    let r = app
        .upload("dan", "big.jpg", vec![0xFF; 2 * 1024 * 1024])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.error().contains("1 MB"), "{}", r.text);

    // Nothing was saved, and no upload file is left behind.
    let s = app.get("/api/sessions", Some("dan")).await;
    assert_eq!(s.json()["total"], 0);
    let left: Vec<_> = std::fs::read_dir(app.state.uploads_dir())
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_what_the_workers_can_take_are_refused_before_writing() {
    // One worker and a queue of one: two uploads may arrive at once.
    let app = TestApp::with(|s| {
        s.workers = 1;
        s.queue = 1;
    })
    .await;
    app.sign_in("gus").await;
    let open_upload = || {
        // A body that sends a little and then nothing more (a slow client).
        let body = futures_util::stream::once(async {
            Ok::<_, std::convert::Infallible>(axum::body::Bytes::from_static(b"{\"t\":0"))
        })
        .chain(futures_util::stream::pending());
        Request::post("/api/uploads?name=slow.jsonl")
            .header(header::AUTHORIZATION, app.bearer("gus"))
            .body(Body::from_stream(body))
            .unwrap()
    };
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let router = app.router.clone();
            let req = open_upload();
            tokio::spawn(async move { tower::ServiceExt::oneshot(router, req).await })
        })
        .collect();
    // Let both start receiving.
    let mut waited = Duration::ZERO;
    while app.state.receiving().is_some() && waited < Duration::from_secs(10) {
        // Taking a permit here and dropping it at once does not hold a slot.
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let r = app
        .upload("gus", "third.jsonl", practice_landmarks(2))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    let files = std::fs::read_dir(app.state.uploads_dir()).unwrap().count();
    assert_eq!(files, 2, "only the two uploads being received have files");
    for task in slow {
        task.abort();
    }
    // The slots and the files of abandoned uploads are given back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let files = std::fs::read_dir(app.state.uploads_dir()).unwrap().count();
    assert_eq!(files, 0);
    let r = app
        .upload("gus", "after.jsonl", practice_landmarks(2))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
}

/// Upload a landmark file, follow the job, and find the session everywhere.
async fn upload_story(app: &TestApp, handle: &str) {
    app.sign_in(handle).await;
    let r = app
        .upload(handle, "practice.jsonl", practice_landmarks(7))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let job = r.json();
    assert_eq!(job["kind"], "landmarks");
    assert_eq!(job["media_name"], "practice.jsonl");
    let id = job["id"].as_u64().unwrap();
    let done = app.wait_job(handle, id, JOB_LIMIT).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    let session_id = done["session_id"].as_i64().unwrap();

    // Another user sees neither the job nor the session.
    app.sign_in(&format!("{handle}-other")).await;
    let other = format!("{handle}-other");
    assert_eq!(
        app.get(&format!("/api/jobs/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/sessions/{session_id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let list = app.get("/api/sessions", Some(handle)).await.json();
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["id"], session_id);
    assert_eq!(item["source"], "upload");
    let sides: Vec<_> = item["sides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["side"].clone())
        .collect();
    assert_eq!(sides, ["left", "right"], "both sides practised: {item}");
    for s in item["sides"].as_array().unwrap() {
        // The synthetic practice holds each side for 60 s.
        let hold = s["hold_s"].as_f64().unwrap();
        assert!((30.0..=90.0).contains(&hold), "hold {hold}: {s}");
    }

    let session = app
        .get(&format!("/api/sessions/{session_id}"), Some(handle))
        .await
        .json();
    assert_eq!(session["report"]["kind"], "video");
    assert_eq!(session["media_name"], "practice.jsonl");

    let progress = app
        .get("/api/progress?utc_offset_minutes=60", Some(handle))
        .await
        .json();
    assert_eq!(progress["weeks"].as_array().unwrap().len(), 1);
    assert_eq!(progress["utc_offset_s"], 3600);
    let bad = app
        .get("/api/progress?utc_offset_minutes=5000", Some(handle))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let history = app.get("/history", Some(handle)).await;
    assert_eq!(history.status, StatusCode::OK);
    for id in [
        "chart-fold",
        "chart-hold",
        "chart-asymmetry",
        "chart-mistakes",
    ] {
        assert!(history.text.contains(id), "{id}");
    }
    assert!(
        history
            .text
            .contains(&format!("href=\"/sessions/{session_id}\""))
    );
    assert!(history.text.contains("<svg"));

    let page = app
        .get(&format!("/sessions/{session_id}"), Some(handle))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("data-testid=\"report\""));
    // The same report as `janu analyze --format html`: both sides with their
    // charts, and the key frames kept beside the session.
    for id in ["side-left", "side-right", "chart-fold-left", "comparison"] {
        assert!(page.text.contains(&format!("data-testid=\"{id}\"")), "{id}");
    }
    assert!(page.text.contains("data-testid=\"key-frame\""));
    let kept = janu_store::SessionId(session_id);
    let media = || {
        app.state
            .store()
            .session_media(kept, &janu_store::MediaBackend::Database)
    };
    assert!(
        media().await.unwrap().is_some(),
        "key frames kept with the session"
    );

    let del = app
        .send(
            Request::delete(format!("/api/sessions/{session_id}"))
                .header(header::AUTHORIZATION, app.bearer(handle))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert!(
        media().await.unwrap().is_none(),
        "key frames deleted with the session"
    );
    assert_eq!(
        app.get(&format!("/api/sessions/{session_id}"), Some(handle))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/sessions/abc", Some(handle)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_to_history_on_sqlite() {
    let app = TestApp::new().await;
    upload_story(&app, "eve").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_to_history_on_postgres() {
    let Some(db) = janu_testkit::postgres::PostgresDb::create().await else {
        return;
    };
    let app = TestApp::with(|s| s.database = db.url.clone()).await;
    upload_story(&app, "eve").await;
    // The app's pool must close before the database can be dropped.
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_reach_the_history_and_its_mistake_chart() {
    let app = TestApp::new().await;
    app.sign_in("fay").await;
    let r = app
        .upload("fay", "knee.jsonl", landmarks_with_locked_knee(3))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let done = app
        .wait_job("fay", r.json()["id"].as_u64().unwrap(), JOB_LIMIT)
        .await;
    assert_eq!(done["state"], "done", "{done}");
    let id = done["session_id"].as_i64().unwrap();
    let s = app
        .get(&format!("/api/sessions/{id}"), Some("fay"))
        .await
        .json();
    let findings: Vec<String> = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["mistake_id"].as_str().unwrap().to_owned())
        .collect();
    let report_ids: Vec<String> = s["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().replace('-', "_"))
        .collect();
    assert_eq!(findings, report_ids, "every finding of the report is saved");
    if !findings.is_empty() {
        let history = app.get("/history", Some("fay")).await;
        assert!(
            history.text.contains("one week so far"),
            "the mistakes chart has a row per mistake"
        );
    }
}
