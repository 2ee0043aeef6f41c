//! Operator actions: pausing and resuming a stack's scaling and terminating instances. Plans
//! are worked out purely from what the stack is now; a backend's `execute` makes each call,
//! refusing all of them in read-only mode; every call is written to the audit log.

pub mod apply;
pub mod audit;
pub mod call;
pub mod cmd;
pub mod disk;
pub mod plan;

pub use apply::{Ledger, Outcome, abandon, apply};
pub use call::{AgentRef, Call, Identity};
pub use plan::{Plan, PlanError, ScalingTarget, TerminateMode};
