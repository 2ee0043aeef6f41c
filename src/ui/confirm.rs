//! The confirmation dialog: as whom, on which account and region, which stack, the calls, the
//! notes, the one option, the typed check for terminate, and the buttons with Cancel first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::app::AppState;
use crate::app::confirm::{ActionKind, Confirm};
use crate::domain::text::sanitize;
use crate::ops::TerminateMode;
use crate::theme::{Role, Theme};

fn field(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label:<11}"), theme.style(Role::muted)), Span::raw(value)])
}

/// Who, where and what: the top of the dialog.
fn header(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
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
fn body(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
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
fn footer(c: &Confirm, theme: &Theme) -> Vec<Line<'static>> {
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
fn rows(lines: &[Line<'_>], width: usize) -> u16 {
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

fn width_in(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(110)
}

/// Rows of the dialog's text that a terminal of `size` cannot show. While any are hidden the
/// action cannot be chosen: a safety note nobody could read must not be agreed to.
pub fn hidden_rows(c: &Confirm, size: (u16, u16)) -> u16 {
    let theme = Theme::plain();
    hidden_in(Rect::new(0, 0, size.0, size.1), &header(c, &theme), &body(c, &theme), &footer(c, &theme))
}

/// Rows of these parts of the dialog that `area` cannot show.
fn hidden_in(area: Rect, top: &[Line<'_>], middle: &[Line<'_>], bottom: &[Line<'_>]) -> u16 {
    let inner = usize::from(width_in(area).saturating_sub(2));
    let needed = rows(top, inner) + rows(middle, inner) + rows(bottom, inner) + 2;
    needed.saturating_sub(area.height)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(c) = &state.confirm else { return };
    let title =
        c.plan.as_ref().map_or_else(|_| format!("{} {}", c.verb(), c.target.stack), |p| p.title.clone());
    let (top, mut middle, bottom) = (header(c, theme), body(c, theme), footer(c, theme));
    if hidden_in(area, &top, &middle, &bottom) > 0 {
        // Said first, where it cannot be cut: the rest of the notes is what is cut.
        middle.insert(
            0,
            Line::from(Span::styled(
                "Not all of this fits: enlarge the terminal to read every note before choosing".to_string(),
                theme.style(Role::danger),
            )),
        );
    }
    let width = width_in(area);
    let inner = usize::from(width.saturating_sub(2));
    let (top_rows, middle_rows, bottom_rows) =
        (rows(&top, inner), rows(&middle, inner), rows(&bottom, inner));
    let height = (top_rows + middle_rows + bottom_rows + 2).min(area.height);
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(v);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::danger))
        .title(Span::styled(format!(" {title} "), theme.style(Role::title)))
        .style(theme.style(Role::base));
    let inside = block.inner(rect);
    frame.render_widget(block, rect);
    // The buttons first, then who and where; the calls get what is left.
    let [t, m, b] =
        Layout::vertical([Constraint::Length(top_rows), Constraint::Min(0), Constraint::Length(bottom_rows)])
            .areas(inside);
    let para = |lines: Vec<Line<'static>>| Paragraph::new(lines).wrap(Wrap { trim: false });
    frame.render_widget(para(top), t);
    frame.render_widget(para(middle), m);
    frame.render_widget(para(bottom), b);
}
