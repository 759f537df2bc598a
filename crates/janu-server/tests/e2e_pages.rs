//! End to end in a real browser: the pages people use, an upload of a real photo
//! and of a whole practice, and the history with weeks of sessions. Screenshots
//! are kept in `target/e2e-artifacts/pages/`.
//!
//! Skips (passes, printing SKIPPED) without node or chromium, or without the
//! shared photos, except under CI=true.

mod support;

use janu_synth::{Mistake, generate, scenarios};
use support::browser::{Browser, Server};
use time::{Duration, OffsetDateTime};

/// The handle the browser signs in with; its older weeks are seeded below.
const HANDLE: &str = "e2e-ana";
/// A real photo of a head-to-knee pose (revolved form) from the shared data.
const PHOTO: &str = "parivrtta_janu_sirsasana/app_src_main_res_drawable_janu_sirsasana.jpg";

/// Weeks of earlier practice, oldest first: synthetic sessions (made by
/// janu-synth, analysed by janu-analysis, saved as the server saves uploads)
/// with mistakes that fade, so the history has trends to show.
async fn seed_weeks(server: &Server) -> usize {
    let store = server.state.store();
    let user = janu_server::accounts::add_user(
        store,
        server.state.hasher(),
        HANDLE,
        Some("Ana"),
        support::password_of(HANDLE),
    )
    .await
    .unwrap();
    let weeks = [
        (6, Some(Mistake::LockedKnee)),
        (5, Some(Mistake::CollapsedSpine)),
        (4, Some(Mistake::LockedKnee)),
        (3, None),
        (2, Some(Mistake::CollapsedSpine)),
        (1, None),
    ];
    for (i, (weeks_ago, mistake)) in weeks.iter().enumerate() {
        let seed = 100 + i as u64;
        let scenario = match mistake {
            Some(m) => scenarios::with_mistake(*m, seed),
            None => scenarios::clean_session(seed),
        };
        let synth = generate(&scenario).unwrap();
        let report = janu_analysis::analyze(&synth.frames).unwrap();
        let when = OffsetDateTime::now_utc() - Duration::weeks(*weeks_ago);
        let new =
            janu_server::analysis::new_session(user.id, &report, "practice.mp4", when).unwrap();
        store.save_session(&new).await.unwrap();
    }
    weeks.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_upload_and_history_in_chromium() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let Some(browser) = Browser::find("pages") else {
        return;
    };
    let server = Server::start(|_| {}).await;
    let seeded = seed_weeks(&server).await;

    let landmarks = server.data_dir().join("practice.jsonl");
    std::fs::write(&landmarks, support::practice_landmarks(42)).unwrap();
    let photo = photos.join(PHOTO);
    assert!(photo.is_file(), "{} is missing", photo.display());

    browser
        .run(
            "pages.spec.mjs",
            &server.url,
            &[
                ("JANU_E2E_HANDLE", HANDLE),
                ("JANU_E2E_PASSWORD", &support::password_of(HANDLE)),
                ("JANU_E2E_PHOTO", photo.to_str().unwrap()),
                ("JANU_E2E_LANDMARKS", landmarks.to_str().unwrap()),
                ("JANU_E2E_MIN_SESSIONS", &(seeded + 2).to_string()),
            ],
        )
        .await;

    // What the browser did is in the store: the two uploads were saved.
    let user = server
        .state
        .store()
        .user_by_handle(HANDLE)
        .await
        .unwrap()
        .unwrap();
    let list = server
        .state
        .store()
        .sessions(user.id, janu_store::Page::first(50))
        .await
        .unwrap();
    assert_eq!(list.total as usize, seeded + 2);
    assert_eq!(list.items[0].media_name.as_deref(), Some("practice.jsonl"));
    for shot in [
        "01-home",
        "05-photo-report",
        "08-history",
        "09-history-phone",
    ] {
        assert!(
            browser.artifacts.join(format!("{shot}.png")).is_file(),
            "{shot}.png"
        );
    }
    server.stop().await;
}
