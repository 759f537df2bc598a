//! `janu pose`: what Janu knows about Janusirsasana.

use std::io::Write;

use anyhow::Context;
use janu_pose::{Topic, knowledge, render};

/// Show what the references say about Janusirsasana, in Janu's own words.
///
/// Every item is tagged with its source: [A] the encyclopedic text, [B] the
/// practice guide, [J] Janu's own synthesis (plan timings). Without a topic, all
/// topics are shown.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Args {
    /// One topic: meaning, muscles, joints, steps, benefits, therapy, variations,
    /// props, mistakes, contraindications, sequence, breath, energy, ayurveda,
    /// disagreements.
    #[arg(value_name = "TOPIC", value_parser = parse_topic)]
    pub topic: Option<Topic>,
    /// Print JSON instead of text; without a topic, the whole knowledge model.
    #[arg(long)]
    pub json: bool,
}

fn parse_topic(s: &str) -> Result<Topic, String> {
    s.parse().map_err(|e: janu_pose::PoseError| e.to_string())
}

/// Run `janu pose`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Args { topic, json } = args;
    let k = knowledge();
    let text = match (topic, json) {
        (None, false) => render::knowledge_text(k),
        (Some(t), false) => render::topic_text(k, t),
        (None, true) => serde_json::to_string_pretty(k)? + "\n",
        (Some(t), true) => serde_json::to_string_pretty(&render::topic_json(k, t))? + "\n",
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("writing to stdout")?;
    out.flush().context("writing to stdout")
}
