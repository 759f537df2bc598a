//! Fifty people coaching themselves in their browsers, one server: the cost
//! the server still carries is the save at the end of each session (the
//! landmark file, replayed through the live coach, analysed and written in
//! one transaction). Each of 50 users saves a whole two-sided practice
//! (generated, about three minutes, at the 15 frames a second the page saves)
//! over real HTTP to a real server with a SQLite file:
//!
//! - spread: the 50 sessions end at random moments over one minute, as a
//!   class ending does;
//! - burst: all 50 press Stop in the same instant (the worst case).
//!
//! Reports the time of each save, from the first byte sent to the whole
//! answer read: p50, p95 and the slowest.
//!
//! ```text
//! cargo bench -p janu-server --bench device_saves
//! ```

mod support;

use std::time::{Duration, Instant};

use support::{BenchServer, percentile};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// People practising at once.
const SESSIONS: usize = 50;
/// The window over which the spread sessions end, seconds.
const SPREAD_S: f64 = 60.0;
/// Frames a second in the files the page saves.
const DEVICE_FPS: f64 = janu_web::engine::SAVED_FPS;

fn practice(seed: u64) -> Vec<u8> {
    let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(seed)).unwrap();
    let step = (synth.truth.fps / DEVICE_FPS).round().max(1.0) as usize;
    let frames: Vec<_> = synth.frames.iter().step_by(step).cloned().collect();
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &frames).unwrap();
    out
}

/// POST the file; the answer's status and the time it took.
async fn save(addr: &str, token: &str, body: &[u8]) -> (u16, Duration) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/live/sessions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let took = started.elapsed();
    let answer = String::from_utf8_lossy(&out);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if status != 200 || !answer.contains("\"saved\":true") {
        eprintln!("a save failed: {}", &answer[..answer.len().min(300)]);
    }
    (status, took)
}

fn main() {
    support::on_two_threads(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let bench = BenchServer::new(dir.path(), |_| {}).await;
    let addr = bench.addr.to_string();
    let mut tokens = Vec::new();
    for i in 0..SESSIONS {
        tokens.push(bench.token_for(&format!("p{i}")).await);
    }
    let server = bench.serve();
    let files: Vec<Vec<u8>> = (0..SESSIONS as u64).map(|i| practice(1 + i % 5)).collect();
    let mb = files.iter().map(Vec::len).sum::<usize>() as f64 / SESSIONS as f64 / 1e6;
    println!(
        "\n{SESSIONS} device sessions, each a two-sided practice of {:.1} MB of landmarks ({DEVICE_FPS} fps)\n",
        mb
    );
    println!("| how the saves come | saves | p50 | p95 | slowest | failed |");
    println!("|---|---|---|---|---|---|");
    for (name, spread) in [("spread over a minute", SPREAD_S), ("all at once", 0.0)] {
        let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
        let tasks: Vec<_> = files
            .iter()
            .zip(&tokens)
            .map(|(file, token)| {
                // A fixed pseudo-random moment in the window (splitmix64).
                rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = rng;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let at = (z >> 11) as f64 / (1u64 << 53) as f64 * spread;
                let (addr, token, file) = (addr.clone(), token.clone(), file.clone());
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs_f64(at)).await;
                    save(&addr, &token, &file).await
                })
            })
            .collect();
        let mut times = Vec::new();
        let mut failed = 0;
        for t in tasks {
            let (status, took) = t.await.unwrap();
            if status != 200 {
                failed += 1;
            }
            times.push(took.as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {failed} |",
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(f64::NAN),
        );
    }
    server.stop().await;
}
