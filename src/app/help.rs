//! The help window's text (generated from the keymap in effect) and how any window's text fits
//! the terminal: the core bounds the help's scrolling with it, and the drawing lays out the
//! same lines.

use ratatui::text::{Line, Span};

use super::command::COMMANDS;
use super::keymap::Scope;
use super::state::AppState;
use crate::domain::text::sanitize;
use crate::theme::{Role, Theme};

/// A window's width, height and how far its text can scroll, at a terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub width: u16,
    pub height: u16,
    pub max_scroll: u16,
}

pub fn fit(lines: &[Line<'_>], size: (u16, u16)) -> Fit {
    let width = size.0.saturating_sub(6).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    // Rows the text takes once wrapped (words may wrap a little earlier; one spare row).
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum::<usize>() + 1;
    let rows = u16::try_from(rows).unwrap_or(u16::MAX);
    let height = rows.saturating_add(2).min(size.1.saturating_sub(2));
    Fit { width, height, max_scroll: rows.saturating_add(2).saturating_sub(height) }
}

/// How far the help window can scroll now (0 when no help is open).
pub fn max_scroll(state: &AppState) -> u16 {
    match &state.overlay {
        Some(super::panes::Overlay::Help { from, filter, .. }) => {
            fit(&lines(&Theme::plain(), &state.settings.keymap, from, filter), state.size).max_scroll
        }
        _ => 0,
    }
}

/// The keys where the help was opened first (only those, in the log view), then the rest and
/// the commands; with a filter, only the rows that mention it (in keys or words).
pub fn lines(
    theme: &Theme,
    keymap: &super::rebind::Keymap,
    from: &[Scope],
    filter: &str,
) -> Vec<Line<'static>> {
    let wanted = filter.to_lowercase();
    let keep = |keys: &str, desc: &str| {
        wanted.is_empty() || keys.to_lowercase().contains(&wanted) || desc.to_lowercase().contains(&wanted)
    };
    let mut lines = Vec::new();
    if !filter.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("Only what mentions '{}' (/ changes it, Esc in the prompt clears it)", sanitize(filter)),
            theme.style(Role::muted),
        )));
        lines.push(Line::default());
    }
    for (section, rows) in keymap.help_sections_for(from) {
        let rows: Vec<_> = rows.into_iter().filter(|(k, d)| keep(k, d)).collect();
        if rows.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(section, theme.style(Role::header))));
        for (keys, desc) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.style(Role::accent)),
                Span::raw(desc),
            ]));
        }
        lines.push(Line::default());
    }
    // Commands are typed on the dashboard, not in the log view.
    let commands: Vec<_> = COMMANDS
        .iter()
        .filter(|(name, args, desc)| !from.contains(&Scope::Logs) && keep(&format!(":{name} {args}"), desc))
        .collect();
    if !commands.is_empty() {
        lines.push(Line::from(Span::styled("Commands (type : first)", theme.style(Role::header))));
    }
    for (name, args, desc) in commands {
        let usage = format!("  :{name} {args}");
        lines.push(Line::from(vec![
            Span::styled(format!("{usage:<26}"), theme.style(Role::accent)),
            Span::raw(*desc),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Mouse: click a pane or row, scroll to move.",
        theme.style(Role::muted),
    )));
    lines
}
