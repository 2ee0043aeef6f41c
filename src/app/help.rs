//! The help window's text, generated from the keymap in effect.

use super::command::COMMANDS;
use super::keymap::Scope;
use super::text::{TextLine, piece, raw};
use crate::domain::text::sanitize;
use crate::theme::Role;

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
