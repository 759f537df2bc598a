//! What the CLI tests share: running the real `janu` binary and reading what it
//! said.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `janu args` in `dir`, with no input (a test never waits on a prompt).
pub fn janu_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Run `janu args` in a fresh empty folder.
pub fn janu(args: &[&str]) -> Output {
    janu_in(tempfile::tempdir().unwrap().path(), args)
}

/// The standard output of a run that must have succeeded (else its stderr is
/// shown).
pub fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The standard error of a run, whatever its outcome.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The standard error of a run that must have failed.
pub fn failure(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure");
    stderr(o)
}

/// Start `janu serve` on `127.0.0.1:0` with its data in `dir` and `env` set
/// (no database or settings file from the caller's environment); the child
/// and the `HOST:PORT` it printed once it serves.
pub fn spawn_serve(dir: &Path, env: &[(&str, &str)]) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env_remove("JANU_DATABASE")
        .env_remove("JANU_CONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let addr = url
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    assert!(!addr.is_empty(), "the server never said where it serves");
    (child, addr)
}

/// A `janu serve` on `127.0.0.1:0` with its data in `dir`; killed (SIGKILL,
/// as a crash or the OOM killer would) when dropped.
pub struct Served {
    pub child: std::process::Child,
    /// `HOST:PORT`.
    pub addr: String,
}

impl Served {
    /// Start it with `env` set and wait until it serves.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Served {
        let (child, addr) = spawn_serve(dir, env);
        Served { child, addr }
    }

    /// Kill it at once, with no chance to finish anything.
    pub fn kill(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// One HTTP/1.1 request to `addr` (`Connection: close`); the whole answer.
pub fn http(addr: &str, request: &[u8]) -> String {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// `POST /api/login`; the whole answer.
pub fn login(addr: &str, handle: &str, password: &str) -> String {
    let body = serde_json::json!({"handle": handle, "password": password}).to_string();
    http(
        addr,
        format!(
            "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

/// The JSON body of an HTTP answer.
pub fn json_body(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"))
}
