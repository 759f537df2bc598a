//! `janu plan`.

/// Arguments of `janu plan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu plan`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu plan` is being built")
}
