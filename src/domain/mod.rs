//! Pure data about Elastic CI Stacks: what every backend returns and every view shows.
//! Nothing here does I/O, so it is shared by the TUI, `bkops status` and the tests.

mod activity;
mod fleet;
mod log;
mod queue;
mod stack;
pub mod text;
mod time;
mod warnings;
mod when;

pub use activity::{ActivityStatus, ScalingActivity};
pub use fleet::{AgentState, AgentSummary, DiskSignal, Fleet, Health, Instance, Lifecycle, ScheduledAction};
pub use log::{LogEvent, groups};
pub use queue::{QueueMetrics, QueueSample};
pub use stack::{Os, ScalingState, StackSummary};
pub use time::{Timestamp, format_age};
pub use warnings::{Warning, warnings};
pub use when::parse_when;
