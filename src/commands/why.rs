//! `bkops why --stack NAME`: why jobs wait on a stack's queue, for scripts and chat bots: the
//! same ranked reasons the dashboard shows under the queue chart.

use serde::Serialize;

use super::Format;
use super::error::AppError;
use crate::analysis::why::{Diagnosis, Part, Reason};
use crate::backend::Backends;
use crate::domain::QueueMetrics;
use crate::snapshot::Read;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    stack: &'a str,
    queue: &'a str,
    /// The queue's numbers, when they could be read.
    metrics: Option<QueueMetrics>,
    /// Whether jobs wait with no idle agent that can take them.
    waiting_for_agents: bool,
    reasons: &'a [Reason],
    /// The one diagnosis the dashboard and `bkops status` show too.
    diagnosis: &'a Diagnosis,
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
    let read = Read::of(backends, name).await.with_boots(backends).await;
    let diagnosis = read.diagnosis(backends.clock.now(), summary, &stacks);
    let report = Report {
        schema_version: crate::snapshot::SCHEMA_VERSION,
        stack: name,
        queue: &summary.queue,
        metrics: read.queue,
        waiting_for_agents: diagnosis.stuck,
        reasons: &diagnosis.reasons,
        diagnosis: &diagnosis,
        unread: read.unread,
    };
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match format {
        Format::Json => {
            let text =
                serde_json::to_string_pretty(&report).map_err(|e| AppError::Terminal(e.to_string()))?;
            crate::output::out_json(&text)
        }
        Format::Text => crate::output::out(text(&report).trim_end()),
    };
    Ok(())
}

fn text(r: &Report<'_>) -> String {
    let mut out = String::new();
    for (part, line) in r.diagnosis.lines() {
        match part {
            Part::Summary => {
                out.push_str(&format!("{} (queue {}): {line}\n", r.stack, r.queue));
                if let Some(m) = r.metrics {
                    out.push_str(&format!(
                        "  scheduled {}, waiting {}, running {}; agents idle {}, busy {}\n",
                        m.scheduled, m.waiting, m.running, m.idle_agents, m.busy_agents
                    ));
                }
                if r.diagnosis.stuck && r.reasons.is_empty() {
                    out.push_str(
                        "  nothing bkops can read explains it yet: the scaler may simply be catching up\n",
                    );
                }
            }
            _ => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    for u in &r.unread {
        out.push_str(&format!("not read: {u}\n"));
    }
    out
}
