//! The doctor window: the stack's configuration checked against the pitfalls, and what was
//! not read so not checked.

use crate::app::state::AppState;
use crate::app::text::TextLine;
use crate::domain::text::sanitize;
use crate::theme::Role;

pub fn lines(state: &AppState) -> Vec<TextLine> {
    let Some(stack) = state.stack.as_deref() else { return vec![TextLine::plain("No stack is shown.")] };
    let findings = state.findings();
    let mut out = Vec::new();
    if findings.is_empty() {
        out.push(TextLine::plain(format!("Nothing found in {}'s configuration.", sanitize(stack))));
    }
    for f in &findings {
        let (mark, role) = match f.severity {
            crate::analysis::doctor::Severity::Bad => ("✗", Role::danger),
            crate::analysis::doctor::Severity::Warn => ("!", Role::warn),
        };
        out.push(TextLine::styled(role, format!("{mark} {}", sanitize(&f.what))));
        out.push(TextLine::styled(Role::muted, format!("  why: {}", sanitize(&f.why))));
        out.push(TextLine::plain(format!("  fix: {}", sanitize(&f.fix))));
        out.push(TextLine::default());
    }
    let unread: Vec<&str> = [
        (state.reads.log_groups.data.is_none(), "log groups' retention"),
        (state.reads.fleet.data.is_none(), "auto scaling group"),
        (state.reads.activities.data.is_none(), "scaling activity"),
        (state.reads.scaler.data.is_none(), "scaler log"),
    ]
    .into_iter()
    .filter_map(|(missing, what)| missing.then_some(what))
    .collect();
    if !unread.is_empty() {
        out.push(TextLine::styled(
            Role::muted,
            format!("Not read yet, so not checked: {}.", unread.join(", ")),
        ));
    }
    out
}
