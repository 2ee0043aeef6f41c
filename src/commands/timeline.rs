//! `bkops timeline --stack NAME --since 2h`: what happened to a stack, newest first, on one
//! time axis: activities, the scaler's decisions and errors, log signals, lost agents, what
//! operators did with bkops, queue spikes. For the incident channel and the postmortem.

use serde::Serialize;

use super::Format;
use super::error::AppError;
use crate::analysis::timeline::{Event, Severity};
use crate::backend::Backends;
use crate::domain::Timestamp;

#[derive(Debug, Clone, clap::Args)]
pub struct TimelineArgs {
    /// How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time.
    #[arg(long, default_value = "2h", value_name = "WHEN")]
    pub since: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    stack: &'a str,
    #[serde(serialize_with = "crate::domain::time::rfc3339")]
    since: Timestamp,
    events: &'a [Event],
    /// What could not be read, so its events are missing.
    unread: &'a [String],
}

pub async fn run(backends: &Backends, stack: Option<&str>, args: &TimelineArgs) -> Result<(), AppError> {
    let usage = "bkops timeline --stack NAME [--since 2h]";
    let (found, since) = super::check::stack_and_since(backends, stack, &args.since, usage).await?;
    let name = found.name.as_str();
    let timeline = crate::snapshot::timeline::read(backends, name, since).await;
    let report = Report {
        schema_version: crate::snapshot::SCHEMA_VERSION,
        stack: name,
        since,
        events: &timeline.events,
        unread: &timeline.unread,
    };
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match args.format {
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
    let mut out = format!(
        "{}: {} since {}, newest first\n",
        r.stack,
        crate::domain::text::count(r.events.len() as u64, "event", "events"),
        r.since.rfc3339()
    );
    for e in r.events {
        let mark = match e.severity {
            Severity::Bad => "✗",
            Severity::Warn => "!",
            Severity::Info => " ",
        };
        let instance = e.instance.as_deref().map(|i| format!("{i}  ")).unwrap_or_default();
        out.push_str(&format!("{} {mark} {:<8} {instance}{}\n", e.at.rfc3339(), e.source.label(), e.text));
        for job in &e.jobs {
            out.push_str(&format!("{:31}{} {}\n", "", job.name(), job.web_url()));
        }
    }
    for u in r.unread {
        out.push_str(&format!("not read: {u}\n"));
    }
    out
}
