//! Logs by instance: the stack's log groups, the tail engine, and how lines are printed.

pub mod engine;
pub mod format;
mod live;
pub mod stream;

pub use engine::{Follower, Notice, TailSpec, read_range};
