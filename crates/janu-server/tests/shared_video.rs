//! A long video shared between workers: cut into pieces that several workers
//! track, joined into one session. The session must be the one a single
//! worker's one pass gives: same report, same key frames and breath traces,
//! nothing left behind. Runs on SQLite, and on Postgres when
//! `JANU_TEST_POSTGRES_URL` is set (required under `CI=true`).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use janu_media::{PanZoomSpec, pan_zoom_video};
use janu_pipeline::LazyEstimator;
use janu_server::analysis;
use janu_server::worker::{WorkerPool, WorkerSettings};
use janu_store::{JobQueue, MediaBackend, NewUser, QueueSettings, Store, UploadState};
use janu_vision::{EstimatorOptions, ModelSize};

/// Pieces of 10 s (one tracking stretch): a 32 s video is cut in three.
const PIECE_S: f64 = 10.0;
/// Longest a test waits for its job.
const JOB_TIMEOUT: Duration = Duration::from_secs(300);

fn class_video(dir: &Path) -> Option<std::path::PathBuf> {
    let root = janu_testkit::shared_data("photos")?;
    let photos = janu_testkit::images_in(&root.join("janu_sirsasana"));
    assert!(photos.len() >= 4, "{}", photos.len());
    let path = dir.join("class.mp4");
    let spec = PanZoomSpec {
        width: 480,
        height: 360,
        fps: 15.0,
        seconds_per_photo: 8.0,
        ..PanZoomSpec::hd720()
    };
    pan_zoom_video(&photos[..4], &path, &spec).unwrap();
    Some(path)
}

async fn shared_between_workers(store: Store, video: &Path, dir: &Path) {
    let uploads = dir.join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let user = store
        .create_user(&NewUser {
            handle: "ana".into(),
            display_name: "Ana".into(),
        })
        .await
        .unwrap();
    // What one worker's one pass gives.
    let mut model = LazyEstimator::new(EstimatorOptions {
        model: ModelSize::Lite,
        ..Default::default()
    });
    let one = analysis::prepare(video, "class.mp4")
        .unwrap()
        .run(&mut model, &mut |_| {})
        .unwrap();

    let queue = JobQueue::new(&store, QueueSettings::default());
    let pool = WorkerPool::start(
        &WorkerSettings {
            workers: 2,
            model: ModelSize::Lite,
            uploads: uploads.clone(),
            piece_s: PIECE_S,
            media: MediaBackend::Database,
        },
        &store,
        &queue,
    )
    .unwrap();
    let in_db = store.backend() == janu_store::Backend::Postgres;
    let file_name = "job-shared.upload";
    if !in_db {
        std::fs::copy(video, uploads.join(file_name)).unwrap();
    }
    let job = store
        .create_upload_job(
            user.id,
            "class.mp4",
            "video",
            file_name,
            in_db.then_some(video),
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    queue.enqueue(job.id).await.unwrap();

    let started = Instant::now();
    let mut pieces = 0;
    let mut trackers = BTreeSet::new();
    let row = loop {
        let row = store.upload_job(job.id).await.unwrap().unwrap();
        for p in store.upload_pieces(job.id).await.unwrap() {
            pieces = pieces.max(p.seq + 1);
            if let Some(w) = p.worker.filter(|_| p.done) {
                trackers.insert(w);
            }
        }
        if matches!(row.state, UploadState::Done | UploadState::Failed) {
            break row;
        }
        assert!(started.elapsed() < JOB_TIMEOUT, "{row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    pool.stop(Duration::from_secs(5)).await;
    assert_eq!(row.state, UploadState::Done, "{:?}", row.error);
    assert_eq!(pieces, 3, "a 32 s video in 10 s pieces");
    assert!(trackers.len() >= 2, "pieces tracked by {trackers:?}");
    assert!(
        store.upload_pieces(job.id).await.unwrap().is_empty(),
        "the pieces go with the finished job"
    );
    assert!(!uploads.join(file_name).exists(), "the upload is removed");

    let session = store.session(row.session.unwrap()).await.unwrap().unwrap();
    let expected =
        analysis::new_session(user.id, &one.report, "class.mp4", session.data.started_at).unwrap();
    assert_eq!(session.data.report, expected.report, "the whole report");
    assert_eq!(session.data.findings, expected.findings);
    assert_eq!(session.data.sides, expected.sides);
    let media = store
        .session_media(session.id, &MediaBackend::Database)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&media).unwrap(),
        serde_json::to_value(&one.media).unwrap(),
        "the same key frames and breath traces"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_shared_between_workers_is_one_session_as_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let Some(video) = class_video(dir.path()) else {
        return;
    };
    let sqlite = dir.path().join("sqlite");
    std::fs::create_dir_all(&sqlite).unwrap();
    let store = Store::open(&sqlite.join("history.db").to_string_lossy())
        .await
        .unwrap();
    shared_between_workers(store, &video, &sqlite).await;

    if let Some(db) = janu_testkit::postgres::PostgresDb::create().await {
        let pg = dir.path().join("postgres");
        std::fs::create_dir_all(&pg).unwrap();
        let store = Store::open(&db.url).await.unwrap();
        shared_between_workers(store, &video, &pg).await;
    }
}
