//! `janu jobs`: the upload queue of a server, for whoever runs it.

use janu_store::UploadJob;
use serde::Serialize;

/// The flags and the action of `janu jobs`; its help is [`Action`]'s.
pub type Args = super::StoreCommand<Action>;

/// Show the upload queue that `janu serve` replicas fill and workers empty.
///
/// Give the same --database / --data-dir / --config as the servers (or the
/// same JANU_* variables). The first line counts the jobs by state and says
/// how long the oldest waiting upload has waited; then the newest jobs, one
/// per line. The same counts are served at /api/health and, for Prometheus,
/// at /metrics.
#[derive(Debug, clap::Subcommand)]
#[command(after_long_help = "\
Examples:
  janu jobs list
  janu jobs list --limit 200 --json | jq '.jobs[] | select(.state == \"failed\")'")]
pub enum Action {
    /// The queue's counts and the newest jobs of every user.
    List {
        /// How many jobs, newest first.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
        /// JSON for programs instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// One job as `--json` prints it.
#[derive(Debug, Serialize)]
struct JobRow {
    id: i64,
    user_id: i64,
    state: &'static str,
    kind: String,
    media_name: String,
    attempts: i32,
    worker: Option<String>,
    stage: Option<String>,
    progress: f32,
    session_id: Option<i64>,
    error: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<&UploadJob> for JobRow {
    fn from(j: &UploadJob) -> Self {
        let rfc = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        Self {
            id: j.id.0,
            user_id: j.user.0,
            state: j.state.as_str(),
            kind: j.kind.clone(),
            media_name: j.media_name.clone(),
            attempts: j.attempts,
            worker: j.worker.clone(),
            stage: j.stage.clone(),
            progress: j.progress,
            session_id: j.session.map(|s| s.0),
            error: j.error.clone(),
            created_at: rfc(j.created_at),
            updated_at: rfc(j.updated_at),
        }
    }
}

/// Run `janu jobs`.
pub fn run(args: Args) -> anyhow::Result<()> {
    args.run(async |Action::List { limit, json }, store, _| {
        let stats = store.queue_stats().await?;
        let jobs = store.recent_upload_jobs(limit).await?;
        if json {
            let doc = serde_json::json!({
                "queue": janu_server::api::QueueHealth::from(stats),
                "jobs": jobs.iter().map(JobRow::from).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
            return Ok(());
        }
        println!(
            "queued {} · running {} · done {} · failed {} · oldest waiting {:.0} s",
            stats.queued, stats.running, stats.done, stats.failed, stats.oldest_queued_s
        );
        if jobs.is_empty() {
            eprintln!("janu: no uploads yet");
            return Ok(());
        }
        println!(
            "{:>8}  {:<8}  {:>7}  {:<28}  {:>5}  {:<24}  what",
            "job", "state", "user id", "file", "tries", "worker"
        );
        for j in &jobs {
            let what = match (j.state, &j.error, j.session) {
                (_, Some(e), _) => e.clone(),
                (_, None, Some(s)) => format!("session {}", s.0),
                _ => format!(
                    "{} ({:.0} %)",
                    j.stage.as_deref().unwrap_or("waiting"),
                    j.progress * 100.0
                ),
            };
            println!(
                "{:>8}  {:<8}  {:>7}  {:<28}  {:>5}  {:<24}  {what}",
                j.id.0,
                j.state.as_str(),
                j.user.0,
                clip(&j.media_name, 28),
                j.attempts,
                clip(j.worker.as_deref().unwrap_or("-"), 24),
            );
        }
        Ok(())
    })
}

/// `s` cut to `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}
