//! A server under hostile load: 200 slow clients (each sends half a request
//! head and then a byte every 2 s, and reconnects when cut off) and 20
//! uploads of hostile files at once, while a fresh `GET /api/health` is timed
//! every 250 ms. Reports the health latency, what became of each upload and
//! the process's peak memory (server and load together, so an upper bound).
//!
//! The hostile files: landmark files with frames 1e-13 s and 1e-300 s apart
//! and with NaN coordinates, a text file named `.mp4`, an MP4 whose sample
//! table declares 10 million frames, an MP4 cut in half, a PNG whose header
//! claims 60000 x 60000 pixels, and an empty file.
//!
//! ```text
//! cargo bench -p janu-server --bench hostile_load
//! ```

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::{BenchServer, percentile};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SLOW_CLIENTS: usize = 200;
const UPLOADS: usize = 20;
const HEALTH_EVERY: Duration = Duration::from_millis(250);
/// Longest wait for the uploads' jobs to end.
const JOBS_LIMIT: Duration = Duration::from_secs(300);

fn dense_jsonl(gap_s: f64, nan: bool) -> Vec<u8> {
    let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(1)).unwrap();
    let frame = synth.frames[synth.frames.len() / 2].clone();
    let frames: Vec<_> = (0..300)
        .map(|i| {
            let mut f = frame.clone();
            f.t = f64::from(i) * gap_s;
            f
        })
        .collect();
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &frames).unwrap();
    if nan {
        let text = String::from_utf8(out).unwrap();
        // The first landmark of every line gets NaN coordinates (not JSON,
        // but what some writers print).
        out = text
            .lines()
            .map(|l| l.replacen("\"landmarks\":[[", "\"landmarks\":[[NaN,NaN,", 1))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
    }
    out
}

fn clip(dir: &Path) -> Vec<u8> {
    let path = dir.join("clip.mp4");
    let mut w = janu_media::Mp4Writer::create(&path, 160, 120, 10.0).unwrap();
    for i in 0..10u8 {
        w.push(&image::RgbImage::from_pixel(
            160,
            120,
            image::Rgb([i * 20, 90, 160]),
        ))
        .unwrap();
    }
    w.finish().unwrap();
    std::fs::read(&path).unwrap()
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("box present")
}

/// (name, bytes) of each hostile file.
fn hostile_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mp4 = clip(dir);
    let mut inflated = mp4.clone();
    let at = find(&inflated, b"stsz") + 8;
    inflated[at + 4..at + 8].copy_from_slice(&10_000_000u32.to_be_bytes());
    let mut png = Vec::new();
    image::RgbImage::new(8, 8)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    // IHDR width and height start 16 bytes in.
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    vec![
        ("dense-13.jsonl".into(), dense_jsonl(1e-13, false)),
        ("dense-300.jsonl".into(), dense_jsonl(1e-300, false)),
        ("nan.jsonl".into(), dense_jsonl(0.1, true)),
        (
            "text.mp4".into(),
            b"just some text, not a video\n".repeat(100),
        ),
        ("inflated.mp4".into(), inflated),
        ("half.mp4".into(), mp4[..mp4.len() / 2].to_vec()),
        ("huge.png".into(), png),
        ("empty.jsonl".into(), Vec::new()),
    ]
}

async fn request(addr: &str, head: &str, body: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn status(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn body_json(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

async fn slow_client(addr: String, stop: Arc<AtomicBool>) -> usize {
    let mut cut_off = 0;
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect(&addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if s.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .is_err()
        {
            continue;
        }
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_secs(2)).await;
            if s.write_all(b"a").await.is_err() {
                cut_off += 1;
                break;
            }
        }
    }
    cut_off
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    support::on_two_threads(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let bench = BenchServer::new(dir.path(), |_| {}).await;
    let addr = bench.addr.to_string();
    let token = bench.token_for("load").await;
    let server = bench.serve();
    let files = hostile_files(dir.path());
    let started = Instant::now();

    let stop = Arc::new(AtomicBool::new(false));
    let slow: Vec<_> = (0..SLOW_CLIENTS)
        .map(|_| tokio::spawn(slow_client(addr.clone(), Arc::clone(&stop))))
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;

    let health_addr = addr.clone();
    let health_stop = Arc::clone(&stop);
    let health = tokio::spawn(async move {
        let mut times = Vec::new();
        let mut failures = 0;
        while !health_stop.load(Ordering::Relaxed) {
            let t = Instant::now();
            let answer = tokio::time::timeout(
                Duration::from_secs(5),
                request(
                    &health_addr,
                    "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    b"",
                ),
            )
            .await;
            match answer {
                Ok(a) if status(&a) == 200 => times.push(t.elapsed().as_secs_f64() * 1e3),
                _ => failures += 1,
            }
            tokio::time::sleep(HEALTH_EVERY).await;
        }
        (times, failures)
    });

    let uploads: Vec<_> = (0..UPLOADS)
        .map(|i| {
            let (name, bytes) = files[i % files.len()].clone();
            let (addr, token) = (addr.clone(), token.clone());
            tokio::spawn(async move {
                let head = format!(
                    "POST /api/uploads?name={name} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \
                     Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    bytes.len()
                );
                let answer = request(&addr, &head, &bytes).await;
                let code = status(&answer);
                let mut outcome = format!("{code}");
                if code == 202 {
                    let id = body_json(&answer)["id"].as_u64().unwrap_or(0);
                    let begun = Instant::now();
                    loop {
                        let a = request(
                            &addr,
                            &format!(
                                "GET /api/jobs/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \
                                 Bearer {token}\r\nConnection: close\r\n\r\n"
                            ),
                            b"",
                        )
                        .await;
                        let job = body_json(&a);
                        if job["state"] == "done" || job["state"] == "failed" {
                            outcome = format!("202 then {}", job["state"].as_str().unwrap_or(""));
                            break;
                        }
                        if begun.elapsed() > JOBS_LIMIT {
                            outcome = format!("202 then still {}", job["state"]);
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
                (name, outcome)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for u in uploads {
        outcomes.push(u.await.unwrap());
    }
    // Keep the slow clients on a while longer, past the header limit.
    tokio::time::sleep(Duration::from_secs(12)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut times, failures) = health.await.unwrap();
    let mut cut_off = 0;
    for s in slow {
        cut_off += s.await.unwrap();
    }
    server.stop().await;

    times.sort_by(f64::total_cmp);
    println!("hostile load: {SLOW_CLIENTS} slow clients, {UPLOADS} hostile uploads");
    println!("  run time {:.1} s", started.elapsed().as_secs_f64());
    println!(
        "  GET /api/health: {} answers, {} failed or over 5 s; p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        failures,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(f64::NAN)
    );
    println!("  slow connections cut off by the server: {cut_off}");
    let mut counts = std::collections::BTreeMap::new();
    for (name, outcome) in &outcomes {
        *counts.entry(outcome.clone()).or_insert(0) += 1;
        println!("  {name:<16} {outcome}");
    }
    println!("  outcomes: {counts:?}");
    println!(
        "  peak memory (VmHWM, server and load): {:.0} MB",
        peak_rss_mb()
    );
}
