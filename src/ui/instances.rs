use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::pane;
use crate::analysis::warnings;
use crate::analysis::why::{is_zombie, trouble};
use crate::app::{AppState, InstanceColumn, Pane, shown};
use crate::domain::text::{sanitize, truncate};
use crate::domain::{DiskSignal, Health, Instance, Lifecycle};
use crate::theme::{Role, Theme};

fn title(state: &AppState, narrow: bool) -> String {
    let Some(f) = state.reads.fleet.data.as_ref() else { return "Auto Scaling".into() };
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

/// The columns the pane's width has room for.
struct Fits {
    columns: Vec<InstanceColumn>,
    /// The zone's full name rather than its letter.
    full_az: bool,
    market: bool,
    job: bool,
    /// The trouble in words.
    note: bool,
    /// Launch to ready, from the instance's own boot lines.
    boot: bool,
}

impl Fits {
    /// Columns appear as the pane widens: the zone's letter, the market (Spot or not) before
    /// full zone names, how long its boot took, the trouble in words, the job. At 80 columns
    /// the zone gives way to the problem mark.
    fn at(inner: u16) -> Self {
        let az = inner >= 81;
        let columns =
            InstanceColumn::ALL.iter().copied().filter(|c| az || *c != InstanceColumn::Az).collect();
        Fits {
            columns,
            full_az: inner >= 98,
            market: inner >= 91,
            boot: inner >= 107,
            note: inner >= 135,
            job: inner >= 157,
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let inner = area.width.saturating_sub(2);
    let fits = Fits::at(inner);
    let rows = shown::instances(state);
    let block = pane::block(state, theme, Pane::Instances, title(state, inner < 100), &state.reads.fleet);
    let block = with_notes(block, state, theme, area, rows.len());
    if rows.is_empty() {
        let text = match &state.reads.fleet.data {
            Some(_) if state.lists.instances.filter.is_some() => "no instance matches the filter".to_string(),
            Some(_) => "no instances: the group is at 0".to_string(),
            None => pane::empty_text(state, &state.reads.fleet, "the Auto Scaling group"),
        };
        pane::message(frame, area, block, text, theme);
        return;
    }
    let focused = pane::is_focused(state, Pane::Instances);
    let block = pane::with_position(block, state.lists.instances.sel, rows.len(), area, theme);
    let body: Vec<Row> = pane::window(&rows, state.lists.instances.sel, area)
        .map(|(n, i)| row(state, theme, &fits, i, n == state.lists.instances.sel && focused))
        .collect();
    let (header, widths) = header(state, &fits);
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.style(Role::header)))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// The stack's warnings on the bottom border (cut with an ellipsis, never silently, when the
/// border is too short), and the note on how agents were matched to instances.
fn with_notes<'a>(
    mut block: Block<'a>,
    state: &AppState,
    theme: &Theme,
    area: Rect,
    rows: usize,
) -> Block<'a> {
    if let Some(stack) = state.stack_summary() {
        let warns = warnings(stack, state.reads.queue.data.as_ref(), state.reads.fleet.data.as_ref());
        if !warns.is_empty() {
            let text = warns.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" · ");
            let position = pane::position(state.lists.instances.sel, rows, area);
            let room = usize::from(area.width.saturating_sub(6))
                .saturating_sub(position.map_or(0, |p| p.chars().count() + 1));
            let text = truncate(&text, room);
            block = block.title_bottom(
                Line::from(Span::styled(format!(" ⚠ {text} "), theme.style(Role::warn)))
                    .alignment(Alignment::Left),
            );
        }
    }
    if let Some(note) = state.reads.fleet.data.as_ref().and_then(|f| f.agents_note.as_deref()) {
        block = block.title_bottom(
            Line::from(Span::styled(format!(" {} ", sanitize(note)), theme.style(Role::muted)))
                .alignment(Alignment::Right),
        );
    }
    block
}

/// One instance's row.
fn row<'a>(state: &AppState, theme: &Theme, fits: &Fits, i: &Instance, cursor: bool) -> Row<'a> {
    // A narrow mark for a row with a problem: it reads in any width and without colour.
    let mark = match trouble(i, state.now) {
        Some(_) => Cell::from("✗").style(theme.style(Role::danger)),
        None => Cell::from(" "),
    };
    let mut cells: Vec<Cell> = std::iter::once(mark)
        .chain(fits.columns.iter().map(|c| {
            let text = shown::instance_cell(i, *c, state.now);
            let text =
                if *c == InstanceColumn::Az && !fits.full_az { short_az(&text).to_string() } else { text };
            // An instance the scaler counts but that takes no job: marked where its agent
            // would be.
            if *c == InstanceColumn::Agent && is_zombie(i, state.now) {
                return Cell::from(format!("✗ {text}")).style(theme.style(Role::danger));
            }
            Cell::from(sanitize(&text).into_owned()).style(cell_style(i, *c, theme))
        }))
        .collect();
    if fits.market {
        cells.push(Cell::from(match i.spot {
            Some(true) => "spot",
            Some(false) => "on-demand",
            None => "?",
        }));
    }
    if fits.boot {
        cells.push(Cell::from(shown::boot_cell(state, i)));
    }
    if fits.note {
        cells.push(match trouble(i, state.now) {
            Some(t) => Cell::from(format!("✗ {t}")).style(theme.style(Role::danger)),
            None => Cell::from(""),
        });
    }
    if fits.job {
        cells.push(Cell::from(i.agents.job.as_deref().map(|j| sanitize(j).into_owned()).unwrap_or_default()));
    }
    let marked = state.marked.contains(&i.id);
    let style = if cursor {
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
}

/// The header's cells, with the sort's arrow, and the columns' widths.
fn header(state: &AppState, fits: &Fits) -> (Vec<Cell<'static>>, Vec<Constraint>) {
    // `!` over the marks: problem rows come first.
    let lead = Cell::from(if state.settings.sort.problems_first { "!" } else { " " });
    let mut header: Vec<Cell> = std::iter::once(lead)
        .chain(fits.columns.iter().map(|c| {
            let arrow = match (state.settings.sort.column == *c, state.settings.sort.descending) {
                (true, false) => "↑",
                (true, true) => "↓",
                _ => "",
            };
            Cell::from(format!("{}{arrow}", c.header()))
        }))
        .collect();
    let mut widths: Vec<Constraint> = std::iter::once(Constraint::Length(1))
        .chain(fits.columns.iter().map(|c| {
            Constraint::Length(match c {
                InstanceColumn::Id => 19,
                InstanceColumn::Lifecycle | InstanceColumn::Type => 11,
                InstanceColumn::Health => 9,
                InstanceColumn::Az if fits.full_az => 10,
                InstanceColumn::Az => 3,
                // 11h20m: an age is never cut.
                InstanceColumn::Age => 6,
                InstanceColumn::Agent => 8,
                InstanceColumn::Disk => 5,
            })
        }))
        .collect();
    for (on, name, width) in [
        (fits.market, "MARKET", Constraint::Length(9)),
        (fits.boot, "BOOT", Constraint::Length(7)),
        (fits.note, "TROUBLE", Constraint::Length(13)),
        (fits.job, "JOB", Constraint::Min(36)),
    ] {
        if on {
            header.push(Cell::from(name));
            widths.push(width);
        }
    }
    (header, widths)
}
