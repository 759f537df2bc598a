//! The BlazePose model files, from `janu-models`: which there are, their
//! pinned sums and (native builds) the cache folder that installs and holds
//! them. Re-exported here so that callers of this crate need no other.

pub use janu_models::catalog::*;
#[cfg(feature = "native")]
pub use janu_models::{InstalledModel, ModelStore};
pub use janu_models::{ModelError, prepare};
