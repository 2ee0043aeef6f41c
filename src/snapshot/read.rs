//! What a stack's explanation is made from, read at once.

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
        Self { queue, fleet, activities, scaler, unread }
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
            // A snapshot reads no boots (their lines cost three more calls a stack): the
            // reason says what is booting, without how long boots take.
            boots: None,
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
