//! What bkops reads from the world, behind traits: the simulated stack implements them now,
//! the AWS SDK and Buildkite clients implement the same traits, so the app never knows which
//! one it talks to.

pub mod aws;
pub mod buildkite;
mod error;
pub mod ratelimit;
pub mod sim;

use async_trait::async_trait;

pub use error::BackendError;

use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

/// CloudFormation discovery plus Auto Scaling: the stacks and their fleets.
#[async_trait]
pub trait StackSource: Send + Sync {
    async fn stacks(&self) -> Result<Vec<StackSummary>, BackendError>;
    async fn fleet(&self, stack: &str) -> Result<Fleet, BackendError>;
    /// Scaling activities, newest first.
    async fn activities(&self, stack: &str) -> Result<Vec<ScalingActivity>, BackendError>;
}

/// Queue numbers: the live ones and their recent history.
#[async_trait]
pub trait QueueSource: Send + Sync {
    async fn queue(&self, stack: &str) -> Result<QueueMetrics, BackendError>;
    /// One sample a minute from `since` to now, oldest first.
    async fn queue_history(&self, stack: &str, since: Timestamp) -> Result<Vec<QueueSample>, BackendError>;
}

/// One FilterLogEvents request: events of some streams of one group, in a time range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterQuery {
    pub group: String,
    pub streams: Vec<String>,
    /// Inclusive, in milliseconds, as CloudWatch takes it.
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// A CloudWatch filter pattern, applied by the server.
    pub pattern: Option<String>,
    pub next_token: Option<String>,
}

/// One page of FilterLogEvents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogPage {
    pub events: Vec<crate::domain::LogEvent>,
    pub next_token: Option<String>,
}

/// CloudWatch Logs, as the tail engine reads it.
#[async_trait]
pub trait LogSource: Send + Sync {
    /// A missing group is `NotFound`; a missing stream is an empty page.
    async fn filter_log_events(&self, query: &FilterQuery) -> Result<LogPage, BackendError>;

    /// Opens a Live Tail session on one group, for one stream. Sources without Live Tail say
    /// so, and the tail engine polls instead.
    async fn live_tail(&self, query: &LiveQuery) -> Result<Box<dyn LiveSession>, BackendError> {
        let _ = query;
        Err(BackendError::Other("not offered by this source".into()))
    }
}

/// What a Live Tail session is asked for: StartLiveTail takes a stream filter only with a
/// single group, so the engine opens one session per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveQuery {
    pub group: String,
    pub stream: String,
    pub pattern: Option<String>,
}

/// One push of a Live Tail session: new events (without event IDs, which Live Tail does not
/// send) and whether CloudWatch sampled them (over 500 events a second).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveUpdate {
    pub events: Vec<crate::domain::LogEvent>,
    pub sampled: bool,
}

/// An open Live Tail session.
#[async_trait]
pub trait LiveSession: Send {
    /// The next update; `None` when the session has ended (CloudWatch ends them after 3 hours).
    async fn next(&mut self) -> Result<Option<LiveUpdate>, BackendError>;
}

/// The only way bkops changes a stack. Each backend refuses every call in read-only mode,
/// in `execute` itself, so nothing above it can get round the refusal.
#[async_trait]
pub trait Operator: Send + Sync {
    /// What a pause, resume or terminate plan needs to know about the stack now.
    async fn scaling_target(&self, stack: &str) -> Result<crate::ops::ScalingTarget, BackendError>;
    /// Who the calls are made as, for the confirmation and the audit log.
    async fn identity(&self) -> Result<crate::ops::Identity, BackendError>;
    async fn execute(&self, call: &crate::ops::Call) -> Result<(), BackendError>;
    /// The Buildkite agents on these instances now (not cached): what a drain stops and waits
    /// for. Only with a Buildkite API token.
    async fn agents_on(
        &self,
        stack: &str,
        instances: &[String],
    ) -> Result<Vec<crate::ops::AgentRef>, BackendError> {
        let _ = (stack, instances);
        Err(BackendError::Unconfigured("no Buildkite API here to drain agents through".into()))
    }

    /// Whether SSM can reach the instance (DescribeInstanceInformation).
    async fn registration(&self, instance: &str) -> Result<crate::ssm::Registration, BackendError> {
        let _ = instance;
        Err(BackendError::Other("sessions are not available here yet".into()))
    }

    /// StartSession. Refused in read-only mode: a shell can change anything.
    async fn start_session(
        &self,
        request: &crate::ssm::SessionRequest,
    ) -> Result<crate::ssm::Session, BackendError> {
        let _ = request;
        Err(BackendError::Other("sessions are not available here yet".into()))
    }

    /// ResumeSession: a new token and stream URL for a session whose connection broke.
    async fn resume_session(&self, session_id: &str) -> Result<crate::ssm::Session, BackendError> {
        let _ = session_id;
        Err(BackendError::Other("sessions cannot be resumed here".into()))
    }

    async fn terminate_session(&self, session_id: &str) -> Result<(), BackendError> {
        let _ = session_id;
        Ok(())
    }

    /// What `session-manager-plugin` needs for its own calls.
    async fn plugin_context(&self) -> Result<crate::ssm::plugin::PluginContext, BackendError> {
        Err(BackendError::Other("sessions are not available here yet".into()))
    }

    /// Who signs the built-in client's WebSocket upgrade; `None` leaves it unsigned.
    async fn upgrade_signer(&self) -> Option<crate::ssm::signing::UpgradeSigner> {
        None
    }

    /// What the instances answered to the last disk check sent with `execute`: a reading, or
    /// why there is none. Waits for the answers (at most about 30 s).
    async fn disk_readings(&self, instances: &[String]) -> Result<Vec<DiskAnswer>, BackendError> {
        let _ = instances;
        Err(BackendError::Other("no disk check was sent".into()))
    }
}

/// One instance's answer to the disk check.
pub type DiskAnswer = (String, Result<crate::ops::disk::DiskReading, String>);

/// Where the data comes from, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendLabel {
    Demo { speed: f64 },
    Aws { profile: String, region: String },
}

impl std::fmt::Display for BackendLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackendLabel::Demo { speed } if (*speed - 1.0).abs() < f64::EPSILON => {
                write!(f, "demo")
            }
            BackendLabel::Demo { speed } => write!(f, "demo x{speed}"),
            BackendLabel::Aws { profile, region } => write!(f, "aws {profile} {region}"),
        }
    }
}

/// Every source bkops reads, bundled so the runtime can hand them to tasks.
#[derive(Clone)]
pub struct Backends {
    pub label: BackendLabel,
    pub clock: crate::clock::Clock,
    pub stacks: std::sync::Arc<dyn StackSource>,
    pub queues: std::sync::Arc<dyn QueueSource>,
    pub logs: std::sync::Arc<dyn LogSource>,
    pub ops: std::sync::Arc<dyn Operator>,
    /// Where every mutating call is recorded (`~/.local/state/bkops/audit.jsonl`).
    pub audit_log: Option<std::path::PathBuf>,
}
