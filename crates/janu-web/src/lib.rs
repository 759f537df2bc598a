//! Janu's pose engine in the browser.
//!
//! The same estimator (janu-vision on janu-nn) and the same live coach
//! (`janu_analysis::live`) as the server, compiled to WebAssembly with SIMD128
//! and driven from a Web Worker by the live page: camera pictures never leave
//! the device; only the landmark frames go to the server, when the person
//! saves the session.
//!
//! - [`engine`]: the session itself, plain Rust (tested natively).
//! - [`bindings`]: the `wasm-bindgen` surface the page's worker calls.
//!
//! Built by `tools/build-web` (run by janu-server's build script when the
//! WebAssembly is missing).

pub mod bindings;
pub mod engine;

pub use engine::{LiveEngine, Step, picture_points};
