//! The frame every pane draws in: a border that shows focus, a title, and what the pane
//! knows about its data (filter, loading, error).

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::app::{AppState, Loadable, Pane, shown};
use crate::theme::{Role, Theme};

pub fn block<'a, T>(
    state: &AppState,
    theme: &Theme,
    pane: Pane,
    title: String,
    data: &Loadable<T>,
) -> Block<'a> {
    let focused = is_focused(state, pane);
    let border = if focused { theme.style(Role::border_focused) } else { theme.style(Role::border) };
    let mut right = Vec::new();
    if let Some(f) = state.filter_of(pane) {
        right.push(Span::styled(
            format!(" /{} ", crate::domain::text::sanitize(&f.text)),
            theme.style(Role::accent),
        ));
    }
    if data.error.is_some() {
        right.push(Span::styled(" error ", theme.style(Role::danger)));
    } else if data.loading && data.data.is_none() {
        right.push(Span::styled(" loading… ", theme.style(Role::muted)));
    }
    let key = Pane::ALL.iter().position(|p| *p == pane).map_or(0, |i| i + 1);
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(border)
        .title(Line::from(vec![
            Span::styled(format!("{key}"), theme.style(Role::muted)),
            Span::styled(format!(" {title} "), theme.style(Role::title)),
        ]))
        .title(Line::from(right).alignment(Alignment::Right))
}

/// The pane has the keyboard (and no window covers it).
pub fn is_focused(state: &AppState, pane: Pane) -> bool {
    state.focus == pane && state.overlay.is_none()
}

/// A pane with no rows to show says why, wrapped to its width.
pub fn message(frame: &mut Frame, area: Rect, block: Block, text: String, theme: &Theme) {
    let para = Paragraph::new(text).wrap(Wrap { trim: true }).style(theme.style(Role::muted)).block(block);
    frame.render_widget(para, area);
}

/// The rows that fit in a bordered table with a header, with their indexes, scrolled so that
/// `selected` is in view. Only these become widgets: a long list costs what a screenful does.
pub fn window<T>(rows: &[T], selected: usize, area: Rect) -> impl Iterator<Item = (usize, &T)> {
    let height = usize::from(area.height.saturating_sub(3));
    rows.iter().enumerate().skip(shown::scroll_offset(selected, height)).take(height)
}

/// Where the cursor is, "4/11", on the bottom border of a list whose rows do not all fit.
pub fn with_position<'a>(
    block: Block<'a>,
    selected: usize,
    len: usize,
    area: Rect,
    theme: &Theme,
) -> Block<'a> {
    match position(selected, len, area) {
        Some(text) => block.title_bottom(
            Line::from(Span::styled(text, theme.style(Role::muted))).alignment(Alignment::Right),
        ),
        None => block,
    }
}

/// The position text, when the rows do not all fit.
pub fn position(selected: usize, len: usize, area: Rect) -> Option<String> {
    (len > usize::from(area.height.saturating_sub(3))).then(|| format!(" {}/{len} ", selected + 1))
}

/// A placeholder line for a pane without data: why, in words.
pub fn empty_text<T>(state: &AppState, data: &Loadable<T>, what: &str) -> String {
    let stacks_known = state.stacks.data.as_ref().is_some_and(Vec::is_empty);
    if state.stack.is_none() && stacks_known {
        let elsewhere = if state.settings.aws { "; :region or :profile looks elsewhere" } else { "" };
        return format!("no Elastic CI Stack in {}{elsewhere}", state.backend);
    }
    // The stack list could not be read and none is known: nothing else can be read either,
    // and the reason is the list's (no credentials, most often), not "reading…" for ever.
    if state.stack.is_none()
        && data.error.is_none()
        && state.stacks.data.as_ref().is_none_or(Vec::is_empty)
        && let Some(e) = &state.stacks.error
    {
        return format!("no stack: {e}");
    }
    match &data.error {
        Some(e) => format!("cannot read {what}: {e}"),
        None if data.loading || data.fetched_at.is_none() => format!("reading {what}…"),
        None => format!("no {what}"),
    }
}
