//! What the confirmation dialog says, line by line, and whether a terminal can show all of
//! it: the core refuses an action whose notes cannot be read, and the drawing lays out the
//! same lines.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::confirm::{ActionKind, Confirm};
use crate::domain::text::sanitize;
use crate::ops::TerminateMode;
use crate::theme::{Role, Theme};

fn field(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label:<11}"), theme.style(Role::muted)), Span::raw(value)])
}

/// Who, where and what: the top of the dialog.
pub fn header(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
    let t = &c.target;
    let mut out = vec![
        field(
            "as",
            format!("{} (account {})", sanitize(&c.identity.arn), sanitize(&c.identity.account)),
            theme,
        ),
        field("on", c.backend.clone(), theme),
        field(
            "stack",
            format!("{}: group {} (min {}, desired {}, max {})", t.stack, t.group, t.min, t.desired, t.max),
            theme,
        ),
    ];
    if let ActionKind::Terminate { instances } = &c.kind {
        out.push(field("instances", instances.join(" "), theme));
    }
    out
}

/// The calls and what to know about them: the part that may be cut short on a small screen.
pub fn body(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::default()];
    match &c.plan {
        Ok(plan) => {
            out.push(Line::from(Span::styled("Calls", theme.style(Role::header))));
            for call in &plan.calls {
                out.push(Line::from(format!("  {call}")));
            }
            for w in &plan.warnings {
                out.push(Line::from(Span::styled(format!("  ! {w}"), theme.style(Role::warn))));
            }
        }
        Err(e) => out.push(Line::from(Span::styled(e.to_string(), theme.style(Role::danger)))),
    }
    out
}

/// The option, the typed check and the buttons: always on screen.
pub fn footer(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::default()];
    let option = match (&c.kind, c.mode) {
        (ActionKind::Pause, _) => {
            Some(format!("[{}] drain the group too (Tab)", if c.drain { "x" } else { " " }))
        }
        (ActionKind::Terminate { .. }, TerminateMode::Replace) => {
            Some("(•) replace them  ( ) shrink the group   (Tab switches)".to_string())
        }
        (ActionKind::Terminate { .. }, TerminateMode::Shrink) => {
            Some("( ) replace them  (•) shrink the group   (Tab switches)".to_string())
        }
        (ActionKind::Resume, _) => None,
    };
    if let Some(o) = option {
        out.push(Line::from(Span::styled(o, theme.style(Role::accent))));
    }
    if let Some(expected) = c.expected() {
        let what = if expected.starts_with("i-") { "the instance ID" } else { "how many instances" };
        out.push(Line::from(vec![
            Span::raw(format!("Type {what} ({expected}): ")),
            Span::styled(format!("{}▏", sanitize(&c.typed)), theme.style(Role::prompt)),
        ]));
    }
    let button = |label: &str, focused: bool, enabled: bool| {
        let role = match (focused, enabled) {
            (true, _) => Role::selection,
            (false, true) => Role::base,
            (false, false) => Role::muted,
        };
        Span::styled(format!("[ {label} ]"), theme.style(role))
    };
    out.push(Line::from(vec![
        button("Cancel", !c.on_go, true),
        Span::raw("  "),
        button(c.verb(), c.on_go, c.can_go()),
        Span::styled("   ← → choose · Enter · Esc cancels", theme.style(Role::muted)),
    ]));
    out
}

/// Rows `lines` take when wrapped at word boundaries at `width`, as the dialog's paragraphs
/// wrap (a word longer than a row is broken).
pub fn rows(lines: &[Line<'_>], width: usize) -> u16 {
    let width = width.max(1);
    let wrapped = |text: &str| -> usize {
        let (mut rows, mut used) = (1, 0);
        for word in text.split(' ') {
            let w = word.chars().count();
            let needed = if used == 0 { w } else { used + 1 + w };
            if needed <= width {
                used = needed;
            } else if w <= width {
                rows += 1;
                used = w;
            } else {
                // Broken across rows, starting on a new one.
                rows += usize::from(used > 0) + (w - 1) / width;
                used = (w - 1) % width + 1;
            }
        }
        rows
    };
    lines.iter().map(|l| wrapped(&l.to_string())).sum::<usize>() as u16
}

pub fn width_in(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(110)
}

/// Rows of the dialog's text that a terminal of `size` cannot show. While any are hidden the
/// action cannot be chosen: a safety note nobody could read must not be agreed to.
pub fn hidden_rows(c: &Confirm, size: (u16, u16)) -> u16 {
    let theme = Theme::plain();
    hidden_in(Rect::new(0, 0, size.0, size.1), &header(c, &theme), &body(c, &theme), &footer(c, &theme))
}

/// Rows of these parts of the dialog that `area` cannot show.
pub fn hidden_in(area: Rect, top: &[Line<'_>], middle: &[Line<'_>], bottom: &[Line<'_>]) -> u16 {
    let inner = usize::from(width_in(area).saturating_sub(2));
    let needed = rows(top, inner) + rows(middle, inner) + rows(bottom, inner) + 2;
    needed.saturating_sub(area.height)
}
