//! Opening databases: the SQLite settings Janu relies on, and the errors a user
//! sees for a bad location.

use janu_store::{Backend, NewUser, Page, Store, StoreError};

#[tokio::test]
async fn sqlite_file_uses_wal_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/history.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(path.is_file(), "the file and its folders were created");
    let Store::Sqlite(pool) = &store else {
        panic!("a path opens SQLite");
    };
    let mut conn = pool.acquire().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(
        busy,
        i64::try_from(janu_store::SQLITE_BUSY_TIMEOUT.as_millis()).unwrap()
    );
    drop(conn);
    store.close().await;

    // sqlite:// URLs name the same file.
    let url = format!("sqlite://{}", path.display());
    let again = Store::open(&url).await.unwrap();
    again.ping().await.unwrap();
    again.close().await;
}

#[tokio::test]
async fn memory_store_works_for_trials() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let u = store
        .create_user(&NewUser {
            handle: "trial".into(),
            display_name: "Trial".into(),
        })
        .await
        .unwrap();
    assert_eq!(store.users(Page::first(10)).await.unwrap(), vec![u]);
    store.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "these are my practice notes, not a database\n".repeat(200),
    )
    .unwrap();
    let err = Store::open(path.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(err, StoreError::OpenSqlite { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("notes.txt"), "{msg}");
    assert!(
        msg.contains("cannot open or create the SQLite database"),
        "{msg}"
    );
    // And the file is left as it was.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("these are")
    );
}

#[tokio::test]
async fn a_folder_that_cannot_be_made_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let path = file.join("sub/history.db");
    let err = Store::open(path.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err}");
    assert!(err.to_string().contains("plain-file/sub"), "{err}");
}

#[tokio::test]
async fn other_url_schemes_are_refused_without_leaking_passwords() {
    let err = Store::open("mysql://root:s3cret@db:3306/janu")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::UnsupportedLocation { .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(!msg.contains("s3cret"), "{msg}");
    assert!(msg.contains("postgres://"), "says what is accepted: {msg}");
}

#[tokio::test]
async fn an_unreachable_postgres_names_the_host_but_not_the_password() {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    let err = Store::open("postgres://janu:s3cret@127.0.0.1:1/janu")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::PostgresUnreachable { .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("Postgres unreachable at 127.0.0.1:1/janu"),
        "{msg}"
    );
    assert!(!msg.contains("s3cret"), "{msg}");

    let err = Store::open("postgres://janu@127.0.0.1:notaport/janu")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidPostgresUrl { .. }),
        "{err}"
    );
}

#[tokio::test]
#[ignore = "prints the messages for a person to read"]
async fn print_messages() {
    for loc in [
        "postgres://janu:s3cret@127.0.0.1:1/janu",
        "postgres://janu:wrong@127.0.0.1:5432/postgres",
        "postgres://janu:janu@127.0.0.1:5432/nosuchdb",
        "/proc/nope/x.db",
    ] {
        eprintln!("{loc}: {}", Store::open(loc).await.unwrap_err());
    }
}

#[tokio::test]
async fn postgres_with_sslmode_require_talks_over_tls() {
    let Some(db) = janu_testkit::postgres::PostgresDb::create().await else {
        return;
    };
    let url = format!(
        "{}{}sslmode=require",
        db.url,
        if db.url.contains('?') { '&' } else { '?' }
    );
    let store = Store::open(&url).await.unwrap();
    let Store::Postgres(pool) = &store else {
        panic!("a postgres:// URL opens Postgres");
    };
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(encrypted, "the connection is encrypted");
    store
        .create_user(&NewUser {
            handle: "tls".into(),
            display_name: "Over TLS".into(),
        })
        .await
        .unwrap();
    store.close().await;
}
