//! Time a TFLite model with janu-nn, per operator kind:
//! `cargo run --release -p janu-nn --example profile MODEL.tflite [RUNS]`
//! (`THREADS=2` splits large operators over two threads, `STEPS=1` lists
//! every step).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("give a model file");
    let runs: usize = args
        .next()
        .map_or(50, |r| r.parse().expect("a number of runs"));
    let bytes = std::fs::read(&path).expect("readable model");
    let threads = std::env::var("THREADS").map_or(1, |t| t.parse().expect("a number of threads"));
    let mut model = janu_nn::Model::from_tflite(&bytes)
        .expect("a model janu-nn can run")
        .with_threads(threads);
    let input: Vec<f32> = (0..model.input_shape().iter().product::<usize>())
        .map(|i| (i % 255) as f32 / 255.0)
        .collect();
    let mut outputs = Vec::new();
    for _ in 0..5 {
        model.run(&input, &mut outputs).expect("runs");
    }
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        model.run(&input, &mut outputs).expect("runs");
        times.push(start.elapsed());
    }
    times.sort();
    let mut per_op: BTreeMap<String, (Duration, usize)> = BTreeMap::new();
    for _ in 0..runs {
        for step in model.profile(&input, &mut outputs).expect("runs") {
            let kind = step.op.split(' ').next().unwrap_or_default().to_owned();
            let e = per_op.entry(kind).or_default();
            e.0 += step.time;
            e.1 += 1;
        }
    }
    if std::env::var_os("STEPS").is_some() {
        let steps = model.profile(&input, &mut outputs).expect("runs");
        let mut sums = vec![Duration::ZERO; steps.len()];
        for _ in 0..runs {
            for (s, step) in sums
                .iter_mut()
                .zip(model.profile(&input, &mut outputs).expect("runs"))
            {
                *s += step.time;
            }
        }
        for (step, t) in steps.iter().zip(sums) {
            println!(
                "{:>60} {:7.1} us",
                step.op,
                t.as_secs_f64() * 1e6 / runs as f64
            );
        }
    }
    let total: Duration = per_op.values().map(|v| v.0).sum();
    println!(
        "{path}: best {:.2} ms, median {:.2} ms over {runs} runs; arena {:.1} MB",
        times[0].as_secs_f64() * 1e3,
        times[runs / 2].as_secs_f64() * 1e3,
        model.arena_len() as f64 * 4.0 / 1e6
    );
    for (op, (t, n)) in per_op {
        println!(
            "{op:>24}: {:6.2} ms/run ({:4.1} %), {} steps",
            t.as_secs_f64() * 1e3 / runs as f64,
            100.0 * t.as_secs_f64() / total.as_secs_f64(),
            n / runs
        );
    }
}
