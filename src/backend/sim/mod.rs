//! The simulated Elastic CI Stack behind `--demo`: a deterministic model of the real stack
//! (its scaler, Auto Scaling group, agents, log streams and incidents) that advances to the
//! clock's time whenever it is read.

mod activity;
mod agent;
mod cfn;
mod instance;
mod jobs;
mod live;
mod logs;
mod operate;
mod reported;
mod rng;

pub mod scenario;
mod sessions;
mod shell;
mod stack;
#[cfg(test)]
mod tests;
mod update;
mod world;

use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

pub use scenario::{Incident, Load, StackSpec};
pub use world::{WARM_UP_SECS, World};

use super::{
    BackendError, BackendLabel, Backends, FilterQuery, LiveQuery, LiveSession, LogPage, LogSource,
    QueueSource, StackSource,
};
use crate::clock::Clock;
use crate::domain::scaler_log::ScalerRead;
use crate::domain::{Fleet, LogEvent, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

#[derive(Clone)]
pub struct SimBackend {
    world: Arc<Mutex<World>>,
    clock: Clock,
    /// `--read-only`: every operator call is refused.
    read_only: bool,
    /// The simulated SSM agent, started by the first session.
    agent: Arc<tokio::sync::OnceCell<agent::SessionAgent>>,
}

impl SimBackend {
    pub fn new(world: World, clock: Clock) -> Self {
        Self { world: Arc::new(Mutex::new(world)), clock, read_only: false, agent: Arc::default() }
    }

    /// Refuses every operator call from now on.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The demo world, starting at the clock's now.
    pub fn demo(seed: u64, clock: Clock) -> Self {
        Self::new(World::demo(seed, clock.now()), clock)
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The world, advanced to the clock's now.
    pub fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock leaves a usable world: recover it.
        let mut world = self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        world.advance_to(self.clock.now());
        world
    }

    pub fn backends(&self, speed: f64) -> Backends {
        Backends {
            label: BackendLabel::Demo { speed },
            clock: self.clock.clone(),
            stacks: Arc::new(self.clone()),
            queues: Arc::new(self.clone()),
            logs: Arc::new(self.clone()),
            ops: Arc::new(self.clone()),
            sessions: Arc::new(self.clone()),
            audit_log: crate::paths::audit_log(),
            contexts: None,
            releases: Arc::new(crate::backend::release::Fixed(Some(DEMO_LATEST.into()))),
        }
    }

    /// The events of one stream, oldest first.
    pub fn log_events(&self, group: &str, stream: &str) -> Vec<LogEvent> {
        self.world().logs.events(group, stream).cloned().collect()
    }
}

/// The latest release as the demo tells it (it never reaches the network): its stacks run
/// v6.71.1 and v6.70.0, four and five releases behind (the doctor speaks of the second).
pub const DEMO_LATEST: &str = "v6.75.0";

fn unknown_stack(name: &str) -> BackendError {
    BackendError::NotFound { what: format!("stack {name}") }
}

#[async_trait]
impl StackSource for SimBackend {
    async fn stacks(&self) -> Result<Vec<StackSummary>, BackendError> {
        Ok(self.world().stacks.iter().map(|s| s.summary()).collect())
    }

    async fn fleet(&self, stack: &str) -> Result<Fleet, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| unknown_stack(stack))?;
        Ok(s.fleet(&world.logs))
    }

    async fn activities(&self, stack: &str) -> Result<Vec<ScalingActivity>, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| unknown_stack(stack))?;
        Ok(s.activities.iter().rev().cloned().collect())
    }

    async fn scaler_log(&self, stack: &str, since: Timestamp) -> Result<ScalerRead, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| unknown_stack(stack))?;
        if s.spec.scaler.is_none() {
            return Ok(ScalerRead::None);
        }
        let events = world.logs.group_since(&s.scaler_log_group, since);
        if events.is_empty() {
            return Ok(ScalerRead::Missing { group: s.scaler_log_group.clone() });
        }
        Ok(ScalerRead::Read(crate::domain::scaler_log::parse(
            events.iter().map(|e| (e.timestamp, e.message.as_str())),
        )))
    }

    async fn stack_events(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<Vec<crate::domain::StackEvent>, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| unknown_stack(stack))?;
        Ok(s.cfn.since(since))
    }
}

/// Events per page, as FilterLogEvents pages them (smaller here, so that paging is exercised).
const LOG_PAGE: usize = 500;

/// moto's and the simplest CloudWatch filter patterns: every term must appear.
fn pattern_matches(pattern: &str, message: &str) -> bool {
    let pattern = pattern.trim();
    // `?"a" ?"b"`: any of the terms, as CloudWatch reads it.
    if pattern.starts_with('?') {
        return pattern
            .split('?')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .any(|t| pattern_matches(t, message));
    }
    if let Some(phrase) = pattern.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        return message.contains(phrase);
    }
    pattern.split_whitespace().all(|term| message.contains(term))
}

#[async_trait]
impl LogSource for SimBackend {
    async fn filter_log_events(&self, q: &FilterQuery) -> Result<LogPage, BackendError> {
        let world = self.world();
        if !world.logs.has_group(&q.group) {
            return Err(BackendError::NotFound { what: format!("log group {}", q.group) });
        }
        let mut events: Vec<LogEvent> = q
            .streams
            .iter()
            .flat_map(|s| world.logs.events(&q.group, s))
            .filter(|e| q.start.is_none_or(|t| e.timestamp >= t) && q.end.is_none_or(|t| e.timestamp <= t))
            .filter(|e| q.pattern.as_deref().is_none_or(|p| pattern_matches(p, &e.message)))
            .cloned()
            .collect();
        events.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.event_id.cmp(&b.event_id)));
        let skip: usize = q.next_token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
        let page: Vec<LogEvent> = events.iter().skip(skip).take(LOG_PAGE).cloned().collect();
        let next = skip + page.len();
        Ok(LogPage { next_token: (next < events.len()).then(|| next.to_string()), events: page })
    }

    async fn live_tail(&self, q: &LiveQuery) -> Result<Box<dyn LiveSession>, BackendError> {
        Ok(Box::new(self.start_live_tail(q)?))
    }

    /// As the stack leaves them: the instances' groups never expire (the CloudWatch agent
    /// creates them without retention), the scaler's keeps LogRetentionDays' default, one day.
    async fn log_groups(
        &self,
        prefixes: &[String],
    ) -> Result<Vec<crate::domain::groups::LogGroup>, BackendError> {
        let world = self.world();
        Ok(world
            .logs
            .group_names()
            .into_iter()
            .filter(|g| prefixes.iter().any(|p| g.starts_with(p.as_str())))
            .map(|name| crate::domain::groups::LogGroup {
                retention_days: name.starts_with("/aws/lambda/").then_some(1),
                name,
            })
            .collect())
    }
}

#[async_trait]
impl QueueSource for SimBackend {
    async fn queue(&self, stack: &str) -> Result<QueueMetrics, BackendError> {
        let world = self.world();
        Ok(world.stack(stack).ok_or_else(|| unknown_stack(stack))?.queue())
    }

    async fn queue_history(&self, stack: &str, since: Timestamp) -> Result<Vec<QueueSample>, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| unknown_stack(stack))?;
        Ok(s.history.iter().filter(|q| q.at >= since).copied().collect())
    }
}
