//! Live coaching end to end in real Chromium with a fake camera: a Y4M video
//! made here from a real photo (with a slow zoom, so tracking has something to
//! follow) is played by Chromium as the webcam. The page must draw the
//! skeleton, name the pose, show and speak cues, and save the session to the
//! history on Stop. A second run refuses the camera. Screenshots are kept in
//! `target/e2e-artifacts/live/` and `target/e2e-artifacts/live-refused/`.
//!
//! Skips (passes, printing SKIPPED) without node, chromium or the shared
//! photos, except under CI=true.

#[path = "support/live.rs"]
mod live_support;
mod support;

use std::path::Path;

use live_support::{PHOTO, write_y4m, zoom_frames};
use support::browser::{Browser, Server};

/// The photo of Janusirsasana the on-device run films: a side view the
/// full model reads with one leg straight and one bent.
const JANU_PHOTO: &str = "janu_sirsasana/yogapath_janu_sirsasana.jpg";
/// Frame rate of the fake camera; Chromium loops the file.
const CAMERA_FPS: u32 = 15;
/// Frames in the file: 6 s, one slow zoom in and out and a half.
const CAMERA_FRAMES: usize = 90;

/// A practice on the live page in `mode` (`live`: the model on the server;
/// `device`: in the browser), the fake camera filming `photo`: the script's
/// checks pass, exactly one live session is saved for `handle`, and each of
/// `shots` was taken.
async fn practice(browser: Browser, photo: &Path, handle: &str, mode: &str, shots: &[&str]) {
    let server = Server::start(|_| {}).await;
    support::add_user(&server.state, handle).await;
    let camera = server.data_dir().join("camera.y4m");
    write_y4m(
        &camera,
        &zoom_frames(photo, CAMERA_FRAMES, 640, 480),
        CAMERA_FPS,
    );
    let flags = format!(
        "--use-fake-ui-for-media-stream --use-fake-device-for-media-stream \
         --use-file-for-fake-video-capture={}",
        camera.display()
    );
    browser
        .run(
            "live.spec.mjs",
            &server.url,
            &[
                ("JANU_E2E_CHROMIUM_ARGS", &flags),
                ("JANU_E2E_HANDLE", handle),
                ("JANU_E2E_PASSWORD", &support::password_of(handle)),
                ("JANU_E2E_MODE", mode),
            ],
        )
        .await;

    // What the browser did is in the store: one live session.
    let store = server.state.store();
    let user = store.user_by_handle(handle).await.unwrap().unwrap();
    let list = store
        .sessions(user.id, janu_store::Page::first(10))
        .await
        .unwrap();
    assert_eq!(list.total, 1, "one session saved");
    assert_eq!(list.items[0].source, janu_store::Source::Live);
    for shot in shots {
        assert!(
            browser.artifacts.join(format!("{shot}.png")).is_file(),
            "{shot}.png"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_page_coaches_from_a_fake_camera_and_saves_the_session() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let Some(browser) = Browser::find("live") else {
        return;
    };
    let shots = ["01-live", "02-summary", "03-history"];
    practice(browser, &photos.join(PHOTO), "e2e-live", "live", &shots).await;
}

/// The same practice with the model in the browser: the network is cut from
/// the first answered frames to Stop, the save is the only request after it,
/// and the page reopens and coaches offline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_runs_in_the_browser_and_only_the_save_goes_to_the_server() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    if support::web_engine().is_none() {
        return;
    }
    let Some(browser) = Browser::find("live-device") else {
        return;
    };
    let shots = ["01-live", "02-summary", "03-history", "05-offline"];
    practice(
        browser,
        &photos.join(JANU_PHOTO),
        "e2e-device",
        "device",
        &shots,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_camera_is_explained() {
    let Some(browser) = Browser::find("live-refused") else {
        return;
    };
    let server = Server::start(|_| {}).await;
    support::add_user(&server.state, "e2e-refused").await;
    browser
        .run(
            "live.spec.mjs",
            &server.url,
            &[
                (
                    "JANU_E2E_CHROMIUM_ARGS",
                    "--use-fake-device-for-media-stream --deny-permission-prompts",
                ),
                ("JANU_E2E_HANDLE", "e2e-refused"),
                ("JANU_E2E_PASSWORD", &support::password_of("e2e-refused")),
                ("JANU_E2E_MODE", "refused"),
            ],
        )
        .await;
    assert!(browser.artifacts.join("refused.png").is_file());
    server.stop().await;
}
