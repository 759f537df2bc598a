//! Where a command's result goes: a file written whole or not at all, or stdout.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Write `bytes` to `path` through a temporary file in the same folder, flushed
/// to disk and renamed into place only when complete ([`janu_media::AtomicFile`],
/// readable by everyone like a `>` redirection), so an error or a kill never
/// leaves a half-written file.
///
/// # Errors
/// When the folder is not writable or the disk is full; the error names the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = janu_media::AtomicFile::create(path)?;
    out.file()
        .write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    out.commit()?;
    Ok(())
}

/// Send `bytes` to `path` (atomically) when one is given, else to stdout.
///
/// # Errors
/// As [`write_atomic`], or when stdout is closed (a broken pipe is reported as
/// such and treated as success by `main`).
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => write_atomic(path, bytes),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("writing to stdout")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_file_is_whole_readable_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        write_atomic(&path, b"{}\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, janu_media::FILE_MODE);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the output remains");
    }

    #[test]
    fn unwritable_folder_is_named() {
        let err = write_atomic(Path::new("/nonexistent-janu-dir/x.json"), b"x").unwrap_err();
        assert!(
            format!("{err:#}").contains("/nonexistent-janu-dir"),
            "{err:#}"
        );
    }
}
