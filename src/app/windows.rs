//! The text of the windows that explain (every error, why jobs wait, the doctor's findings),
//! in the core beside the help's: the core bounds their scrolling with the same fit the
//! drawing lays them out with.

use ratatui::text::{Line, Span};

use super::panes::Overlay;
use super::state::AppState;
use crate::domain::format_age;
use crate::domain::text::sanitize;
use crate::domain::why::Part;
use crate::theme::{Role, Theme};

/// The window's title and text, for the windows this file writes.
pub fn text(state: &AppState, theme: &Theme) -> Option<(&'static str, Vec<Line<'static>>)> {
    match state.overlay.as_ref()? {
        Overlay::Errors { .. } => Some(("Errors", error_lines(state, theme))),
        Overlay::Why { .. } => Some(("Why jobs wait", why_lines(state, theme))),
        Overlay::Doctor { .. } => Some(("Doctor", doctor_lines(state, theme))),
        _ => None,
    }
}

/// How far the open window can scroll now: its text against the terminal's size.
pub fn max_scroll(state: &AppState) -> u16 {
    match text(state, &Theme::plain()) {
        Some((_, lines)) => super::help::fit(&lines, state.size).max_scroll,
        None => super::help::max_scroll(state),
    }
}

/// Every error the panes hold, whole: what was being read, since when it fails, and the text.
fn error_lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let errors = state.errors();
    if errors.is_empty() {
        return vec![Line::from("No errors: every pane read what it shows.")];
    }
    let mut out = Vec::new();
    for (what, text, at) in errors {
        let since = match at {
            Some(t) => format!("data shown is {} old", format_age(state.now.secs_since(t))),
            None => "nothing read yet".to_string(),
        };
        out.push(Line::from(vec![
            Span::styled(what.to_string(), theme.style(Role::header)),
            Span::styled(format!("  ({since})"), theme.style(Role::muted)),
        ]));
        out.push(Line::from(Span::styled(format!("  {}", sanitize(&text)), theme.style(Role::danger))));
        out.push(Line::default());
    }
    out
}

fn why_lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let Some(diagnosis) = state.diagnosis() else { return vec![Line::from("No stack is shown.")] };
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
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(sanitize(&text).into_owned(), theme.style(role))));
    }
    out
}

fn doctor_lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let Some(stack) = state.stack.as_deref() else { return vec![Line::from("No stack is shown.")] };
    let findings = state.findings();
    let mut out = Vec::new();
    if findings.is_empty() {
        out.push(Line::from(format!("Nothing found in {}'s configuration.", sanitize(stack))));
    }
    for f in &findings {
        let (mark, role) = match f.severity {
            crate::domain::doctor::Severity::Bad => ("✗", Role::danger),
            crate::domain::doctor::Severity::Warn => ("!", Role::warn),
        };
        out.push(Line::from(Span::styled(format!("{mark} {}", sanitize(&f.what)), theme.style(role))));
        out.push(Line::from(Span::styled(format!("  why: {}", sanitize(&f.why)), theme.style(Role::muted))));
        out.push(Line::from(format!("  fix: {}", sanitize(&f.fix))));
        out.push(Line::default());
    }
    let unread: Vec<&str> = [
        (state.log_groups.data.is_none(), "log groups' retention"),
        (state.fleet.data.is_none(), "auto scaling group"),
        (state.activities.data.is_none(), "scaling activity"),
        (state.scaler.data.is_none(), "scaler log"),
    ]
    .into_iter()
    .filter_map(|(missing, what)| missing.then_some(what))
    .collect();
    if !unread.is_empty() {
        out.push(Line::from(Span::styled(
            format!("Not read yet, so not checked: {}.", unread.join(", ")),
            theme.style(Role::muted),
        )));
    }
    out
}
