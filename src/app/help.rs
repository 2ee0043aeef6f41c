//! The help window's text (generated from the keymap in effect) and how any window's text fits
//! the terminal: the core bounds the help's scrolling with it, and the drawing lays out the
//! same lines.

use super::command::COMMANDS;
use super::keymap::Scope;
use super::state::AppState;
use super::text::{TextLine, piece, raw};
use crate::domain::text::sanitize;
use crate::theme::Role;

/// A window's width, height and how far its text can scroll, at a terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub width: u16,
    pub height: u16,
    pub max_scroll: u16,
}

pub fn fit(lines: &[TextLine], size: (u16, u16)) -> Fit {
    fit_widths(lines.iter().map(TextLine::width), size)
}

/// The fit of lines of these widths (in columns), however they are written.
pub fn fit_widths(widths: impl Iterator<Item = usize>, size: (u16, u16)) -> Fit {
    let width = size.0.saturating_sub(6).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    // Rows the text takes once wrapped (words may wrap a little earlier; one spare row).
    let rows: usize = widths.map(|w| w.div_ceil(inner).max(1)).sum::<usize>() + 1;
    let rows = u16::try_from(rows).unwrap_or(u16::MAX);
    let height = rows.saturating_add(2).min(size.1.saturating_sub(2));
    Fit { width, height, max_scroll: rows.saturating_add(2).saturating_sub(height) }
}

/// How far the help window can scroll now (0 when no help is open).
pub fn max_scroll(state: &AppState) -> u16 {
    match &state.overlay {
        Some(super::panes::Overlay::Help { from, filter, .. }) => {
            fit(&lines(&state.settings.keymap, from, filter), state.size).max_scroll
        }
        _ => 0,
    }
}

/// The keys where the help was opened first (only those, in the log view), then the rest and
/// the commands; with a filter, only the rows that mention it (in keys or words).
pub fn lines(keymap: &super::rebind::Keymap, from: &[Scope], filter: &str) -> Vec<TextLine> {
    let wanted = filter.to_lowercase();
    let keep = |keys: &str, desc: &str| {
        wanted.is_empty() || keys.to_lowercase().contains(&wanted) || desc.to_lowercase().contains(&wanted)
    };
    let mut lines = Vec::new();
    if !filter.is_empty() {
        lines.push(TextLine::styled(
            Role::muted,
            format!("Only what mentions '{}' (/ changes it, Esc in the prompt clears it)", sanitize(filter)),
        ));
        lines.push(TextLine::default());
    }
    for (section, rows) in keymap.help_sections_for(from) {
        let rows: Vec<_> = rows.into_iter().filter(|(k, d)| keep(k, d)).collect();
        if rows.is_empty() {
            continue;
        }
        lines.push(TextLine::styled(Role::header, section));
        for (keys, desc) in rows {
            lines.push(TextLine(vec![piece(Role::accent, format!("  {keys:<18}")), raw(desc)]));
        }
        lines.push(TextLine::default());
    }
    // Commands are typed on the dashboard, not in the log view.
    let commands: Vec<_> = COMMANDS
        .iter()
        .filter(|(name, args, desc)| !from.contains(&Scope::Logs) && keep(&format!(":{name} {args}"), desc))
        .collect();
    if !commands.is_empty() {
        lines.push(TextLine::styled(Role::header, "Commands (type : first)"));
    }
    for (name, args, desc) in commands {
        let usage = format!("  :{name} {args}");
        lines.push(TextLine(vec![piece(Role::accent, format!("{usage:<26}")), raw(*desc)]));
    }
    lines.push(TextLine::default());
    lines.push(TextLine::styled(Role::muted, "Mouse: click a pane or row, scroll to move."));
    lines
}
