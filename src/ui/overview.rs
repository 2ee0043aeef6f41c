//! The fleet view (`0`, `:fleet`): every stack of every context, a line each, the most urgent
//! first: contexts that could not be read, stacks with a problem, then by jobs waiting.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use crate::analysis::overview::StackLine;
use crate::analysis::watch::Tracker;
use crate::app::AppState;
use crate::app::overview::RowId;
use crate::domain::format_age;
use crate::domain::text::{count, sanitize, truncate};
use crate::theme::{Role, Theme};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The OPEN column: how many incidents are open on the stack, and for how long the oldest
/// has been (`2 1h5m`).
const OPEN: usize = 7;

fn open_text(
    open: &[(&crate::domain::incident::Incident, crate::domain::Timestamp)],
    now: crate::domain::Timestamp,
) -> String {
    match open.first() {
        Some((_, since)) => format!("{} {}", open.len(), format_age(now.secs_since(*since))),
        None => String::new(),
    }
}

/// The columns that fit the width, beside the mark and the stack.
struct Columns {
    context: usize,
    stack: usize,
    trend: usize,
    sizes: bool,
    scaling: bool,
    queue: usize,
    /// The OPEN column, while any stack has an incident open.
    open: usize,
    /// The most jobs any stack had waiting: the trends' one scale.
    top: u32,
}

impl Columns {
    fn for_width(width: usize, state: &AppState) -> Self {
        let o = &state.overview;
        let longest = |it: &mut dyn Iterator<Item = usize>, cap: usize| it.max().unwrap_or(0).min(cap);
        let context = if o.names.is_empty() {
            0
        } else {
            longest(&mut o.names.iter().map(|n| n.chars().count()), 18).max(7)
        };
        let lines = o.reads.iter().filter_map(|r| r.data.as_ref()).flatten();
        let stack = longest(&mut lines.map(|l| l.stack.chars().count()), 24).max(5);
        Self {
            context,
            stack,
            trend: if width >= 100 {
                12
            } else if width >= 70 {
                6
            } else {
                0
            },
            sizes: width >= 110,
            scaling: width >= 125,
            queue: if width >= 150 { 14 } else { 0 },
            open: if o.incidents.iter().any(Tracker::any_open) { OPEN } else { 0 },
            top: o.waiting.values().flatten().copied().max().unwrap_or(0),
        }
    }

    fn head(&self, context: &str, stack: &str, line: Option<&StackLine>, trend: &str, open: &str) -> String {
        let mut s = String::new();
        if self.context > 0 {
            s.push_str(&format!("{:<w$} ", truncate(context, self.context), w = self.context));
        }
        s.push_str(&format!("{:<w$} ", truncate(stack, self.stack), w = self.stack));
        let (wait, agents) = match line {
            Some(l) => (
                l.waiting.map_or("?".to_string(), |w| w.to_string()),
                l.agents.map_or("?".to_string(), |(i, b)| format!("{i}/{b}")),
            ),
            None => (String::new(), String::new()),
        };
        s.push_str(&format!("{wait:>4} {agents:>7} "));
        if self.open > 0 {
            s.push_str(&format!("{open:<w$} ", w = self.open));
        }
        if self.trend > 0 {
            s.push_str(&format!("{trend:<w$} ", w = self.trend));
        }
        if self.sizes {
            let sizes = line.map(|l| format!("{}/{}/{}", l.desired, l.min, l.max)).unwrap_or_default();
            s.push_str(&format!("{sizes:<9} "));
        }
        if self.scaling {
            s.push_str(&format!("{:<10} ", line.map_or("", |l| l.scaling.as_str())));
        }
        if self.queue > 0 {
            let q = line.map_or(String::new(), |l| truncate(&l.queue, self.queue).into_owned());
            s.push_str(&format!("{q:<w$} ", w = self.queue));
        }
        s
    }
}

/// Jobs waiting over the reads, as bars on one scale for the whole view (`top`, the most any
/// stack had), so that heights compare across stacks.
fn sparkline(samples: Option<&std::collections::VecDeque<u32>>, width: usize, top: u32) -> String {
    let Some(samples) = samples else { return String::new() };
    let top = top.max(1);
    let bars: String = samples
        .iter()
        .skip(samples.len().saturating_sub(width))
        .map(|&v| BARS[(v as usize * (BARS.len() - 1)).div_ceil(top as usize).min(BARS.len() - 1)])
        .collect();
    format!("{bars:>width$}")
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    frame.render_widget(Clear, area);
    let inner = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(4));
    let o = &state.overview;
    let cols = Columns::for_width(inner, state);
    let rows = o.rows();
    let sel = o.selected(&rows);
    let stacks = rows.iter().filter(|r| matches!(r, RowId::Stack(..))).count();
    let lines_of = o.reads.iter().filter_map(|r| r.data.as_ref()).flatten().cloned().collect::<Vec<_>>();
    let oldest = o.reads.iter().filter_map(|r| r.fetched_at).min();
    let read = match oldest {
        Some(at) => format!("read {} ago", format_age(state.now.secs_since(at))),
        None => "reading…".to_string(),
    };
    let contexts = if o.names.is_empty() {
        sanitize(&state.backend).into_owned()
    } else {
        count(o.names.len() as u32, "context", "contexts")
    };
    let summary = format!(
        "{contexts} · {} · {} · {read}",
        count(stacks as u32, "stack", "stacks"),
        crate::analysis::overview::waiting_text(&lines_of)
    );
    let mut text =
        vec![Line::from(Span::styled(truncate(&summary, inner).into_owned(), theme.style(Role::muted)))];
    text.push(Line::from(Span::styled(
        truncate(&header_line(&cols), inner).into_owned(),
        theme.style(Role::header),
    )));
    let first = (sel + 1).saturating_sub(height.max(1));
    for (n, row) in rows.iter().enumerate().skip(first).take(height.max(1)) {
        text.push(row_line(state, &cols, row, inner, n == sel, theme));
    }
    if rows.is_empty() {
        text.push(Line::from("No context to read."));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(" Fleet ", theme.style(Role::title)))
        .title(
            Line::from(Span::styled(
                if rows.len() > height { format!(" {}/{} ", sel + 1, rows.len()) } else { String::new() },
                theme.style(Role::muted),
            ))
            .alignment(Alignment::Right),
        )
        .title_bottom(Span::styled(
            truncate(" Esc back · ↑↓ move · Enter open the stack in its context · Ctrl-R refresh ", inner)
                .into_owned(),
            theme.style(Role::muted),
        ))
        .style(theme.style(Role::base));
    frame.render_widget(Paragraph::new(text).block(block), area);
}

/// Why a context could not be read, what to run first when there is a command to run
/// ("credentials: run `aws sso login --profile ci-staging`"): the row is narrow.
fn unreadable(e: &crate::domain::BackendError) -> String {
    let text = e.to_string();
    let command = text.split('`').nth(1).filter(|c| !c.is_empty());
    match command {
        Some(c) => format!("{}: run `{c}`", e.kind()),
        None => text,
    }
}

fn header_line(cols: &Columns) -> String {
    let mut s = String::from("  ");
    if cols.context > 0 {
        s.push_str(&format!("{:<w$} ", "CONTEXT", w = cols.context));
    }
    s.push_str(&format!("{:<w$} ", "STACK", w = cols.stack));
    s.push_str(&format!("{:>4} {:>7} ", "WAIT", "IDL/BSY"));
    if cols.open > 0 {
        s.push_str(&format!("{:<w$} ", "OPEN", w = cols.open));
    }
    if cols.trend > 0 {
        s.push_str(&format!("{:<w$} ", "TREND", w = cols.trend));
    }
    if cols.sizes {
        s.push_str(&format!("{:<9} ", "D/MIN/MAX"));
    }
    if cols.scaling {
        s.push_str(&format!("{:<10} ", "SCALING"));
    }
    if cols.queue > 0 {
        s.push_str(&format!("{:<w$} ", "QUEUE", w = cols.queue));
    }
    s.push_str("SCALER · WARNINGS");
    s
}

fn row_line(
    state: &AppState,
    cols: &Columns,
    row: &RowId,
    width: usize,
    selected: bool,
    theme: &Theme,
) -> Line<'static> {
    let o = &state.overview;
    let (mark, body, role) = match row {
        RowId::Context(n) => {
            let name = o.name(*n).unwrap_or(&state.backend);
            let read = &o.reads[*n];
            let (mark, tail, role) = match (&read.error, read.loading || read.data.is_none()) {
                (Some(e), _) => ("✗", unreadable(e), Role::danger),
                (None, true) => (" ", "reading…".to_string(), Role::muted),
                (None, false) => (" ", "no Elastic CI Stack here".to_string(), Role::muted),
            };
            let context = if cols.context > 0 {
                format!("{:<w$} ", truncate(&sanitize(name), cols.context), w = cols.context)
            } else {
                String::new()
            };
            (mark, format!("{context}{}", sanitize(&tail)), role)
        }
        RowId::Stack(n, stack) => {
            let Some(line) = o.line(*n, stack) else { return Line::from("") };
            let trend = sparkline(o.waiting.get(&(*n, stack.clone())), cols.trend, cols.top);
            let name = o.name(*n).map(sanitize).unwrap_or_default();
            let open = o.open_on(*n, stack);
            let head = cols.head(&name, &sanitize(stack), Some(line), &trend, &open_text(&open, state.now));
            let mut tail = sanitize(&line.tail_at(state.now)).into_owned();
            for w in &line.warnings {
                tail.push_str(" · ");
                tail.push_str(&sanitize(w));
            }
            let role = if line.problem || !open.is_empty() { Role::warn } else { Role::base };
            (if line.problem || !open.is_empty() { "✗" } else { " " }, format!("{head}{tail}"), role)
        }
    };
    let text = truncate(&format!("{mark} {body}"), width).into_owned();
    let style = if selected { theme.style(Role::selection) } else { theme.style(role) };
    Line::from(Span::styled(format!("{text:<width$}"), style))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_trend_is_scaled_to_the_views_highest_and_right_aligned() {
        let s: std::collections::VecDeque<u32> = [0, 2, 4, 8].into_iter().collect();
        assert_eq!(super::sparkline(Some(&s), 6, 8), "  ▁▃▅█");
        let flat: std::collections::VecDeque<u32> = [0, 0].into_iter().collect();
        assert_eq!(super::sparkline(Some(&flat), 3, 8), " ▁▁");
        // Another stack's 8 is the top: a steady 2 stays low.
        let steady: std::collections::VecDeque<u32> = [2, 2].into_iter().collect();
        assert_eq!(super::sparkline(Some(&steady), 2, 8), "▃▃");
    }
}
