//! What the server benchmarks share: a real server on a free loopback port
//! over a fresh SQLite history, users with API tokens, the two-thread runtime
//! of the machines Janu targets, and percentiles.

#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;

use janu_server::{AppState, Settings, launch_with_tcp_listener};
use janu_store::NewUser;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Run `work` on a runtime of two worker threads, as a 2-core server has.
pub fn on_two_threads<T>(work: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(work)
}

/// The value at quantile `q` (0 to 1) of `sorted`; NaN when it is empty.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// A server's state and port, before it serves.
pub struct BenchServer {
    /// The state, for making users before the server starts.
    pub state: AppState,
    /// Where it will serve.
    pub addr: SocketAddr,
    listener: TcpListener,
}

impl BenchServer {
    /// The test settings on `data_dir` with the history in
    /// `data_dir/history.db`, changed by `adjust`.
    pub async fn new(data_dir: &Path, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Settings::for_tests(data_dir);
        settings.database = data_dir.join("history.db").to_string_lossy().into_owned();
        adjust(&mut settings);
        let listener = TcpListener::bind(settings.addr).await.expect("a free port");
        let addr = listener.local_addr().expect("the port's address");
        let state = AppState::new(settings).await.expect("the server state");
        Self {
            state,
            addr,
            listener,
        }
    }

    /// A new user `handle` and an API token of theirs.
    pub async fn token_for(&self, handle: &str) -> String {
        let user = self
            .state
            .store()
            .create_user(&NewUser {
                handle: handle.into(),
                display_name: handle.into(),
            })
            .await
            .expect("a user");
        janu_server::api::accounts::make_token(&self.state, &user, "bench")
            .await
            .expect("a token")
            .token
    }

    /// Start serving.
    pub fn serve(self) -> Serving {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(launch_with_tcp_listener(self.state, self.listener, async {
            let _ = stopped.await;
        }));
        Serving { stop, task }
    }
}

/// A server serving until [`Serving::stop`].
pub struct Serving {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), janu_server::ServerError>>,
}

impl Serving {
    /// Stop it and wait for it to end.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
