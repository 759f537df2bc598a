//! `janu screen`.

/// Arguments of `janu screen`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu screen`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu screen` is being built")
}
