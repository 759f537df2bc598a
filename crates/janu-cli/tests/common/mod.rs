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
