//! "Jobs are waiting: why is nothing scaling?", answered from what bkops has read: every
//! reason that holds, ranked so that the first is the one to act on, each with its evidence.
//! A pure function of the stack's state, so each reason is tested on its own.

use serde::Serialize;

mod capacity;
mod diagnosis;
mod rules;
mod verdict;

pub use capacity::{Capacity, Unusable};
pub use diagnosis::{Diagnosis, Part, diagnose};
pub use verdict::{Cooldown, Verdict, span};

use rules::ranked;

use super::scaler_decision::{Decision, ScalerInputs, decide, wanted};
use crate::domain::scaler_log::ScalerRead;
use crate::domain::{
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
    /// The stack's boots of the last hours, when read: how long capacity takes to come.
    pub boots: Option<&'a [crate::domain::boot::Boot]>,
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
pub fn is_zombie(i: &crate::domain::Instance, now: Timestamp) -> bool {
    i.lifecycle == Lifecycle::InService
        && i.agents.state == AgentState::None
        && i.launched_at.is_some_and(|t| now.secs_since(t) > ZOMBIE_AFTER_SECS)
}

/// What is wrong with an instance, in a few words for its row, and how bad it is (0 is the
/// worst): the order problem rows come in. `None` when nothing is.
pub fn problem(i: &crate::domain::Instance, now: Timestamp) -> Option<(u8, &'static str)> {
    let pending_for = i.launched_at.map(|t| now.secs_since(t));
    if i.boot_failed {
        Some((0, "boot failed"))
    } else if i.disk == crate::domain::DiskSignal::Full {
        Some((1, "disk full"))
    } else if i.health == crate::domain::Health::Unhealthy {
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
pub fn trouble(i: &crate::domain::Instance, now: Timestamp) -> Option<&'static str> {
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

/// Every reason jobs wait, the one to act on first: the diagnosis's reasons. Empty when no
/// job waits, or an idle agent can take them.
pub fn reasons(f: &Facts<'_>) -> Vec<Reason> {
    diagnose(f).reasons
}

#[cfg(test)]
mod tests;
