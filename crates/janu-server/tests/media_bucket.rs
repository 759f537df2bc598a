//! Media in an S3-compatible bucket, against a real S3 API over HTTP: moto's
//! server (`pip install 'moto[server]'`), started on a free port. An upload
//! goes through the server's API into the bucket (never the database), a
//! worker analyses it out of the bucket, and the session's key frames land
//! there; deleting the session, failing a job and deleting the account each
//! leave no object behind. On Postgres when `JANU_TEST_POSTGRES_URL` is set
//! (required under `CI=true`, as moto is), else on a SQLite file.

mod support;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use janu_server::worker::{WorkerPool, WorkerSettings};
use janu_store::{Bucket, JobId, JobQueue, QueueSettings, SessionId, Store, UserId};
use janu_vision::ModelSize;
use support::{TestApp, practice_landmarks};

/// Longest a job may take (landmark files: no pose model runs).
const JOB_LIMIT: Duration = Duration::from_secs(120);
/// Longest moto may take to answer after it is started.
const MOTO_START: Duration = Duration::from_secs(30);
const BUCKET: &str = "janu-media";

/// A moto S3 server on a free port of this machine, stopped when dropped.
struct Moto {
    child: Child,
    addr: SocketAddr,
}

impl Moto {
    /// Starts `moto_server`, or `None` after a visible skip message when it
    /// is not installed.
    ///
    /// # Panics
    /// Under `CI=true` when it cannot be started (CI installs it), and when
    /// it starts but never answers.
    fn start() -> Option<Moto> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let spawned = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let msg = format!(
                    "moto_server cannot be started ({e}); pip install 'moto[server]' to run \
                     the object storage test"
                );
                assert!(!janu_testkit::in_ci(), "{msg}: CI=true requires it");
                eprintln!("SKIPPED: {msg}");
                return None;
            }
        };
        let mut moto = Moto {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let started = Instant::now();
        while moto.request("GET", "/").is_none() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let msg = format!("moto_server exited at once ({status})");
                assert!(!janu_testkit::in_ci(), "{msg}: CI=true requires it");
                eprintln!("SKIPPED: {msg}");
                return None;
            }
            assert!(started.elapsed() < MOTO_START, "moto_server never answered");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// The status code of an unsigned request (moto accepts them).
    fn request(&self, method: &str, path: &str) -> Option<u16> {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .ok()?;
        let mut answer = String::new();
        s.read_to_string(&mut answer).ok()?;
        answer.split_whitespace().nth(1)?.parse().ok()
    }

    /// What `janu serve` and `janu worker` would read from the environment.
    fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", "janu-test"),
            ("AWS_SECRET_ACCESS_KEY", "janu-test-secret"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", &format!("http://{}", self.addr)),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `SELECT count(*) FROM table` on either backend.
async fn count(store: &Store, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    match store {
        Store::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

fn workers(app: &TestApp, store: &Store, queue: &JobQueue) -> WorkerPool {
    // A worker process of its own: its own scratch folder, the same bucket.
    let uploads = app.dir.path().join("worker-uploads");
    WorkerPool::start(
        &WorkerSettings {
            workers: 1,
            model: ModelSize::Lite,
            uploads,
            piece_s: janu_server::shared_video::SHARED_PIECE_S,
            media: app.state.media().clone(),
        },
        store,
        queue,
    )
    .unwrap()
}

async fn upload(app: &TestApp, handle: &str, seed: u64) -> (JobId, Vec<u8>) {
    let bytes = practice_landmarks(seed);
    let r = app.upload(handle, "practice.jsonl", bytes.clone()).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    (JobId(r.json()["id"].as_i64().unwrap()), bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_key_frames_live_in_the_bucket_and_go_with_their_rows() {
    let Some(moto) = Moto::start() else {
        return;
    };
    assert_eq!(moto.request("PUT", &format!("/{BUCKET}")), Some(200));
    let pg = janu_testkit::postgres::PostgresDb::create().await;
    let sqlite = tempfile::tempdir().unwrap();
    let database = pg.as_ref().map_or_else(
        || {
            sqlite
                .path()
                .join("history.db")
                .to_string_lossy()
                .into_owned()
        },
        |db| db.url.clone(),
    );
    let env = moto.env();
    // A replica that only queues, as in a many-machine setup.
    let app = TestApp::with(|s| {
        s.database = database;
        s.workers = 0;
        s.media_store = Some(format!("s3://{BUCKET}/studio"));
        s.media_env = env;
    })
    .await;
    let store = app.state.store().clone();
    let bucket = app.state.media().bucket().expect("a bucket").clone();
    let queue = JobQueue::new(&store, QueueSettings::default());
    app.sign_in("ana").await;
    let ana = store.user_by_handle("ana").await.unwrap().unwrap().id;

    // 0. A file larger than a part goes up in parts (S3's multipart upload)
    // and comes back whole.
    let big = app.dir.path().join("big.bin");
    let data: Vec<u8> = (0..(2 * janu_store::OBJECT_PART_BYTES + 4321))
        .map(|i| (i % 253) as u8)
        .collect();
    std::fs::write(&big, &data).unwrap();
    let key = Bucket::upload_key(UserId(0), "big.bin");
    assert_eq!(
        bucket.put_file(&key, &big).await.unwrap(),
        data.len() as u64
    );
    let back = app.dir.path().join("big.back");
    bucket.copy_to_file(&key, &back).await.unwrap();
    assert!(std::fs::read(&back).unwrap() == data, "the same bytes");
    bucket.delete(&key).await.unwrap();

    // 1. The upload's bytes are in the bucket, only their key in the database.
    let (job, bytes) = upload(&app, "ana", 7).await;
    let row = store.upload_job(job).await.unwrap().unwrap();
    let key = row.object_key.clone().expect("an object key");
    assert_eq!(key, Bucket::upload_key(ana, &row.file_name));
    let copy = app.dir.path().join("copy");
    assert_eq!(
        bucket.copy_to_file(&key, &copy).await.unwrap(),
        Some(bytes.len() as u64)
    );
    assert_eq!(std::fs::read(&copy).unwrap(), bytes, "the bytes as sent");
    assert_eq!(
        count(&store, "upload_chunks").await,
        0,
        "no bytes in the db"
    );
    assert!(
        std::fs::read_dir(app.state.uploads_dir())
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().starts_with("job-")),
        "no upload file left on the replica"
    );

    // 2. A worker analyses it out of the bucket; the session is saved with
    // its key frames in the bucket, and the upload's object is gone.
    let pool = workers(&app, &store, &queue);
    let done = app.wait_job("ana", job.0.unsigned_abs(), JOB_LIMIT).await;
    pool.stop(Duration::from_secs(5)).await;
    assert_eq!(done["state"], "done", "{done}");
    let session = SessionId(done["session_id"].as_i64().unwrap());
    assert!(store.session(session).await.unwrap().is_some());
    let media_key = Bucket::session_key(ana, session);
    assert_eq!(
        bucket.keys(&Bucket::user_prefix(ana)).await.unwrap(),
        vec![media_key.clone()],
        "the key frames, and not the upload any more"
    );
    let media = store
        .session_media(session, app.state.media())
        .await
        .unwrap()
        .expect("key frames");
    assert_eq!(media, bucket.get_bytes(&media_key).await.unwrap());
    let media: serde_json::Value = serde_json::from_slice(&media).unwrap();
    assert!(media["key_frames"].is_array(), "{media}");
    assert_eq!(count(&store, "session_media").await, 0, "none in the db");
    assert_eq!(count(&store, "upload_chunks").await, 0);
    let row = store.upload_job(job).await.unwrap().unwrap();
    assert_eq!(row.object_key, None, "a finished job names no object");
    let page = app
        .get(&format!("/sessions/{}", session.0), Some("ana"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text.contains("data-testid=\"no-media\""),
        "the session page shows its key frames"
    );

    // 3. Deleting the session deletes its objects.
    let req = Request::delete(format!("/api/sessions/{}", session.0))
        .header(header::AUTHORIZATION, app.bearer("ana"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::NO_CONTENT);
    assert!(!bucket.exists(&media_key).await.unwrap());
    assert!(
        bucket
            .keys(&Bucket::user_prefix(ana))
            .await
            .unwrap()
            .is_empty()
    );

    // 4. A failed job leaves no object: this one "killed" its worker three
    // times, so the next worker to take it gives it up.
    let (job, _) = upload(&app, "ana", 8).await;
    let key = store.upload_job(job).await.unwrap().unwrap().object_key;
    assert!(bucket.exists(&key.unwrap()).await.unwrap());
    for _ in 0..janu_store::MAX_JOB_ATTEMPTS {
        let taken = store
            .take_upload_job(job, "lost-worker", Duration::ZERO)
            .await
            .unwrap();
        assert!(taken.is_some());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(store.release_upload_job(job, "lost-worker").await.unwrap());
    let pool = workers(&app, &store, &queue);
    let failed = app.wait_job("ana", job.0.unsigned_abs(), JOB_LIMIT).await;
    pool.stop(Duration::from_secs(5)).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(
        bucket
            .keys(&Bucket::user_prefix(ana))
            .await
            .unwrap()
            .is_empty(),
        "the failed job's upload is gone"
    );

    // 5. Deleting the account deletes everything of it in the bucket, here a
    // queued upload.
    let (job, _) = upload(&app, "ana", 9).await;
    let key = store.upload_job(job).await.unwrap().unwrap().object_key;
    assert!(bucket.exists(&key.unwrap()).await.unwrap());
    let user = store.user(ana).await.unwrap().unwrap();
    janu_server::accounts::remove_user(
        &store,
        app.state.media(),
        &app.state.settings().data_dir,
        &user,
    )
    .await
    .unwrap();
    assert!(store.user(ana).await.unwrap().is_none());
    assert!(
        bucket
            .keys(&Bucket::user_prefix(ana))
            .await
            .unwrap()
            .is_empty(),
        "the account's objects are gone"
    );

    // 6. An object no row names (a crash between the object and its row) is
    // swept; one a row names is kept.
    let other = store
        .create_user(&janu_store::NewUser {
            handle: "bea".into(),
            display_name: "Bea".into(),
        })
        .await
        .unwrap();
    let file = app.dir.path().join("kept.jsonl");
    std::fs::write(&file, practice_landmarks(10)).unwrap();
    let kept = store
        .create_upload_job(
            other.id,
            "kept.jsonl",
            "landmarks",
            "job-kept.upload",
            Some(&file),
            app.state.media(),
        )
        .await
        .unwrap();
    let orphan = Bucket::upload_key(UserId(other.id.0), "job-crashed.upload");
    bucket.put_bytes(&orphan, b"half an upload").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let swept = bucket
        .sweep_orphans(&store, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(swept, 1);
    assert!(!bucket.exists(&orphan).await.unwrap());
    assert!(bucket.exists(&kept.object_key.unwrap()).await.unwrap());

    store.close().await;
    drop(pg);
}
