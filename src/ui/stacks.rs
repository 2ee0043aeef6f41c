use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::pane;
use crate::app::{AppState, Pane, shown};
use crate::domain::text::{sanitize, truncate};
use crate::domain::{ScalingState, StackState};
use crate::theme::{Role, Theme};

/// Desired/min/max; for the stack on screen, from its Auto Scaling group, which is read more
/// often than the stack list, so that both panes agree.
fn sizes(state: &AppState, s: &crate::domain::StackSummary) -> String {
    match state.reads.fleet.data.as_ref().filter(|_| state.stack.as_deref() == Some(s.name.as_str())) {
        Some(f) => format!("{}/{}/{}", f.desired, f.min, f.max),
        None => format!("{}/{}/{}", s.desired, s.min, s.max),
    }
}

/// What is wrong with a stack, in a few words, so that trouble in a stack not on screen shows:
/// for the stack shown, its warnings (read with its panes); for the others, what the stack
/// list itself says (CloudFormation changing or stuck; a group at its MaxSize; a stack whose
/// scaling cannot be read).
fn badge(state: &AppState, s: &crate::domain::StackSummary) -> Option<String> {
    if state.stack.as_deref() == Some(s.name.as_str()) {
        let warns =
            crate::analysis::warnings(s, state.reads.queue.data.as_ref(), state.reads.fleet.data.as_ref());
        let short: Vec<&str> = warns
            .iter()
            .filter(|w| w.code != "paused" && w.code != "scheduled_action")
            .map(|w| w.text.split(" (").next().unwrap_or(&w.text))
            .collect();
        // The configuration's findings last, without the warning mark: they are not trouble
        // now, only where it will come from.
        let findings = state.findings_count();
        let doctor = (findings > 0)
            .then(|| format!("{} (C)", crate::domain::text::count(findings as u32, "finding", "findings")));
        return match (short.is_empty(), doctor) {
            (true, None) => None,
            (true, Some(d)) => Some(d),
            (false, None) => Some(format!("⚠ {}", short.join(" · "))),
            (false, Some(d)) => Some(format!("⚠ {} · {d}", short.join(" · "))),
        };
    }
    if let Some(w) = crate::analysis::stack_state(s) {
        return Some(format!("⚠ {}", w.text.split(':').next().unwrap_or(&w.text)));
    }
    match &s.scaling {
        ScalingState::Unknown { .. } => Some("⚠ cannot read".into()),
        ScalingState::Enabled { .. } if s.max > 0 && s.desired >= s.max => {
            Some(format!("⚠ at MaxSize ({})", s.max))
        }
        _ => None,
    }
}

/// The stack's version; behind the latest release, the latest too, in the warning colour
/// (a major version behind, the danger colour).
fn version(state: &AppState, s: &crate::domain::StackSummary, theme: &Theme, wide: bool) -> Cell<'static> {
    use crate::domain::release::Behind;
    let (text, behind) = shown::version_cell(state, s, wide);
    let cell = Cell::from(sanitize(&text).into_owned());
    match behind {
        Some(Behind::Major) => cell.style(theme.style(Role::danger)),
        Some(_) => cell.style(theme.style(Role::warn)),
        None => cell,
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
    let name_width = rows.iter().map(|s| s.name.chars().count()).max().unwrap_or(5).clamp(5, 40) as u16 + 2;
    let asg_width = rows.iter().map(|s| s.asg_name.chars().count()).max().unwrap_or(18).clamp(18, 64) as u16;
    // Wider when a stack is behind the latest release (`v6.71.1→v6.75.0`).
    let version_width = rows
        .iter()
        .map(|s| shown::version_cell(state, s, wide).0.chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 24) as u16;
    // The badge gets what the other columns leave, and is cut with an ellipsis to it.
    let fixed =
        name_width + 10 + version_width + 7 + 11 + 10 + if wide { 16 + 11 + asg_width + 3 } else { 0 } + 6;
    let badge_room = usize::from(area.width.saturating_sub(2).saturating_sub(fixed));
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
                version(state, s, theme, wide),
                Cell::from(s.os.as_str()),
                Cell::from(sizes(state, s)),
                Cell::from(Line::from(scaling)),
            ];
            let badge = badge(state, s).map(|b| {
                Cell::from(truncate(&sanitize(&b), badge_room).into_owned()).style(theme.style(Role::warn))
            });
            if wide {
                // A stable stack's status takes the row's colour; any other is loud.
                let status = Cell::from(sanitize(&s.status).into_owned());
                cells.push(match s.state() {
                    StackState::Stable => status,
                    StackState::Updating => status.style(theme.style(Role::accent)),
                    StackState::Failed => status.style(theme.style(Role::danger)),
                    _ => status.style(theme.style(Role::warn)),
                });
                cells.push(Cell::from(s.agents_per_instance.to_string()));
                cells.push(Cell::from(sanitize(&s.asg_name).into_owned()));
            }
            cells.push(badge.unwrap_or_default());
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
    let mut widths = vec![
        Constraint::Length(name_width),
        Constraint::Length(10),
        Constraint::Length(version_width),
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Length(10),
    ];
    if wide {
        header.extend(["STATUS", "AGENTS/INST", "AUTO SCALING GROUP"]);
        widths.extend([Constraint::Length(16), Constraint::Length(11), Constraint::Length(asg_width)]);
    }
    header.push("");
    widths.push(Constraint::Fill(1));
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.style(Role::header)))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}
