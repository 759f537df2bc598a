//! `janu users` as whoever runs a studio's server uses it, then a sign-in
//! with the account over real HTTP to `janu serve` on the same data folder.

mod common;

use std::io::Write;
use std::path::Path;

use common::{Served, login};
use std::process::{Command, Output, Stdio};

fn janu(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(["users"])
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("JANU_DATABASE")
        .env_remove("JANU_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn accounts_are_made_listed_reset_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = janu(
        dir.path(),
        &["add", "Ana", "--name", "Ana Silva", "--password-stdin"],
        Some("a long passphrase\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("added ana (Ana Silva)"));
    assert!(out.stdout.is_empty(), "a typed password is not echoed");

    // Without --password-stdin a password is made up and printed once.
    let out = janu(dir.path(), &["add", "ben"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ben_password = text(&out.stdout).trim().to_owned();
    assert!(ben_password.len() >= 40, "{ben_password}");

    let out = janu(
        dir.path(),
        &["add", "ana", "--password-stdin"],
        Some("another one\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("ana"), "{}", text(&out.stderr));
    let out = janu(
        dir.path(),
        &["add", "cy", "--password-stdin"],
        Some("short\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("at least 8"),
        "{}",
        text(&out.stderr)
    );

    let out = janu(dir.path(), &["list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let handles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["handle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, ["ana", "ben"]);
    let out = janu(dir.path(), &["list"], None);
    assert!(text(&out.stdout).contains("Ana Silva"));

    // The server on the same folder takes the passwords.
    let server = Served::start(dir.path(), &[]);
    let addr = server.addr.clone();
    let ok = login(&addr, "ana", "a long passphrase");
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("\"token\""));
    let ok = login(&addr, "ben", &ben_password);
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let wrong = login(&addr, "ana", "not the passphrase");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");

    // A reset ends the old password.
    let out = janu(
        dir.path(),
        &["reset-password", "ana", "--password-stdin"],
        Some("a newer passphrase\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(login(&addr, "ana", "a long passphrase").starts_with("HTTP/1.1 401"));
    assert!(login(&addr, "ana", "a newer passphrase").starts_with("HTTP/1.1 200"));
    // One address trying one password on many handles is stopped too.
    // (Two wrong passwords above already counted.)
    let mut refused = false;
    for i in 0..janu_server::accounts::MAX_FAILED_LOGINS_PER_ADDRESS {
        let answer = login(&addr, &format!("guess{i}"), "password1");
        if answer.starts_with("HTTP/1.1 429") {
            refused = true;
            break;
        }
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    assert!(refused, "the address was never stopped");
    let answer = login(&addr, "ana", "a newer passphrase");
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after"),
        "{answer}"
    );
    server.kill();

    // Removing asks for --yes first.
    let out = janu(dir.path(), &["remove", "ben"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--yes"));
    let out = janu(dir.path(), &["remove", "ben", "--yes"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = janu(dir.path(), &["list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let out = janu(dir.path(), &["remove", "nobody", "--yes"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("janu users list"));
}
