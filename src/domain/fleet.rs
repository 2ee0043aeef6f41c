use serde::{Deserialize, Serialize};

use super::Timestamp;
use super::text::Sanitize;

/// Auto Scaling lifecycle state of an instance (the subset an Elastic CI Stack goes through:
/// it has no lifecycle hooks, so no `Pending:Wait` or `Terminating:Wait`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lifecycle {
    Pending,
    InService,
    Standby,
    Detaching,
    Terminating,
    Terminated,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Pending => "Pending",
            Lifecycle::InService => "InService",
            Lifecycle::Standby => "Standby",
            Lifecycle::Detaching => "Detaching",
            Lifecycle::Terminating => "Terminating",
            Lifecycle::Terminated => "Terminated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Health {
    Healthy,
    Unhealthy,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Healthy => "Healthy",
            Health::Unhealthy => "Unhealthy",
        }
    }
}

/// What the instance's own logs say about its disk (the stack publishes no disk metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiskSignal {
    /// No log line about the disk has been seen.
    Unknown,
    /// The disk check passed (`Disk space free: …`).
    Ok,
    /// `Not enough disk space free` / `Not enough inodes free`: cleanup is running.
    Low,
    /// `Insufficient disk space after cleanup.` or `Marking instance as unhealthy`.
    Full,
}

impl DiskSignal {
    pub fn as_str(self) -> &'static str {
        match self {
            DiskSignal::Unknown => "-",
            DiskSignal::Ok => "ok",
            DiskSignal::Low => "low",
            DiskSignal::Full => "FULL",
        }
    }
}

/// Buildkite agent connection state (REST `connection_state`), reduced to what operators act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentState {
    /// Not known: agents are read from the Buildkite REST API, which needs an API token.
    Unknown,
    /// No agent has registered from this instance (yet, or ever).
    None,
    Idle,
    Busy,
    Stopping,
    Lost,
}

impl AgentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Unknown => "?",
            AgentState::None => "none",
            AgentState::Idle => "idle",
            AgentState::Busy => "busy",
            AgentState::Stopping => "stopping",
            AgentState::Lost => "lost",
        }
    }
}

/// The agents of one instance (an instance runs AgentsPerInstance agents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSummary {
    pub state: AgentState,
    pub busy: u32,
    pub total: u32,
    /// The job of the first busy agent, if any.
    pub job: Option<String>,
}

impl AgentSummary {
    pub fn unknown() -> Self {
        Self { state: AgentState::Unknown, busy: 0, total: 0, job: None }
    }

    pub fn label(&self) -> String {
        match self.state {
            AgentState::Unknown => "?".into(),
            AgentState::None => "none".into(),
            _ if self.total > 1 => format!("{} {}/{}", self.state.as_str(), self.busy, self.total),
            state => state.as_str().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub lifecycle: Lifecycle,
    pub health: Health,
    pub instance_type: String,
    pub availability_zone: String,
    /// From the instance's launch activity; unknown when that is older than the activity
    /// history Auto Scaling keeps (six weeks).
    pub launched_at: Option<Timestamp>,
    pub protected_from_scale_in: bool,
    /// Spot or on-demand; unknown until the agent reports `aws:instance-life-cycle`.
    pub spot: Option<bool>,
    pub agents: AgentSummary,
    pub disk: DiskSignal,
    /// Its logs hold a bootstrap failure (`… errored with exit code N on line L.`).
    #[serde(default)]
    pub boot_failed: bool,
    /// lifecycled received a Spot interruption notice: EC2 takes it within two minutes.
    #[serde(default)]
    pub spot_notice: bool,
    /// Percent used of its fullest disk, from the last live disk check (`D`).
    #[serde(default)]
    pub disk_used_pct: Option<u8>,
    /// The launch template version it was launched from.
    #[serde(default)]
    pub launch_template_version: Option<String>,
}

/// The Auto Scaling group of one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fleet {
    pub asg_name: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub instances: Vec<Instance>,
    /// What the AGENT column lacks and how to get it (no API token, or its error).
    pub agents_note: Option<String>,
    /// The agent list could not be read just now (the columns show the last list read, if any,
    /// and the note says how old): the error, for the status line.
    #[serde(default)]
    pub agents_error: Option<String>,
    /// Scheduled actions that change the group's sizes (the stack's ScaleUp/ScaleDown).
    #[serde(default)]
    pub scheduled: Vec<ScheduledAction>,
    /// Who paused the stack with bkops (the group's `bkops:paused-by` tag).
    #[serde(default)]
    pub paused_by: Option<String>,
    /// When (the group's `bkops:paused-at` tag).
    #[serde(default)]
    pub paused_at: Option<Timestamp>,
    /// Agents serving the stack's queue that are none of its instances' agents, nor another
    /// known stack's (two stacks on one queue is a reason of its own).
    #[serde(default)]
    pub strangers: Vec<Stranger>,
    /// The launch template version the group launches now.
    #[serde(default)]
    pub launch_template_version: Option<String>,
}

/// An instance and a group for tests: an InService, Healthy on-demand instance with no agent,
/// and a group of 0/0/10 holding the instances given.
#[cfg(test)]
impl Instance {
    pub fn example(id: &str) -> Self {
        Instance {
            id: id.into(),
            lifecycle: Lifecycle::InService,
            health: Health::Healthy,
            instance_type: "m5.large".into(),
            availability_zone: "us-east-1a".into(),
            launched_at: None,
            protected_from_scale_in: true,
            spot: Some(false),
            agents: AgentSummary { state: AgentState::None, busy: 0, total: 0, job: None },
            disk: DiskSignal::Ok,
            boot_failed: false,
            spot_notice: false,
            disk_used_pct: None,
            launch_template_version: None,
        }
    }
}

#[cfg(test)]
impl Fleet {
    pub fn example(instances: Vec<Instance>) -> Self {
        Fleet {
            asg_name: "ci-AgentAutoScaleGroup-1".into(),
            desired: instances.len() as u32,
            min: 0,
            max: 10,
            instances,
            agents_note: None,
            agents_error: None,
            scheduled: Vec::new(),
            paused_by: None,
            paused_at: None,
            strangers: Vec::new(),
            launch_template_version: None,
        }
    }
}

/// An agent on a stack's queue that is not the agent of one of its instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stranger {
    pub name: String,
    /// Connected with no job: what Buildkite would give the queue's next job to.
    pub idle: bool,
    pub kind: StrangerKind,
}

/// Why an agent on the queue is not one of the stack's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum StrangerKind {
    /// No `stack` tag: a laptop, an agent started by hand.
    NoStack,
    /// A `stack` tag naming no stack bkops found.
    UnknownStack(String),
    /// It says it is this stack's, but carries no `aws:instance-id`.
    NoInstanceTag,
    /// It says it is this stack's, but its instance is not in the stack's group.
    NotInGroup(String),
}

impl Stranger {
    /// Why it cannot be counted on for the stack's jobs, in a clause after its name.
    pub fn why(&self) -> String {
        match &self.kind {
            StrangerKind::NoStack => {
                "belongs to no stack (jobs may target tags it lacks, or it is paused)".into()
            }
            StrangerKind::UnknownStack(s) => format!("says it belongs to stack {s}, which was not found"),
            StrangerKind::NoInstanceTag => {
                "says it is this stack's but has no aws:instance-id tag, so no instance of the group runs it"
                    .into()
            }
            StrangerKind::NotInGroup(id) => format!("runs on {id}, which is not in this stack's group"),
        }
    }
}

impl Sanitize for Stranger {
    fn sanitize(&mut self) {
        self.name.sanitize();
        match &mut self.kind {
            StrangerKind::UnknownStack(s) | StrangerKind::NotInGroup(s) => s.sanitize(),
            StrangerKind::NoStack | StrangerKind::NoInstanceTag => {}
        }
    }
}

/// A scheduled action of the group (`EnableScheduledScaling`: `<Stack>-ScaleUp`, `-ScaleDown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledAction {
    pub name: String,
    /// Cron recurrence, e.g. `0 8 * * MON-FRI`.
    pub recurrence: Option<String>,
    pub time_zone: Option<String>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub desired: Option<u32>,
}

impl ScheduledAction {
    pub fn describe(&self) -> String {
        let sizes: Vec<String> = [("MinSize", self.min), ("MaxSize", self.max), ("desired", self.desired)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
            .collect();
        let when = match (&self.recurrence, &self.time_zone) {
            (Some(r), Some(tz)) => format!(" at `{r}` {tz}"),
            (Some(r), None) => format!(" at `{r}`"),
            _ => String::new(),
        };
        format!("{} sets {}{when}", self.name, sizes.join(", "))
    }
}

impl Fleet {
    /// Something is on its way: fewer or more instances than desired, one launching,
    /// terminating or detaching, or a scaling activity under way. Health is not motion: an
    /// instance that stays Unhealthy is an answer that does not change (cost follows change).
    pub fn is_moving(&self, activities: &[super::ScalingActivity]) -> bool {
        self.instances.len() != self.desired as usize
            || self
                .instances
                .iter()
                .any(|i| !matches!(i.lifecycle, Lifecycle::InService | Lifecycle::Standby))
            || activities.iter().any(|a| {
                !matches!(
                    a.status,
                    super::ActivityStatus::Successful
                        | super::ActivityStatus::Failed
                        | super::ActivityStatus::Cancelled
                )
            })
    }

    pub fn count(&self, lifecycle: Lifecycle) -> usize {
        self.instances.iter().filter(|i| i.lifecycle == lifecycle).count()
    }
}

impl Sanitize for Fleet {
    fn sanitize(&mut self) {
        self.asg_name.sanitize();
        self.agents_note.sanitize();
        self.agents_error.sanitize();
        self.paused_by.sanitize();
        self.strangers.sanitize();
        for i in &mut self.instances {
            for s in [&mut i.id, &mut i.instance_type, &mut i.availability_zone] {
                s.sanitize();
            }
            i.agents.job.sanitize();
        }
        for a in &mut self.scheduled {
            a.name.sanitize();
            a.recurrence.sanitize();
            a.time_zone.sanitize();
        }
    }
}
