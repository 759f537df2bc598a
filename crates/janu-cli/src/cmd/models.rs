//! `janu models`.

/// Arguments of `janu models`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu models`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu models` is being built")
}
