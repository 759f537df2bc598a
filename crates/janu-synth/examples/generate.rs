//! Write a synthetic landmark file and its truth, to look at or to feed the
//! analysis.
//!
//! ```text
//! cargo run -p janu-synth --example generate -- --scenario clean --out x.jsonl
//! cargo run -p janu-synth --example generate -- --scenario locked_knee --seed 3 --out k.jsonl
//! cargo run -p janu-synth --example generate -- --scenario-file my.json --out y.jsonl
//! cargo run -p janu-synth --example generate -- --scenario side_hidden --print-scenario
//! ```
//! The truth goes to `<out without .jsonl>.truth.json` unless `--truth` says
//! otherwise. Scenario names: `clean`, `neighbours`, `side_hidden`, `front`,
//! `diagonal`, `mirrored`, `noisy`, or any mistake's name (`locked_knee`, ...).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use janu_synth::{Scenario, generate, scenarios};

struct Args {
    scenario: Option<String>,
    scenario_file: Option<PathBuf>,
    seed: u64,
    out: Option<PathBuf>,
    truth: Option<PathBuf>,
    print_scenario: bool,
}

fn usage() -> String {
    format!(
        "usage: generate (--scenario NAME | --scenario-file FILE.json) [--seed N] \
         [--out FILE.jsonl] [--truth FILE.json] [--print-scenario]\nnames: {}, or a mistake: {}",
        scenarios::NAMES.join(", "),
        janu_synth::Mistake::ALL
            .map(janu_synth::Mistake::as_str)
            .join(", ")
    )
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        scenario: None,
        scenario_file: None,
        seed: 1,
        out: None,
        truth: None,
        print_scenario: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{}", usage()))
        };
        match flag.as_str() {
            "--scenario" => a.scenario = Some(value()?),
            "--scenario-file" => a.scenario_file = Some(value()?.into()),
            "--seed" => {
                let v = value()?;
                a.seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v}: not a whole number"))?;
            }
            "--out" => a.out = Some(value()?.into()),
            "--truth" => a.truth = Some(value()?.into()),
            "--print-scenario" => a.print_scenario = true,
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    if a.scenario.is_some() == a.scenario_file.is_some() {
        return Err(format!(
            "give exactly one of --scenario and --scenario-file\n{}",
            usage()
        ));
    }
    if a.out.is_none() && !a.print_scenario {
        return Err(format!(
            "nothing to do: give --out or --print-scenario\n{}",
            usage()
        ));
    }
    Ok(a)
}

/// Write to `path` through [`janu_media::AtomicFile`] (a temporary file in
/// the same folder, renamed into place when whole), so that a failure never
/// leaves a half-written file behind.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut out = janu_media::AtomicFile::create(path).map_err(|e| e.to_string())?;
    {
        let mut w = std::io::BufWriter::new(out.file());
        write(&mut w).map_err(failed)?;
        w.flush().map_err(failed)?;
    }
    out.commit().map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let a = parse()?;
    let scenario: Scenario = match (&a.scenario, &a.scenario_file) {
        (Some(name), _) => scenarios::by_name(name, a.seed)
            .ok_or_else(|| format!("unknown scenario `{name}`\n{}", usage()))?,
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("{}: not a scenario: {e}", file.display()))?
        }
        (None, None) => unreachable!("parse() demands one"),
    };
    if a.print_scenario {
        let json = serde_json::to_string_pretty(&scenario).map_err(|e| e.to_string())?;
        println!("{json}");
    }
    let Some(out) = a.out else { return Ok(()) };
    let synth = generate(&scenario).map_err(|e| match &a.scenario_file {
        Some(file) => format!("{}: {e}", file.display()),
        None => e.to_string(),
    })?;
    let truth_path = a.truth.unwrap_or_else(|| {
        let stem = out
            .file_stem()
            .map_or_else(|| "landmarks".into(), |s| s.to_string_lossy().into_owned());
        out.with_file_name(format!("{stem}.truth.json"))
    });
    write_atomic(&out, |w| janu_body::file::write_jsonl(w, &synth.frames))?;
    write_atomic(&truth_path, |w| {
        serde_json::to_writer(&mut *w, &synth.truth).map_err(std::io::Error::other)?;
        writeln!(w)
    })?;
    eprintln!(
        "{}: {} frames, {:.1} s -> {} and {}",
        scenario.name,
        synth.frames.len(),
        synth.truth.duration_s,
        out.display(),
        truth_path.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::FAILURE
        }
    }
}
