//! The in-browser pose engine against MediaPipe's own web solution, in one
//! headless Chromium on this machine, on the same frames.
//!
//! A video is made from real photos of Janusirsasana with
//! `janu_media::pan_zoom_video` (640 x 480, a slow pan and zoom), decoded and
//! written as a Y4M file that Chromium plays as its fake camera. The page
//! (`e2e/bench-web.mjs`) grabs the frames, then runs Janu's WebAssembly engine
//! (the one `janu serve` embeds, with the models it serves) and MediaPipe's
//! `@mediapipe/pose` (its SIMD WebAssembly build, the package Janu takes its
//! models from) on every frame, one at a time on the page's main thread, for
//! each model size: frames a second, time a frame from the picture to the
//! landmarks, and how far apart the two engines put the landmarks.
//!
//! ```text
//! cargo bench -p janu-server --bench web_engine
//! JANU_BENCH_FRAMES=300 JANU_BENCH_SIZES=full cargo bench -p janu-server --bench web_engine
//! ```
//! Skips with a message without the shared photos, node, chromium or the
//! engine (a build without rustc-web).

#[path = "../tests/support/live.rs"]
mod live_support;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use janu_media::{PanZoomSpec, VideoOptions};
use janu_vision::models::NPM_PACKAGE;
use janu_vision::{ModelKind, ModelStore};
use support::browser::Browser;

/// Photos of the pose the video is made from.
const PHOTOS: [&str; 4] = [
    "janu_sirsasana/yogapath_janu_sirsasana.jpg",
    "janu_sirsasana/ashtangaasanas_janu_sirsasana_a.jpg",
    "janu_sirsasana/dhruv_janu_shirsasana.jpg",
    "janu_sirsasana/shantiyoga_janu_bottom.jpg",
];
/// Frame rate of the video and the fake camera.
const FPS: u32 = 30;
/// Seconds each photo is shown.
const SECONDS_PER_PHOTO: f64 = 3.0;

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("copying {} to {}: {e}", from.display(), to.display()));
}

fn main() {
    let root = janu_testkit::shared_data_root().join("photos");
    if !root.is_dir() {
        eprintln!("SKIPPED web_engine: {} is missing", root.display());
        return;
    }
    let Some(engine) = janu_server::live::device::engine() else {
        eprintln!("SKIPPED web_engine: this build has no in-browser engine (rustc-web)");
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let Some(browser) = Browser::find("bench-web") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bench = dir.path().join("site");
    for sub in ["janu", "models", "mp"] {
        std::fs::create_dir_all(bench.join(sub)).expect("a folder");
    }

    // The engine as janu serve embeds it, the models as it serves them.
    std::fs::write(bench.join("janu/janu_web.js"), engine.js).expect("writing the engine");
    std::fs::write(bench.join("janu/janu_web_bg.wasm"), engine.wasm).expect("writing the engine");
    let store = ModelStore::from_env().expect("the model cache");
    store.ensure(&mut |_| {}).expect("installing the models");
    for kind in ModelKind::ALL {
        copy(
            &store.path(kind),
            &bench.join("models").join(kind.file_name()),
        );
    }

    // MediaPipe's own web solution, from the same npm package.
    let out = std::process::Command::new("npm")
        .args(["pack", NPM_PACKAGE, "--silent", "--pack-destination"])
        .arg(dir.path())
        .output()
        .expect("running npm pack");
    assert!(out.status.success(), "npm pack {NPM_PACKAGE}: {out:?}");
    let tarball = dir.path().join(String::from_utf8_lossy(&out.stdout).trim());
    let bytes = std::fs::read(&tarball).expect("reading the tarball");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    for entry in archive.entries().expect("a tarball") {
        let mut entry = entry.expect("an entry");
        let name: PathBuf = entry.path().expect("a name").into_owned();
        if let Ok(rel) = name.strip_prefix("package") {
            entry.unpack(bench.join("mp").join(rel)).expect("unpacking");
        }
    }

    // The camera: a pan-zoom video of real photos, as Chromium's fake camera.
    let photos: Vec<PathBuf> = PHOTOS.iter().map(|p| root.join(p)).collect();
    let video = dir.path().join("camera.mp4");
    let spec = PanZoomSpec {
        width: 640,
        height: 480,
        fps: f64::from(FPS),
        seconds_per_photo: SECONDS_PER_PHOTO,
        ..PanZoomSpec::hd720()
    };
    janu_media::pan_zoom_video(&photos, &video, &spec).expect("making the video");
    let frames: Vec<_> = janu_media::open_video(&video, &VideoOptions::default())
        .expect("opening the video")
        .map(|f| f.expect("a frame").image)
        .collect();
    let camera = dir.path().join("camera.y4m");
    live_support::write_y4m(&camera, &frames, FPS);

    let flags = format!(
        "--use-fake-ui-for-media-stream --use-fake-device-for-media-stream \
         --use-file-for-fake-video-capture={} --enable-unsafe-swiftshader",
        camera.display()
    );
    let out = rt.block_on(browser.run(
        "bench-web.mjs",
        "http://127.0.0.1:9",
        &[
            ("JANU_E2E_CHROMIUM_ARGS", &flags),
            ("JANU_BENCH_DIR", &bench.display().to_string()),
        ],
    ));
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("BENCH "))
        .expect("the page's result");
    let result: serde_json::Value = serde_json::from_str(line).expect("JSON");
    println!(
        "\n{} frames of {} photos at 640 x 480, one at a time on the page's main thread\n",
        result["frames"],
        PHOTOS.len()
    );
    println!(
        "| model | Janu fps | MediaPipe fps | Janu / MediaPipe | Janu ms p50 / p95 | MediaPipe ms p50 / p95 | people found (Janu / MediaPipe) | landmark distance mean / p95 (px) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let sizes = result["sizes"].as_object().expect("sizes");
    for (size, r) in sizes {
        let (j, m, a) = (&r["janu"], &r["mediapipe"], &r["agreement"]);
        let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
        println!(
            "| {size} | {:.1} | {:.1} | {:.2}x | {:.1} / {:.1} | {:.1} / {:.1} | {} / {} of {} | {:.1} / {:.1} |",
            f(&j["fps"]),
            f(&m["fps"]),
            f(&j["fps"]) / f(&m["fps"]),
            f(&j["p50_ms"]),
            f(&j["p95_ms"]),
            f(&m["p50_ms"]),
            f(&m["p95_ms"]),
            j["found"],
            m["found"],
            j["frames"],
            f(&a["mean_px"]),
            f(&a["p95_px"]),
        );
    }
}
