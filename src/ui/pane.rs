//! The frame every pane draws in: a border that shows focus, a title, and what the pane
//! knows about its data (filter, loading, error).

use ratatui::layout::Alignment;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use crate::app::{AppState, Loadable, Pane};
use crate::theme::{Role, Theme};

pub fn block<'a, T>(
    state: &AppState,
    theme: &Theme,
    pane: Pane,
    title: String,
    data: &Loadable<T>,
) -> Block<'a> {
    let focused = state.focus == pane && state.overlay.is_none();
    let border = if focused { theme.style(Role::border_focused) } else { theme.style(Role::border) };
    let mut right = Vec::new();
    if let Some(f) = state.filter_of(pane) {
        right.push(Span::styled(format!(" /{} ", super::text::sanitize(&f.text)), theme.style(Role::accent)));
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

/// A placeholder line for a pane without data: why, in words.
pub fn empty_text<T>(data: &Loadable<T>, what: &str) -> String {
    match &data.error {
        Some(e) => format!("cannot read {what}: {e}"),
        None if data.loading || data.fetched_at.is_none() => format!("reading {what}…"),
        None => format!("no {what}"),
    }
}
