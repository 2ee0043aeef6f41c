//! `bkops boot --stack NAME --since 6h`: time to capacity. Every boot in the window, one line
//! each with its phases and the slowest named, failed boots with their step and line, and the
//! median and 90th percentile of each phase at the end.

use serde::Serialize;

use super::Format;
use super::error::AppError;
use crate::analysis::boot::{PHASES, Stat, Summary, is_booting, phases, ready_secs, slowest, summary};
use crate::backend::Backends;
use crate::domain::boot::{Boot, Milestone};
use crate::domain::text::sanitize;
use crate::domain::{Timestamp, format_span};
use crate::snapshot::boot::json::{BootJson, SummaryJson, boot_json, summary_json};

#[derive(Debug, Clone, clap::Args)]
pub struct BootArgs {
    /// How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time.
    #[arg(long, default_value = "6h", value_name = "WHEN")]
    pub since: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Serialize)]
struct Report {
    schema_version: u32,
    stack: String,
    #[serde(serialize_with = "crate::domain::time::rfc3339")]
    since: Timestamp,
    boots: Vec<BootJson>,
    summary: SummaryJson,
    /// What could not be read, so its milestones are missing.
    unread: Vec<String>,
}

pub async fn run(backends: &Backends, stack: Option<&str>, args: &BootArgs) -> Result<(), AppError> {
    let usage = "bkops boot --stack NAME [--since 6h]";
    let (found, since) = super::check::stack_and_since(backends, stack, &args.since, usage).await?;
    let name = found.name.as_str();
    let read = crate::snapshot::boot::read(backends, name, since, &Default::default()).await;
    let sum = summary(&read.boots);
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match args.format {
        Format::Json => {
            let report = Report {
                schema_version: crate::snapshot::SCHEMA_VERSION,
                stack: name.to_string(),
                since,
                boots: read.boots.iter().map(boot_json).collect(),
                summary: summary_json(&sum),
                unread: read.unread.clone(),
            };
            let text =
                serde_json::to_string_pretty(&report).map_err(|e| AppError::Terminal(e.to_string()))?;
            crate::output::out_json(&text)
        }
        Format::Text => crate::output::out(text(name, since, &read.boots, &sum, &read.unread).trim_end()),
    };
    Ok(())
}

fn secs(s: Option<i64>) -> String {
    s.map_or_else(|| "-".to_string(), format_span)
}

fn stat_text(s: Option<Stat>) -> String {
    s.map_or_else(|| "-".to_string(), |s| format!("{}/{}", format_span(s.median), format_span(s.p90)))
}

fn text(stack: &str, since: Timestamp, boots: &[Boot], sum: &Summary, unread: &[String]) -> String {
    let mut out = format!(
        "{stack}: {} since {}\n",
        crate::domain::text::count(boots.len() as u64, "boot", "boots"),
        since.rfc3339()
    );
    if !boots.is_empty() {
        out.push_str(&format!("{:<20} {:<20} {:>7}", "INSTANCE", "LAUNCHED", "READY"));
        for (name, _) in PHASES {
            out.push_str(&format!(" {:>10}", name.to_uppercase()));
        }
        out.push_str("  SLOWEST\n");
    }
    for b in boots {
        let launched = b.when(Milestone::Launched).map_or_else(|| "-".into(), |t| t.rfc3339());
        let ready = match (ready_secs(b), &b.failure) {
            (Some(s), _) => format_span(s),
            (None, Some(_)) => "failed".into(),
            (None, None) if is_booting(b) => "booting".into(),
            (None, None) => "-".into(),
        };
        out.push_str(&format!("{:<20} {launched:<20} {ready:>7}", sanitize(&b.instance)));
        for (_, s) in phases(b) {
            out.push_str(&format!(" {:>10}", secs(s)));
        }
        out.push_str(&format!("  {}\n", slowest(b).unwrap_or("-")));
        if let Some(f) = &b.failure {
            out.push_str(&format!("{:21}bootstrap failed: {}\n", "", sanitize(f)));
        }
    }
    out.push_str(&format!(
        "launch to ready (median/p90): {} over {}; {} failed, {} booting\n",
        stat_text(sum.ready),
        crate::domain::text::count(sum.ready.map_or(0, |s| s.n) as u64, "boot", "boots"),
        sum.failed,
        sum.booting
    ));
    let each: Vec<String> = sum.phases.iter().map(|(name, s)| format!("{name} {}", stat_text(*s))).collect();
    out.push_str(&format!("phases (median/p90): {}\n", each.join(", ")));
    for u in unread {
        out.push_str(&format!("not read: {}\n", sanitize(u)));
    }
    out
}
