//! Live-coaching latency: from a frame sent to its feedback received, over a
//! real WebSocket on localhost, with the full pose model.
//!
//! A video is made from real photos of the shared data with
//! `janu_media::pan_zoom_video` (a slow pan and zoom, so tracking follows
//! motion), decoded back, and each frame is sent as the live page sends it: a
//! 480 x 360 JPEG (quality 70) behind the 20-byte header, 15 frames a second
//! at a steady pace. Feedback is read as it comes; the round trip of each
//! answered frame is measured on the client's clock. Dropped frames (the
//! server was busy) are counted, not timed.
//!
//! ```text
//! cargo bench -p janu-server --bench live_latency
//! JANU_BENCH_SECONDS=120 JANU_MODEL=lite cargo bench -p janu-server --bench live_latency
//! ```
//! Skips with a message when `../shared/data/photos` is missing.

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use janu_media::{PanZoomSpec, VideoOptions};
use janu_server::live::protocol::{FrameHeader, frame_header};
use support::{BenchServer, percentile};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Frames a second sent, as the page does.
const FPS: f64 = 15.0;
/// Seconds measured (after the warm-up), unless `JANU_BENCH_SECONDS` says.
const DEFAULT_SECONDS: f64 = 60.0;
/// Frames sent first and not measured: the model loads, caches warm up.
const WARM_UP_FRAMES: usize = 30;
/// Width of the frames sent, as the page scales them.
const WIDTH: u32 = 480;
/// JPEG quality of the frames sent, as the page uses (0.7).
const JPEG_QUALITY: u8 = 70;
/// Photos the video is made from (each shown `SECONDS_PER_PHOTO`).
const PHOTOS: [&str; 4] = [
    "parivrtta_janu_sirsasana/app_src_main_res_drawable_janu_sirsasana.jpg",
    "dandasana",
    "paschimottanasana",
    "baddha_konasana",
];
/// How long each photo is shown in the video, seconds.
const SECONDS_PER_PHOTO: f64 = 5.0;

fn first_photo_in(dir: &std::path::Path) -> Option<PathBuf> {
    janu_testkit::images_in(dir).into_iter().next()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // else useful. Either way, run once.
    let root = janu_testkit::shared_data_root().join("photos");
    if !root.is_dir() {
        eprintln!("SKIPPED live_latency: {} is missing", root.display());
        return;
    }
    let seconds: f64 = std::env::var("JANU_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS);
    let photos: Vec<PathBuf> = PHOTOS
        .iter()
        .filter_map(|p| {
            let path = root.join(p);
            if path.is_dir() {
                first_photo_in(&path)
            } else {
                Some(path).filter(|p| p.is_file())
            }
        })
        .collect();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let video = dir.path().join("practice.mp4");
    let spec = PanZoomSpec {
        width: 640,
        height: 480,
        fps: FPS,
        seconds_per_photo: SECONDS_PER_PHOTO,
        ..PanZoomSpec::hd720()
    };
    janu_media::pan_zoom_video(&photos, &video, &spec).expect("making the video");
    let frames: Vec<Vec<u8>> = janu_media::open_video(&video, &VideoOptions::default())
        .expect("opening the video")
        .map(|f| {
            let img = f.expect("a frame").image;
            let h = (f64::from(img.height()) * f64::from(WIDTH) / f64::from(img.width())).round();
            let small = image::imageops::resize(
                &img,
                WIDTH,
                h as u32,
                image::imageops::FilterType::Triangle,
            );
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&small)
                .expect("encoding a JPEG");
            out
        })
        .collect();
    let mean_kb = frames.iter().map(Vec::len).sum::<usize>() as f64 / frames.len() as f64 / 1024.0;

    let load_before = load_average();
    let result = support::on_two_threads(measure(dir.path().to_path_buf(), frames, seconds));
    let load_after = load_average();

    let mut lat = result.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    let mut model = result.model_ms.clone();
    model.sort_by(f64::total_cmp);
    let mut server = result.server_ms.clone();
    server.sort_by(f64::total_cmp);
    let mut coach = result.coach_ms.clone();
    coach.sort_by(f64::total_cmp);
    println!(
        "live latency, full model, localhost WebSocket, {FPS} fps, {WIDTH} px JPEG q{JPEG_QUALITY} ({mean_kb:.0} KB mean)"
    );
    println!(
        "  frames sent {}, answered {}, dropped {} ({:.1} %)",
        result.sent,
        lat.len(),
        result.dropped,
        100.0 * result.dropped as f64 / result.sent.max(1) as f64
    );
    println!(
        "  frame sent -> feedback received: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms, mean {:.1} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN),
        lat.iter().sum::<f64>() / lat.len().max(1) as f64
    );
    println!(
        "  server: arrival -> feedback p50 {:.1} ms, p95 {:.1} ms; pose model p50 {:.1} ms, p95 {:.1} ms",
        percentile(&server, 0.5),
        percentile(&server, 0.95),
        percentile(&model, 0.5),
        percentile(&model, 0.95)
    );
    println!(
        "  coach per frame: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms",
        percentile(&coach, 0.5),
        percentile(&coach, 0.95),
        coach.last().copied().unwrap_or(f64::NAN)
    );
    println!("  load average before {load_before}, after {load_after}");
}

struct Measured {
    sent: usize,
    dropped: u64,
    latencies_ms: Vec<f64>,
    model_ms: Vec<f64>,
    server_ms: Vec<f64>,
    coach_ms: Vec<f64>,
}

async fn measure(data_dir: PathBuf, frames: Vec<Vec<u8>>, seconds: f64) -> Measured {
    let bench = BenchServer::new(&data_dir, |settings| {
        if let Ok(m) = std::env::var("JANU_MODEL") {
            settings.model = m.parse().expect("JANU_MODEL: lite, full or heavy");
        }
    })
    .await;
    let addr = bench.addr;
    let token = bench.token_for("bench").await;
    let server = bench.serve();

    let mut req = format!("ws://{addr}/api/live")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("connecting");
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::Text(r#"{"type":"start"}"#.into()))
        .await
        .unwrap();
    loop {
        let m = rx.next().await.expect("ready").expect("a message");
        if let Message::Text(t) = m {
            let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
            assert_eq!(v["type"], "ready", "{v}");
            break;
        }
    }

    // The reader records when each feedback arrived.
    let reader = tokio::spawn(async move {
        let mut got: HashMap<u32, (Instant, f64, f64, f64)> = HashMap::new();
        let mut summary_dropped = 0;
        while let Some(Ok(m)) = rx.next().await {
            let Message::Text(t) = m else { continue };
            let now = Instant::now();
            let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
            match v["type"].as_str() {
                Some("feedback") => {
                    let id = v["frame"].as_u64().unwrap() as u32;
                    let model = v["timing"]["model_ms"].as_f64().unwrap_or(f64::NAN);
                    let total = v["timing"]["total_ms"].as_f64().unwrap_or(f64::NAN);
                    let coach = v["timing"]["coach_ms"].as_f64().unwrap_or(f64::NAN);
                    got.insert(id, (now, model, total, coach));
                }
                Some("summary") => {
                    summary_dropped = v["dropped"].as_u64().unwrap_or(0);
                    break;
                }
                _ => {}
            }
        }
        (got, summary_dropped)
    });

    let measured = (seconds * FPS).round() as usize;
    let total = WARM_UP_FRAMES + measured;
    let start = Instant::now();
    let mut sent_at: Vec<(u32, Instant)> = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / FPS);
        tokio::time::sleep_until(due.into()).await;
        let id = i as u32 + 1;
        let jpeg = &frames[i % frames.len()];
        let mut bytes = frame_header(&FrameHeader {
            id,
            captured_ms: (i as f64 / FPS) * 1000.0,
            mirrored: false,
        })
        .to_vec();
        bytes.extend_from_slice(jpeg);
        let now = Instant::now();
        tx.send(Message::Binary(bytes.into())).await.unwrap();
        sent_at.push((id, now));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    tx.send(Message::Text(r#"{"type":"stop"}"#.into()))
        .await
        .unwrap();
    let (got, summary_dropped) = reader.await.unwrap();
    server.stop().await;

    let mut out = Measured {
        sent: measured,
        dropped: 0,
        latencies_ms: Vec::new(),
        model_ms: Vec::new(),
        server_ms: Vec::new(),
        coach_ms: Vec::new(),
    };
    for (id, at) in sent_at.into_iter().skip(WARM_UP_FRAMES) {
        match got.get(&id) {
            Some((recv, model, total, coach)) => {
                out.coach_ms.push(*coach);
                out.latencies_ms
                    .push(recv.duration_since(at).as_secs_f64() * 1000.0);
                out.model_ms.push(*model);
                out.server_ms.push(*total);
            }
            None => out.dropped += 1,
        }
    }
    let _ = summary_dropped;
    out
}
