//! Backend reads on tokio tasks: at most one in flight and one queued per resource (a refresh
//! asked for while one runs is run once when it ends), each cancellable.

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::{Msg, Payload, Resource};
use crate::backend::Backends;
use crate::domain::BackendError;

#[derive(Default)]
pub struct Jobs {
    in_flight: HashMap<Resource, CancellationToken>,
    queued: HashSet<Resource>,
    started: u64,
    /// The boots already over, kept across reads so their lines are read once.
    boots: crate::snapshot::boot::Known,
    /// `[watch]`'s thresholds: a context's read gives its incidents by them.
    pub rules: std::sync::Arc<crate::snapshot::incidents::Rules>,
}

impl Jobs {
    pub fn fetch(&mut self, resource: Resource, backends: &Backends, tx: &UnboundedSender<Msg>) {
        if self.in_flight.contains_key(&resource) {
            self.queued.insert(resource);
            return;
        }
        let token = CancellationToken::new();
        self.in_flight.insert(resource.clone(), token.clone());
        self.started += 1;
        let (backends, tx, known) = (backends.clone(), tx.clone(), self.boots.clone());
        let rules = self.rules.clone();
        tokio::spawn(async move {
            tokio::select! {
                // Cancellation wins when both are ready: a cancelled read never reports.
                biased;
                _ = token.cancelled() => {}
                result = read(&backends, &resource, &known, &rules) => {
                    let at = backends.clock.now();
                    let _ = tx.send(Msg::Loaded { resource, result, at });
                }
            }
        });
    }

    /// A read finished: start the queued one, if any. Returns whether one was started.
    pub fn finished(&mut self, resource: &Resource, backends: &Backends, tx: &UnboundedSender<Msg>) -> bool {
        self.in_flight.remove(resource);
        if self.queued.remove(resource) {
            self.fetch(resource.clone(), backends, tx);
            return true;
        }
        false
    }

    pub fn cancel(&mut self, resource: &Resource) {
        self.queued.remove(resource);
        if let Some(token) = self.in_flight.remove(resource) {
            token.cancel();
        }
    }

    pub fn cancel_all(&mut self) {
        self.queued.clear();
        for (_, token) in self.in_flight.drain() {
            token.cancel();
        }
    }

    /// Reads started since the dashboard opened (for the log and the benchmark).
    pub fn started(&self) -> u64 {
        self.started
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

pub async fn read(
    backends: &Backends,
    resource: &Resource,
    known: &crate::snapshot::boot::Known,
    rules: &crate::snapshot::incidents::Rules,
) -> Result<Payload, BackendError> {
    match resource {
        Resource::Stacks => backends.stacks.stacks().await.map(Payload::Stacks),
        Resource::Queue(s) => backends.queues.queue(s).await.map(Payload::Queue),
        Resource::History(s) => {
            let since = backends.clock.now().plus_secs(-3600);
            backends.queues.queue_history(s, since).await.map(Payload::History)
        }
        Resource::Fleet(s) => backends.stacks.fleet(s).await.map(Payload::Fleet),
        Resource::Activities(s) => backends.stacks.activities(s).await.map(Payload::Activities),
        Resource::Scaler(s) => {
            let since = backends.clock.now().plus_secs(-crate::domain::scaler_log::READ_SECS);
            backends.stacks.scaler_log(s, since).await.map(Payload::Scaler)
        }
        Resource::Timeline(s, secs) => {
            let since = backends.clock.now().plus_secs(-secs);
            Ok(Payload::Timeline(crate::snapshot::timeline::read(backends, s, since).await))
        }
        Resource::LogGroups(s) => {
            let prefixes = crate::domain::groups::retention_prefixes(s);
            backends.logs.log_groups(&prefixes).await.map(Payload::LogGroups)
        }
        Resource::Boots(s) => {
            let since = backends.clock.now().plus_secs(-crate::app::BOOTS_WINDOW_SECS);
            let read = crate::snapshot::boot::read(backends, s, since, known).await;
            // Nothing read at all is an error for the pane; a group missing leaves its
            // milestones unknown.
            match read.unread.first() {
                Some(e) if read.boots.is_empty() => Err(BackendError::Other(e.clone())),
                _ => Ok(Payload::Boots(read.boots)),
            }
        }
        Resource::Latest => backends.releases.latest().await.map(Payload::Latest),
        Resource::StackEvents(s) => {
            let since = backends.clock.now().plus_secs(-crate::app::EVENTS_WINDOW_SECS);
            backends.stacks.stack_events(s, since).await.map(Payload::StackEvents)
        }
        Resource::Context(n) => {
            // With no [[contexts]], the fleet view is this backend's own stacks.
            let b = match &backends.contexts {
                Some(c) if !c.contexts().is_empty() => c.backends(*n).await?,
                _ => backends.clone(),
            };
            // The fleet view's reads, without the boots: with none read, no boot is slow
            // (`[watch] slow_boot_minutes` is for `bkops watch` alone).
            let report = crate::snapshot::collect(&b, &[], crate::snapshot::Boots::Skip).await?;
            let now = b.clock.now();
            Ok(Payload::Context {
                lines: report.stacks.iter().map(crate::snapshot::line).collect(),
                incidents: report
                    .stacks
                    .iter()
                    .flat_map(|s| crate::snapshot::incidents::of(s, rules, now))
                    .collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_trait::async_trait;
    use tokio::sync::{Semaphore, mpsc::unbounded_channel};

    use super::*;
    use crate::backend::{BackendLabel, QueueSource, StackSource};
    use crate::clock::Clock;
    use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

    /// Reads that wait for the test to let them finish, and count how often they start.
    struct Gated {
        gate: Semaphore,
        calls: AtomicUsize,
    }

    #[async_trait]
    impl StackSource for Gated {
        async fn stacks(&self) -> Result<Vec<StackSummary>, BackendError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let _permit = self.gate.acquire().await.map_err(|e| BackendError::Other(e.to_string()))?;
            Ok(Vec::new())
        }
        async fn fleet(&self, _: &str) -> Result<Fleet, BackendError> {
            Err(BackendError::Other("unused".into()))
        }
        async fn activities(&self, _: &str) -> Result<Vec<ScalingActivity>, BackendError> {
            Err(BackendError::Other("unused".into()))
        }
    }

    #[async_trait]
    impl QueueSource for Gated {
        async fn queue(&self, _: &str) -> Result<QueueMetrics, BackendError> {
            Err(BackendError::Other("unused".into()))
        }
        async fn queue_history(&self, _: &str, _: Timestamp) -> Result<Vec<QueueSample>, BackendError> {
            Err(BackendError::Other("unused".into()))
        }
    }

    fn gated() -> (Arc<Gated>, Backends) {
        let g = Arc::new(Gated { gate: Semaphore::new(0), calls: AtomicUsize::new(0) });
        let sim = Arc::new(crate::backend::sim::SimBackend::new(
            crate::backend::sim::World::new(0, Timestamp(0), Vec::new()),
            Clock::virtual_at(Timestamp(0)),
        ));
        let b = Backends {
            label: BackendLabel::Demo { speed: 1.0 },
            clock: Clock::virtual_at(Timestamp(0)),
            stacks: g.clone(),
            queues: g.clone(),
            logs: sim.clone(),
            ops: sim.clone(),
            sessions: sim,
            audit_log: None,
            contexts: None,
            releases: Arc::new(crate::backend::release::Fixed(None)),
        };
        (g, b)
    }

    async fn settle_tasks() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn refreshes_coalesce_to_one_in_flight_and_one_queued() {
        let (g, b) = gated();
        let (tx, mut rx) = unbounded_channel();
        let mut jobs = Jobs::default();
        for _ in 0..5 {
            jobs.fetch(Resource::Stacks, &b, &tx);
        }
        settle_tasks().await;
        assert_eq!(g.calls.load(Ordering::SeqCst), 1, "one read in flight");
        g.gate.add_permits(1);
        let Some(Msg::Loaded { resource, .. }) = rx.recv().await else { panic!("a result") };
        assert!(jobs.finished(&resource, &b, &tx), "the queued refresh starts");
        settle_tasks().await;
        assert_eq!(g.calls.load(Ordering::SeqCst), 2, "five asks, two reads");
        g.gate.add_permits(1);
        let Some(Msg::Loaded { resource, .. }) = rx.recv().await else { panic!("a result") };
        assert!(!jobs.finished(&resource, &b, &tx), "nothing more queued");
        assert_eq!(jobs.in_flight(), 0);
        assert_eq!(jobs.started(), 2);
    }

    #[tokio::test]
    async fn a_cancelled_read_never_reports() {
        let (g, b) = gated();
        let (tx, mut rx) = unbounded_channel();
        let mut jobs = Jobs::default();
        jobs.fetch(Resource::Stacks, &b, &tx);
        jobs.fetch(Resource::Stacks, &b, &tx);
        settle_tasks().await;
        jobs.cancel(&Resource::Stacks);
        g.gate.add_permits(5);
        settle_tasks().await;
        drop(tx);
        assert!(rx.recv().await.is_none(), "no result after cancel, and the queued read is dropped");
        assert_eq!(g.calls.load(Ordering::SeqCst), 1);
    }
}
