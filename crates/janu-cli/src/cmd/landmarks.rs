//! `janu landmarks`.

/// Arguments of `janu landmarks`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu landmarks`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu landmarks` is being built")
}
