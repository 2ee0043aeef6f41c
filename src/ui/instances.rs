use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::pane;
use crate::app::{AppState, InstanceColumn, Pane, shown};
use crate::domain::text::sanitize;
use crate::domain::why::{is_zombie, trouble};
use crate::domain::{DiskSignal, Health, Instance, Lifecycle, warnings};
use crate::theme::{Role, Theme};

fn title(state: &AppState, narrow: bool) -> String {
    let Some(f) = state.fleet.data.as_ref() else { return "Auto Scaling".into() };
    let sep = if narrow { " " } else { " · " };
    let in_service = f.count(Lifecycle::InService);
    let pending = f.count(Lifecycle::Pending);
    let terminating = f.count(Lifecycle::Terminating);
    let mut t = format!(
        "Auto Scaling  desired {}{sep}min {}{sep}max {} │ {in_service} InService",
        f.desired, f.min, f.max
    );
    if pending > 0 {
        t.push_str(&format!("{sep}{pending} Pending"));
    }
    if terminating > 0 {
        t.push_str(&format!("{sep}{terminating} Terminating"));
    }
    if !state.marked.is_empty() {
        t.push_str(&format!(" │ {} marked", state.marked.len()));
    }
    t
}

fn cell_style(i: &Instance, column: InstanceColumn, theme: &Theme) -> Style {
    match column {
        InstanceColumn::Health if i.health == Health::Unhealthy => theme.style(Role::danger),
        InstanceColumn::Lifecycle if i.lifecycle == Lifecycle::Pending => theme.style(Role::accent),
        InstanceColumn::Disk if i.disk == DiskSignal::Full || i.disk_used_pct.is_some_and(|p| p >= 95) => {
            theme.style(Role::danger)
        }
        InstanceColumn::Disk if i.disk_used_pct.is_some_and(|p| p >= 85) => theme.style(Role::warn),
        InstanceColumn::Disk if i.disk == DiskSignal::Low => theme.style(Role::warn),
        _ => Style::default(),
    }
}

/// The AZ's own letter is what differs between rows; the region is the same for all.
fn short_az(az: &str) -> &str {
    az.rsplit('-').next().unwrap_or(az)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    // Columns appear as the pane widens: full zone names, then the market, then the job.
    let inner = area.width.saturating_sub(2);
    let (full_az, market, note, job) = (inner >= 85, inner >= 95, inner >= 145, inner >= 130);
    let mut block = pane::block(state, theme, Pane::Instances, title(state, inner < 100), &state.fleet);
    if let Some(stack) = state.stack_summary() {
        let warns = warnings(stack, state.queue.data.as_ref(), state.fleet.data.as_ref());
        if !warns.is_empty() {
            let text = warns.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" · ");
            block = block.title_bottom(
                Line::from(Span::styled(format!(" ⚠ {text} "), theme.style(Role::warn)))
                    .alignment(Alignment::Left),
            );
        }
    }
    if let Some(note) = state.fleet.data.as_ref().and_then(|f| f.agents_note.as_deref()) {
        block = block.title_bottom(
            Line::from(Span::styled(format!(" {} ", sanitize(note)), theme.style(Role::muted)))
                .alignment(Alignment::Right),
        );
    }
    let rows = shown::instances(state);
    if rows.is_empty() {
        let text = match &state.fleet.data {
            Some(_) if state.lists.instances.filter.is_some() => "no instance matches the filter".to_string(),
            Some(_) => "no instances: the group is at 0".to_string(),
            None => pane::empty_text(state, &state.fleet, "the Auto Scaling group"),
        };
        pane::message(frame, area, block, text, theme);
        return;
    }
    let focused = pane::is_focused(state, Pane::Instances);
    let body: Vec<Row> = pane::window(&rows, state.lists.instances.sel, area)
        .map(|(n, i)| {
            let mut cells: Vec<Cell> = InstanceColumn::ALL
                .iter()
                .map(|c| {
                    let text = shown::instance_cell(i, *c, state.now);
                    let text =
                        if *c == InstanceColumn::Az && !full_az { short_az(&text).to_string() } else { text };
                    // An instance the scaler counts but that takes no job: marked where its
                    // agent would be.
                    if *c == InstanceColumn::Agent && is_zombie(i, state.now) {
                        return Cell::from(format!("✗ {text}")).style(theme.style(Role::danger));
                    }
                    Cell::from(sanitize(&text).into_owned()).style(cell_style(i, *c, theme))
                })
                .collect();
            if market {
                cells.push(Cell::from(match i.spot {
                    Some(true) => "spot",
                    Some(false) => "on-demand",
                    None => "?",
                }));
            }
            if note {
                cells.push(match trouble(i, state.now) {
                    Some(t) => Cell::from(format!("✗ {t}")).style(theme.style(Role::danger)),
                    None => Cell::from(""),
                });
            }
            if job {
                cells.push(Cell::from(
                    i.agents.job.as_deref().map(|j| sanitize(j).into_owned()).unwrap_or_default(),
                ));
            }
            let marked = state.marked.contains(&i.id);
            let style = if n == state.lists.instances.sel && focused {
                // The cursor on a marked row still says it is marked.
                let s = theme.style(Role::selection);
                if marked { s.add_modifier(ratatui::style::Modifier::UNDERLINED) } else { s }
            } else if marked {
                // Marked for an action: as loud as a warning, so it is never forgotten.
                theme.style(Role::marked)
            } else if i.lifecycle == Lifecycle::Terminating {
                theme.style(Role::muted)
            } else {
                theme.style(Role::base)
            };
            Row::new(cells).style(style)
        })
        .collect();
    let mut header: Vec<Cell> = InstanceColumn::ALL
        .iter()
        .map(|c| {
            let arrow = match (state.settings.sort.column == *c, state.settings.sort.descending) {
                (true, false) => "↑",
                (true, true) => "↓",
                _ => "",
            };
            Cell::from(format!("{}{arrow}", c.header()))
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(19),
        Constraint::Length(11),
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Length(if full_az { 10 } else { 3 }),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(5),
    ];
    if market {
        header.push(Cell::from("MARKET"));
        widths.push(Constraint::Length(9));
    }
    if note {
        header.push(Cell::from("TROUBLE"));
        widths.push(Constraint::Length(13));
    }
    if job {
        header.push(Cell::from("JOB"));
        widths.push(Constraint::Min(36));
    }
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.style(Role::header)))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}
