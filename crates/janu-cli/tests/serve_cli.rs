//! `janu serve` as a person starts it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How long the server may take to say it is serving (and to log a request).
const START_LIMIT: Duration = Duration::from_secs(60);

/// A `janu serve` in a fresh data folder, its standard error read line by
/// line; stopped when dropped.
struct Serving {
    child: Child,
    stderr: Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Serving {
    /// Start `janu serve ARGS --data-dir <fresh>`, unaffected by the caller's
    /// Janu and log settings.
    fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_janu"))
            .arg("serve")
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("JANU_DATABASE")
            .env_remove("JANU_CONFIG")
            .env_remove("JANU_LOG_FORMAT")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
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
        Self {
            child,
            stderr: rx,
            _dir: dir,
        }
    }

    /// Standard error, line by line, until `done` holds for a line or
    /// [`START_LIMIT`] passes: everything said so far.
    fn said_until(&self, mut done: impl FnMut(&str) -> bool) -> String {
        let started = Instant::now();
        let mut said = String::new();
        while let Some(left) = START_LIMIT.checked_sub(started.elapsed()) {
            let Ok(line) = self.stderr.recv_timeout(left) else {
                break;
            };
            said.push_str(&line);
            said.push('\n');
            if done(&line) {
                break;
            }
        }
        said
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Start `janu serve` on `addr`, collect its standard error until it says it
/// is serving, then stop it. Returns what it said.
fn start_and_stop(addr: &str) -> String {
    let serving = Serving::start(&["--addr", addr]);
    let said = serving.said_until(|line| line.contains("serving on"));
    assert!(said.contains("serving on"), "never served: {said}");
    said
}

#[test]
fn serving_beyond_this_machine_without_tls_warns() {
    let said = start_and_stop("0.0.0.0:0");
    assert!(
        said.contains("WARN") && said.contains("without TLS"),
        "{said}"
    );
}

#[test]
fn serving_on_loopback_says_no_warning() {
    let said = start_and_stop("127.0.0.1:0");
    assert!(!said.contains("WARN"), "{said}");
}

#[test]
fn the_json_log_is_one_object_a_line_with_each_request() {
    let mut serving = Serving::start(&["--addr", "127.0.0.1:0", "--log-format", "json"]);
    let mut url = String::new();
    BufReader::new(serving.child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let addr = url
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/');
    assert!(!addr.is_empty(), "the server never said where it serves");
    // The query string holds a token: the log names the route, never the URI.
    let request = format!(
        "GET /api/health?token=s3cr3t HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let answer = common::http(addr, request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut answered = None;
    let log = serving.said_until(|line| {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let done = event["message"] == "answered";
        if done {
            answered = Some(event);
        }
        done
    });
    drop(serving);
    assert!(log.contains("serving on"), "{log}");
    assert!(!log.contains("s3cr3t"), "{log}");
    let event = answered.unwrap_or_else(|| panic!("no request in the log: {log}"));
    assert_eq!(event["level"], "INFO", "{event}");
    let span = &event["span"];
    assert_eq!(span["name"], "request", "{event}");
    assert_eq!(span["method"], "GET", "{event}");
    assert_eq!(span["path"], "/api/health", "{event}");
    assert_eq!(span["status"], 200, "{event}");
    assert!(
        span["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{event}"
    );
}

#[test]
fn a_server_that_cannot_start_says_why_in_its_json_log() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut serving = Serving::start(&["--addr", &addr, "--log-format", "json"]);
    let status = serving.child.wait().unwrap();
    assert!(!status.success(), "served on a port already in use");
    let log = serving.said_until(|_| false);
    let last = log.lines().last().unwrap_or_default();
    let event: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {log}"));
    assert_eq!(event["level"], "ERROR", "{event}");
    assert_eq!(event["message"], "janu stopped", "{event}");
    let error = event["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(&addr),
        "the error names the address: {event}"
    );
}
