//! A fresh Postgres database for one test, created on the server named by
//! `JANU_TEST_POSTGRES_URL` and dropped after the test.
//!
//! Tests never write into the admin database of that URL: since Postgres 15 an
//! ordinary role may not create tables in another database's `public` schema,
//! and tests sharing one database see each other's rows.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// Environment variable with the URL of a Postgres server the tests may create
/// databases on, e.g. `postgres://janu:janu@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_ENV: &str = "JANU_TEST_POSTGRES_URL";

/// One database for one test; dropped with this value.
pub struct PostgresDb {
    /// The database's URL (what `Store::open` takes).
    pub url: String,
    admin_url: String,
    name: String,
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{}/{db}{query}", &base[..path])
}

impl PostgresDb {
    /// A freshly created, uniquely named database, or `None` (after printing
    /// `SKIPPED`) when `JANU_TEST_POSTGRES_URL` is unset on a developer
    /// machine.
    ///
    /// # Panics
    /// Under `CI=true` when the variable is unset (CI must not pass by
    /// skipping), and whenever the server cannot be reached or refuses.
    pub async fn create() -> Option<PostgresDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_ENV) else {
            let msg = format!("{POSTGRES_URL_ENV} is not set, so the Postgres half cannot run");
            assert!(!crate::in_ci(), "{msg}: CI=true requires it");
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
        Some(PostgresDb {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        })
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
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

#[cfg(test)]
mod tests {
    use super::with_database;

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
}
