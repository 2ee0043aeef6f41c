//! The timeline window (`T`): what happened to the stack, newest first, one event a row, the
//! selected one highlighted; Enter opens its instance's logs at that moment.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use crate::analysis::timeline::{Event, Severity};
use crate::app::AppState;
use crate::domain::format_age;
use crate::domain::text::{sanitize, truncate};
use crate::theme::{Role, Theme};

/// From this inner width the instance column shows the whole ID.
const WIDE: usize = 100;

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, sel: usize, secs: i64) {
    let rect = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Clear, rect);
    let inner = usize::from(rect.width.saturating_sub(2));
    let rows = usize::from(rect.height.saturating_sub(3));
    let stack = state.stack.as_deref().unwrap_or("no stack");
    let t = &state.reads.timeline;
    let events = t.data.as_ref().map_or(&[][..], |t| t.events.as_slice());
    let read = match (t.fetched_at, t.loading) {
        (_, true) if t.data.is_none() => "reading…".to_string(),
        (Some(at), _) => format!("read {} ago", format_age(state.now.secs_since(at))),
        (None, _) => "not read yet".to_string(),
    };
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            &format!(
                "{} · last {} · {} · {read}",
                sanitize(stack),
                format_age(secs),
                crate::domain::text::count(events.len() as u64, "event", "events")
            ),
            inner,
        )
        .into_owned(),
        theme.style(Role::muted),
    ))];
    let unread = t.data.as_ref().map_or(&[][..], |t| t.unread.as_slice());
    let shown_rows = rows.saturating_sub(unread.len().min(2));
    if events.is_empty() && t.data.is_some() {
        lines.push(Line::from("Nothing happened in this window that bkops can read."));
    }
    let first = (sel + 1).saturating_sub(shown_rows);
    for (n, e) in events.iter().enumerate().skip(first).take(shown_rows) {
        lines.push(row(e, inner, n == sel, theme, &state.settings.zone));
    }
    for u in unread.iter().take(2) {
        lines.push(Line::from(Span::styled(
            truncate(&format!("not read: {}", sanitize(u)), inner).into_owned(),
            theme.style(Role::warn),
        )));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(" Timeline ", theme.style(Role::title)))
        // Where the cursor is, when the events do not all fit.
        .title(
            Line::from(Span::styled(
                if events.len() > shown_rows {
                    format!(" {}/{} ", sel + 1, events.len())
                } else {
                    String::new()
                },
                theme.style(Role::muted),
            ))
            .alignment(ratatui::layout::Alignment::Right),
        )
        .title_bottom(Span::styled(
            " Esc close · ↑↓ move · Enter its logs at that moment · :timeline 6h ",
            theme.style(Role::muted),
        ))
        .style(theme.style(Role::base));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn row(e: &Event, width: usize, selected: bool, theme: &Theme, zone: &jiff::tz::TimeZone) -> Line<'static> {
    let (mark, role) = match e.severity {
        Severity::Bad => ("✗", Role::danger),
        Severity::Warn => ("!", Role::warn),
        Severity::Info => (" ", Role::base),
    };
    let instance = match e.instance.as_deref() {
        Some(id) if width >= WIDE => format!("{id:<19}"),
        Some(id) => format!("…{:<6}", id.get(id.len().saturating_sub(6)..).unwrap_or(id)),
        None if width >= WIDE => " ".repeat(19),
        None => " ".repeat(7),
    };
    let head = format!("{} {mark} {:<8} {instance} ", e.at.clock_in(zone), e.source.label());
    let room = width.saturating_sub(head.chars().count());
    let text = format!("{head}{}", truncate(&sanitize(&e.text), room));
    let style = if selected { theme.style(Role::selection) } else { theme.style(role) };
    Line::from(Span::styled(format!("{text:<width$}"), style))
}
