//! Decoding speed of H.264 MP4 at 720p and 1080p, on pan-and-zoom videos made in
//! the setup from the real shared photos (nothing large is committed).
//!
//! Run: `cargo bench -p janu-media --bench decode`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_main};
use janu_media::{PanZoomSpec, VideoOptions, open_video, pan_zoom_video};

/// Photos per benchmark video, one second each: 180 frames at 30 fps.
const PHOTOS: usize = 6;

fn photos() -> Option<Vec<PathBuf>> {
    let dir = janu_testkit::shared_data("photos")?;
    let mut all = Vec::new();
    for sub in std::fs::read_dir(&dir).ok()? {
        let sub = sub.ok()?.path();
        if sub.is_dir() {
            for f in std::fs::read_dir(&sub).ok()? {
                all.push(f.ok()?.path());
            }
        }
    }
    all.sort();
    // Every tenth photo: a spread of folders, sizes and formats.
    Some(all.into_iter().step_by(10).take(PHOTOS).collect())
}

fn make(dir: &Path, name: &str, spec: &PanZoomSpec, photos: &[PathBuf]) -> (PathBuf, u64) {
    let path = dir.join(name);
    let start = Instant::now();
    let summary = pan_zoom_video(photos, &path, spec).expect("benchmark video");
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "made {name}: {} frames in {secs:.1} s ({:.0} frames/s to render and encode), {:.1} MB",
        summary.frames,
        summary.frames as f64 / secs,
        std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6)
    );
    (path, summary.frames)
}

fn decode_all(path: &Path, options: &VideoOptions) -> u64 {
    let mut n = 0;
    for f in open_video(path, options).expect("open") {
        std::hint::black_box(f.expect("frame"));
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let Some(photos) = photos() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let spec720 = PanZoomSpec {
        seconds_per_photo: 1.0,
        ..PanZoomSpec::hd720()
    };
    let spec1080 = PanZoomSpec {
        seconds_per_photo: 1.0,
        ..PanZoomSpec::hd1080()
    };
    let videos = [
        ("720p", make(dir.path(), "bench720.mp4", &spec720, &photos)),
        (
            "1080p",
            make(dir.path(), "bench1080.mp4", &spec1080, &photos),
        ),
    ];
    let mut group = c.benchmark_group("h264_decode");
    group.sample_size(10);
    for (name, (path, frames)) in &videos {
        group.throughput(Throughput::Elements(*frames));
        group.bench_function(format!("{name}_all_frames"), |b| {
            b.iter(|| assert_eq!(decode_all(path, &VideoOptions::default()), *frames));
        });
        group.bench_function(format!("{name}_on_own_thread"), |b| {
            b.iter(|| {
                let rx = open_video(path, &VideoOptions::default())
                    .expect("open")
                    .spawn(2);
                assert_eq!(
                    rx.inspect(|f| assert!(f.is_ok()))
                        .map(std::hint::black_box)
                        .count() as u64,
                    *frames
                );
            });
        });
    }
    group.finish();
}

// The macro defines an undocumented function.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);
