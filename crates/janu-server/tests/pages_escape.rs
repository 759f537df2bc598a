//! Text people type comes back escaped on every page that shows it: a display
//! name, an API token's name, a video's name, a teacher's name, a sign-in
//! form's return address and a report saved by another version. The pages'
//! templates escape it; no page escapes by hand.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use janu_store::{NewSession, Source};
use support::{Reply, TestApp, password_of};

/// A script someone might hope a page runs.
const HOSTILE: &str = "<script>alert(1)</script>";
/// The same, as text on a page.
const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

/// `text` (the page at `path`) shows [`HOSTILE`] as text, never as markup.
fn assert_escaped(path: &str, r: &Reply) {
    assert!(
        r.content_type().starts_with("text/html"),
        "{path}: {}",
        r.content_type()
    );
    assert!(
        !r.text.contains(HOSTILE),
        "{path} runs the script: {}",
        r.text
    );
    assert!(
        r.text.contains(ESCAPED),
        "{path} lacks the text: {}",
        r.text
    );
}

/// Creates `handle` with the display name `name` and returns its bearer token.
async fn user_named(app: &TestApp, handle: &str, name: &str) -> String {
    janu_server::accounts::add_user(
        app.state.store(),
        app.state.hasher(),
        handle,
        Some(name),
        password_of(handle),
    )
    .await
    .unwrap();
    let body = serde_json::json!({"handle": handle, "password": password_of(handle)});
    let r = app.post_json("/api/login", None, &body.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    format!("Bearer {}", r.json()["token"].as_str().unwrap())
}

async fn get(app: &TestApp, uri: &str, bearer: &str) -> Reply {
    let req = Request::get(uri).header(header::AUTHORIZATION, bearer);
    app.send(req.body(Body::empty()).unwrap()).await
}

/// A page form posted with a bearer token (which needs no CSRF token).
async fn post_form(app: &TestApp, uri: &str, bearer: &str, form: &[(&str, &str)]) -> Reply {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let req = Request::post(uri)
        .header(header::AUTHORIZATION, bearer)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    app.send(req.body(Body::from(body)).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_people_type_is_shown_as_text() {
    let app = TestApp::new().await;
    let ana = user_named(&app, "ana", &format!("Ana {HOSTILE}")).await;
    let ben = user_named(&app, "ben", &format!("Ben {HOSTILE}")).await;

    // A session whose video and report carry the script (the report as
    // another version of Janu might have saved it).
    let user = app.state.store().user_by_handle("ana").await.unwrap();
    let session = app
        .state
        .store()
        .save_session(&NewSession {
            user: user.unwrap().id,
            started_at: time::OffsetDateTime::now_utc() - time::Duration::hours(1),
            duration_s: 60.0,
            source: Source::Upload,
            media_name: Some(format!("{HOSTILE}.mp4")),
            segments: vec![],
            sides: vec![],
            asymmetry_index: None,
            tighter_side: None,
            findings: vec![],
            report: serde_json::json!({"note": HOSTILE}),
        })
        .await
        .unwrap();

    let made = post_form(&app, "/account/tokens", &ana, &[("name", HOSTILE)]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert_escaped("the new token's notice", &made);
    let shared = post_form(&app, "/account/shares", &ana, &[("handle", "ben")]).await;
    assert_eq!(shared.status, StatusCode::OK, "{}", shared.text);

    let session_page = format!("/sessions/{}", session.0);
    for (path, bearer) in [
        ("/", &ana),
        ("/account", &ana),
        ("/history", &ana),
        (session_page.as_str(), &ana),
        ("/students", &ben),
        ("/students/ana", &ben),
    ] {
        let r = get(&app, path, bearer).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert_escaped(path, &r);
    }

    // In an attribute: the sign-in form keeps where to go next.
    let next = format!("/\">{HOSTILE}");
    let uri = format!(
        "/login?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    let r = app.get(&uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_escaped("/login", &r);
    assert!(
        r.text.contains(&format!("value=\"/&quot;&gt;{ESCAPED}\"")),
        "{}",
        r.text
    );
}
