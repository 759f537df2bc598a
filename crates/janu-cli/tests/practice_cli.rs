//! `janu practice`: the dry-run cue script and WebVTT (snapshots), plan files, bad input.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use rstest::rstest;

fn janu_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn dry_run_script() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&janu_in(
        dir.path(),
        &["practice", "--minutes", "5", "--dry-run"],
    ));
    assert!(text.contains("left leg extended") && text.contains("right leg extended"));
    insta::assert_snapshot!("practice_dry_run_beginner_5", text);
}

#[test]
fn dry_run_with_breath_rhythm() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "practice",
        "--level",
        "advanced",
        "--minutes",
        "5",
        "--breath",
        "4:6",
        "--dry-run",
    ];
    let text = stdout(&janu_in(dir.path(), &args));
    assert!(text.contains("breath 4:6 s"), "{text}");
    assert!(text.contains("in 4.0 s, out 6.0 s"), "{text}");
}

#[test]
fn vtt_export() {
    let dir = tempfile::tempdir().unwrap();
    let o = janu_in(
        dir.path(),
        &["practice", "--minutes", "5", "--vtt", "cues.vtt"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let vtt = std::fs::read_to_string(dir.path().join("cues.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n"));
    assert!(vtt.contains("Breathe in") && vtt.contains("Breathe out"));
    insta::assert_snapshot!("practice_vtt_beginner_5", vtt);
}

#[test]
fn plan_file_gives_the_same_script() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--level",
        "intermediate",
        "--minutes",
        "10",
        "--tighter-side",
        "right",
    ];
    let mut plan = vec!["plan", "--json", "-o", "p.json"];
    plan.extend_from_slice(&args);
    assert!(janu_in(dir.path(), &plan).status.success());
    let from_file = stdout(&janu_in(
        dir.path(),
        &["practice", "--plan", "p.json", "--dry-run"],
    ));
    let mut direct = vec!["practice", "--dry-run"];
    direct.extend_from_slice(&args);
    assert_eq!(from_file, stdout(&janu_in(dir.path(), &direct)));
}

#[test]
fn voice_without_espeak_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = janu_in(
        dir.path(),
        &["practice", "--minutes", "5", "--dry-run", "--voice"],
    );
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("espeak-ng is not installed"), "{err}");
}

#[test]
fn needs_a_terminal_without_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = janu_in(dir.path(), &["practice", "--minutes", "5"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--dry-run"));
}

#[rstest]
#[case("missing.json", None, "reading plan file missing.json")]
#[case(
    "bad.json",
    Some("{not json"),
    "plan file bad.json: invalid plan: not a Janu plan"
)]
#[case("empty.json", Some(""), "plan file empty.json: invalid plan")]
fn bad_plan_file(#[case] name: &str, #[case] content: Option<&str>, #[case] message: &str) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(c) = content {
        std::fs::write(dir.path().join(name), c).unwrap();
    }
    let o = janu_in(dir.path(), &["practice", "--plan", name, "--dry-run"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(message), "{err}");
}

#[test]
fn inconsistent_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        janu_in(dir.path(), &["plan", "--json", "-o", "p.json"])
            .status
            .success()
    );
    let text = std::fs::read_to_string(dir.path().join("p.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["total_seconds"] = serde_json::json!(1);
    std::fs::write(dir.path().join("p.json"), v.to_string()).unwrap();
    let o = janu_in(dir.path(), &["practice", "--plan", "p.json", "--dry-run"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("total_seconds is 1"), "{err}");
}

#[rstest]
#[case(&["--breath", "4"], "bad breath rhythm")]
#[case(&["--breath", "0:6"], "between 1 and 15 seconds")]
#[case(&["--minutes", "0"], "--minutes must be between")]
#[case(&["--level", "guru"], "unknown level")]
fn bad_options(#[case] args: &[&str], #[case] message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["practice", "--dry-run"];
    all.extend_from_slice(args);
    let o = janu_in(dir.path(), &all);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(message), "{err}");
}
