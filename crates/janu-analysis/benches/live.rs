//! Cost of the live coach per frame: whole generated sessions pushed frame by
//! frame at 15 frames a second, as the server does. Two cases: a practice of
//! both sides (about 3 minutes), and one side held for 5 minutes, the worst
//! case for the breath count, which is refreshed over the whole hold every
//! 2 s. Throughput is in frames: time per frame = 1 / throughput.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_main};
use janu_analysis::live::{LiveCoach, LiveOptions};
use janu_body::Frame;
use janu_synth::{Mistake, generate, scenarios};

/// Frames a second the live page sends.
const FPS: f64 = 15.0;

fn at_15_fps(scenario: &janu_synth::Scenario) -> Vec<Frame> {
    let synth = generate(scenario).unwrap();
    let step = (synth.truth.fps / FPS).round().max(1.0) as usize;
    synth.frames.iter().step_by(step).cloned().collect()
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("both_sides_3_min", at_15_fps(&scenarios::clean_session(42))),
        (
            "one_hold_5_min",
            at_15_fps(&scenarios::with_mistake(Mistake::HoldTooLong, 42)),
        ),
    ];
    let mut g = c.benchmark_group("live_push");
    g.sample_size(10);
    for (name, frames) in &cases {
        g.throughput(Throughput::Elements(frames.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                let mut coach = LiveCoach::new(LiveOptions::default());
                for f in frames {
                    black_box(coach.push(f));
                }
                coach
            });
        });
    }
    g.finish();
}

fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
