//! `janu practice`.

/// Arguments of `janu practice`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `janu practice`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`janu practice` is being built")
}
