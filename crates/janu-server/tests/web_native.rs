//! The WebAssembly engine this server embeds gives the native build's numbers:
//! the same frames of a real photo through both, landmark for landmark.
//!
//! Node runs the engine (wasm-bindgen's `web` glue, initialised from bytes) on
//! raw RGBA frames written here; the native [`janu_web::LiveEngine`] runs on
//! the same pixels. Skips without node, the shared photos or the engine, except
//! under CI=true.

mod support;

use janu_vision::{ModelKind, ModelSize, ModelStore};
use janu_web::LiveEngine;

const PHOTO: &str = "janu_sirsasana/yogapath_janu_sirsasana.jpg";
const FRAMES: usize = 20;
const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
/// Largest difference allowed between the two builds' landmarks on the first
/// frame, in units of the picture: WebAssembly multiplies then adds where x86
/// fuses the two, so the last bits of each product differ; a thousandth is
/// under a pixel.
const TOLERANCE: f32 = 1e-3;
/// Mean difference allowed on the tracked frames' visible landmarks: 3 pixels
/// of 640 (measured: 0.08 % of the picture, half a pixel).
const TRACKED_MEAN: f32 = 0.005;
/// A landmark counts as visible from this visibility (as the page draws it).
const VISIBLE: f32 = 0.5;

const SCRIPT: &str = r#"
import fs from "node:fs";
const [dir, detector, landmark, frames, w, h] = process.argv.slice(2);
const glue = await import(dir + "/janu_web.js");
await glue.default({ module_or_path: fs.readFileSync(dir + "/janu_web_bg.wasm") });
const e = new glue.Engine(fs.readFileSync(detector), fs.readFileSync(landmark), "full", false);
const raw = fs.readFileSync(frames);
const size = Number(w) * Number(h) * 4;
const out = [];
for (let i = 0; i * size < raw.length; i++) {
  const step = JSON.parse(e.push(raw.subarray(i * size, (i + 1) * size), Number(w), Number(h), i * 1000 / 30));
  out.push(step.landmarks);
}
console.log(JSON.stringify(out));
"#;

fn skip_or_fail(why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true: {why}"
    );
    eprintln!("SKIPPED web_native: {why}");
}

#[test]
fn the_browser_build_gives_the_native_landmarks() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let Some(engine) = support::web_engine() else {
        return;
    };
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        skip_or_fail("node is not installed");
        return;
    }
    let photo = janu_media::read_image(&photos.join(PHOTO)).unwrap();
    let picture =
        image::imageops::resize(&photo, WIDTH, HEIGHT, image::imageops::FilterType::Triangle);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("janu_web.js"), engine.js).unwrap();
    std::fs::write(dir.path().join("janu_web_bg.wasm"), engine.wasm).unwrap();
    std::fs::write(dir.path().join("run.mjs"), SCRIPT).unwrap();
    let rgba: Vec<u8> = picture
        .pixels()
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    std::fs::write(dir.path().join("frames.rgba"), rgba.repeat(FRAMES)).unwrap();

    let store = ModelStore::from_env().unwrap();
    store.ensure(&mut |_| {}).unwrap();
    let detector = store.path(ModelKind::Detector);
    let landmark = store.path(ModelKind::Landmark(ModelSize::Full));
    let out = std::process::Command::new("node")
        .arg(dir.path().join("run.mjs"))
        .arg(dir.path())
        .args([&detector, &landmark])
        .arg(dir.path().join("frames.rgba"))
        .args([WIDTH.to_string(), HEIGHT.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm: Vec<Option<Vec<[f32; 3]>>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(wasm.len(), FRAMES);

    let mut native = LiveEngine::new(
        &std::fs::read(&detector).unwrap(),
        &std::fs::read(&landmark).unwrap(),
        ModelSize::Full,
        false,
    )
    .unwrap();
    // The first frame is a pure function of the picture (detector, crop,
    // landmark model): the builds agree to rounding. From then on each crop
    // follows the previous frame's landmarks, so rounding carries from frame
    // to frame; the tracked frames must agree to within a few pixels.
    let mut first = 0.0f32;
    let mut tracked = Vec::new();
    for (i, w) in wasm.iter().enumerate() {
        let n = native
            .push(&picture, i as f64 * 1000.0 / 30.0)
            .unwrap()
            .landmarks;
        let (Some(w), Some(n)) = (w, n) else {
            panic!("frame {i}: a person in one build only");
        };
        for (a, b) in w.iter().zip(&n) {
            let d = (a[0] - b[0]).abs().max((a[1] - b[1]).abs());
            if i == 0 {
                first = first.max(d);
            } else if b[2] >= VISIBLE {
                tracked.push(d);
            }
        }
    }
    let mean = tracked.iter().sum::<f32>() / tracked.len() as f32;
    let most = tracked.iter().copied().fold(0.0, f32::max);
    println!(
        "WebAssembly against native: first frame {first:.6}, tracked frames' visible landmarks mean {mean:.6}, largest {most:.6} (of the picture)"
    );
    assert!(first <= TOLERANCE, "first frame: {first} > {TOLERANCE}");
    assert!(
        mean <= TRACKED_MEAN,
        "tracked frames: mean {mean} > {TRACKED_MEAN}"
    );
}
