use serde::{Deserialize, Serialize};

use super::Timestamp;

/// The live numbers of one queue, as the Buildkite agent metrics API reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueueMetrics {
    pub scheduled: u32,
    pub running: u32,
    pub waiting: u32,
    pub idle_agents: u32,
    pub busy_agents: u32,
    pub total_agents: u32,
}

/// One point of queue history, shaped like the scaler's CloudWatch metrics
/// (`ScheduledJobsCount`, `RunningJobsCount`, `WaitingJobsCount`, 1-minute period).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QueueSample {
    pub at: Timestamp,
    pub scheduled: f64,
    pub running: f64,
    pub waiting: f64,
}
