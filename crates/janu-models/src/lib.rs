//! The BlazePose model files: where they come from, how they are checked and
//! prepared, and where they are kept.
//!
//! - [`catalog`]: the four models ([`ModelKind`], [`ModelSize`]), the npm
//!   package that carries them ([`NPM_PACKAGE`]) and their pinned sums.
//! - [`prepare`]: the MediaPipe TFLite files rewritten as plain fp32 graphs
//!   that janu-nn and tract both run, read and written through janu-nn's one
//!   TFLite reader ([`janu_nn::tflite`]).
//! - [`ModelStore`] (feature `native`, on by default): the cache folder of
//!   prepared models, filled by `npm pack` or a given tarball.
//!
//! ```no_run
//! use janu_models::{ModelKind, ModelSize, ModelStore};
//!
//! let store = ModelStore::from_env()?;
//! // Installs the models the first time (npm, checks, preparation).
//! let bytes = store.load(ModelKind::Landmark(ModelSize::Lite), &mut |_| {})?;
//! let model = janu_nn::Model::from_tflite(&bytes).expect("a prepared model");
//! assert_eq!(model.input_shape(), [1, 256, 256, 3]);
//! # Ok::<(), janu_models::ModelError>(())
//! ```

pub mod catalog;
mod error;
pub mod prepare;
#[cfg(feature = "native")]
mod store;

pub use catalog::{
    CACHE_ENV, InstallStep, ModelKind, ModelSize, ModelSource, NPM_PACKAGE, TARBALL_SHA512,
    sha256_hex,
};
pub use error::ModelError;
#[cfg(feature = "native")]
pub use store::{InstalledModel, ModelStore};
