//! `bkops status`: one snapshot of what the dashboard shows, as text or JSON.

use std::fmt::Write;

use futures::future::join_all;
use serde::Serialize;

use crate::backend::Backends;
use crate::domain::scaler_log::ScalerRun;
use crate::domain::text::count;
use crate::domain::why::{Reason, ScalerRead};
use crate::domain::{
    DiskSignal, Fleet, Health, Lifecycle, QueueMetrics, StackSummary, Timestamp, Warning, format_age,
    warnings,
};
use crate::error::AppError;

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub generated_at: String,
    pub backend: String,
    pub stacks: Vec<StackStatus>,
}

#[derive(Debug, Serialize)]
pub struct StackStatus {
    #[serde(flatten)]
    pub stack: StackSummary,
    pub queue_metrics: Option<QueueMetrics>,
    pub auto_scaling: Option<AsgStatus>,
    pub warnings: Vec<Warning>,
    /// What the scaler's own log says of its last run.
    pub scaler: ScalerSection,
    /// Why jobs wait, when they do: the reasons `bkops why` gives, ranked.
    pub why: Vec<Reason>,
    /// What could not be read; the rest of the snapshot is still printed.
    pub errors: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ScalerSection {
    /// `read`, `missing`, `unreadable` or `none` (no scaler).
    pub read: &'static str,
    /// The last time the scaler ran at all.
    pub last_invocation: Option<String>,
    pub last_run: Option<ScalerRun>,
    /// The group, when it is missing; why, when it cannot be read.
    pub detail: Option<String>,
    pub unknown_lines: usize,
    /// What the scaler's algorithm wants from the numbers read now, with the stack's own
    /// parameters (what bkops would set the desired count to).
    pub should_want: Option<u32>,
}

fn scaler_section(read: &ScalerRead, should_want: Option<u32>) -> ScalerSection {
    let (read, log, detail) = match read {
        ScalerRead::Read(log) => ("read", Some(log), None),
        ScalerRead::Missing { group } => ("missing", None, Some(group.clone())),
        ScalerRead::Unreadable { text } => ("unreadable", None, Some(text.clone())),
        ScalerRead::None => ("none", None, None),
    };
    ScalerSection {
        read,
        last_invocation: log.and_then(|l| l.last_invocation).map(Timestamp::rfc3339),
        last_run: log.and_then(|l| l.last_run().cloned()),
        detail,
        unknown_lines: log.map_or(0, |l| l.unknown_lines),
        should_want,
    }
}

#[derive(Debug, Serialize)]
pub struct AsgStatus {
    pub name: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub in_service: usize,
    pub pending: usize,
    pub terminating: usize,
    pub unhealthy: usize,
    pub instances: Vec<InstanceStatus>,
}

#[derive(Debug, Serialize)]
pub struct InstanceStatus {
    pub id: String,
    pub lifecycle: Lifecycle,
    pub health: Health,
    pub instance_type: String,
    pub availability_zone: String,
    pub launched_at: Option<String>,
    pub age_seconds: Option<i64>,
    pub spot: Option<bool>,
    pub agent: String,
    pub job: Option<String>,
    pub disk: DiskSignal,
    pub boot_failed: bool,
    pub spot_notice: bool,
}

fn asg_status(f: &Fleet, now: Timestamp) -> AsgStatus {
    AsgStatus {
        name: f.asg_name.clone(),
        desired: f.desired,
        min: f.min,
        max: f.max,
        in_service: f.count(Lifecycle::InService),
        pending: f.count(Lifecycle::Pending),
        terminating: f.count(Lifecycle::Terminating),
        unhealthy: f.instances.iter().filter(|i| i.health == Health::Unhealthy).count(),
        instances: f
            .instances
            .iter()
            .map(|i| InstanceStatus {
                id: i.id.clone(),
                lifecycle: i.lifecycle,
                health: i.health,
                instance_type: i.instance_type.clone(),
                availability_zone: i.availability_zone.clone(),
                launched_at: i.launched_at.map(Timestamp::rfc3339),
                age_seconds: i.launched_at.map(|t| now.secs_since(t)),
                spot: i.spot,
                agent: i.agents.label(),
                job: i.agents.job.clone(),
                disk: i.disk,
                boot_failed: i.boot_failed,
                spot_notice: i.spot_notice,
            })
            .collect(),
    }
}

pub async fn collect(backends: &Backends, only: Option<&str>) -> Result<StatusReport, AppError> {
    if let Some(name) = only {
        super::check::check_stack(backends, name).await?;
    }
    let stacks = backends.stacks.stacks().await?;
    let now = backends.clock.now();
    let wanted: Vec<StackSummary> =
        stacks.iter().filter(|s| only.is_none_or(|o| s.name == o)).cloned().collect();
    let all = &stacks;
    let names: Vec<String> = wanted.iter().map(|s| s.name.clone()).collect();
    backends.stacks.prepare(&names).await;
    let reads = wanted.into_iter().map(|stack| async move {
        let read = super::why::Read::of(backends, &stack.name).await;
        StackStatus {
            warnings: warnings(&stack, read.queue.as_ref(), read.fleet.as_ref()),
            auto_scaling: read.fleet.as_ref().map(|f| asg_status(f, now)),
            queue_metrics: read.queue,
            scaler: scaler_section(&read.scaler, read.should_want(now, &stack)),
            why: read.reasons(now, &stack, all),
            errors: read.unread.clone(),
            stack,
        }
    });
    Ok(StatusReport {
        generated_at: now.rfc3339(),
        backend: backends.label.to_string(),
        stacks: join_all(reads).await,
    })
}

/// `bkops status --all-contexts`: every configured context's snapshot, read at once; a
/// context that cannot be read says why on its own entry and never holds up the others.
#[derive(Debug, Serialize)]
pub struct ContextsReport {
    pub generated_at: String,
    pub contexts: Vec<ContextStatus>,
}

#[derive(Debug, Serialize)]
pub struct ContextStatus {
    #[serde(flatten)]
    pub context: crate::contexts::Context,
    /// Why nothing of this context could be read (its stacks are then empty).
    pub error: Option<String>,
    pub stacks: Vec<StackStatus>,
}

/// Every context's snapshot, concurrently; with `only`, the stacks of that name in each.
pub async fn collect_all(
    contexts: Vec<(crate::contexts::Context, Backends)>,
    only: Option<&str>,
    now: Timestamp,
) -> ContextsReport {
    let reads = contexts.into_iter().map(|(context, backends)| async move {
        match collect(&backends, None).await {
            Ok(mut r) => {
                r.stacks.retain(|s| only.is_none_or(|o| s.stack.name == o));
                ContextStatus { context, error: None, stacks: r.stacks }
            }
            Err(e) => ContextStatus { context, error: Some(e.to_string()), stacks: Vec::new() },
        }
    });
    ContextsReport { generated_at: now.rfc3339(), contexts: join_all(reads).await }
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
        if let Some(first) = s.why.first() {
            let _ = writeln!(out, "  why jobs wait: {} (bkops why --stack {})", first.headline, st.name);
        }
        for e in &s.errors {
            let _ = writeln!(out, "  error: {e}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contexts::Context;

    #[test]
    fn each_context_is_a_heading_and_one_that_failed_says_why_under_it() {
        let context = |name: &str, profile: Option<&str>| Context {
            name: name.into(),
            profile: profile.map(Into::into),
            region: "us-east-1".into(),
        };
        let report = ContextsReport {
            generated_at: "2026-11-30T13:00:00Z".into(),
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
