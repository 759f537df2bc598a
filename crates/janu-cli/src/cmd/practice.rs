//! `janu practice`: a guided practice in the terminal, or its cue script.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};
use janu_pose::{Pacing, Plan, cue_script};

use super::plan::PlanArgs;
use crate::output::write_atomic;

mod tui;
mod voice;

/// Practise a plan in the terminal: the current step, a countdown, breath pacing
/// and a cue for each moment.
///
/// Keys: space pauses and resumes, n or the right arrow skips to the next step,
/// q or Esc quits. Without --plan, a plan is built from --level, --minutes and the
/// other plan options (as `janu plan` does). --dry-run prints the timed cue script
/// instead; --vtt writes it as WebVTT subtitles.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan file written by `janu plan --json` (instead of the plan options).
    #[arg(long, value_name = "FILE",
          conflicts_with_all = ["conditions", "goals", "tighter_side", "trimester"])]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub options: PlanArgs,
    /// Breath rhythm as INHALE:EXHALE seconds, e.g. 4:6 (each 1 to 15 s).
    #[arg(long, value_name = "IN:OUT", default_value = "2:3", value_parser = parse_pacing)]
    pub breath: Pacing,
    /// Print the timed cue script instead of running the practice.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the cue script as WebVTT subtitles to FILE (and do not start the practice).
    #[arg(long, value_name = "FILE")]
    pub vtt: Option<PathBuf>,
    /// Speak the cues with espeak-ng (a warning, not a failure, when it is missing).
    #[arg(long)]
    pub voice: bool,
}

fn parse_pacing(s: &str) -> Result<Pacing, String> {
    Pacing::parse(s).map_err(|e| e.to_string())
}

/// Run `janu practice`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Args {
        plan,
        options,
        breath,
        dry_run,
        vtt,
        voice,
    } = args;
    let plan = match &plan {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading plan file {}", path.display()))?;
            Plan::from_json(&text).with_context(|| format!("plan file {}", path.display()))?
        }
        None => janu_pose::plan(&options.request()).map_err(super::pose_error)?,
    };
    let script = cue_script(&plan, &breath);
    let voice = if voice {
        let v = voice::Voice::find();
        if v.is_none() {
            eprintln!(
                "warning: --voice: espeak-ng is not installed, so cues are shown but not \
                 spoken (install it with `apt-get install espeak-ng`)"
            );
        }
        v
    } else {
        None
    };
    if let Some(path) = &vtt {
        write_atomic(path, script.to_vtt().as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if dry_run {
        return crate::output::emit(None, script.to_text().as_bytes());
    }
    if vtt.is_some() {
        return Ok(());
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the guided practice needs a terminal; use --dry-run to print the cue script");
    }
    let outcome = tui::run(&script, voice)?;
    eprintln!("{outcome}");
    Ok(())
}
