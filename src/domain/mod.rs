//! Pure data about Elastic CI Stacks: what every backend returns and every view shows.
//! Nothing here does I/O, so it is shared by the TUI, `bkops status` and the tests.

mod activity;
pub mod boot;
mod context;
mod error;
mod fleet;
pub mod groups;
mod ids;
pub mod incident;
mod log;
pub mod log_line;
mod queue;
pub mod regions;
pub mod release;
pub mod scaler;
pub mod scaler_log;
mod secret;
mod stack;
pub mod stack_event;
pub mod stack_state;
pub mod tags;
pub mod text;
pub mod time;
mod when;

pub use activity::{ActivityStatus, ScalingActivity};
pub use context::Context;
pub use error::BackendError;
pub use fleet::{
    AgentState, AgentSummary, DiskSignal, Fleet, Health, Instance, Lifecycle, ScheduledAction, Stranger,
    StrangerKind,
};
pub use ids::instance_id;
pub use log::{LogEvent, LogLine};
pub use queue::{QueueMetrics, QueueSample};
pub use secret::Secret;
pub use stack::{LaunchSettings, Os, ScalingState, StackSummary};
pub use stack_event::StackEvent;
pub use stack_state::StackState;
pub use time::{Timestamp, format_age, format_span};
pub use when::parse_when;
