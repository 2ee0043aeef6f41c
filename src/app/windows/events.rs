//! The events window: the stack's CloudFormation events of the last day, newest first, the
//! rollback's cause first of all; read again every few seconds while the stack changes.

use super::super::resource::{EVENTS_SECS, EVENTS_WINDOW_SECS};
use crate::analysis::stack_events::{causes, latest_status};
use crate::app::state::AppState;
use crate::app::text::{TextLine, piece, raw};
use crate::domain::text::sanitize;
use crate::domain::{StackEvent, StackState, format_age};
use crate::theme::Role;

pub fn lines(state: &AppState) -> Vec<TextLine> {
    let Some(stack) = state.stack.as_deref() else { return vec![TextLine::plain("No stack is shown.")] };
    let read = &state.reads.events;
    let listed = state.stacks.data.iter().flatten().find(|s| s.name == stack).map(|s| s.status.clone());
    let Some(events) = read.data.as_deref() else {
        return vec![match &read.error {
            Some(e) => TextLine::styled(Role::danger, format!("Cannot read the events: {e}")),
            None => TextLine::styled(Role::muted, "Reading the stack's events…"),
        }];
    };
    let status = latest_status(events, stack).map(str::to_string).or(listed).unwrap_or_default();
    let changing = StackState::of(&status).is_changing();
    let mut out = vec![TextLine(vec![
        piece(Role::title, format!("{} ", sanitize(stack))),
        piece(if changing { Role::accent } else { Role::base }, sanitize(&status).into_owned()),
        piece(
            Role::muted,
            if changing {
                format!(" · read every {EVENTS_SECS} s while it changes")
            } else {
                " · stable: read once".to_string()
            },
        ),
    ])];
    if let Some(e) = &read.error {
        out.push(TextLine::styled(Role::warn, format!("The last read failed: {e}")));
    }
    let causes = causes(events, stack);
    for cause in events.iter().filter(|e| causes.contains(&e.event_id)) {
        out.push(TextLine(vec![piece(Role::danger, "Cause: "), raw(describe(stack, cause))]));
    }
    if events.is_empty() {
        out.push(TextLine::styled(
            Role::muted,
            format!(
                "No event in the last {} (bkops events --since reaches further).",
                format_age(EVENTS_WINDOW_SECS)
            ),
        ));
    }
    out.push(TextLine::default());
    // The statuses padded to the longest shown, so that the resources line up.
    let width = events.iter().map(|e| e.status.len()).max().unwrap_or(0).min(35);
    for e in events {
        let role = match () {
            _ if causes.contains(&e.event_id) => Role::danger,
            _ if e.is_failure() => Role::warn,
            _ if e.is_of_stack() && e.stack == stack => Role::accent,
            _ => Role::base,
        };
        let ago = format_age(state.now.secs_since(e.at));
        out.push(TextLine(vec![
            piece(Role::muted, format!("{} {ago:>5}  ", e.at.clock_in(&state.settings.zone))),
            piece(role, format!("{:<width$} ", sanitize(&e.status))),
            raw(describe(stack, e)),
        ]));
    }
    out
}

/// The resource (with its nested stack, when it is in one), the last word of its type (none
/// for a stack itself), and CloudFormation's reason: short enough for a line at 80 columns.
fn describe(root: &str, e: &StackEvent) -> String {
    let nested = if e.stack == root || e.is_of_stack() { String::new() } else { format!("{}/", e.stack) };
    let kind = match e.resource_type.rsplit("::").next() {
        Some(k) if !e.is_of_stack() && !k.is_empty() => format!(" ({k})"),
        _ => String::new(),
    };
    let reason = e.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    sanitize(&format!("{nested}{}{kind}{reason}", e.logical_id)).into_owned()
}
