//! Accounts through the router: passwords, tokens, the session cookie and its
//! CSRF token, sign-up, sharing with a teacher, export and deletion, and
//! every route refusing other people's data, on SQLite and on Postgres.

mod support;

use std::io::Read as _;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use janu_store::{MediaBackend, NewSession, SessionId, Side, SideSummary, Source, Store};
use support::{TestApp, password_of, practice_landmarks};

/// Long enough for the analysis of a synthetic practice on a slow debug build.
const JOB_LIMIT: Duration = Duration::from_secs(120);

fn login_body(handle: &str, password: &str) -> String {
    serde_json::json!({"handle": handle, "password": password}).to_string()
}

/// A session of `handle` saved straight into the store (no analysis needed).
async fn saved_session(app: &TestApp, handle: &str) -> SessionId {
    let user = app
        .state
        .store()
        .user_by_handle(handle)
        .await
        .unwrap()
        .unwrap();
    app.state
        .store()
        .save_session(&NewSession {
            user: user.id,
            started_at: time::OffsetDateTime::now_utc() - time::Duration::hours(1),
            duration_s: 120.0,
            source: Source::Upload,
            media_name: Some("practice.mp4".into()),
            segments: vec![],
            sides: vec![SideSummary {
                side: Side::Left,
                fold_angle_deg: Some(50.0),
                head_to_knee: None,
                knee_angle_deg: Some(175.0),
                hip_opening_deg: None,
                hold_s: 40.0,
                breaths: Some(6),
                breath_rate_bpm: Some(9.0),
            }],
            asymmetry_index: None,
            tighter_side: None,
            findings: vec![],
            report: serde_json::json!({"kind": "test"}),
        })
        .await
        .unwrap()
}

/// A browser's sign-in through the form: the session cookie and the page's
/// CSRF token.
async fn browser_sign_in(app: &TestApp, handle: &str) -> (String, String) {
    let form = app.get("/login", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let set = form.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set.contains("SameSite=Strict") && set.contains("HttpOnly"),
        "{set}"
    );
    let form_cookie = set.split(';').next().unwrap().to_owned();
    let form_token = form_cookie.split_once('=').unwrap().1.to_owned();
    assert!(
        form.text.contains(&form_token),
        "the form carries its token"
    );
    let r = app
        .send(
            Request::post("/login")
                .header(header::COOKIE, &form_cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "handle={handle}&password={}&csrf={form_token}&next=%2Fhistory",
                    password_of(handle)
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers[header::LOCATION], "/history");
    let set = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("janu_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "no Secure flag on plain HTTP");
    let cookie = set.split(';').next().unwrap().to_owned();
    let page = app
        .send(
            Request::get("/account")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let marker = "<meta name=\"csrf-token\" content=\"";
    let at = page
        .text
        .find(marker)
        .expect("the page carries its CSRF token")
        + marker.len();
    let csrf = page.text[at..].split('"').next().unwrap().to_owned();
    (cookie, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handle_alone_grants_nothing() {
    let app = TestApp::new().await;
    support::add_user(&app.state, "ana").await;
    for (name, value) in [
        ("x-janu-user", "ana"),
        ("cookie", "janu_user=ana"),
        ("authorization", "Bearer ana"),
    ] {
        let r = app
            .send(
                Request::get("/api/sessions")
                    .header(name, value)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name}: {value}");
    }
    let r = app.get("/api/sessions", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.error().contains("/api/login"), "{}", r.text);
    let page = app.get("/history", None).await;
    assert!(page.text.contains("/login?next=%2Fhistory"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn programs_sign_in_with_a_password_and_use_the_token() {
    let app = TestApp::new().await;
    support::add_user(&app.state, "ana").await;
    // Wrong password and unknown handle: the same answer.
    let wrong = app
        .post_json("/api/login", None, &login_body("ana", "not-her-password"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let unknown = app
        .post_json("/api/login", None, &login_body("nobody", "whatever-1"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.error(), unknown.error());

    let r = app
        .post_json(
            "/api/login",
            None,
            &login_body(" Ana ", &password_of("ana")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = r.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["user"]["handle"], "ana");
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("janu_session=")
    );
    let me = |token: String| {
        Request::get("/api/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let r = app.send(me(token.clone())).await;
    assert_eq!(r.json()["handle"], "ana");
    // The store keeps a hash, never the token.
    let Store::Sqlite(pool) = app.state.store() else {
        unreachable!()
    };
    let kept: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM logins")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(!kept.contains(&token) && kept.len() == 1);
    // Signing out ends the token.
    let out = app
        .send(
            Request::post("/api/logout")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let r = app.send(me(token)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.error().contains("expired"), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_a_password_is_stopped_after_five_tries() {
    let app = TestApp::new().await;
    support::add_user(&app.state, "ana").await;
    for i in 0..janu_server::accounts::MAX_FAILED_LOGINS {
        let r = app
            .post_json(
                "/api/login",
                None,
                &login_body("ana", &format!("guess-{i}-x")),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits, and says how long.
    let r = app
        .post_json("/api/login", None, &login_body("ana", &password_of("ana")))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    let wait: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 800, "{wait} s");
    // Another handle is not affected.
    support::add_user(&app.state, "ben").await;
    let r = app
        .post_json("/api/login", None, &login_body("ben", &password_of("ben")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_shown_once_and_can_be_revoked() {
    let app = TestApp::new().await;
    app.sign_in("ana").await;
    let r = app
        .post_json("/api/tokens", Some("ana"), r#"{"name":"phone"}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let made = r.json();
    let token = made["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("janu_pat_"), "{token}");
    let listed = app.get("/api/tokens", Some("ana")).await;
    assert_eq!(listed.json()[0]["name"], "phone");
    assert!(!listed.text.contains(&token), "never shown again");
    let with_token = |token: &str| {
        Request::get("/api/sessions")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.send(with_token(&token)).await.status, StatusCode::OK);
    let listed = app.get("/api/tokens", Some("ana")).await.json();
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    let id = made["id"].as_i64().unwrap();
    let revoke = app
        .send(
            Request::delete(format!("/api/tokens/{id}"))
                .header(header::AUTHORIZATION, app.bearer("ana"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.send(with_token(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_changes_need_the_csrf_token() {
    let app = TestApp::new().await;
    support::add_user(&app.state, "ana").await;
    let (cookie, csrf) = browser_sign_in(&app, "ana").await;
    let upload = |csrf: Option<&str>| {
        let mut b = Request::post("/api/uploads?name=p.jsonl")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        b.body(Body::from(practice_landmarks(1))).unwrap()
    };
    let r = app.send(upload(None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.error().contains("CSRF"), "{}", r.text);
    let r = app.send(upload(Some("forged-token-000000000000"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.send(upload(Some(&csrf))).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);

    // A page form: without its token it is refused; with it, it works.
    let form = |body: String| {
        Request::post("/account/tokens")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let r = app.send(form("name=laptop".into())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.content_type().starts_with("text/html"));
    let r = app.send(form(format!("name=laptop&csrf={csrf}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("data-testid=\"new-token\""));
    assert!(r.text.contains("janu_pat_"));

    // The sign-in form needs the token its own cookie carries.
    let r = app
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "handle=ana&password={}&csrf=abc",
                    password_of("ana")
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("janu_session=")),
        "no session from a forged form"
    );

    // Signing out ends the cookie.
    let r = app
        .send(
            Request::post("/logout")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(
            Request::get("/api/me")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_is_closed_unless_the_server_opens_it() {
    let app = TestApp::new().await;
    let body = r#"{"handle":"new","password":"long enough"}"#;
    let r = app.post_json("/api/signup", None, body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.error().contains("janu users add"));
    assert_eq!(app.get("/signup", None).await.status, StatusCode::FORBIDDEN);

    let app = TestApp::with(|s| s.open_signup = true).await;
    let r = app.post_json("/api/signup", None, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.json()["token"].is_string());
    let again = app.post_json("/api/signup", None, body).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let short = app
        .post_json("/api/signup", None, r#"{"handle":"b","password":"short"}"#)
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.error().contains("at least 8"), "{}", short.text);
    assert!(app.get("/signup", None).await.text.contains("new-password"));
}

/// Every route that reads or changes a session answers 404 to someone else,
/// and a teacher reads (never changes) only what a student shared.
async fn other_people_see_nothing(app: &TestApp) {
    for h in ["ana", "ben", "teo"] {
        app.sign_in(h).await;
    }
    let id = saved_session(app, "ana").await.0;
    let ben_reads = [
        format!("/api/sessions/{id}"),
        format!("/sessions/{id}"),
        "/api/students/ana/sessions".into(),
        "/api/students/ana/progress".into(),
        "/students/ana".into(),
    ];
    for uri in &ben_reads {
        let r = app.get(uri, Some("ben")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text);
    }
    let del = |who: &str| {
        Request::delete(format!("/api/sessions/{id}"))
            .header(header::AUTHORIZATION, app.bearer(who))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.send(del("ben")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/sessions", Some("ben")).await.json()["total"],
        0
    );
    assert_eq!(
        app.get("/api/students", Some("teo")).await.json(),
        serde_json::json!([])
    );

    // Ana shares with Teo: Teo reads, Ben still does not.
    let share = app
        .send(
            Request::put("/api/shares/teo")
                .header(header::AUTHORIZATION, app.bearer("ana"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(share.status, StatusCode::NO_CONTENT, "{}", share.text);
    let students = app.get("/api/students", Some("teo")).await.json();
    assert_eq!(students.as_array().unwrap().len(), 1, "{students}");
    assert_eq!(students[0]["user"]["handle"], "ana");
    assert_eq!(students[0]["latest"][0]["id"], id);
    assert_eq!(students[0]["trend"][0]["left_fold_deg"], 50.0);
    for uri in &ben_reads {
        assert_eq!(
            app.get(uri, Some("teo")).await.status,
            StatusCode::OK,
            "{uri}"
        );
        assert_eq!(
            app.get(uri, Some("ben")).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    assert!(
        app.get("/students", Some("teo"))
            .await
            .text
            .contains("data-testid=\"student\"")
    );
    assert_eq!(
        app.send(del("teo")).await.status,
        StatusCode::NOT_FOUND,
        "read only"
    );
    assert_eq!(
        app.get("/api/shares", Some("ana")).await.json()["teachers"][0]["handle"],
        "teo"
    );

    // Taken back: Teo sees nothing again.
    let unshare = app
        .send(
            Request::delete("/api/shares/teo")
                .header(header::AUTHORIZATION, app.bearer("ana"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(unshare.status, StatusCode::NO_CONTENT);
    for uri in &ben_reads {
        assert_eq!(
            app.get(uri, Some("teo")).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    assert_eq!(app.send(del("ana")).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_people_see_nothing_on_sqlite() {
    other_people_see_nothing(&TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_people_see_nothing_on_postgres() {
    let Some(db) = janu_testkit::postgres::PostgresDb::create().await else {
        return;
    };
    let app = TestApp::with(|s| s.database = db.url.clone()).await;
    other_people_see_nothing(&app).await;
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_holds_everything_and_deletion_leaves_nothing() {
    let app = TestApp::new().await;
    app.sign_in("ana").await;
    app.sign_in("teo").await;
    let r = app
        .upload("ana", "practice.jsonl", practice_landmarks(7))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let done = app
        .wait_job("ana", r.json()["id"].as_u64().unwrap(), JOB_LIMIT)
        .await;
    assert_eq!(done["state"], "done", "{done}");
    let id = done["session_id"].as_i64().unwrap();
    let share = app
        .send(
            Request::put("/api/shares/teo")
                .header(header::AUTHORIZATION, app.bearer("ana"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(share.status, StatusCode::NO_CONTENT);

    let r = app.get("/api/me/export", Some("ana")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/gzip");
    let bytes = app_bytes(&app, "/api/me/export", "ana").await;
    let mut names = Vec::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut session_json = String::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if name.ends_with(&format!("sessions/{id}.json")) {
            entry.read_to_string(&mut session_json).unwrap();
        }
        names.push(name);
    }
    for want in [
        "janu-export-ana/account.json".to_owned(),
        format!("janu-export-ana/sessions/{id}.json"),
        format!("janu-export-ana/key-frames/{id}.json"),
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let session: serde_json::Value = serde_json::from_str(&session_json).unwrap();
    assert_eq!(session["media_name"], "practice.jsonl");
    assert_eq!(session["report"]["kind"], "video");

    // Deleting needs the password; then the account, its sessions, its
    // shares and its key frames are gone, and its token stops working.
    let delete = |password: &str| {
        Request::delete("/api/me")
            .header(header::AUTHORIZATION, app.bearer("ana"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"password": password}).to_string(),
            ))
            .unwrap()
    };
    assert_eq!(
        app.send(delete("wrong-password")).await.status,
        StatusCode::FORBIDDEN
    );
    let key_frames = app
        .state
        .store()
        .session_media(SessionId(id), &MediaBackend::Database)
        .await
        .unwrap();
    assert!(key_frames.is_some(), "key frames saved with the session");
    assert_eq!(
        app.send(delete(&password_of("ana"))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.state
            .store()
            .session_media(SessionId(id), &MediaBackend::Database)
            .await
            .unwrap(),
        None,
        "key frames deleted"
    );
    assert!(
        app.state
            .store()
            .user_by_handle("ana")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.state
            .store()
            .session(SessionId(id))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.get("/api/me", Some("ana")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/students", Some("teo")).await.json(),
        serde_json::json!([])
    );
}

/// The body of a GET as bytes (the export is binary).
async fn app_bytes(app: &TestApp, uri: &str, handle: &str) -> Vec<u8> {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::AUTHORIZATION, app.bearer(handle))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}
