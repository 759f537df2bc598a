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

pub mod postgres;

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
    present_or_skip(
        shared_data_root().join(sub),
        &format!("set {DATA_ENV} or place ../shared/data beside the checkout"),
    )
}

/// The reference documents folder, `seeds/` beside the shared data folder
/// (`../shared/seeds`, or next to `JANU_SHARED_DATA`), or `None` (after a
/// visible skip message) when it is absent on a developer machine.
///
/// # Panics
/// Under CI when the folder is missing, as [`shared_data`].
pub fn shared_seeds() -> Option<PathBuf> {
    let root = shared_data_root();
    let path = root
        .parent()
        .map_or_else(|| PathBuf::from("seeds"), |p| p.join("seeds"));
    present_or_skip(path, "it sits beside the shared data folder")
}

/// `path` when it exists; else a visible skip message (with `hint` on how to
/// provide it) and `None`, or a panic under CI.
fn present_or_skip(path: PathBuf, hint: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let msg = format!("shared test data {} is missing ({hint})", path.display());
    assert!(!in_ci(), "{msg}: CI=true requires it");
    eprintln!("SKIPPED: {msg}");
    None
}

/// A fixture committed in the repository, under `tests/data/` at the workspace root.
pub fn fixture(rel: &str) -> PathBuf {
    workspace_root().join("tests/data").join(rel)
}

/// File extensions (lower case) of the pictures tests read.
const IMAGE_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// The pictures directly inside `dir`, sorted by name (empty when `dir` cannot
/// be read).
pub fn images_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort();
    files
}

/// `n` pictures spread evenly over all the pose folders below `root` (folders
/// and files in name order), so a test or benchmark sees every pose, not just
/// the first folder's.
pub fn spread_photos(root: &Path, n: usize) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let all: Vec<PathBuf> = dirs.iter().flat_map(|d| images_in(d)).collect();
    let step = (all.len() / n.max(1)).max(1);
    all.into_iter().step_by(step).take(n).collect()
}
