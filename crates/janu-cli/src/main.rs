//! `janu`: practise Janusirsasana, the seated head-to-knee forward bend, well.
//!
//! The binary only parses the command line, runs one command from [`cmd`] and turns
//! its outcome into an exit code; the work lives in the library crates.

// The commands' doc comments are their `--help` text, where `[A]` is a source
// tag a person reads, not a link; escaping it would show the backslash.
#![allow(rustdoc::broken_intra_doc_links)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod output;
mod progress;

/// Janu knows Janusirsasana (the seated head-to-knee forward bend) and watches you do it.
///
/// Start with `janu pose` to learn the pose, `janu screen` to check it is safe for
/// you, `janu plan` and `janu practice` to practise it. `janu analyze` reads your
/// form from a photo or a video; `janu serve` opens the web app (live coaching
/// from the webcam, uploads, history) at http://127.0.0.1:8080; `janu users`
/// makes the accounts people sign in with; `janu worker` analyses uploads on
/// more machines and `janu jobs` shows their queue.
#[derive(Debug, Parser)]
#[command(name = "janu", version, about, long_about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Pose(cmd::pose::Args),
    Screen(cmd::screen::Args),
    Plan(cmd::plan::Args),
    Practice(cmd::practice::Args),
    Models(cmd::models::Args),
    Landmarks(cmd::landmarks::Args),
    Analyze(cmd::analyze::Args),
    Serve(cmd::serve::Args),
    Users(cmd::users::Args),
    Worker(cmd::worker::Args),
    Jobs(cmd::jobs::Args),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Pose(args) => cmd::pose::run(args),
        Command::Screen(args) => cmd::screen::run(args),
        Command::Plan(args) => cmd::plan::run(args),
        Command::Practice(args) => cmd::practice::run(args),
        Command::Models(args) => cmd::models::run(args),
        Command::Landmarks(args) => cmd::landmarks::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Users(args) => cmd::users::run(args),
        Command::Worker(args) => cmd::worker::run(args),
        Command::Jobs(args) => cmd::jobs::run(args),
    }
}

/// True when the error chain holds a broken pipe (`janu pose | head`), which is a
/// normal way for a reader to stop and not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if tracing::dispatcher::has_been_set() => {
            // A server's log is running (maybe as JSON for a collector): the
            // reason it stopped is its last event, in the same format.
            tracing::error!(error = %format!("{err:#}"), "janu stopped");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
