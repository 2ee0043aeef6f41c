//! Which idle agents can take the stack's jobs. The queue's idle count is Buildkite's: it
//! counts a laptop on the same queue and the agent of an instance whose disk is full alike.
//! Only an idle agent of the stack's own instance, InService, Healthy, with a disk that is not
//! full, a finished bootstrap and no Spot notice, is capacity the stack's jobs can count on.

use serde::Serialize;

use crate::domain::{AgentState, DiskSignal, Fleet, Health, Instance, Lifecycle, QueueMetrics};

/// The queue's idle agents, split into those that can take the stack's jobs and those that
/// cannot, each of these named with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capacity {
    /// Buildkite's count of the queue's idle agents.
    pub queue_idle: u32,
    /// Idle agents on the stack's own serving instances; `None` when the agents are not known
    /// (no agent list: no `BUILDKITE_API_TOKEN`, or its read failed with nothing to fall back on).
    pub usable_idle: Option<u32>,
    /// Idle agents on the queue that cannot take the stack's jobs.
    pub unusable: Vec<Unusable>,
}

/// An idle agent (or an instance's idle agents) that cannot take the stack's jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unusable {
    /// The agent's name, or `the agent on i-…` when the list gives it only by instance.
    pub agent: String,
    /// The instance it runs on, when it is one of the stack's.
    pub instance: Option<String>,
    /// How many idle agents this is (an instance runs AgentsPerInstance).
    pub idle: u32,
    /// Why it cannot take them: a clause after `agent`.
    pub why: String,
}

impl Unusable {
    /// `dev-laptop-1 belongs to no stack (…)`.
    pub fn sentence(&self) -> String {
        format!("{} {}", self.agent, self.why)
    }
}

/// Why an instance's idle agents cannot take jobs; `None` when they can.
fn unusable_because(i: &Instance) -> Option<String> {
    let unhealthy = if i.health == Health::Unhealthy { " (it is Unhealthy)" } else { "" };
    if i.disk == DiskSignal::Full {
        Some(format!("is idle on an instance whose disk is full{unhealthy}: each job it takes fails"))
    } else if i.boot_failed {
        Some(format!("is idle on an instance whose bootstrap failed{unhealthy}"))
    } else if i.health == Health::Unhealthy {
        Some("is idle on an Unhealthy instance, which the group replaces".into())
    } else if i.lifecycle != Lifecycle::InService {
        Some(format!("is idle on an instance that is {}", i.lifecycle.as_str()))
    } else if i.spot_notice {
        Some("is idle on a Spot instance that EC2 is reclaiming".into())
    } else {
        None
    }
}

/// Whether the agent list was read: every instance's agents are known, and a group with no
/// instance says nothing is missing.
fn agents_known(fleet: &Fleet) -> bool {
    let any_unknown = fleet.instances.iter().any(|i| i.agents.state == AgentState::Unknown);
    !any_unknown && (!fleet.instances.is_empty() || fleet.agents_note.is_none())
}

/// The queue's idle agents, split by whether they can take the stack's jobs.
pub fn capacity(queue: &QueueMetrics, fleet: Option<&Fleet>) -> Capacity {
    let mut out = Capacity { queue_idle: queue.idle_agents, usable_idle: None, unusable: Vec::new() };
    let Some(fleet) = fleet.filter(|f| agents_known(f)) else { return out };
    let mut usable = 0;
    for i in &fleet.instances {
        let idle = match i.agents.state {
            AgentState::Idle | AgentState::Busy => i.agents.total.saturating_sub(i.agents.busy),
            _ => 0,
        };
        if idle == 0 {
            continue;
        }
        match unusable_because(i) {
            None => usable += idle,
            Some(why) => {
                let agent = if idle == 1 {
                    format!("the agent on {}", i.id)
                } else {
                    format!("{idle} agents on {}", i.id)
                };
                let why = if idle == 1 { why } else { why.replacen("is idle", "are idle", 1) };
                out.unusable.push(Unusable { agent, instance: Some(i.id.clone()), idle, why });
            }
        }
    }
    for s in fleet.strangers.iter().filter(|s| s.idle) {
        out.unusable.push(Unusable { agent: s.name.clone(), instance: None, idle: 1, why: s.why() });
    }
    out.usable_idle = Some(usable);
    out
}
