//! Test helpers shared by Janu's crates (dev-dependency only).
//!
//! Real photos and landmark tables live outside the repository, in
//! `../shared/data` beside the checkout (or wherever `JANU_SHARED_DATA` points).
//! A test that needs them calls [`shared_data`]: on a developer's plain clone
//! without the folder the test is skipped with a visible message; under `CI=true`
//! a missing folder is a failure, so CI can never pass by skipping.
//!
//! ```no_run
//! let Some(photos) = janu_testkit::shared_data("photos") else { return };
//! assert!(photos.join("MANIFEST.tsv").exists());
//! ```

use std::path::{Path, PathBuf};

/// Environment variable that overrides where the shared data folder is.
pub const DATA_ENV: &str = "JANU_SHARED_DATA";

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/janu-testkit sits two levels below the workspace root")
        .to_path_buf()
}

/// The shared data folder, whether or not it exists.
pub fn shared_data_root() -> PathBuf {
    std::env::var_os(DATA_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/data"))
}

/// True when running under CI (`CI=true` or `CI=1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The path of `sub` inside the shared data folder, or `None` (after printing a
/// visible skip message) when it is absent on a developer machine.
///
/// # Panics
/// Under CI when the folder is missing: CI must not pass by skipping real-data tests.
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let path = shared_data_root().join(sub);
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "shared test data {} is missing (set {DATA_ENV} or place ../shared/data beside the checkout)",
        path.display()
    );
    assert!(!in_ci(), "{msg}: CI=true requires it");
    eprintln!("SKIPPED: {msg}");
    None
}

/// A fixture committed in the repository, under `tests/data/` at the workspace root.
pub fn fixture(rel: &str) -> PathBuf {
    workspace_root().join("tests/data").join(rel)
}
