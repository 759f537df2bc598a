//! `janu pose`.

/// Arguments of `janu pose`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu pose`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu pose` is being built")
}
