//! Operator actions: pausing and resuming a stack's scaling and terminating instances. Plans
//! are worked out purely from what the stack is now; a backend's `execute` makes each call,
//! refusing all of them in read-only mode; every call is written to the audit log.

pub mod apply;
pub mod audit;
pub mod audit_read;
pub mod change_set;
pub mod plan;
pub mod port;
pub mod update;
pub mod wait;

pub use apply::{Ledger, Outcome, abandon, apply};
pub use plan::{Plan, PlanError, TerminateMode};
pub use port::{AgentRef, Call, CallContext, DiskAnswer, DiskReading, Identity, Operations, ScalingTarget};
