//! How many uploads a machine analyses, through the real queue: uploads
//! recorded as jobs (SQLite file, uploads folder), queued on apalis, taken by
//! 1 and then 2 workers in this process, each analysed through the whole
//! pipeline (decoding, the full pose model at the upload rate of 15 frames a
//! second, the analysis, key frames) and saved with its session. Videos are
//! one-minute 720p pan-and-zoom clips made from the shared real photos.
//!
//! Then the split: one 10-minute 720p video analysed in one pass and in
//! pieces on both cores, same pipeline, the wall-clock speed-up.
//!
//! Prints a markdown table for BENCHMARKS.md, and the cost per minute of
//! video (core-seconds) that the capacity model there starts from.
//!
//! ```text
//! cargo bench -p janu-server --bench queue_throughput
//! JANU_BENCH_QUICK=1 cargo bench -p janu-server --bench queue_throughput   # shorter videos
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use janu_media::{PanZoomSpec, pan_zoom_video};
use janu_pipeline::{LazyEstimator, PipelineOptions, analyze_file};
use janu_server::worker::{MODEL_THREADS, WorkerPool, WorkerSettings};
use janu_store::{JobQueue, MediaBackend, NewUser, QueueSettings, Store, UserId};
use janu_vision::{EstimatorOptions, ModelSize};

/// Uploads per run.
const UPLOADS: usize = 8;

fn photos() -> Vec<PathBuf> {
    let root = janu_testkit::shared_data("photos").expect("shared photos");
    janu_testkit::spread_photos(&root, 30)
}

fn video(dir: &Path, name: &str, seconds: f64) -> (PathBuf, f64) {
    let photos = photos();
    let per_photo = 2.0;
    let n = ((seconds / per_photo).ceil() as usize).max(1);
    let list: Vec<PathBuf> = photos.iter().cycle().take(n).cloned().collect();
    let path = dir.join(name);
    let spec = PanZoomSpec {
        seconds_per_photo: per_photo,
        ..PanZoomSpec::hd720()
    };
    let summary = pan_zoom_video(&list, &path, &spec).unwrap();
    (path, summary.duration_s)
}

async fn run_queue(workers: usize, clip: &Path, dir: &Path) -> Duration {
    let run_dir = dir.join(format!("workers-{workers}"));
    let uploads = run_dir.join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let store = Store::open(&run_dir.join("history.db").to_string_lossy())
        .await
        .unwrap();
    let user = store
        .create_user(&NewUser {
            handle: "ana".into(),
            display_name: "Ana".into(),
        })
        .await
        .unwrap();
    let queue = JobQueue::new(&store, QueueSettings::default());
    // Load the workers' models before the clock starts (a server's workers
    // are long-lived).
    let pool = WorkerPool::start(
        &WorkerSettings {
            workers,
            model: ModelSize::Full,
            uploads: uploads.clone(),
            piece_s: janu_server::shared_video::SHARED_PIECE_S,
            media: MediaBackend::Database,
        },
        &store,
        &queue,
    )
    .unwrap();
    let started = Instant::now();
    for i in 0..UPLOADS {
        let name = format!("job-{i}.upload");
        std::fs::copy(clip, uploads.join(&name)).unwrap();
        let job = store
            .create_upload_job(
                UserId(user.id.0),
                "class.mp4",
                "video",
                &name,
                None,
                &MediaBackend::Database,
            )
            .await
            .unwrap();
        queue.enqueue(job.id).await.unwrap();
    }
    loop {
        let s = store.queue_stats().await.unwrap();
        if s.queued == 0 && s.running == 0 {
            assert_eq!(s.done, UPLOADS as i64, "{s:?}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed();
    pool.stop(Duration::from_secs(5)).await;
    store.close().await;
    took
}

fn analyse(path: &Path, segments: usize) -> Duration {
    let options = PipelineOptions {
        fps: Some(janu_server::analysis::UPLOAD_ANALYSIS_FPS),
        segments,
        ..Default::default()
    };
    let mut estimator = LazyEstimator::new(EstimatorOptions {
        model: ModelSize::Full,
        threads: MODEL_THREADS,
        ..Default::default()
    });
    // The model loaded before the clock starts, as in a worker.
    janu_pipeline::EstimatorSource::estimator(&mut estimator).unwrap();
    let started = Instant::now();
    analyze_file(path, &options, &mut estimator, &mut |_| {}).unwrap();
    started.elapsed()
}

fn main() {
    if janu_testkit::shared_data("photos").is_none() {
        return;
    }
    let quick = std::env::var_os("JANU_BENCH_QUICK").is_some();
    let dir = janu_testkit::workspace_root().join("target/janu-bench/queue");
    std::fs::create_dir_all(&dir).unwrap();
    let (clip, clip_s) = video(&dir, "class-1min.mp4", if quick { 15.0 } else { 60.0 });
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!(
        "Uploads: {UPLOADS} x {clip_s:.0} s of 1280x720 H.264 at 30 fps, analysed at 15 fps, full model."
    );
    println!();
    println!("| workers | wall clock | videos a minute | video minutes analysed a minute |");
    println!("|---|---|---|---|");
    let mut one_worker = None;
    for workers in [1, 2] {
        let d = dir.join(format!("run-{workers}"));
        let _ = std::fs::remove_dir_all(&d);
        let took = rt.block_on(run_queue(workers, &clip, &d));
        let per_min = UPLOADS as f64 / took.as_secs_f64() * 60.0;
        println!(
            "| {workers} | {:.1} s | {per_min:.2} | {:.2} |",
            took.as_secs_f64(),
            per_min * clip_s / 60.0
        );
        if workers == 1 {
            one_worker = Some(took);
        }
    }
    if let Some(took) = one_worker {
        let cores = janu_pipeline::cores() as f64;
        let core_s_per_video_min = took.as_secs_f64() * cores / (UPLOADS as f64 * clip_s / 60.0);
        println!();
        println!(
            "Cost: {core_s_per_video_min:.1} core-seconds per minute of video (1 worker on {cores} cores)."
        );
    }
    let (long, long_s) = video(&dir, "class-10min.mp4", if quick { 60.0 } else { 600.0 });
    let one = analyse(&long, 1);
    let split = analyse(&long, janu_pipeline::cores());
    println!();
    println!("| one {long_s:.0} s video | wall clock | speed-up |");
    println!("|---|---|---|");
    println!(
        "| one pass (model on {MODEL_THREADS} threads) | {:.1} s | 1.00 |",
        one.as_secs_f64()
    );
    println!(
        "| {} pieces at once (one thread each) | {:.1} s | {:.2} |",
        janu_pipeline::cores(),
        split.as_secs_f64(),
        one.as_secs_f64() / split.as_secs_f64()
    );
}
