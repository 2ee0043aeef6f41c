//! `bkops status`: one snapshot of what the dashboard shows, as text or JSON.

use std::fmt::Write;

use futures::future::join_all;
use serde::Serialize;

use crate::backend::Backends;
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
    /// What could not be read; the rest of the snapshot is still printed.
    pub errors: Vec<String>,
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
            })
            .collect(),
    }
}

/// The stacks' names, for checking `--stack` before anything else runs.
pub async fn check_stack(backends: &Backends, name: &str) -> Result<(), AppError> {
    let stacks = backends.stacks.stacks().await?;
    if stacks.iter().any(|s| s.name == name) {
        return Ok(());
    }
    let known = stacks.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    let known = if known.is_empty() { "(none found)".to_string() } else { known };
    Err(AppError::UnknownStack { name: name.to_string(), known })
}

pub async fn collect(backends: &Backends, only: Option<&str>) -> Result<StatusReport, AppError> {
    if let Some(name) = only {
        check_stack(backends, name).await?;
    }
    let stacks = backends.stacks.stacks().await?;
    let now = backends.clock.now();
    let wanted: Vec<StackSummary> = stacks.into_iter().filter(|s| only.is_none_or(|o| s.name == o)).collect();
    let reads = wanted.into_iter().map(|stack| async move {
        let (queue, fleet) =
            tokio::join!(backends.queues.queue(&stack.name), backends.stacks.fleet(&stack.name));
        let mut errors = Vec::new();
        let queue = queue.map_err(|e| errors.push(format!("queue: {e}"))).ok();
        let fleet = fleet.map_err(|e| errors.push(format!("auto scaling group: {e}"))).ok();
        StackStatus {
            warnings: warnings(&stack, queue.as_ref(), fleet.as_ref()),
            auto_scaling: fleet.as_ref().map(|f| asg_status(f, now)),
            queue_metrics: queue,
            stack,
            errors,
        }
    });
    Ok(StatusReport {
        generated_at: now.rfc3339(),
        backend: backends.label.to_string(),
        stacks: join_all(reads).await,
    })
}

pub fn to_json(report: &StatusReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn to_text(report: &StatusReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bkops status · {} · {}", report.backend, report.generated_at);
    for s in &report.stacks {
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
        for e in &s.errors {
            let _ = writeln!(out, "  error: {e}");
        }
    }
    out
}
