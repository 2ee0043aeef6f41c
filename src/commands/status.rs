//! `bkops status`: one snapshot of what the dashboard shows, as text or JSON.

use std::fmt::Write;

use serde::Serialize;

use super::error::AppError;
use crate::backend::Backends;
use crate::domain::text::count;
use crate::domain::{format_age, format_span};
use crate::snapshot::boot::json::SummaryJson;
pub use crate::snapshot::{ContextStatus, ContextsReport, StackStatus, StatusReport, collect_all};

/// The snapshot of every stack, or of those named (an unknown name is said, exit 2).
pub async fn collect(backends: &Backends, only: &[String]) -> Result<StatusReport, AppError> {
    for name in only {
        super::check::check_stack(backends, name).await?;
    }
    Ok(crate::snapshot::collect(backends, only, crate::snapshot::Boots::Read).await?)
}

pub fn contexts_to_text(report: &ContextsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bkops status · {} · {}",
        count(report.contexts.len() as u32, "context", "contexts"),
        report.generated_at
    );
    for c in &report.contexts {
        let ctx = &c.context;
        let _ = writeln!(
            out,
            "\n== {} (profile {}, {}) ==",
            ctx.name,
            ctx.profile.as_deref().unwrap_or("default"),
            ctx.region
        );
        match &c.error {
            Some(e) => {
                let _ = writeln!(out, "  error: {e}");
            }
            None if c.stacks.is_empty() => {
                let _ = writeln!(out, "  no Elastic CI Stack here");
            }
            None => out.push_str(stacks_text(&c.stacks).trim_start_matches('\n')),
        }
    }
    out
}

pub fn to_json(report: &impl Serialize) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn to_text(report: &StatusReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bkops status · {} · {}", report.backend, report.generated_at);
    if let Some(e) = &report.latest_release_error {
        let _ = writeln!(out, "{e}");
    }
    out.push_str(&stacks_text(&report.stacks));
    out
}

fn stacks_text(stacks: &[StackStatus]) -> String {
    let mut out = String::new();
    for s in stacks {
        let st = &s.stack;
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}  queue={}  {}  {}  scaling={}  desired/min/max={}/{}/{}",
            st.name,
            st.queue,
            st.version,
            st.os.as_str(),
            st.scaling.label(),
            st.desired,
            st.min,
            st.max
        );
        if let (Some(true), Some(latest)) = (s.update_available, &s.latest_version) {
            let _ = writeln!(
                out,
                "  update: {} → {latest} is out (github.com/buildkite/elastic-ci-stack-for-aws/releases)",
                st.version
            );
        }
        if let Some(q) = &s.queue_metrics {
            let _ = writeln!(
                out,
                "  jobs:   scheduled {}  running {}  waiting {}\n  agents: idle {}  busy {}  total {}",
                q.scheduled, q.running, q.waiting, q.idle_agents, q.busy_agents, q.total_agents
            );
        }
        if let Some(a) = &s.auto_scaling {
            let _ = writeln!(
                out,
                "  instances: {} InService, {} Pending, {} Terminating, {} Unhealthy",
                a.in_service, a.pending, a.terminating, a.unhealthy
            );
            if let Some(b) = s.boot.as_ref().filter(|b| b.boots > 0) {
                let _ = writeln!(out, "  {}", boot_line(b, &st.name));
            }
            for i in &a.instances {
                let _ = writeln!(
                    out,
                    "    {:<19} {:<11} {:<9} {:<11} {:<10} {:>6}  agent {:<10} disk {}",
                    i.id,
                    i.lifecycle.as_str(),
                    i.health.as_str(),
                    i.instance_type,
                    i.availability_zone,
                    i.age_seconds.map_or_else(|| "?".into(), format_age),
                    i.agent,
                    i.disk.as_str()
                );
            }
        }
        for w in &s.warnings {
            let _ = writeln!(out, "  ! {}", w.text);
        }
        let d = &s.diagnosis;
        match d.headline() {
            Some(first) => {
                let _ = writeln!(out, "  {}: {first} (bkops why --stack {})", d.summary, st.name);
            }
            None if d.jobs_waiting.is_some() => {
                let _ = writeln!(out, "  {}", d.summary);
            }
            None => {}
        }
        if let Some(v) = &d.scaler {
            let _ = writeln!(out, "  scaler: {}", v.text.join("; "));
        }
        for e in &s.errors {
            let _ = writeln!(out, "  error: {e}");
        }
    }
    out
}

/// The stack's boots in a line: how many, launch to ready, and the slowest phase by median.
fn boot_line(b: &SummaryJson, stack: &str) -> String {
    let ready = b.ready.as_ref().map_or_else(
        || "none ready yet".to_string(),
        |r| {
            format!(
                "launch to ready {}/{} (median/p90)",
                format_span(r.median_seconds),
                format_span(r.p90_seconds)
            )
        },
    );
    let slowest = b.phases.as_ref().and_then(|p| {
        let each = [
            ("start", &p.start),
            ("cloud-init", &p.cloud_init),
            ("bootstrap", &p.bootstrap),
            ("agent", &p.agent),
        ];
        each.into_iter()
            .filter_map(|(name, s)| s.as_ref().map(|s| (s.median_seconds, name)))
            .filter(|&(median, _)| median > 0)
            .max()
            .map(|(_, name)| format!(", slowest {name}"))
    });
    format!(
        "boots:  {} in {}h, {ready}{}; {} failed, {} booting (bkops boot --stack {stack})",
        b.boots,
        crate::domain::boot::WINDOW_SECS / 3600,
        slowest.unwrap_or_default(),
        b.failed,
        b.booting
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::contexts::Context;

    #[test]
    fn each_context_is_a_heading_and_one_that_failed_says_why_under_it() {
        let context = |name: &str, profile: Option<&str>| Context {
            name: name.into(),
            profile: profile.map(Into::into),
            region: "us-east-1".into(),
        };
        let report = ContextsReport {
            schema_version: 1,
            generated_at: "2026-11-30T13:00:00Z".into(),
            bkops_version: "0.1.0",
            contexts: vec![
                ContextStatus {
                    context: context("prod", Some("ci-prod")),
                    error: Some("credentials: run `aws sso login --profile ci-prod`".into()),
                    stacks: Vec::new(),
                },
                ContextStatus { context: context("us-east-1", None), error: None, stacks: Vec::new() },
            ],
        };
        let text = contexts_to_text(&report);
        assert_eq!(
            text,
            "bkops status · 2 contexts · 2026-11-30T13:00:00Z\n\n\
             == prod (profile ci-prod, us-east-1) ==\n  error: credentials: run `aws sso login --profile ci-prod`\n\n\
             == us-east-1 (profile default, us-east-1) ==\n  no Elastic CI Stack here\n"
        );
    }
}
