use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::pane;
use crate::app::{AppState, Pane, shown};
use crate::domain::ScalingState;
use crate::domain::text::sanitize;
use crate::theme::{Role, Theme};

/// Desired/min/max; for the stack on screen, from its Auto Scaling group, which is read more
/// often than the stack list, so that both panes agree.
fn sizes(state: &AppState, s: &crate::domain::StackSummary) -> String {
    match state.fleet.data.as_ref().filter(|_| state.stack.as_deref() == Some(s.name.as_str())) {
        Some(f) => format!("{}/{}/{}", f.desired, f.min, f.max),
        None => format!("{}/{}/{}", s.desired, s.min, s.max),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, wide: bool) {
    let block = pane::block(state, theme, Pane::Stacks, "Stacks".into(), &state.stacks);
    let rows = shown::stacks(state);
    if rows.is_empty() {
        let text = if state.lists.stacks.filter.is_some() {
            "no stack matches the filter".into()
        } else {
            pane::empty_text(state, &state.stacks, "Elastic CI Stacks")
        };
        pane::message(frame, area, block, text, theme);
        return;
    }
    let focused = pane::is_focused(state, Pane::Stacks);
    let block = pane::with_position(block, state.lists.stacks.sel, rows.len(), area, theme);
    let body: Vec<Row> = pane::window(&rows, state.lists.stacks.sel, area)
        .map(|(i, s)| {
            let shown = state.stack.as_deref() == Some(s.name.as_str());
            let scaling = match &s.scaling {
                ScalingState::Paused { .. } => Span::styled(" PAUSED ", theme.style(Role::paused)),
                ScalingState::Enabled { .. } => Span::styled("enabled", theme.style(Role::ok)),
                ScalingState::FixedSize => Span::styled("fixed size", theme.style(Role::muted)),
                ScalingState::Unknown { .. } => Span::styled("unknown", theme.style(Role::warn)),
            };
            let mut cells = vec![
                Cell::from(format!("{}{}", if shown { "▶ " } else { "  " }, sanitize(&s.name))),
                Cell::from(sanitize(&s.queue).into_owned()),
                Cell::from(s.version.clone()),
                Cell::from(s.os.as_str()),
                Cell::from(sizes(state, s)),
                Cell::from(Line::from(scaling)),
            ];
            if wide {
                cells.push(Cell::from(s.status.clone()));
                cells.push(Cell::from(s.agents_per_instance.to_string()));
                cells.push(Cell::from(sanitize(&s.asg_name).into_owned()));
            }
            let style = if i == state.lists.stacks.sel && focused {
                theme.style(Role::selection)
            } else if shown {
                theme.style(Role::accent)
            } else {
                theme.style(Role::base)
            };
            Row::new(cells).style(style)
        })
        .collect();
    let mut header = vec!["  STACK", "QUEUE", "VERSION", "OS", "DES/MIN/MAX", "SCALING"];
    let name_width = rows.iter().map(|s| s.name.chars().count()).max().unwrap_or(5).clamp(5, 40) as u16 + 2;
    let mut widths = vec![
        Constraint::Length(name_width),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Length(10),
    ];
    if wide {
        header.extend(["STATUS", "AGENTS/INST", "AUTO SCALING GROUP"]);
        widths.extend([Constraint::Length(16), Constraint::Length(11), Constraint::Fill(1)]);
    }
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.style(Role::header)))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}
