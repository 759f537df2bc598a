//! Test databases for the shared story: a SQLite file in a temporary folder, or a
//! fresh Postgres database created for one test and dropped after it.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// Environment variable with the URL of a Postgres server the tests may create
/// databases on, e.g. `postgres://janu:janu@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_ENV: &str = "JANU_TEST_POSTGRES_URL";

/// One database for one test; cleaned up when dropped.
pub struct TestDb {
    /// What `Store::open` takes.
    pub location: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").expect("a URL has a scheme") + 3;
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{}/{db}{query}", &base[..path])
}

impl TestDb {
    /// A SQLite file two missing folders deep in a new temporary folder (so
    /// `open` must create them).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("not/yet/history.db");
        TestDb {
            location: path.to_str().expect("a UTF-8 temp path").to_owned(),
            postgres: None,
            _dir: Some(dir),
        }
    }

    /// A freshly created, uniquely named Postgres database on the server at
    /// `JANU_TEST_POSTGRES_URL`, or `None` (after printing `SKIPPED`) when the
    /// variable is unset on a developer machine.
    ///
    /// # Panics
    /// Under `CI=true` when the variable is unset (CI must not pass by skipping),
    /// and whenever the server cannot be reached.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_ENV) else {
            let msg = format!("{POSTGRES_URL_ENV} is not set, so the Postgres half cannot run");
            assert!(!janu_testkit::in_ci(), "{msg}: CI=true requires it");
            eprintln!("SKIPPED: {msg}");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("a clock after 1970")
            .subsec_nanos();
        let name = format!(
            "janu_test_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_URL_ENV} is set but unreachable: {e}"));
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("the test role may create databases");
        admin.close().await.ok();
        Some(TestDb {
            location: with_database(&admin_url, &name),
            postgres: Some((admin_url, name)),
            _dir: None,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop may run inside the test's runtime (or while unwinding from a
        // failed assertion), so the clean-up gets a thread and runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the clean-up");
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    if let Err(e) = sqlx::query(&sql).execute(&mut admin).await {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                    admin.close().await.ok();
                }
            });
        });
        cleanup.join().ok();
    }
}

#[test]
fn with_database_replaces_only_the_database() {
    assert_eq!(
        with_database("postgres://u:p@h:5432/postgres", "x"),
        "postgres://u:p@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/postgres?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
