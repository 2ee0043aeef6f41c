//! The log view: an instance's lines from its stack's log groups, newest at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use crate::app::logview::{LogView, ViewLine};
use crate::domain::groups::label;
use crate::domain::text::sanitize;
use crate::theme::{Role, Theme};
use jiff::tz::TimeZone;

const GROUP_ROLES: [Role; 5] =
    [Role::accent, Role::ok, Role::chart_scheduled, Role::header, Role::chart_waiting];

fn group_role(view: &LogView, group: &str) -> Role {
    let i = view.groups.iter().position(|g| g == group).unwrap_or(0);
    GROUP_ROLES[i % GROUP_ROLES.len()]
}

/// A JSON object message, indented, when pretty-printing is on.
fn pretty(view: &LogView, message: &str) -> Option<Vec<String>> {
    if !view.pretty_json || !message.trim_start().starts_with('{') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(message).ok()?;
    let text = serde_json::to_string_pretty(&value).ok()?;
    Some(text.lines().map(|l| format!("  {}", sanitize(l))).collect())
}

/// What a line is marked with at its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    /// The moment the view was opened at (from the timeline).
    Moment,
    /// The error line `e` went to.
    Error,
}

/// The screen lines of one event: one, or a header and the indented JSON.
fn lines_of<'a>(
    view: &'a LogView,
    e: &ViewLine<'a>,
    theme: &Theme,
    zone: &TimeZone,
    mark: Mark,
) -> Vec<Line<'a>> {
    match pretty(view, e.message) {
        Some(json) => {
            let mut head = line(view, e, theme, zone, mark);
            head.spans.pop();
            let mut out = vec![head];
            out.extend(json.into_iter().map(|l| Line::from(Span::styled(l, theme.style(Role::base)))));
            out
        }
        None => vec![line(view, e, theme, zone, mark)],
    }
}

/// One event's line; the first line at the moment the view was opened at (from the
/// timeline) starts with a marker.
fn line<'a>(view: &'a LogView, e: &ViewLine<'a>, theme: &Theme, zone: &TimeZone, mark: Mark) -> Line<'a> {
    let mut spans = Vec::with_capacity(5);
    match mark {
        Mark::Moment => spans.push(Span::styled("▶ ", theme.style(Role::selection))),
        Mark::Error => spans.push(Span::styled("» ", theme.style(Role::selection))),
        Mark::None => {}
    }
    if view.timestamps {
        let t = jiff::Timestamp::from_millisecond(e.timestamp.millis())
            .map(|t| t.to_zoned(zone.clone()).strftime("%H:%M:%S%.3f ").to_string())
            .unwrap_or_default();
        spans.push(Span::styled(t, theme.style(Role::muted)));
    }
    let group = view.group_of(e);
    spans.push(Span::styled(format!("{} ", label(group)), theme.style(group_role(view, group))));
    let text = sanitize(&view.text_of(e)).into_owned();
    match &view.search {
        // Matches are found in the text as shown, so the highlight lines up with it.
        Some(re) if re.is_match(&text) => {
            let mut at = 0;
            for m in re.find_iter(&text) {
                if m.start() > at {
                    spans.push(Span::styled(text[at..m.start()].to_string(), theme.style(Role::base)));
                }
                spans.push(Span::styled(m.as_str().to_string(), theme.style(Role::selection)));
                at = m.end();
            }
            if at < text.len() {
                spans.push(Span::styled(text[at..].to_string(), theme.style(Role::base)));
            }
        }
        _ => spans.push(Span::styled(text, theme.style(Role::base))),
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, view: &LogView, theme: &Theme, zone: &TimeZone) {
    // Only the lines on screen are touched: the view keeps the index of what it shows.
    // Short: at 80 columns the search's count has to fit after it (Space is in the legend).
    let state = if view.follow { "following" } else { "PAUSED" };
    let pretty_flag = if view.pretty_json { "JSON pretty · " } else { "" };
    let mut title = vec![
        Span::styled(format!(" Logs {} ", sanitize(&view.instance)), theme.style(Role::title)),
        Span::styled(
            format!(
                "{} · {pretty_flag}{state} ",
                crate::domain::text::count(view.visible_len() as u64, "line", "lines")
            ),
            theme.style(Role::muted),
        ),
    ];
    if let Some(f) = &view.filter {
        title.push(Span::styled(format!("&{} ", sanitize(&f.text)), theme.style(Role::accent)));
    }
    if let Some(re) = &view.search {
        let which = view.match_of.map(|(n, of)| format!("match {n}/{of} ")).unwrap_or_default();
        title.push(Span::styled(format!("/{} {which}", sanitize(re.as_str())), theme.style(Role::accent)));
    }
    if let Some(m) = view.moment {
        title.push(Span::styled(format!("▶ {} (timeline) ", m.clock_in(zone)), theme.style(Role::accent)));
    }
    if view.dropped > 0 {
        title.push(Span::styled(format!("{} oldest dropped ", view.dropped), theme.style(Role::warn)));
    }
    let groups = view.reading.iter().map(|g| label(g)).collect::<Vec<_>>().join(" ");
    // Every group with its toggle: the ones shown stand out.
    let mut toggles = vec![Span::raw(" ")];
    // Each toggle's state in a glyph too, so that it reads without colour: ● shown, ○ hidden.
    for (n, g) in view.groups.iter().enumerate() {
        let (role, mark) = if view.hidden.contains(g) { (Role::muted, "○") } else { (Role::accent, "●") };
        toggles.push(Span::styled(
            format!("{}{mark}{} ", n + 1, crate::domain::groups::short(g)),
            theme.style(role),
        ));
    }
    let hint =
        if view.follow { "· Esc close · ? keys " } else { "· Space follow · Esc close · ? keys " };
    toggles.push(Span::styled(hint, theme.style(Role::muted)));
    // On a narrow screen the legend ends with an ellipsis where it is cut, never mid-word.
    let room = usize::from(area.width.saturating_sub(3));
    let width = |spans: &[Span]| spans.iter().map(|s| s.content.chars().count()).sum::<usize>();
    if width(&toggles) > room {
        while toggles.len() > 1 && width(&toggles) + 1 > room {
            toggles.pop();
        }
        toggles.push(Span::styled("…", theme.style(Role::muted)));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(theme.style(Role::border_focused))
        .title(Line::from(title))
        .title_bottom(Line::from(toggles));
    let inner_h = usize::from(area.height.saturating_sub(2)).max(1);
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    if view.visible_len() == 0 {
        let text =
            view.notices.last().cloned().unwrap_or_else(|| format!("reading the last hour of {groups}…"));
        let para = Paragraph::new(sanitize(&text).into_owned()).style(theme.style(Role::muted)).block(block);
        frame.render_widget(para, area);
        return;
    }
    // Only the lines on screen are made: the window is worked out from their heights.
    let moment = view.moment.map(|m| view.visible_from(m));
    let mark = |n: usize| {
        if view.is_marked_error(n) {
            Mark::Error
        } else if moment == Some(n) {
            Mark::Moment
        } else {
            Mark::None
        }
    };
    let rows_at = |n: usize| -> Vec<Line<'static>> {
        let Some(e) = view.visible_at(n) else { return Vec::new() };
        let lines = lines_of(view, &e, theme, zone, mark(n));
        if view.wrap {
            lines.into_iter().flat_map(|l| super::wrap::rows(l, inner_w)).collect()
        } else {
            lines.into_iter().map(owned).collect()
        }
    };
    let window = view.window(inner_h, |n| rows_at(n).len().max(1));
    let lines: Vec<Line> = window.flat_map(rows_at).collect();
    let para = Paragraph::new(lines).block(block);
    frame.render_widget(para, area);
}

/// A line that no longer borrows from the view.
fn owned(line: Line<'_>) -> Line<'static> {
    Line::from(
        line.spans.into_iter().map(|s| Span::styled(s.content.into_owned(), s.style)).collect::<Vec<_>>(),
    )
}
