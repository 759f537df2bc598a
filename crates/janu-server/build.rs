//! Builds the browser's pose engine (crates/janu-web, WebAssembly) when it is
//! missing or its sources changed, so that the binary can serve it; see
//! `tools/build-web`. Where this machine cannot build it (no rustc-web), the
//! server is built without it and the live page runs the model on the server.
//!
//! `JANU_WEB_PKG=DIR` takes an already built package from DIR instead;
//! `JANU_WEB_PKG=off` builds without it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates whose code ends up in the WebAssembly: a change in any of them
/// rebuilds it.
const WEB_SOURCES: [&str; 6] = [
    "janu-web",
    "janu-vision",
    "janu-nn",
    "janu-analysis",
    "janu-body",
    "janu-pose",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(janu_web)");
    println!("cargo::rerun-if-env-changed=JANU_WEB_PKG");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("web");
    let pkg = match std::env::var("JANU_WEB_PKG") {
        Ok(v) if v == "off" => return,
        Ok(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            for c in WEB_SOURCES {
                println!(
                    "cargo::rerun-if-changed={}",
                    root.join("crates").join(c).display()
                );
            }
            println!(
                "cargo::rerun-if-changed={}",
                root.join("tools/build-web").display()
            );
            println!(
                "cargo::rerun-if-changed={}",
                root.join("Cargo.lock").display()
            );
            match build(&root, &out) {
                Ok(()) => out.clone(),
                Err(why) => {
                    println!(
                        "cargo::warning=the in-browser pose engine is not built ({why}); the live page will run the model on the server"
                    );
                    return;
                }
            }
        }
    };
    for file in ["janu_web_bg.wasm", "janu_web.js"] {
        if !pkg.join(file).is_file() {
            println!(
                "cargo::warning=no {file} in {}: the live page will run the model on the server",
                pkg.display()
            );
            return;
        }
    }
    if pkg != out {
        std::fs::create_dir_all(&out).expect("creating OUT_DIR/web");
        for file in ["janu_web_bg.wasm", "janu_web.js"] {
            std::fs::copy(pkg.join(file), out.join(file)).expect("copying the web package");
        }
    }
    println!("cargo::rustc-cfg=janu_web");
}

/// Run `tools/build-web` into `out`.
fn build(root: &Path, out: &Path) -> Result<(), String> {
    let status = Command::new("bash")
        .arg(root.join("tools/build-web"))
        .arg(out)
        .status()
        .map_err(|e| format!("running tools/build-web: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(3) => Err("this machine lacks rustc-web, rust-web-src and lld-22".into()),
        _ => Err(format!(
            "tools/build-web failed ({status}); run it by hand to see why"
        )),
    }
}
