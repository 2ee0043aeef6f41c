//! One CloudFormation stack event: a resource of the stack (or the stack itself, or a nested
//! stack's resource) reaching a status, with CloudFormation's reason when it gives one.

use serde::Serialize;

use super::text::Sanitize;
use super::{StackState, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackEvent {
    #[serde(serialize_with = "super::time::rfc3339_millis")]
    pub at: Timestamp,
    /// The stack the event belongs to: the stack's own name, or a nested stack's.
    pub stack: String,
    /// The resource's logical ID (the stack's own name for the stack itself).
    pub logical_id: String,
    pub physical_id: String,
    pub resource_type: String,
    /// `UPDATE_IN_PROGRESS`, `UPDATE_FAILED`, `UPDATE_ROLLBACK_COMPLETE`, …
    pub status: String,
    /// `ResourceStatusReason`: why it failed, or "User Initiated".
    pub reason: Option<String>,
    #[serde(skip)]
    pub event_id: String,
}

pub const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

/// Consequences of another failure, never a cause.
fn is_consequence(e: &StackEvent) -> bool {
    e.reason.as_deref().is_some_and(|r| r.contains("cancelled") || r.contains("canceled"))
}

/// The events (any order) that caused a rollback or a failed stack: for each event of the
/// root stack that starts a rollback or fails it, the first failure of a resource since the
/// root's previous turn. Their event IDs.
pub fn causes(events: &[StackEvent], root: &str) -> Vec<String> {
    let mut oldest_first: Vec<&StackEvent> = events.iter().collect();
    oldest_first.sort_by_key(|e| e.at);
    let mut out = Vec::new();
    let mut first_failure: Option<&StackEvent> = None;
    for e in oldest_first {
        let of_root = e.is_of_stack() && e.stack == root;
        if !of_root {
            if e.is_failure() && !is_consequence(e) && first_failure.is_none() {
                first_failure = Some(e);
            }
            continue;
        }
        let turns = matches!(StackState::of(&e.status), StackState::RollingBack | StackState::Failed)
            && (e.status.ends_with("ROLLBACK_IN_PROGRESS") || e.is_failure());
        if turns && let Some(f) = first_failure.take() {
            out.push(f.event_id.clone());
        }
        // A new operation (or a rollback's own turn) starts counting afresh.
        if e.status.ends_with("_IN_PROGRESS") {
            first_failure = None;
        }
    }
    out
}

impl StackEvent {
    /// The event is of the stack itself (not of one of its resources).
    pub fn is_of_stack(&self) -> bool {
        self.resource_type == STACK_TYPE && self.logical_id == self.stack
    }

    pub fn is_failure(&self) -> bool {
        self.status.ends_with("_FAILED")
    }
}

impl StackEvent {
    /// An event for tests: `secs` after a fixed moment, its ID made of its logical ID and time.
    #[cfg(test)]
    pub fn example(
        secs: i64,
        stack: &str,
        logical: &str,
        kind: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Self {
        StackEvent {
            at: Timestamp::from_secs(1_796_000_000 + secs),
            stack: stack.into(),
            logical_id: logical.into(),
            physical_id: String::new(),
            resource_type: kind.into(),
            status: status.into(),
            reason: reason.map(Into::into),
            event_id: format!("{stack}-{logical}-{secs}"),
        }
    }
}

impl Sanitize for StackEvent {
    fn sanitize(&mut self) {
        for s in [
            &mut self.stack,
            &mut self.logical_id,
            &mut self.physical_id,
            &mut self.resource_type,
            &mut self.status,
            &mut self.event_id,
        ] {
            s.sanitize();
        }
        self.reason.sanitize();
    }
}
