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
    let mut out = Vec::new();
    if c.read_only {
        out.push(Line::from(Span::styled(
            "READ-ONLY: bkops was started read-only, so this will be refused; nothing can change",
            theme.style(Role::danger),
        )));
    }
    out.extend([
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
    ]);
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

/// "1 more row", "5 more rows".
pub fn more_rows(n: u16) -> String {
    if n == 1 { "1 more row".into() } else { format!("{n} more rows") }
}

/// How the dialog's parts fit an area: who and where, and the buttons, always show; the notes
/// between them scroll when they do not fit, with a row that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub top: u16,
    /// Rows of the notes, and how many show at once.
    pub body: u16,
    pub shown: u16,
    pub bottom: u16,
}

impl Fit {
    /// The notes do not all show at once.
    pub fn scrolls(&self) -> bool {
        self.shown < self.body
    }

    /// The furthest the notes can be scrolled.
    pub fn max_scroll(&self) -> u16 {
        self.body - self.shown
    }
}

/// How the dialog fits a terminal of `size`.
pub fn fit(c: &Confirm, size: (u16, u16)) -> Fit {
    let theme = Theme::plain();
    fit_in(Rect::new(0, 0, size.0, size.1), &header(c, &theme), &body(c, &theme), &footer(c, &theme))
}

pub fn fit_in(area: Rect, top: &[Line<'_>], middle: &[Line<'_>], bottom: &[Line<'_>]) -> Fit {
    let inner = usize::from(width_in(area).saturating_sub(2));
    let (top, body, bottom) = (rows(top, inner), rows(middle, inner), rows(bottom, inner));
    let room = area.height.saturating_sub(top + bottom + 2);
    // One row of the room says there is more.
    let shown = if body <= room { body } else { room.saturating_sub(1) };
    Fit { top, body, shown, bottom }
}

/// Notes the operator has not had on screen yet, at this size: while any are left the action
/// cannot be chosen, since a safety note nobody could read must not be agreed to. Counts what
/// is on screen now as read.
pub fn unread_rows(c: &mut Confirm, size: (u16, u16)) -> u16 {
    let f = fit(c, size);
    c.scroll = c.scroll.min(f.max_scroll());
    if f.shown > 0 {
        c.seen = c.seen.max(c.scroll + f.shown);
    }
    f.body.saturating_sub(c.seen)
}
