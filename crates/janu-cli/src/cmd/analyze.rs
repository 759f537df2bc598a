//! `janu analyze`.

/// Arguments of `janu analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu analyze`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu analyze` is being built")
}
