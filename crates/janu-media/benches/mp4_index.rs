//! Reading an MP4's index (the sample table of its video track): Janu's own
//! demuxer, through `open_video` (which also sets up the H.264 decoder, so
//! this is an upper bound for it), against Mozilla's `mp4parse` (Firefox's
//! parser) reading the same file and building the same sample table.
//!
//! The files are made here with `Mp4Writer`: 30, 3 000 and 30 000 plain
//! frames at 160 x 120 with the index first (the index grows with the frame
//! count), and 3 000 frames of random blocks (tens of MB of frame data) with the
//! index at the end, as phones and cameras write it. Run:
//! `cargo bench -p janu-media --bench mp4_index`.

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_main};
use janu_media::{FfmpegUse, Mp4Writer, Mp4WriterOptions, VideoOptions, open_video};

/// A file of `frames` frames; `noisy` frames are random (large) and then the
/// index goes at the end.
fn make(path: &Path, frames: u32, noisy: bool) {
    let options = Mp4WriterOptions {
        faststart: !noisy,
        qp_range: Mp4WriterOptions::default().qp_range,
        ..Mp4WriterOptions::default()
    };
    let mut w = Mp4Writer::with_options(path, 160, 120, 30.0, &options).expect("writer");
    let mut seed = 0x9E37_79B9_u32;
    let mut img = image::RgbImage::from_pixel(160, 120, image::Rgb([40, 90, 160]));
    for _ in 0..frames {
        if noisy {
            // Random 4 x 4 blocks: hard to compress, easy on the encoder.
            for by in 0..30 {
                for bx in 0..40 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let c = image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8]);
                    for y in 0..4 {
                        for x in 0..4 {
                            img.put_pixel(bx * 4 + x, by * 4 + y, c);
                        }
                    }
                }
            }
        }
        w.push(&img).expect("frame");
    }
    w.finish().expect("finish");
}

fn ours(path: &Path) -> usize {
    let options = VideoOptions {
        target_fps: None,
        ffmpeg: FfmpegUse::Never,
        ..Default::default()
    };
    let v = open_video(path, &options).expect("ours");
    std::hint::black_box(v.info().frame_count.unwrap_or(0) as usize)
}

fn mozilla(path: &Path) -> usize {
    let mut file = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let ctx = mp4parse::read_mp4(&mut file).expect("mp4parse");
    let track = ctx
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
        .expect("a video track");
    let table = mp4parse::unstable::create_sample_table(track, 0.into()).expect("sample table");
    std::hint::black_box(table.len())
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (frames, noisy) in [
        (30u32, false),
        (3_000, false),
        (30_000, false),
        (3_000, true),
    ] {
        let label = if noisy {
            format!("{frames}_noisy_frames_index_last")
        } else {
            format!("{frames}_frames")
        };
        let path = dir.path().join(format!("{label}.mp4"));
        let start = Instant::now();
        make(&path, frames, noisy);
        eprintln!(
            "made {frames} frames in {:.1} s, {:.2} MB",
            start.elapsed().as_secs_f64(),
            std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6)
        );
        assert_eq!(ours(&path), mozilla(&path), "both read every sample");
        let mut g = c.benchmark_group(format!("mp4_index_{label}"));
        g.bench_function("janu open_video", |b| b.iter(|| ours(&path)));
        g.bench_function("mp4parse read_mp4 + sample table", |b| {
            b.iter(|| mozilla(&path));
        });
        g.finish();
    }
}

fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
