//! `janu screen`: is the pose safe for me, and how should I do it?

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use janu_pose::{ConditionId, ScreeningInput, knowledge, render, screen};

/// Check whether Janusirsasana suits you, and how to do it if so.
///
/// Answers proceed, modify, supervised or avoid, with the reasons from each
/// reference, the props and variation to use, and the warning signs to stop on.
/// Where the references disagree, the more cautious view decides. Run it in a
/// terminal without --condition for a short questionnaire.
///
/// This is guidance from two yoga texts, not medical advice.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A condition id (repeat for several); see --list. Use `none` when nothing applies.
    #[arg(long = "condition", short = 'c', value_name = "ID", value_parser = parse_condition)]
    pub conditions: Vec<ConditionId>,
    /// Trimester (1, 2 or 3); required with `--condition pregnancy`, refused without it.
    #[arg(long, value_name = "N")]
    pub trimester: Option<u8>,
    /// List the condition ids with their names and exit.
    #[arg(long, conflicts_with_all = ["conditions", "trimester"])]
    pub list: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Parse a condition id for clap; the error lists the valid ids.
pub(crate) fn parse_condition(s: &str) -> Result<ConditionId, String> {
    s.parse().map_err(|e: janu_pose::PoseError| e.to_string())
}

/// Run `janu screen`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let k = knowledge();
    let mut out = std::io::stdout().lock();
    if args.list {
        let text = if args.json {
            let list: Vec<_> = k
                .conditions
                .iter()
                .map(|c| serde_json::json!({"id": c.id, "name": c.name, "examples": c.examples}))
                .collect();
            serde_json::to_string_pretty(&list)? + "\n"
        } else {
            k.conditions
                .iter()
                .map(|c| format!("{:<36} {} ({})\n", c.id.as_str(), c.name, c.examples))
                .collect()
        };
        out.write_all(text.as_bytes())
            .context("writing to stdout")?;
        return Ok(());
    }
    let (conditions, trimester) = if args.conditions.is_empty() {
        if args.trimester.is_some() {
            bail!("--trimester was given without --condition pregnancy");
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            bail!(
                "no condition given and no terminal to ask in: pass --condition ID (repeatable, \
                 `none` when nothing applies) or see the ids with --list"
            );
        }
        let mut err = std::io::stderr().lock();
        questionnaire(&mut stdin.lock(), &mut err)?
    } else {
        (args.conditions, args.trimester)
    };
    let input = ScreeningInput::new(conditions, trimester).map_err(super::pose_error)?;
    let s = screen(&input);
    let text = if args.json {
        serde_json::to_string_pretty(&s)? + "\n"
    } else {
        render::screening_text(k, &s)
    };
    out.write_all(text.as_bytes())
        .context("writing to stdout")?;
    out.flush().context("writing to stdout")
}

/// Ask about each condition with yes/no questions; asks the trimester when pregnant.
pub(crate) fn questionnaire(
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<(Vec<ConditionId>, Option<u8>)> {
    let k = knowledge();
    writeln!(
        out,
        "A few questions before you practise Janusirsasana (answer y or n)."
    )?;
    let mut found = Vec::new();
    let mut trimester = None;
    for c in k.conditions.iter().filter(|c| c.id != ConditionId::None) {
        if ask_yes(input, out, &format!("{} ({})?", c.name, c.examples))? {
            found.push(c.id);
            if c.needs_trimester {
                trimester = Some(ask_trimester(input, out)?);
            }
        }
    }
    if found.is_empty() {
        found.push(ConditionId::None);
    }
    Ok((found, trimester))
}

fn read_answer(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    if input.read_line(&mut line).context("reading the answer")? == 0 {
        bail!("the questionnaire ended before all questions were answered");
    }
    Ok(line.trim().to_ascii_lowercase())
}

fn ask_yes(input: &mut impl BufRead, out: &mut impl Write, q: &str) -> anyhow::Result<bool> {
    loop {
        write!(out, "{q} [y/N] ")?;
        out.flush()?;
        match read_answer(input)?.as_str() {
            "y" | "yes" => return Ok(true),
            "" | "n" | "no" => return Ok(false),
            _ => writeln!(out, "Please answer y or n.")?,
        }
    }
}

fn ask_trimester(input: &mut impl BufRead, out: &mut impl Write) -> anyhow::Result<u8> {
    loop {
        write!(out, "Which trimester? [1/2/3] ")?;
        out.flush()?;
        match read_answer(input)?.as_str() {
            "1" => return Ok(1),
            "2" => return Ok(2),
            "3" => return Ok(3),
            _ => writeln!(out, "Please answer 1, 2 or 3.")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(text: &str) -> anyhow::Result<(Vec<ConditionId>, Option<u8>)> {
        let mut out = Vec::new();
        questionnaire(&mut text.as_bytes(), &mut out)
    }

    #[test]
    fn all_no_means_none() {
        let n = knowledge().conditions.len() - 1;
        let (c, t) = answers(&"n\n".repeat(n)).unwrap();
        assert_eq!(c, [ConditionId::None]);
        assert_eq!(t, None);
    }

    #[test]
    fn pregnancy_asks_the_trimester_and_repeats_bad_answers() {
        let k = knowledge();
        let mut text = String::new();
        for c in k.conditions.iter().filter(|c| c.id != ConditionId::None) {
            if c.id == ConditionId::Pregnancy {
                text.push_str("maybe\ny\n7\n2\n");
            } else {
                text.push('\n');
            }
        }
        let (c, t) = answers(&text).unwrap();
        assert_eq!(c, [ConditionId::Pregnancy]);
        assert_eq!(t, Some(2));
    }

    #[test]
    fn running_out_of_answers_is_an_error() {
        assert!(answers("y\n").is_err());
    }
}
