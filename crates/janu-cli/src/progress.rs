//! Progress bars on the terminal (indicatif), shared by the commands.
//!
//! Bars draw on stderr and only when it is a terminal, so pipes, files and tests
//! see clean output.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use janu_vision::InstallStep;

/// How often a spinner redraws.
const TICK: Duration = Duration::from_millis(120);

/// A bar of `len` steps with a message, hidden when stderr is not a terminal.
pub fn bar(len: u64, message: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), target());
    pb.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:32}] {pos}/{len} {per_sec} eta {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_owned());
    pb
}

/// A spinner with a message, for work of unknown length.
pub fn spinner(message: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(None, target());
    pb.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("the template is valid"));
    pb.set_message(message.to_owned());
    pb.enable_steady_tick(TICK);
    pb
}

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// A callback for model installation that shows each step on a spinner, plus a
/// plain line on stderr when installation starts (so logs say why a first run
/// takes longer).
pub fn install_reporter() -> impl FnMut(InstallStep) {
    let mut pb: Option<ProgressBar> = None;
    move |step| {
        let pb = pb.get_or_insert_with(|| {
            eprintln!("janu: installing the pose models (once; about 40 MB from npm)");
            spinner("installing models")
        });
        match step {
            InstallStep::Fetching => pb.set_message("fetching @mediapipe/pose with npm pack"),
            InstallStep::Verifying => pb.set_message("checking sums and extracting"),
            InstallStep::Preparing {
                model,
                index,
                count,
            } => pb.set_message(format!(
                "preparing {} ({}/{count})",
                model.label(),
                index + 1
            )),
            InstallStep::Done => pb.finish_and_clear(),
        }
    }
}
