//! `janu serve` killed (SIGKILL) in the middle of its work and started again:
//! an upload cut off before it was accepted leaves nothing behind; uploads
//! accepted (202) and not yet analysed are analysed after the restart, each
//! saved exactly once.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Served, http, json_body, login};

/// Longest wait for the analyses after the restart (debug build, 2 cores).
const JOB_LIMIT: Duration = Duration::from_secs(180);
const HANDLE: &str = "ana";
const PASSWORD: &str = "a long passphrase";

/// A landmark file of a whole synthetic practice (both sides).
fn practice() -> Vec<u8> {
    let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(5)).unwrap();
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &synth.frames).unwrap();
    out
}

fn token(addr: &str) -> String {
    let answer = login(addr, HANDLE, PASSWORD);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    json_body(&answer)["token"].as_str().unwrap().to_owned()
}

fn get(addr: &str, token: &str, path: &str) -> serde_json::Value {
    json_body(&http(
        addr,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Connection: close\r\n\r\n"
        )
        .as_bytes(),
    ))
}

fn upload_head(addr: &str, token: &str, name: &str, len: usize) -> String {
    format!(
        "POST /api/uploads?name={name} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer \
         {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\n\
         Connection: close\r\n\r\n"
    )
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn accepted_uploads_survive_a_kill_and_cut_off_ones_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut add = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(["users", "add", HANDLE, "--password-stdin", "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut add.stdin.take().unwrap(), PASSWORD.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    let uploads = dir.path().join("uploads");
    let body = practice();

    // 1. Killed while an upload is still arriving: never accepted, nothing kept.
    let server = Served::start(dir.path(), &[]);
    let t = token(&server.addr);
    let mut slow = std::net::TcpStream::connect(&server.addr).unwrap();
    std::io::Write::write_all(
        &mut slow,
        upload_head(&server.addr, &t, "cut.jsonl", body.len()).as_bytes(),
    )
    .unwrap();
    std::io::Write::write_all(&mut slow, &body[..body.len() / 2]).unwrap();
    let started = Instant::now();
    while files_in(&uploads).is_empty() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(files_in(&uploads).len(), 1, "the upload is being written");
    server.kill();
    let server = Served::start(dir.path(), &[]);
    let t = token(&server.addr);
    assert!(files_in(&uploads).is_empty(), "{:?}", files_in(&uploads));
    assert_eq!(get(&server.addr, &t, "/api/sessions")["total"], 0);
    server.kill();

    // 2. Killed right after accepting two uploads (one worker: at most one
    //    is running, the other waits).
    let server = Served::start(dir.path(), &[("JANU_WORKERS", "1")]);
    let t = token(&server.addr);
    let mut ids = Vec::new();
    for name in ["one.jsonl", "two.jsonl"] {
        let mut request = upload_head(&server.addr, &t, name, body.len()).into_bytes();
        request.extend_from_slice(&body);
        let answer = http(&server.addr, &request);
        assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
        ids.push(json_body(&answer)["id"].as_u64().unwrap());
    }
    server.kill();
    assert_eq!(files_in(&uploads).len(), 2, "both accepted uploads kept");

    // 3. Back up: both are analysed, each saved once.
    let server = Served::start(dir.path(), &[]);
    let t = token(&server.addr);
    let started = Instant::now();
    for id in &ids {
        loop {
            let job = get(&server.addr, &t, &format!("/api/jobs/{id}"));
            if job["state"] == "done" {
                break;
            }
            assert_ne!(job["state"], "failed", "{job}");
            assert!(started.elapsed() < JOB_LIMIT, "job {id} still {job}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let sessions = get(&server.addr, &t, "/api/sessions");
    assert_eq!(sessions["total"], 2, "{sessions}");
    let started = Instant::now();
    while !files_in(&uploads).is_empty() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(files_in(&uploads).is_empty(), "{:?}", files_in(&uploads));
    server.kill();
}
