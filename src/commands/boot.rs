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

/// Each milestone as an RFC 3339 time, in the order a boot reaches them; `null` while not seen.
#[derive(Serialize)]
struct Milestones {
    launched: Option<String>,
    first_line: Option<String>,
    cloud_init_final: Option<String>,
    bootstrap_done: Option<String>,
    bootstrap_failed: Option<String>,
    registered: Option<String>,
    first_job: Option<String>,
}

/// One value per phase, in `PHASES`' order.
#[derive(Serialize)]
struct Phases<T> {
    start: T,
    cloud_init: T,
    bootstrap: T,
    agent: T,
    first_job: T,
}

impl<T> Phases<T> {
    fn of(mut v: Vec<T>) -> Option<Self> {
        let first_job = v.pop()?;
        let agent = v.pop()?;
        let bootstrap = v.pop()?;
        let cloud_init = v.pop()?;
        let start = v.pop()?;
        Some(Phases { start, cloud_init, bootstrap, agent, first_job })
    }
}

#[derive(Serialize)]
struct BootJson {
    instance: String,
    milestones: Milestones,
    /// Each phase's seconds; `null` while unknown.
    phases: Option<Phases<Option<i64>>>,
    ready_seconds: Option<i64>,
    slowest: Option<&'static str>,
    booting: bool,
    failure: Option<String>,
}

#[derive(Serialize)]
struct StatJson {
    median_seconds: i64,
    p90_seconds: i64,
    boots: usize,
}

#[derive(Serialize)]
struct SummaryJson {
    boots: usize,
    failed: usize,
    booting: usize,
    ready: Option<StatJson>,
    phases: Option<Phases<Option<StatJson>>>,
}

fn stat_json(s: Option<Stat>) -> Option<StatJson> {
    s.map(|s| StatJson { median_seconds: s.median, p90_seconds: s.p90, boots: s.n })
}

fn milestones(b: &Boot) -> Milestones {
    let at = |m| b.when(m).map(|t: Timestamp| t.rfc3339_millis());
    Milestones {
        launched: at(Milestone::Launched),
        first_line: at(Milestone::FirstLine),
        cloud_init_final: at(Milestone::CloudInitFinal),
        bootstrap_done: at(Milestone::BootstrapDone),
        bootstrap_failed: at(Milestone::BootstrapFailed),
        registered: at(Milestone::Registered),
        first_job: at(Milestone::FirstJob),
    }
}

fn boot_json(b: &Boot) -> BootJson {
    BootJson {
        instance: b.instance.clone(),
        milestones: milestones(b),
        phases: Phases::of(phases(b).into_iter().map(|(_, s)| s).collect()),
        ready_seconds: ready_secs(b),
        slowest: slowest(b),
        booting: is_booting(b),
        failure: b.failure.as_deref().map(|f| sanitize(f).into_owned()),
    }
}

fn summary_json(s: &Summary) -> SummaryJson {
    SummaryJson {
        boots: s.boots,
        failed: s.failed,
        booting: s.booting,
        ready: stat_json(s.ready),
        phases: Phases::of(s.phases.iter().map(|&(_, st)| stat_json(st)).collect()),
    }
}

pub async fn run(backends: &Backends, stack: Option<&str>, args: &BootArgs) -> Result<(), AppError> {
    let usage = "bkops boot --stack NAME [--since 6h]";
    let (name, since) = super::check::stack_and_since(backends, stack, &args.since, usage).await?;
    let name = name.as_str();
    let read = crate::snapshot::boot::read(backends, name, since).await;
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
