//! "Jobs are waiting: why is nothing scaling?", answered from what bkops has read: every
//! reason that holds, ranked so that the first is the one to act on, each with its evidence.
//! A pure function of the stack's state, so each reason is tested on its own.

use serde::Serialize;

mod capacity;
mod diagnosis;
mod verdict;

pub use capacity::{Capacity, Unusable};
pub use diagnosis::{Diagnosis, Part, diagnose};
pub use verdict::{Cooldown, Verdict, span};

use super::scaler::{Decision, ScalerInputs, ScalerParams, decide, wanted};
use super::scaler_log::{Direction, Outcome, ScalerLog, ScalerRun};
use super::{
    ActivityStatus, AgentState, Fleet, Lifecycle, QueueMetrics, ScalingActivity, StackSummary, Timestamp,
};

/// An instance still Pending after this long is not coming up.
pub const PENDING_TOO_LONG_SECS: i64 = 10 * 60;
/// An InService instance with no agent after this long is a zombie: the scaler counts it as
/// capacity, but it takes no job.
pub const ZOMBIE_AFTER_SECS: i64 = 5 * 60;
/// A failed launch older than this no longer explains the queue now.
const FAILED_LAUNCH_WINDOW_SECS: i64 = 30 * 60;
/// The scaler runs every minute; no run for this long while its rule fires means it is not
/// running.
pub const SCALER_SILENT_SECS: i64 = 3 * 60;

/// What was read of the scaler's log group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "read", rename_all = "snake_case")]
pub enum ScalerRead {
    Read(ScalerLog),
    /// The group does not exist or holds nothing of the last minutes (retention is one day
    /// by default).
    Missing {
        group: String,
    },
    /// It could not be read (permission, throttling): the text says why.
    Unreadable {
        text: String,
    },
    /// The stack has no scaler to read (fixed size), or its function is not known.
    None,
}

/// The scaler's error texts and the group's name are shown: cleaned where they enter.
impl super::text::Sanitize for ScalerRead {
    fn sanitize(&mut self) {
        match self {
            ScalerRead::Read(log) => {
                for run in &mut log.runs {
                    if let Outcome::Error { text } = &mut run.outcome {
                        text.sanitize();
                    }
                }
            }
            ScalerRead::Missing { group: s } | ScalerRead::Unreadable { text: s } => s.sanitize(),
            ScalerRead::None => {}
        }
    }
}

/// Everything the explanation is made from.
pub struct Facts<'a> {
    pub now: Timestamp,
    pub stack: &'a StackSummary,
    /// Every stack found, to spot two on one queue.
    pub stacks: &'a [StackSummary],
    pub queue: Option<&'a QueueMetrics>,
    pub fleet: Option<&'a Fleet>,
    /// Newest first.
    pub activities: &'a [ScalingActivity],
    pub scaler: &'a ScalerRead,
}

/// One reason jobs wait, with what shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable, for scripts: `paused`, `fixed_size`, `at_max_size`, `cooldown`, ….
    pub code: &'static str,
    /// A few words for the queue pane's border (about 30 characters).
    pub headline: String,
    /// What shows it, and what to do: the first line is the full sentence.
    pub evidence: Vec<String>,
}

fn reason(code: &'static str, headline: String, evidence: Vec<String>) -> Reason {
    Reason { code, headline, evidence }
}

/// An InService instance whose agent never registered, for longer than a boot takes: the
/// scaler counts it as capacity, but it takes no job.
pub fn is_zombie(i: &super::Instance, now: Timestamp) -> bool {
    i.lifecycle == Lifecycle::InService
        && i.agents.state == AgentState::None
        && i.launched_at.is_some_and(|t| now.secs_since(t) > ZOMBIE_AFTER_SECS)
}

/// What is wrong with an instance, in a few words for its row, and how bad it is (0 is the
/// worst): the order problem rows come in. `None` when nothing is.
pub fn problem(i: &super::Instance, now: Timestamp) -> Option<(u8, &'static str)> {
    let pending_for = i.launched_at.map(|t| now.secs_since(t));
    if i.boot_failed {
        Some((0, "boot failed"))
    } else if i.disk == super::DiskSignal::Full {
        Some((1, "disk full"))
    } else if i.health == super::Health::Unhealthy {
        Some((2, "unhealthy"))
    } else if is_zombie(i, now) {
        Some((3, "no agent"))
    } else if i.spot_notice {
        Some((4, "spot notice"))
    } else if i.agents.state == AgentState::Lost {
        Some((5, "agent lost"))
    } else if i.lifecycle == Lifecycle::Pending && pending_for.is_some_and(|s| s > PENDING_TOO_LONG_SECS) {
        Some((6, "pending long"))
    } else if i.lifecycle == Lifecycle::Terminating && i.agents.busy > 0 {
        Some((7, "job running"))
    } else {
        None
    }
}

/// What is wrong with an instance, in a few words for its row, worst first; `None` when
/// nothing is.
pub fn trouble(i: &super::Instance, now: Timestamp) -> Option<&'static str> {
    problem(i, now).map(|(_, words)| words)
}

/// What the scaler's algorithm (v1.12.0, the one the demo runs) wants from the numbers read
/// now, with the stack's own parameters: the instance count, and the decision it leads to
/// (cooldown from the last scale-out in the activities, as the scaler itself seeds it).
pub fn should_want(f: &Facts<'_>) -> Option<(u32, Decision)> {
    let params = f.stack.scaler_params.as_ref()?;
    let (queue, fleet) = (f.queue?, f.fleet?);
    let inputs = ScalerInputs {
        scheduled: queue.scheduled,
        running: queue.running,
        waiting: queue.waiting,
        total_agents: queue.total_agents,
        desired: fleet.desired,
        min: fleet.min,
        max: fleet.max,
        actual: fleet.count(Lifecycle::InService) as u32,
    };
    let last_out = f
        .activities
        .iter()
        .find(|a| {
            a.status == ActivityStatus::Successful
                && a.cause.contains("a user request explicitly set group desired capacity")
        })
        .map(|a| a.start);
    Some((wanted(params, &inputs), decide(params, &inputs, f.now, last_out, None)))
}

/// What the algorithm gives from what the scaler's own run saw, when that run logged its
/// inputs: a different answer means a parameter, or the scaler's version, is not what bkops
/// read.
fn algorithm_on(params: &ScalerParams, run: &ScalerRun) -> Option<u32> {
    let ([scheduled, running, waiting], [_, _, total_agents], [_, desired, actual, min, max]) =
        (run.jobs?, run.agents?, run.group?);
    let inputs = ScalerInputs { scheduled, running, waiting, total_agents, desired, min, max, actual };
    Some(wanted(params, &inputs))
}

/// What a failed launch's message says the cause is: a few words, and the sentence.
fn launch_cause(text: &str) -> (&'static str, &'static str) {
    let t = text.to_ascii_lowercase();
    if t.contains("insufficient") && t.contains("capacity") || t.contains("do not have sufficient") {
        ("no capacity", "EC2 has no capacity for these instance types in these zones: add types or zones")
    } else if t.contains("spot") {
        ("Spot capacity", "Spot capacity or price: add instance types, or on-demand capacity")
    } else if t.contains("limit") || t.contains("quota") {
        ("a quota", "an account quota (vCPU or instance limit): ask AWS to raise it")
    } else if t.contains("not authorized") || t.contains("accessdenied") || t.contains("permission") {
        ("permissions", "permissions: the group may not use the launch template, its role or its key")
    } else {
        ("see the activity", "the activity says why")
    }
}

/// `arn:aws:sts::1:assumed-role/ops/ana` → `ana`: who, in a few characters.
fn short_who(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Every reason jobs wait, the one to act on first: the diagnosis's reasons. Empty when no
/// job waits, or an idle agent can take them.
pub fn reasons(f: &Facts<'_>) -> Vec<Reason> {
    diagnose(f).reasons
}

/// Every reason that holds while jobs wait with no idle agent able to take them, the one to
/// act on first.
fn ranked(f: &Facts<'_>, capacity: &Capacity, verdict: Option<&Verdict>) -> Vec<Reason> {
    let mut out = Vec::new();
    let (desired, max) = f.fleet.map_or((f.stack.desired, f.stack.max), |g| (g.desired, g.max));
    if f.stack.scaling.is_paused() {
        let by = f.fleet.and_then(|g| g.paused_by.clone());
        let short = by.as_deref().map_or(String::new(), |b| format!(" by {}", short_who(b)));
        let who = by.as_deref().map_or(String::new(), |b| format!(" by {b}"));
        out.push(reason(
            "paused",
            format!("scaling paused{short}"),
            vec![
                format!("the scaler's rule is disabled{who}: no instance is added while it is paused"),
                "P in the dashboard, or bkops scaling resume, resumes it".into(),
            ],
        ));
    }
    if matches!(f.stack.scaling, super::ScalingState::FixedSize) {
        out.push(reason(
            "fixed_size",
            "fixed size: no scaler".into(),
            vec![format!(
                "MinSize = MaxSize = {max}: the stack was created without a scaler, so nothing adds instances"
            )],
        ));
    }
    if desired >= max {
        out.push(reason(
            "at_max_size",
            format!("at MaxSize ({desired} of {max})"),
            vec![format!(
                "the group's desired capacity is {desired}, its MaxSize {max}: raise MaxSize to add instances"
            )],
        ));
    }
    let log = match f.scaler {
        ScalerRead::Read(log) => Some(log),
        _ => None,
    };
    let last = log.and_then(ScalerLog::last_run);
    if let Some(v) = verdict
        && let Some(c) = &v.cooldown
        && c.direction == Direction::Out
        && c.left_secs.is_none_or(|left| left > 0)
    {
        let wants = v.calculated.map_or("more instances".to_string(), |n| format!("{n}"));
        let (headline, wait) = match c.left_secs {
            Some(left) => (
                format!("scaler wants {wants}, cooldown {} left", span(left)),
                format!("waits {} more", span(left)),
            ),
            None => (
                format!("scaler wants {wants}, in cooldown"),
                "is in cooldown (its line gives no length)".into(),
            ),
        };
        out.push(reason(
            "cooldown",
            headline,
            vec![format!(
                "the scaler wants {wants} but {wait} (ScaleOutCooldownPeriod): it adds instances once that ends"
            )],
        ));
    }
    let failed = f.activities.iter().find(|a| {
        a.status == ActivityStatus::Failed && f.now.secs_since(a.start) <= FAILED_LAUNCH_WINDOW_SECS
    });
    if let Some(a) = failed {
        let text = a.status_message.clone().unwrap_or_else(|| a.description.clone());
        let (short, sentence) = launch_cause(&text);
        out.push(reason(
            "launches_failing",
            format!("launches failing: {short}"),
            vec![format!("launches are failing: {sentence}"), format!("{} {text}", a.start.rfc3339())],
        ));
    }
    if let Some(fleet) = f.fleet {
        let age = |i: &super::Instance| i.launched_at.map(|t| f.now.secs_since(t));
        let stuck: Vec<String> = fleet
            .instances
            .iter()
            .filter(|i| {
                i.lifecycle == Lifecycle::Pending && age(i).is_some_and(|a| a > PENDING_TOO_LONG_SECS)
            })
            .map(|i| format!("{} Pending for {}", i.id, super::format_age(age(i).unwrap_or(0))))
            .collect();
        if !stuck.is_empty() {
            let mut evidence =
                vec!["Pending for over 10 minutes: they are not booting (see their cloud-init logs)".into()];
            evidence.extend(stuck.iter().cloned());
            out.push(reason("pending_too_long", format!("{} Pending over 10 min", stuck.len()), evidence));
        }
        let zombies: Vec<String> = fleet
            .instances
            .iter()
            .filter(|i| is_zombie(i, f.now))
            .map(|i| {
                let boot = if i.boot_failed { "; its bootstrap failed" } else { "" };
                format!(
                    "{} InService for {} with no agent{boot}",
                    i.id,
                    super::format_age(age(i).unwrap_or(0))
                )
            })
            .collect();
        if !zombies.is_empty() {
            let mut evidence = vec![
                "InService with no agent: the scaler counts them as capacity, but they take no job (X terminates them)".into(),
            ];
            evidence.extend(zombies.iter().cloned());
            out.push(reason("zombies", format!("{} InService with no agent", zombies.len()), evidence));
        }
    }
    if !capacity.unusable.is_empty() {
        let idle: u32 = capacity.unusable.iter().map(|u| u.idle).sum();
        let mut evidence = vec![format!(
            "Buildkite counts {} on the queue, but none can take this stack's jobs, and the scaler counts them as capacity",
            super::text::count(capacity.queue_idle, "idle agent", "idle agents")
        )];
        evidence.extend(capacity.unusable.iter().map(Unusable::sentence));
        out.push(reason(
            "idle_agents_unusable",
            format!("{} cannot take jobs", super::text::count(idle, "idle agent", "idle agents")),
            evidence,
        ));
    }
    // Only a scaler that should be running is expected to have written anything.
    let enabled = matches!(f.stack.scaling, super::ScalingState::Enabled { .. });
    match f.scaler {
        _ if !enabled => {}
        ScalerRead::Read(log) => {
            if let Some(run) = last
                && let Outcome::Error { text } = &run.outcome
            {
                // The headline quotes it; the evidence keeps it whole, for the details.
                out.push(reason(
                    "scaler_error",
                    format!("scaler error: {}", super::text::quote(text)),
                    vec![
                        "the scaler's last run failed (its Errors metric stays 0: this line is the only signal)".into(),
                        format!("{}: Scaling error: {text}", run.at.rfc3339()),
                    ],
                ));
            }
            let newest = log.last_invocation.or(last.map(|r| r.at));
            let silent = newest.is_none_or(|t| f.now.secs_since(t) > SCALER_SILENT_SECS);
            if silent {
                let (short, since) = match newest {
                    Some(t) => {
                        let age = super::format_age(f.now.secs_since(t));
                        (format!("scaler silent for {age}"), format!("since {} ({age} ago)", t.rfc3339()))
                    }
                    None => ("scaler not running".to_string(), "in the last 10 minutes".to_string()),
                };
                out.push(reason(
                    "scaler_not_running",
                    short,
                    vec![
                        format!("the scaler has not run {since}, though its rule is enabled"),
                        "check the function's errors, its role, and the rule's target".into(),
                    ],
                ));
            }
        }
        ScalerRead::Missing { group } => out.push(reason(
            "scaler_log_missing",
            "scaler log missing or empty".into(),
            vec![
                format!("the scaler's log group {group} is missing or has nothing of the last minutes"),
                "its runs cannot be read (the stack's LogRetentionDays keeps one day by default)".into(),
            ],
        )),
        ScalerRead::Unreadable { text } => out.push(reason(
            "scaler_unreadable",
            "scaler log unreadable".into(),
            vec![
                format!("the scaler's log cannot be read: {text}"),
                "bkops needs logs:FilterLogEvents on the scaler's log group".into(),
            ],
        )),
        ScalerRead::None => {}
    }
    if let (Some(run), Some(params)) = (last, f.stack.scaler_params.as_ref())
        && enabled
        && let (Some(calculated), Some(ours)) = (run.calculated, algorithm_on(params, run))
        && calculated != ours
    {
        out.push(reason(
            "scaler_disagrees",
            format!("scaler wants {calculated}, algorithm {ours}"),
            vec![
                format!(
                    "from what its run at {} saw, the scaler calculated {calculated} instances; its algorithm with this stack's parameters gives {ours}",
                    run.at.rfc3339()
                ),
                "a parameter (ScaleOutFactor, InstanceBuffer, AgentsPerInstance, ScaleOutForWaitingJobs) or the scaler's version is not what bkops read".into(),
            ],
        ));
    }
    // When the scaler says nothing useful, say what it should want.
    if let Some((want, _)) = should_want(f)
        && let Some(r) = out.iter_mut().find(|r| {
            matches!(
                r.code,
                "scaler_not_running" | "scaler_error" | "scaler_log_missing" | "scaler_unreadable"
            )
        })
    {
        r.evidence.push(format!(
            "from the numbers now, the scaler should want {}; the group's desired is {desired}",
            super::text::count(want, "instance", "instances")
        ));
    }
    let others: Vec<&str> = f
        .stacks
        .iter()
        .filter(|s| s.name != f.stack.name && s.queue == f.stack.queue)
        .map(|s| s.name.as_str())
        .collect();
    if !others.is_empty() {
        out.push(reason(
            "shared_queue",
            format!("queue shared with {}", others.join(", ")),
            std::iter::once(format!(
                "queue {} is also served by {}: each scaler counts the other's agents and jobs",
                f.stack.queue,
                others.join(", ")
            ))
            .chain(others.iter().map(|o| format!("stack {o} has BuildkiteQueue={}", f.stack.queue)))
            .collect(),
        ));
    }
    // Idle strangers are named above; those that hold jobs, or are lost, are named here.
    let strangers: Vec<&super::Stranger> =
        f.fleet.map_or(Vec::new(), |g| g.strangers.iter().filter(|s| !s.idle).collect());
    if !strangers.is_empty() {
        let n = strangers.len();
        let named: Vec<&str> = strangers.iter().take(STRANGERS_NAMED).map(|s| s.name.as_str()).collect();
        let more = n.saturating_sub(STRANGERS_NAMED);
        out.push(reason(
            "strangers",
            format!(
                "{} on queue {} {} to no stack",
                super::text::count(n as u64, "agent", "agents"),
                f.stack.queue,
                if n == 1 { "belongs" } else { "belong" }
            ),
            vec![
                format!(
                    "{}{}: on queue {}, none of this stack's instances",
                    named.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                    f.stack.queue
                ),
                "the scaler counts them and their jobs as the queue's: busy or wedged, they hold capacity it will not add".into(),
                "stop them in Buildkite, or move them to another queue".into(),
            ],
        ));
    }
    out
}

/// Agents named in the evidence at most; the rest are counted.
const STRANGERS_NAMED: usize = 3;

#[cfg(test)]
mod tests;
