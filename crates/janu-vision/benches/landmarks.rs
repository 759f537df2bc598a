//! Landmark engine benchmarks: per-frame latency of the detector and of the lite,
//! full and heavy landmark models (janu-nn, the default backend, on one and two
//! threads; tract on one, when built with the `tract` feature), the static
//! pipeline on a real photo,
//! and end-to-end throughput on a 720p H.264 video made from the real photos
//! (pan and zoom, generated here, never committed) next to the Python MediaPipe
//! solution in video mode on the same video, in the same run.
//!
//! `cargo bench -p janu-vision --bench landmarks` (add `--features tract` for
//! the tract rows). The end-to-end figures are
//! printed and written to `target/janu-bench/landmarks-summary.md`.
//! `JANU_BENCH_QUICK=1` shortens the video; `JANU_BENCH_NO_PYTHON=1` skips
//! MediaPipe.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::Criterion;
use janu_media::{PanZoomSpec, VideoOptions, open_video, pan_zoom_video, read_image};
use janu_vision::backend::BackendKind;
use janu_vision::{
    DETECTOR_INPUT, EstimatorOptions, LANDMARK_INPUT, ModelKind, ModelSize, ModelStore,
    PoseEstimator,
};

/// Photos used for the video: the first of each pose folder and more, sorted.
const VIDEO_PHOTOS: usize = 12;
/// Frames decoded ahead of the estimator (as `janu landmarks` does).
const DECODE_AHEAD: usize = 4;

fn photos() -> Vec<PathBuf> {
    let root = janu_testkit::shared_data("photos").expect("the shared photos are needed");
    janu_testkit::spread_photos(&root, VIDEO_PHOTOS)
}

/// (backend, threads) pairs measured per model: tract's own thread pool made
/// it slower (BENCHMARKS.md), so it runs on one.
const MODEL_RUNS: [(BackendKind, usize); 3] = [
    (BackendKind::Nn, 1),
    (BackendKind::Nn, 2),
    (BackendKind::Tract, 1),
];

/// The runs whose backend is in this build (tract only with its feature).
fn in_build(runs: [(BackendKind, usize); 3]) -> impl Iterator<Item = (BackendKind, usize)> {
    runs.into_iter()
        .filter(|(backend, _)| BackendKind::ALL.contains(backend))
}

fn models(c: &mut Criterion) {
    let store = ModelStore::from_env().unwrap();
    store.ensure(&mut |_| {}).unwrap();
    let mut outputs = Vec::new();

    let detector = store.load(ModelKind::Detector, &mut |_| {}).unwrap();
    let input = vec![0.1f32; DETECTOR_INPUT * DETECTOR_INPUT * 3];
    for (backend, threads) in in_build(MODEL_RUNS) {
        let mut session = backend
            .create(threads)
            .load(&detector, [1, DETECTOR_INPUT, DETECTOR_INPUT, 3])
            .unwrap();
        c.bench_function(&format!("detector {backend} ({threads} thread)"), |b| {
            b.iter(|| session.run(black_box(&input), &mut outputs).unwrap());
        });
    }

    let input = vec![0.5f32; LANDMARK_INPUT * LANDMARK_INPUT * 3];
    for size in ModelSize::ALL {
        let bytes = store.load(ModelKind::Landmark(size), &mut |_| {}).unwrap();
        for (backend, threads) in in_build(MODEL_RUNS) {
            let mut session = backend
                .create(threads)
                .load(&bytes, [1, LANDMARK_INPUT, LANDMARK_INPUT, 3])
                .unwrap();
            let mut group = c.benchmark_group("landmark model");
            if size == ModelSize::Heavy {
                group.sample_size(20);
            }
            group.bench_function(format!("{size} {backend} ({threads} thread)"), |b| {
                b.iter(|| session.run(black_box(&input), &mut outputs).unwrap());
            });
            group.finish();
        }
    }

    let photo = read_image(&photos()[0]).unwrap();
    let mut estimator = PoseEstimator::new(EstimatorOptions::default()).unwrap();
    c.bench_function("estimate_image full (photo, detector + landmarks)", |b| {
        b.iter(|| estimator.estimate_image(black_box(&photo)).unwrap());
    });
}

/// Frames per second of the whole video through `janu landmarks`' loop: decoding
/// on its own thread, the estimator in video mode on this one.
fn janu_fps(
    video: &Path,
    model: ModelSize,
    backend: BackendKind,
    threads: usize,
) -> (f64, usize, usize) {
    let options = EstimatorOptions {
        model,
        threads,
        backend,
        ..Default::default()
    };
    let mut estimator = PoseEstimator::new(options).unwrap();
    let start = Instant::now();
    let source = open_video(video, &VideoOptions::default()).unwrap();
    let (mut frames, mut found) = (0, 0);
    for frame in source.spawn(DECODE_AHEAD) {
        let frame = frame.unwrap();
        let e = estimator.track(&frame.image, frame.t).unwrap();
        frames += 1;
        found += usize::from(e.pose.is_some());
    }
    (frames as f64 / start.elapsed().as_secs_f64(), frames, found)
}

fn mediapipe_fps(video: &Path, complexity: u8) -> Option<serde_json::Value> {
    if std::env::var_os("JANU_BENCH_NO_PYTHON").is_some() {
        return None;
    }
    let root = janu_testkit::workspace_root();
    let python = root.join("tools/.venv/bin/python");
    if !python.exists() {
        eprintln!("SKIPPED MediaPipe: {} is missing", python.display());
        return None;
    }
    let out = std::process::Command::new(python)
        .arg(root.join("tools/mediapipe_video_bench.py"))
        .arg(video)
        .args(["--complexity", &complexity.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("MediaPipe failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn end_to_end() {
    let dir = janu_testkit::workspace_root().join("target/janu-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let video = dir.join("panzoom-720p.mp4");
    let quick = std::env::var_os("JANU_BENCH_QUICK").is_some();
    let spec = PanZoomSpec {
        seconds_per_photo: if quick { 0.5 } else { 2.0 },
        ..PanZoomSpec::hd720()
    };
    let summary = pan_zoom_video(&photos(), &video, &spec).unwrap();
    let mut lines = vec![
        format!(
            "Video: {} ({summary:?}), 1280x720 H.264 at {} fps made from {VIDEO_PHOTOS} shared photos.",
            video.display(),
            spec.fps
        ),
        String::new(),
        "| engine | model | threads | frames | with a pose | fps |".into(),
        "|---|---|---|---|---|---|".into(),
    ];
    let start = Instant::now();
    let decoded = open_video(&video, &VideoOptions::default())
        .unwrap()
        .count();
    let decode_fps = decoded as f64 / start.elapsed().as_secs_f64();
    lines.push(format!(
        "| decoding only (openh264) | - | 1 | {decoded} | - | {decode_fps:.1} |"
    ));
    println!("{}", lines.last().unwrap());
    let mut janu_full = 0.0;
    for (model, backend, threads) in [
        (ModelSize::Lite, BackendKind::Nn, 1),
        (ModelSize::Full, BackendKind::Nn, 1),
        (ModelSize::Full, BackendKind::Nn, 2),
        (ModelSize::Heavy, BackendKind::Nn, 2),
        (ModelSize::Full, BackendKind::Tract, 1),
    ]
    .into_iter()
    .filter(|(_, backend, _)| BackendKind::ALL.contains(backend))
    {
        let (fps, frames, found) = janu_fps(&video, model, backend, threads);
        if model == ModelSize::Full && backend == BackendKind::Nn {
            janu_full = f64::max(janu_full, fps);
        }
        lines.push(format!(
            "| Janu ({backend}) | {model} | {threads} | {frames} | {found} | {fps:.1} |"
        ));
        println!("{}", lines.last().unwrap());
    }
    for (complexity, name) in [(0u8, "lite"), (1, "full"), (2, "heavy")] {
        if let Some(mp) = mediapipe_fps(&video, complexity) {
            let fps = mp["fps"].as_f64().unwrap_or(0.0);
            lines.push(format!(
                "| MediaPipe {} (Python) | {name} | its own | {} | {} | {fps:.1} |",
                mp["mediapipe"].as_str().unwrap_or("?"),
                mp["frames"],
                mp["found"]
            ));
            println!("{}", lines.last().unwrap());
            if complexity == 1 && fps > 0.0 {
                lines.push(String::new());
                lines.push(format!(
                    "Full model, end to end: Janu (nn, best of 1 and 2 threads) / MediaPipe = {:.2}",
                    janu_full / fps
                ));
                println!("{}", lines.last().unwrap());
            }
        }
    }
    std::fs::write(dir.join("landmarks-summary.md"), lines.join("\n") + "\n").unwrap();

    // A 1080p clip for the memory measurement of `janu landmarks`
    // (`/usr/bin/time -v janu landmarks target/janu-bench/panzoom-1080p.mp4`).
    let spec = PanZoomSpec {
        seconds_per_photo: 0.5,
        ..PanZoomSpec::hd1080()
    };
    pan_zoom_video(&photos(), &dir.join("panzoom-1080p.mp4"), &spec).unwrap();
}

fn main() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    // `JANU_BENCH_E2E_ONLY=1` skips the per-model latencies.
    if std::env::var_os("JANU_BENCH_E2E_ONLY").is_none() {
        let mut c = Criterion::default().configure_from_args();
        models(&mut c);
        c.final_summary();
    }
    end_to_end();
}
