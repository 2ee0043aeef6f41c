//! What a stack's explanation is made from, read at once.

use super::boot::{BootRead, Known, of_activities};
use crate::analysis::why::{Diagnosis, Facts, diagnose, should_want};
use crate::backend::Backends;
use crate::deadline::within;
use crate::domain::scaler_log::ScalerRead;
use crate::domain::{BackendError, Fleet, QueueMetrics, ScalingActivity, StackSummary, Timestamp};

/// What a stack's explanation is made from, read at once; what could not be read is named.
pub struct Read {
    pub queue: Option<QueueMetrics>,
    pub fleet: Option<Fleet>,
    pub activities: Vec<ScalingActivity>,
    pub scaler: ScalerRead,
    /// The boots of the last `domain::boot::WINDOW_SECS`, when asked for (`with_boots`).
    pub boots: Option<BootRead>,
    pub unread: Vec<String>,
}

impl Read {
    pub async fn of(backends: &Backends, stack: &str) -> Self {
        let b = &backends.stacks;
        let since = backends.clock.now().plus_secs(-crate::domain::scaler_log::READ_SECS);
        let (queue, fleet, activities, scaler) = tokio::join!(
            within(backends.queues.queue(stack)),
            within(b.fleet(stack)),
            within(b.activities(stack)),
            within(b.scaler_log(stack, since))
        );
        let mut unread = Vec::new();
        let mut keep = |what: &str, e: BackendError| unread.push(format!("{what}: {e}"));
        let queue = queue.map_err(|e| keep("queue", e)).ok();
        let fleet = fleet.map_err(|e| keep("auto scaling group", e)).ok();
        let activities = activities.map_err(|e| keep("scaling activity", e)).unwrap_or_default();
        let scaler = scaler.unwrap_or_else(|e| ScalerRead::Unreadable { text: e.to_string() });
        Self { queue, fleet, activities, scaler, boots: None, unread }
    }

    /// Adds the boots of the activities read (their milestone lines: up to one read per group,
    /// none when nothing launched in the window), so the diagnosis can say how long boots take.
    pub async fn with_boots(mut self, backends: &Backends) -> Self {
        let since = backends.clock.now().plus_secs(-crate::domain::boot::WINDOW_SECS);
        let read = of_activities(backends.logs.as_ref(), &self.activities, since, &Known::default()).await;
        self.unread.extend(read.unread.iter().map(|u| format!("boots: {u}")));
        self.boots = Some(read);
        self
    }

    fn facts<'a>(&'a self, now: Timestamp, stack: &'a StackSummary, stacks: &'a [StackSummary]) -> Facts<'a> {
        Facts {
            now,
            stack,
            stacks,
            queue: self.queue.as_ref(),
            fleet: self.fleet.as_ref(),
            activities: &self.activities,
            scaler: &self.scaler,
            // Without the boots read, the reason says what is booting, not how long boots take.
            boots: self.boots.as_ref().map(|b| &b.boots[..]),
        }
    }

    /// The stack's one diagnosis, from what was read.
    pub fn diagnosis(&self, now: Timestamp, stack: &StackSummary, stacks: &[StackSummary]) -> Diagnosis {
        diagnose(&self.facts(now, stack, stacks))
    }

    /// What the scaler's algorithm wants from the numbers read now.
    pub fn should_want(&self, now: Timestamp, stack: &StackSummary) -> Option<u32> {
        should_want(&self.facts(now, stack, &[])).map(|(want, _)| want)
    }
}
