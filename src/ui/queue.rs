use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Wrap};

use super::pane;
use crate::app::{AppState, Pane};
use crate::theme::{Role, Theme};

pub fn draw_numbers(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let title = match state.stack_summary() {
        Some(s) => format!("Queue {}", crate::domain::text::sanitize(&s.queue)),
        None => "Queue: no stack shown".to_string(),
    };
    let block = pane::block(state, theme, Pane::Queue, title, &state.reads.queue);
    let Some(q) = state.reads.queue.data else {
        let text = pane::empty_text(state, &state.reads.queue, "queue metrics");
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).style(theme.style(Role::muted)).block(block),
            area,
        );
        return;
    };
    let num = |label: &str, n: u32, role: Role| {
        vec![
            Span::styled(
                format!("{label:<9}"),
                if role == Role::base { theme.style(Role::muted) } else { theme.style(role) },
            ),
            Span::styled(format!("{n:>4}"), theme.style(role)),
        ]
    };
    let pair = |a: Vec<Span<'static>>, b: Vec<Span<'static>>| {
        let mut l = a;
        l.push(Span::raw("  "));
        l.extend(b);
        Line::from(l)
    };
    let mut lines = vec![
        pair(num("Scheduled", q.scheduled, Role::chart_scheduled), num("Idle", q.idle_agents, Role::base)),
        pair(num("Running", q.running, Role::chart_running), num("Busy", q.busy_agents, Role::base)),
        pair(num("Waiting", q.waiting, Role::chart_waiting), num("Agents", q.total_agents, Role::base)),
    ];
    // Where the pane has a row to spare: how long this stack's instances take to be ready.
    if let Some(text) = crate::app::shown::boot_summary(state) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(text, theme.style(Role::muted))));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.style(Role::base)).block(block), area);
}

pub fn draw_chart(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Pane::Queue && state.overlay.is_none();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.style(Role::border_focused) } else { theme.style(Role::border) })
        .title(Line::from(vec![
            Span::styled(" jobs, last hour: ", theme.style(Role::title)),
            Span::styled("scheduled ", theme.style(Role::chart_scheduled)),
            Span::styled("running ", theme.style(Role::chart_running)),
            Span::styled("waiting ", theme.style(Role::chart_waiting)),
        ]));
    // The first reason jobs wait, where the eye already is; Enter shows them all.
    let diagnosis = state.diagnosis();
    let block = match diagnosis.as_ref().and_then(|d| d.headline()) {
        Some(headline) => block.title_bottom(Line::from(Span::styled(
            format!(" why: {} ", crate::domain::text::sanitize(headline)),
            theme.style(Role::danger),
        ))),
        None => block,
    };
    let history = state.reads.history.data.as_deref().unwrap_or_default();
    if history.is_empty() {
        let text = pane::empty_text(state, &state.reads.history, "queue history");
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).style(theme.style(Role::muted)).block(block),
            area,
        );
        return;
    }
    let now = state.now;
    let minutes = |at: crate::domain::Timestamp| -(now.secs_since(at) as f64) / 60.0;
    let mut series: [Vec<(f64, f64)>; 3] = Default::default();
    for s in history.iter().filter(|s| now.secs_since(s.at) <= 3600) {
        let x = minutes(s.at);
        series[0].push((x, s.scheduled));
        series[1].push((x, s.running));
        series[2].push((x, s.waiting));
    }
    if let Some(q) = state.reads.queue.data {
        series[0].push((0.0, f64::from(q.scheduled)));
        series[1].push((0.0, f64::from(q.running)));
        series[2].push((0.0, f64::from(q.waiting)));
    }
    let top = series.iter().flatten().map(|(_, y)| *y).fold(1.0_f64, f64::max).ceil();
    let names = [
        ("scheduled", Role::chart_scheduled),
        ("running", Role::chart_running),
        ("waiting", Role::chart_waiting),
    ];
    let datasets = series
        .iter()
        .zip(names)
        .map(|(data, (name, role))| {
            Dataset::default()
                .name(name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.style(role))
                .data(data)
        })
        .collect();
    let axis_style = theme.style(Role::muted);
    // The time labels take two rows; a short chart keeps them for the plot (the title says
    // it is the last hour).
    let x_axis = Axis::default().bounds([-60.0, 0.0]).style(axis_style);
    let x_axis = if area.height >= 8 { x_axis.labels(["-60m", "-30m", "now"]) } else { x_axis };
    let chart = Chart::new(datasets)
        .block(block)
        .style(theme.style(Role::base))
        .x_axis(x_axis)
        .y_axis(
            Axis::default().bounds([0.0, top]).style(axis_style).labels(["0".to_string(), format!("{top}")]),
        )
        .legend_position(None);
    frame.render_widget(chart, area);
}
