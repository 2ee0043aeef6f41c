//! What bkops reads from the world, behind traits, and the two backends that implement them
//! (the simulated stack, and the live one: the AWS SDK with the Buildkite clients). Each
//! backend also implements the ports its callers own: `ops::port::Operations` and
//! `ssm::port::Sessions`.

pub mod buildkite;
pub mod live;
pub mod ratelimit;
pub mod release;
pub mod sim;
pub mod webhook;

use async_trait::async_trait;

use crate::domain::BackendError;
use crate::domain::scaler_log::ScalerRead;

use crate::domain::{Fleet, Lifecycle, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

/// CloudFormation discovery plus Auto Scaling: the stacks and their fleets.
#[async_trait]
pub trait StackSource: Send + Sync {
    async fn stacks(&self) -> Result<Vec<StackSummary>, BackendError>;
    async fn fleet(&self, stack: &str) -> Result<Fleet, BackendError>;
    /// Reads at once what the reads of these stacks that follow right after will need, in as
    /// few calls as the service allows (account-wide where it can); each stack's own read
    /// then uses it. Best effort: what fails here each stack's own read asks for, and reports.
    async fn prepare(&self, stacks: &[String]) {
        let _ = stacks;
    }
    /// Scaling activities, newest first.
    async fn activities(&self, stack: &str) -> Result<Vec<ScalingActivity>, BackendError>;
    /// What the stack's scaler wrote since `since`, read back; `ScalerRead::None` for a
    /// stack without a scaler, or a source that cannot read it.
    async fn scaler_log(&self, stack: &str, since: Timestamp) -> Result<ScalerRead, BackendError> {
        let _ = (stack, since);
        Ok(ScalerRead::None)
    }
    /// The operating system of the stack whose group has the instance, read with as little
    /// as the source allows (a log reader needs nothing else of the stack); `None` when it
    /// is in no stack's group.
    async fn instance_os(&self, instance: &str) -> Result<Option<crate::domain::Os>, BackendError> {
        for s in self.stacks().await? {
            if let Ok(f) = self.fleet(&s.name).await
                && f.instances.iter().any(|i| i.id == instance)
            {
                return Ok(Some(s.os));
            }
        }
        Ok(None)
    }
    /// The stack's CloudFormation events since `since`, with its nested stacks' that moved
    /// since then, newest first.
    async fn stack_events(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<Vec<crate::domain::StackEvent>, BackendError> {
        let _ = (stack, since);
        Err(BackendError::Other("not offered by this source".into()))
    }
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

    /// The log groups whose names start with one of `prefixes`, with their retention.
    async fn log_groups(
        &self,
        prefixes: &[String],
    ) -> Result<Vec<crate::domain::groups::LogGroup>, BackendError> {
        let _ = prefixes;
        Err(BackendError::Other("not offered by this source".into()))
    }

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

impl Backends {
    /// The stack whose group has the instance, and its lifecycle there; `None` when it is in
    /// no stack's group.
    pub async fn locate(&self, instance: &str) -> Result<Option<(String, Lifecycle)>, BackendError> {
        for s in self.stacks.stacks().await? {
            if let Ok(f) = self.stacks.fleet(&s.name).await
                && let Some(i) = f.instances.iter().find(|i| i.id == instance)
            {
                return Ok(Some((s.name, i.lifecycle)));
            }
        }
        Ok(None)
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
    pub ops: std::sync::Arc<dyn crate::ops::port::Operations>,
    pub sessions: std::sync::Arc<dyn crate::ssm::port::Sessions>,
    /// Where every mutating call is recorded (`~/.local/state/bkops/audit.jsonl`).
    pub audit_log: Option<std::path::PathBuf>,
    /// The operator's other AWS contexts (`[[contexts]]`), for the fleet view; `None` when
    /// none is configured, and the fleet view shows this backend's stacks alone.
    pub contexts: Option<std::sync::Arc<dyn ContextSource>>,
    /// The latest published release of the stack (`[updates]`), to say when one is due.
    pub releases: std::sync::Arc<dyn release::Releases>,
}

/// The AWS contexts of `[[contexts]]`, each read with its own backends, connected the first
/// time they are needed and kept (their caches with them).
#[async_trait]
pub trait ContextSource: Send + Sync {
    fn contexts(&self) -> &[crate::domain::Context];
    /// The backends of the `index`-th context.
    async fn backends(&self, index: usize) -> Result<Backends, BackendError>;
}
