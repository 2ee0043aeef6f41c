use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{pane, text};
use crate::app::{AppState, Pane, views};
use crate::domain::{ActivityStatus, format_age};
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, wide: bool) {
    let block = pane::block(state, theme, Pane::Activity, "Scaling activity".into(), &state.activities);
    let rows = views::activities(state);
    if rows.is_empty() {
        let msg = match &state.activities.data {
            Some(_) if state.activity_filter.is_some() => "no activity matches the filter".to_string(),
            Some(_) => "no scaling activity in the last six weeks".to_string(),
            None => pane::empty_text(&state.activities, "scaling activity"),
        };
        frame.render_widget(
            Paragraph::new(msg)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(theme.style(Role::muted))
                .block(block),
            area,
        );
        return;
    }
    let height = usize::from(area.height.saturating_sub(3));
    let offset = views::scroll_offset(state.activity_sel, height);
    let focused = state.focus == Pane::Activity && state.overlay.is_none();
    // Only the visible window is turned into rows: ten thousand activities cost nothing.
    let body: Vec<Row> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(n, a)| {
            let mut cells = vec![
                Cell::from(a.start.clock()),
                Cell::from(a.status.as_str()),
                Cell::from(text::sanitize(&a.description).into_owned()),
            ];
            if wide {
                let took = a.end.map(|e| format_age(e.secs_since(a.start))).unwrap_or_else(|| "…".into());
                cells.insert(2, Cell::from(took));
                cells.push(Cell::from(text::sanitize(&a.cause).into_owned()));
            }
            let style = if n == state.activity_sel && focused {
                theme.style(Role::selection)
            } else if a.status.is_failure() {
                theme.style(Role::warn)
            } else if a.status != ActivityStatus::Successful {
                theme.style(Role::accent)
            } else {
                theme.style(Role::base)
            };
            Row::new(cells).style(style)
        })
        .collect();
    let (header, widths) = if wide {
        (
            vec!["START", "STATUS", "TOOK", "DESCRIPTION", "CAUSE"],
            vec![
                Constraint::Length(8),
                Constraint::Length(12),
                Constraint::Length(5),
                Constraint::Percentage(35),
                Constraint::Min(20),
            ],
        )
    } else {
        (
            vec!["START", "STATUS", "DESCRIPTION"],
            vec![Constraint::Length(8), Constraint::Length(12), Constraint::Min(20)],
        )
    };
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.style(Role::header)))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}
