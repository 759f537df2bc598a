//! `janu serve` as a person starts it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to say it is serving.
const START_LIMIT: Duration = Duration::from_secs(60);

/// Start `janu serve` on `addr`, collect its standard error until it says it
/// is serving, then stop it. Returns what it said.
fn start_and_stop(addr: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(["serve", "--addr", addr, "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    let mut said = String::new();
    while let Some(left) = START_LIMIT.checked_sub(started.elapsed()) {
        let Ok(line) = rx.recv_timeout(left) else {
            break;
        };
        said.push_str(&line);
        said.push('\n');
        if line.contains("serving on") {
            break;
        }
    }
    child.kill().ok();
    child.wait().ok();
    assert!(said.contains("serving on"), "never served: {said}");
    said
}

#[test]
fn serving_beyond_this_machine_without_tls_warns() {
    let said = start_and_stop("0.0.0.0:0");
    assert!(
        said.contains("warning") && said.contains("without TLS"),
        "{said}"
    );
}

#[test]
fn serving_on_loopback_says_no_warning() {
    let said = start_and_stop("127.0.0.1:0");
    assert!(!said.contains("warning"), "{said}");
}
