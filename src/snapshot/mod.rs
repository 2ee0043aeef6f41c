//! One snapshot of a stack, read at once: what `bkops status`, `bkops why` and the fleet view
//! show, made from the read traits (no backend of its own), so that every layer above can
//! use it.

pub mod boot;
pub mod doctor;
pub mod incidents;
mod lines;
mod read;
pub mod timeline;

use futures::future::join_all;
use serde::Serialize;

pub use read::Read;

use self::boot::json::{Milestones, SummaryJson, milestones, summary_json};
use crate::analysis::boot::summary;
use crate::analysis::overview::StackLine;
use crate::analysis::why::{Diagnosis, Reason};
use crate::analysis::{Warning, warnings};
use crate::backend::Backends;
use crate::domain::boot::Boot;
use crate::domain::scaler_log::ScalerRead;
use crate::domain::scaler_log::ScalerRun;
use crate::domain::{
    BackendError, DiskSignal, Fleet, Health, Lifecycle, QueueMetrics, StackSummary, Timestamp,
};

/// The version of the JSON `bkops status`, `why` and `timeline` print, as
/// `schema/output.v1.schema.json` describes it: a field removed, renamed or changed in type
/// or meaning is a new version; one added is not.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub schema_version: u32,
    pub generated_at: String,
    /// The bkops that read it, and the commit it was built from (for a bug report).
    pub bkops_version: &'static str,
    pub backend: String,
    /// Why the latest release is not known, when it was looked for and could not be read
    /// (offline, say); `null` otherwise.
    pub latest_release_error: Option<String>,
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
    /// Why jobs wait, when they do: the reasons `bkops why` gives, ranked (the diagnosis's).
    pub why: Vec<Reason>,
    /// The one diagnosis every surface shows: jobs waiting, the agents that can and cannot
    /// take them, the reasons, and the scaler's verdict.
    pub diagnosis: Diagnosis,
    /// The stack's boots of the last 6 hours: their count, launch to ready and each phase
    /// (median and 90th percentile); `null` when not read (the fleet view reads none).
    pub boot: Option<SummaryJson>,
    /// The latest published release (`[updates]`); `null` when not checked or not known.
    pub latest_version: Option<String>,
    /// Whether the stack runs an older release than the latest; `null` when either is unknown.
    pub update_available: Option<bool>,
    /// What could not be read; the rest of the snapshot is still printed.
    pub errors: Vec<String>,
    /// When bkops paused it, from the group's record (for how long it has been paused).
    #[serde(skip)]
    pub paused_at: Option<Timestamp>,
}

/// Whether a snapshot reads the stacks' boots: up to one read per group of boot lines for a
/// stack that launched instances in the last 6 hours. `bkops status` does; the fleet view,
/// read every minute for every context, does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boots {
    Read,
    Skip,
}

#[derive(Debug, Serialize)]
pub struct ScalerSection {
    /// `read`, `missing`, `unreadable` or `none` (no scaler).
    pub read: &'static str,
    /// The last time the scaler ran at all.
    pub last_invocation: Option<String>,
    #[serde(skip)]
    pub last_invocation_at: Option<Timestamp>,
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
        last_invocation_at: log.and_then(|l| l.last_invocation),
        last_run: log.and_then(|l| l.last_run().cloned()),
        detail,
        unknown_lines: log.map_or(0, |l| l.unknown_lines),
        should_want,
    }
}

/// A stack's row in the fleet view, from its snapshot.
pub fn line(s: &StackStatus) -> StackLine {
    let st = &s.stack;
    let (desired, min, max) =
        s.auto_scaling.as_ref().map_or((st.desired, st.min, st.max), |a| (a.desired, a.min, a.max));
    let sc = &s.scaler;
    let verdict = match (&s.diagnosis.scaler, sc.read) {
        (Some(_), _) => String::new(),
        (None, "read") => "ran, decided nothing yet".into(),
        (None, "missing") if st.scaling.is_paused() => "paused: no runs".into(),
        (None, "missing") => "no scaler log".into(),
        (None, "unreadable") => "scaler log unreadable".into(),
        _ => "-".into(),
    };
    let scaler_error = s.diagnosis.scaler.as_ref().is_some_and(|v| v.outcome == "error");
    let mut warnings: Vec<String> = s.warnings.iter().map(|w| w.text.clone()).collect();
    warnings.extend(s.errors.iter().map(|e| format!("not read: {e}")));
    StackLine {
        stack: st.name.clone(),
        queue: st.queue.clone(),
        desired,
        min,
        max,
        scaling: st.scaling.label().to_string(),
        waiting: s.diagnosis.jobs_waiting,
        why: s.diagnosis.reasons.first().cloned(),
        agents: s.queue_metrics.map(|q| (q.idle_agents, q.busy_agents)),
        problem: scaler_error || !warnings.is_empty(),
        stack_failed: st.state() == crate::domain::StackState::Failed,
        warnings,
        scaler: s.diagnosis.scaler.clone(),
        verdict,
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
    /// The launch template version the group launches now.
    pub launch_template_version: Option<String>,
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
    /// Its boot's milestones, when it launched in the boots read (`null` otherwise).
    pub boot: Option<Milestones>,
    /// The launch template version it was launched with: another than the group's is an
    /// instance a rollover has yet to replace.
    pub launch_template_version: Option<String>,
    /// While its boot (when read) is neither ready nor failed: how long since its launch, and
    /// the last milestone it reached (`bkops watch`'s slow boots).
    #[serde(skip)]
    pub booting: Option<(i64, &'static str)>,
}

/// How long a boot has been under way and its last milestone, while it is under way.
fn booting(b: &Boot, now: Timestamp) -> Option<(i64, &'static str)> {
    use crate::domain::boot::Milestone;
    let launched = b.when(Milestone::Launched)?;
    let last = [
        (Milestone::BootstrapDone, "bootstrap_done"),
        (Milestone::CloudInitFinal, "cloud_init_final"),
        (Milestone::FirstLine, "first_line"),
        (Milestone::Launched, "launched"),
    ]
    .into_iter()
    .find(|(m, _)| b.when(*m).is_some())
    .map_or("launched", |(_, name)| name);
    crate::analysis::boot::is_booting(b).then(|| (now.secs_since(launched), last))
}

fn asg_status(f: &Fleet, now: Timestamp, boots: &[Boot]) -> AsgStatus {
    AsgStatus {
        name: f.asg_name.clone(),
        desired: f.desired,
        min: f.min,
        max: f.max,
        in_service: f.count(Lifecycle::InService),
        pending: f.count(Lifecycle::Pending),
        terminating: f.count(Lifecycle::Terminating),
        unhealthy: f.instances.iter().filter(|i| i.health == Health::Unhealthy).count(),
        launch_template_version: f.launch_template_version.clone(),
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
                boot: boots.iter().find(|b| b.instance == i.id).map(milestones),
                launch_template_version: i.launch_template_version.clone(),
                booting: boots.iter().find(|b| b.instance == i.id).and_then(|b| booting(b, now)),
            })
            .collect(),
    }
}

/// Every stack's snapshot, or with `only` those stacks' (none of a name that is not there).
pub async fn collect(
    backends: &Backends,
    only: &[String],
    boots: Boots,
) -> Result<StatusReport, BackendError> {
    let stacks = crate::deadline::within(backends.stacks.stacks()).await?;
    let now = backends.clock.now();
    let wanted: Vec<StackSummary> =
        stacks.iter().filter(|s| only.is_empty() || only.contains(&s.name)).cloned().collect();
    let all = &stacks;
    let names: Vec<String> = wanted.iter().map(|s| s.name.clone()).collect();
    backends.stacks.prepare(&names).await;
    let (latest, latest_release_error) = match crate::deadline::within(backends.releases.latest()).await {
        Ok(v) => (v, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let latest = latest.as_deref();
    let reads = wanted.into_iter().map(|stack| async move {
        let read = match boots {
            Boots::Read => Read::of(backends, &stack.name).await.with_boots(backends).await,
            Boots::Skip => Read::of(backends, &stack.name).await,
        };
        let diagnosis = read.diagnosis(now, &stack, all);
        let booted = read.boots.as_ref().map_or(&[][..], |b| &b.boots[..]);
        StackStatus {
            warnings: warnings(&stack, read.queue.as_ref(), read.fleet.as_ref()),
            auto_scaling: read.fleet.as_ref().map(|f| asg_status(f, now, booted)),
            boot: read.boots.as_ref().map(|b| summary_json(&summary(&b.boots))),
            latest_version: latest.map(str::to_string),
            update_available: latest
                .and_then(|l| crate::domain::release::behind(&stack.version, l))
                .map(crate::domain::release::Behind::is_behind),
            queue_metrics: read.queue,
            scaler: scaler_section(&read.scaler, read.should_want(now, &stack)),
            why: diagnosis.reasons.clone(),
            diagnosis,
            errors: read.unread.clone(),
            paused_at: read.fleet.as_ref().and_then(|f| f.paused_at),
            stack,
        }
    });
    Ok(StatusReport {
        schema_version: SCHEMA_VERSION,
        generated_at: now.rfc3339(),
        bkops_version: crate::version::VERSION,
        backend: backends.label.to_string(),
        latest_release_error,
        stacks: join_all(reads).await,
    })
}

/// `bkops status --all-contexts`: every configured context's snapshot, read at once; a
/// context that cannot be read says why on its own entry and never holds up the others.
#[derive(Debug, Serialize)]
pub struct ContextsReport {
    pub schema_version: u32,
    pub generated_at: String,
    pub bkops_version: &'static str,
    pub contexts: Vec<ContextStatus>,
}

#[derive(Debug, Serialize)]
pub struct ContextStatus {
    #[serde(flatten)]
    pub context: crate::domain::Context,
    /// Why nothing of this context could be read (its stacks are then empty).
    pub error: Option<String>,
    pub stacks: Vec<StackStatus>,
}

/// Every context's snapshot, concurrently; with `only`, the stacks of those names in each.
pub async fn collect_all(
    contexts: Vec<(crate::domain::Context, Backends)>,
    only: &[String],
    now: Timestamp,
) -> ContextsReport {
    // `bkops status --all-contexts` reads what `bkops status` does, boots included.
    let reads = contexts.into_iter().map(|(context, backends)| async move {
        // With `only`, each context reads those stacks alone (none where they are not).
        match collect(&backends, only, Boots::Read).await {
            Ok(r) => ContextStatus { context, error: None, stacks: r.stacks },
            Err(e) => ContextStatus { context, error: Some(e.to_string()), stacks: Vec::new() },
        }
    });
    ContextsReport {
        schema_version: SCHEMA_VERSION,
        generated_at: now.rfc3339(),
        bkops_version: crate::version::VERSION,
        contexts: join_all(reads).await,
    }
}
