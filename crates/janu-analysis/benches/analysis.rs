//! Speed of the pure analysis: 10 minutes of 30 fps landmarks (18,000 frames: a
//! practice of both sides, repeated) analysed end to end. Target: under 1 s.

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use janu_body::Frame;

/// Frames of a 10-minute session at 30 fps, made of generated practices.
fn ten_minutes() -> Vec<Frame> {
    let one = janu_synth::generate(&janu_synth::scenarios::clean_session(42)).unwrap();
    let span = one.truth.duration_s;
    let mut frames = Vec::with_capacity(18_000);
    let mut offset = 0.0;
    while frames.len() < 18_000 {
        for f in &one.frames {
            if frames.len() == 18_000 {
                break;
            }
            frames.push(Frame {
                t: f.t + offset,
                ..f.clone()
            });
        }
        offset += span + 1.0 / 30.0;
    }
    frames
}

fn bench(c: &mut Criterion) {
    let frames = ten_minutes();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("ten_minutes_30fps", |b| {
        b.iter(|| janu_analysis::analyze(black_box(&frames)).unwrap());
    });
    group.finish();
}

// The macro defines an undocumented function.
#[allow(missing_docs)]
mod group {
    use super::bench;
    criterion::criterion_group!(benches, bench);
}
criterion_main!(group::benches);
