use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, Table};

use super::pane;
use crate::app::{AppState, Pane, shown};
use crate::domain::text;
use crate::domain::{ActivityStatus, format_age};
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, wide: bool) {
    let block = pane::block(state, theme, Pane::Activity, "Scaling activity".into(), &state.reads.activities);
    let rows = shown::activities(state);
    if rows.is_empty() {
        let msg = match &state.reads.activities.data {
            Some(_) if state.lists.activity.filter.is_some() => "no activity matches the filter".to_string(),
            Some(_) => "no scaling activity in the last six weeks".to_string(),
            None => pane::empty_text(state, &state.reads.activities, "scaling activity"),
        };
        pane::message(frame, area, block, msg, theme);
        return;
    }
    let focused = pane::is_focused(state, Pane::Activity);
    let block = pane::with_position(block, state.lists.activity.sel, rows.len(), area, theme);
    let body: Vec<Row> = pane::window(&rows, state.lists.activity.sel, area)
        .map(|(n, a)| {
            let mut cells = vec![
                Cell::from(a.start.clock_in(&state.settings.zone)),
                Cell::from(a.status.as_str()),
                Cell::from(text::sanitize(&a.description).into_owned()),
            ];
            if wide {
                let took = a.end.map(|e| format_age(e.secs_since(a.start))).unwrap_or_else(|| "…".into());
                cells.insert(2, Cell::from(took));
                cells.push(Cell::from(text::sanitize(&a.cause).into_owned()));
            }
            let style = if n == state.lists.activity.sel && focused {
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
                // Wide enough for "Launching a new EC2 instance: i-0123456789abcdef0".
                Constraint::Length(50),
                Constraint::Fill(1),
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
