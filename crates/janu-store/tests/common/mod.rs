//! Test databases for the shared story: a SQLite file in a temporary folder, or a
//! fresh Postgres database created for one test and dropped after it.

use janu_testkit::postgres::PostgresDb;

/// One database for one test; cleaned up when dropped.
pub struct TestDb {
    /// What `Store::open` takes.
    pub location: String,
    _postgres: Option<PostgresDb>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A SQLite file two missing folders deep in a new temporary folder (so
    /// `open` must create them).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("not/yet/history.db");
        TestDb {
            location: path.to_str().expect("a UTF-8 temp path").to_owned(),
            _postgres: None,
            _dir: Some(dir),
        }
    }

    /// A fresh Postgres database (see [`PostgresDb::create`]), or `None` when
    /// a developer machine has no server configured.
    pub async fn postgres() -> Option<TestDb> {
        let db = PostgresDb::create().await?;
        Some(TestDb {
            location: db.url.clone(),
            _postgres: Some(db),
            _dir: None,
        })
    }
}
