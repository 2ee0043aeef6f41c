//! `bkops why --stack NAME`: why jobs wait on a stack's queue, for scripts and chat bots: the
//! same ranked reasons the dashboard shows under the queue chart.

use serde::Serialize;

use super::Format;
use crate::backend::Backends;
use crate::domain::why::{Reason, jobs_stuck};
use crate::domain::{QueueMetrics, StackSummary};
use crate::error::AppError;
use crate::snapshot::Read;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    stack: &'a str,
    queue: &'a str,
    /// The queue's numbers, when they could be read.
    metrics: Option<QueueMetrics>,
    /// Whether jobs wait with no agent to take them.
    waiting_for_agents: bool,
    reasons: &'a [Reason],
    /// What could not be read, and so could not be weighed.
    unread: Vec<String>,
}

pub async fn run(backends: &Backends, stack: Option<&str>, format: Format) -> Result<(), AppError> {
    let Some(name) = stack else {
        return Err(AppError::Usage("which stack? bkops why --stack NAME".into()));
    };
    let stacks = backends.stacks.stacks().await?;
    let Some(summary) = stacks.iter().find(|s| s.name == name) else {
        super::check::check_stack(backends, name).await?;
        return Ok(());
    };
    let read = Read::of(backends, name).await;
    let found = read.reasons(backends.clock.now(), summary, &stacks);
    let report = Report {
        schema_version: crate::snapshot::SCHEMA_VERSION,
        stack: name,
        queue: &summary.queue,
        metrics: read.queue,
        waiting_for_agents: read.queue.as_ref().is_some_and(jobs_stuck),
        reasons: &found,
        unread: read.unread,
    };
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match format {
        Format::Json => {
            let text =
                serde_json::to_string_pretty(&report).map_err(|e| AppError::Terminal(e.to_string()))?;
            crate::output::out_json(&text)
        }
        Format::Text => crate::output::out(text(summary, &report).trim_end()),
    };
    Ok(())
}

fn text(summary: &StackSummary, r: &Report<'_>) -> String {
    let mut out = String::new();
    match r.metrics {
        None => {
            out.push_str(&format!("{}: the queue could not be read, so nothing can be said of it\n", r.stack))
        }
        Some(m) if !r.waiting_for_agents => out.push_str(&format!(
            "{}: no job waits for an agent on queue {} (scheduled {}, waiting {}, idle agents {})\n",
            r.stack, summary.queue, m.scheduled, m.waiting, m.idle_agents
        )),
        Some(m) => {
            out.push_str(&format!(
                "{}: {} on queue {} and no agent is idle\n",
                r.stack,
                crate::domain::text::count(m.scheduled + m.waiting, "job waits", "jobs wait"),
                summary.queue
            ));
            if r.reasons.is_empty() {
                out.push_str(
                    "  nothing bkops can read explains it yet: the scaler may simply be catching up\n",
                );
            }
            for (n, reason) in r.reasons.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", n + 1, reason.headline));
                for e in &reason.evidence {
                    out.push_str(&format!("   {e}\n"));
                }
            }
        }
    }
    for u in &r.unread {
        out.push_str(&format!("not read: {u}\n"));
    }
    out
}
