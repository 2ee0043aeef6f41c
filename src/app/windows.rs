//! The text of the windows that explain (every error, why jobs wait, the doctor's findings),
//! in the core beside the help's: the core bounds their scrolling with the same fit the
//! drawing lays them out with.

use super::panes::Overlay;
use super::state::AppState;
use super::text::{TextLine, piece};
use crate::domain::format_age;
use crate::domain::text::sanitize;
use crate::domain::why::Part;
use crate::theme::Role;

/// The window's title and text, for the windows this file writes.
pub fn text(state: &AppState) -> Option<(&'static str, Vec<TextLine>)> {
    match state.overlay.as_ref()? {
        Overlay::Errors { .. } => Some(("Errors", error_lines(state))),
        Overlay::Why { .. } => Some(("Why jobs wait", why_lines(state))),
        Overlay::Doctor { .. } => Some(("Doctor", doctor_lines(state))),
        _ => None,
    }
}

/// How far the open window can scroll now: its text against the terminal's size.
pub fn max_scroll(state: &AppState) -> u16 {
    match text(state) {
        Some((_, lines)) => super::help::fit(&lines, state.size).max_scroll,
        None => super::help::max_scroll(state),
    }
}

/// Every error the panes hold, whole: what was being read, since when it fails, and the text.
fn error_lines(state: &AppState) -> Vec<TextLine> {
    let errors = state.errors();
    if errors.is_empty() {
        return vec![TextLine::plain("No errors: every pane read what it shows.")];
    }
    let mut out = Vec::new();
    for (what, text, at) in errors {
        let since = match at {
            Some(t) => format!("data shown is {} old", format_age(state.now.secs_since(t))),
            None => "nothing read yet".to_string(),
        };
        out.push(TextLine(vec![
            piece(Role::header, what.to_string()),
            piece(Role::muted, format!("  ({since})")),
        ]));
        out.push(TextLine::styled(Role::danger, format!("  {}", sanitize(&text))));
        out.push(TextLine::default());
    }
    out
}

fn why_lines(state: &AppState) -> Vec<TextLine> {
    let Some(diagnosis) = state.diagnosis() else { return vec![TextLine::plain("No stack is shown.")] };
    let mut out = Vec::new();
    for (part, text) in diagnosis.lines() {
        let role = match part {
            Part::Summary if diagnosis.stuck => Role::danger,
            Part::Summary => Role::header,
            Part::Headline(0) => Role::danger,
            Part::Headline(_) => Role::warn,
            Part::Evidence => Role::muted,
            Part::Capacity => Role::warn,
            Part::Scaler => Role::base,
        };
        // A blank line before each reason, the idle agents and the scaler's verdict.
        if matches!(part, Part::Headline(_))
            || (matches!(part, Part::Scaler | Part::Capacity) && !text.starts_with(' '))
        {
            out.push(TextLine::default());
        }
        out.push(TextLine::styled(role, sanitize(&text).into_owned()));
    }
    out
}

fn doctor_lines(state: &AppState) -> Vec<TextLine> {
    let Some(stack) = state.stack.as_deref() else { return vec![TextLine::plain("No stack is shown.")] };
    let findings = state.findings();
    let mut out = Vec::new();
    if findings.is_empty() {
        out.push(TextLine::plain(format!("Nothing found in {}'s configuration.", sanitize(stack))));
    }
    for f in &findings {
        let (mark, role) = match f.severity {
            crate::domain::doctor::Severity::Bad => ("✗", Role::danger),
            crate::domain::doctor::Severity::Warn => ("!", Role::warn),
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
