//! The end-to-end harness: the real server in-process on port 0, real Chromium
//! (Debian's `chromium`, headless) driven by a Node script with playwright-core.
//!
//! Reuse it for any page (the live page too):
//! ```ignore
//! mod support;
//! use support::browser::{Browser, Server};
//!
//! #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn live_page_shows_a_skeleton() {
//!     let Some(browser) = Browser::find("live") else { return }; // SKIPPED
//!     let server = Server::start(|_| {}).await;
//!     browser
//!         .run("live.spec.mjs", &server.url, &[("JANU_E2E_CHROMIUM_ARGS",
//!             "--use-fake-device-for-media-stream --use-file-for-fake-video-capture=/tmp/x.y4m")])
//!         .await;
//!     server.stop().await;
//! }
//! ```
//! The script (in `e2e/`, an ES module) imports `./lib/harness.mjs`, which reads
//! the environment set here: `JANU_URL` (the server), `JANU_E2E_ARTIFACTS` (where
//! screenshots go: `target/e2e-artifacts/<name>/`), `JANU_CHROMIUM` (the
//! browser), `JANU_E2E_CHROMIUM_ARGS` (extra flags, space separated), plus any
//! extra variables the test passes. The script exits non-zero on a failed check;
//! the test then fails with its output.
//!
//! Missing node or chromium: the test prints `SKIPPED` and passes, except under
//! `CI=true`, where it fails. The Node dependencies (playwright-core only, pinned
//! by `e2e/package-lock.json`) are installed with `npm ci` when missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use janu_server::{AppState, Settings, launch_with_tcp_listener};

/// Serialises `npm ci` between tests of one binary.
static NPM: Mutex<()> = Mutex::new(());

/// The repository root.
pub fn workspace_root() -> PathBuf {
    janu_testkit::workspace_root()
}

/// `e2e/` at the repository root.
pub fn e2e_dir() -> PathBuf {
    workspace_root().join("e2e")
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn skip_or_fail(test: &str, why: &str) -> Option<Browser> {
    if janu_testkit::in_ci() {
        panic!("{test}: {why}, and CI=true requires the browser tests to run");
    }
    eprintln!("SKIPPED {test}: {why}");
    None
}

/// A browser ready to run scripts: node, chromium, the Node dependencies, and a
/// fresh artifacts folder.
#[derive(Debug, Clone)]
pub struct Browser {
    pub node: PathBuf,
    pub chromium: PathBuf,
    pub artifacts: PathBuf,
}

impl Browser {
    /// Find node and chromium (`$JANU_CHROMIUM` first), install the Node
    /// dependencies when missing, and empty `target/e2e-artifacts/<name>/`.
    /// `None` (after printing SKIPPED) when something is missing outside CI.
    pub fn find(name: &str) -> Option<Browser> {
        let Some(node) = find_program(&["node"]) else {
            return skip_or_fail(name, "node is not installed");
        };
        let chromium = match std::env::var_os("JANU_CHROMIUM") {
            Some(p) => PathBuf::from(p),
            None => match find_program(&["chromium", "chromium-browser", "google-chrome"]) {
                Some(p) => p,
                None => return skip_or_fail(name, "chromium is not installed"),
            },
        };
        if let Err(e) = ensure_node_deps() {
            return skip_or_fail(name, &e);
        }
        let artifacts = workspace_root().join("target/e2e-artifacts").join(name);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts).expect("creating the artifacts folder");
        Some(Browser {
            node,
            chromium,
            artifacts,
        })
    }

    /// Run `e2e/<script>` against `url` with extra environment `env`; panics with
    /// the script's output when it fails. Returns its standard output.
    pub async fn run(&self, script: &str, url: &str, env: &[(&str, &str)]) -> String {
        let mut cmd = tokio::process::Command::new(&self.node);
        cmd.arg(e2e_dir().join(script))
            .current_dir(e2e_dir())
            .env("JANU_URL", url)
            .env("JANU_E2E_ARTIFACTS", &self.artifacts)
            .env("JANU_CHROMIUM", &self.chromium)
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().await.expect("running node");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        eprintln!("--- {script} stdout\n{stdout}--- {script} stderr\n{stderr}---");
        assert!(
            out.status.success(),
            "{script} failed ({}); screenshots in {}",
            out.status,
            self.artifacts.display()
        );
        stdout
    }
}

/// `npm ci` in `e2e/` when playwright-core is not installed yet.
fn ensure_node_deps() -> Result<(), String> {
    let _guard = NPM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = e2e_dir();
    if dir
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return Ok(());
    }
    let Some(npm) = find_program(&["npm"]) else {
        return Err("npm is not installed".into());
    };
    eprintln!(
        "e2e: installing the Node dependencies (npm ci in {})",
        dir.display()
    );
    let out = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("running npm ci: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm ci failed in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The real server, in-process, on a free port, with its data in a temporary
/// folder (SQLite file).
pub struct Server {
    pub url: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), janu_server::ServerError>>,
}

impl Server {
    /// Start it; `tweak` may change the settings (database, model, ...).
    pub async fn start(tweak: impl FnOnce(&mut Settings)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_tests(dir.path());
        settings.database = dir.path().join("history.db").to_string_lossy().into_owned();
        tweak(&mut settings);
        let listener = tokio::net::TcpListener::bind(settings.addr).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(settings).await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(launch_with_tcp_listener(state.clone(), listener, async {
            let _ = rx.await;
        }));
        Server {
            url,
            state,
            dir,
            stop: Some(tx),
            task,
        }
    }

    /// Shut down gracefully and wait for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.await.unwrap().unwrap();
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}
