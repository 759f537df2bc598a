//! `janu plan`: a whole practice session.

use std::path::PathBuf;

use janu_pose::{ConditionId, GoalId, Level, PlanRequest, Side, knowledge, render};

/// Build a whole Janusirsasana session from the references.
///
/// Warm-ups, the pose on both sides (each step names the extended leg), follow-ups
/// and a closing Nadi Shodhana, with the variation, props and holds (in breaths
/// and seconds) for your level and conditions. A plan that the screening rules out
/// is refused with the reasons.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// Practice level: beginner, intermediate or advanced.
    #[arg(long, value_name = "LEVEL", default_value = "beginner", value_parser = parse_level)]
    pub level: Level,
    /// Session length in minutes (5 to 60).
    #[arg(long, value_name = "N", default_value_t = janu_pose::DEFAULT_MINUTES)]
    pub minutes: u32,
    /// A health condition id (repeatable); see `janu screen --list`.
    #[arg(long = "condition", short = 'c', value_name = "ID",
          value_parser = super::screen::parse_condition)]
    pub conditions: Vec<ConditionId>,
    /// Trimester (1, 2 or 3) with `--condition pregnancy`.
    #[arg(long, value_name = "N")]
    pub trimester: Option<u8>,
    /// A goal (repeatable): lower-back-stiffness, hamstring-imbalance, mild-sciatica,
    /// hip-asymmetry, digestion, menstrual-discomfort, stress-sleep.
    #[arg(long = "goal", short = 'g', value_name = "ID", value_parser = parse_goal)]
    pub goals: Vec<GoalId>,
    /// The side whose extended leg is tighter (left or right); it gets the longer hold.
    #[arg(long, value_name = "SIDE", value_parser = parse_side)]
    pub tighter_side: Option<Side>,
}

impl PlanArgs {
    /// The library request.
    pub fn request(&self) -> PlanRequest {
        PlanRequest {
            level: self.level,
            minutes: self.minutes,
            conditions: self.conditions.clone(),
            trimester: self.trimester,
            goals: self.goals.clone(),
            tighter_side: self.tighter_side,
        }
    }
}

/// Build a whole practice session from the references: warm-ups, Janusirsasana on
/// both sides with the variation and props for your level and conditions, holds in
/// breaths and seconds, follow-ups and a closing breath practice.
///
/// The plan honours the screening (`janu screen`): a condition that rules the pose
/// out refuses the plan with the reasons. Save it with `--json -o plan.json` and
/// follow it with `janu practice --plan plan.json`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Print JSON (the format `janu practice --plan FILE` reads).
    #[arg(long)]
    pub json: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse().map_err(|e: janu_pose::PoseError| e.to_string())
}

fn parse_goal(s: &str) -> Result<GoalId, String> {
    s.parse().map_err(|e: janu_pose::PoseError| e.to_string())
}

fn parse_side(s: &str) -> Result<Side, String> {
    s.trim().parse()
}

/// Run `janu plan`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Args { plan, json, output } = args;
    let plan = janu_pose::plan(&plan.request()).map_err(super::pose_error)?;
    let text = if json {
        serde_json::to_string_pretty(&plan)? + "\n"
    } else {
        render::plan_text(knowledge(), &plan)
    };
    crate::output::emit(output.as_deref(), text.as_bytes())
}
