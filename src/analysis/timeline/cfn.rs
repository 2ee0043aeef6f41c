//! The stack's CloudFormation events on the timeline: the stack's own turns (an update
//! begun, finished, rolled back, failed) and its resources' failures, the rollback's cause
//! marked. A resource's ordinary progress is left to `bkops events`.

use super::{Event, Severity, Source, event};
use crate::analysis::stack_events::causes;
use crate::domain::{StackEvent, StackState};

pub(super) fn cloudformation(stack: &str, events: &[StackEvent]) -> Vec<Event> {
    let causes = causes(events, stack);
    let reason = |e: &StackEvent| e.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    events
        .iter()
        .filter_map(|e| {
            if e.is_of_stack() && e.stack == stack {
                let severity = match StackState::of(&e.status) {
                    StackState::Failed => Severity::Bad,
                    StackState::RollingBack | StackState::RolledBack => Severity::Warn,
                    _ => Severity::Info,
                };
                return Some(event(
                    e.at,
                    Source::Stack,
                    severity,
                    format!("stack {}{}", e.status, reason(e)),
                ));
            }
            if !e.is_failure() {
                return None;
            }
            let cause = causes.contains(&e.event_id);
            let nested = if e.stack == stack { String::new() } else { format!("{}/", e.stack) };
            let text = format!(
                "{nested}{} {}{}{}",
                e.logical_id,
                e.status,
                reason(e),
                if cause { " (the first failure: the cause)" } else { "" }
            );
            Some(event(e.at, Source::Stack, if cause { Severity::Bad } else { Severity::Warn }, text))
        })
        .collect()
}
