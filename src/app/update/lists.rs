//! The list panes' selections and filters.

use crate::app::filter::Filter;
use crate::app::panes::{Pane, Prompt, PromptKind};
use crate::app::shown;
use crate::app::state::AppState;

pub fn move_selection(state: &mut AppState, pane: Pane, delta: isize) {
    let len = shown::len(state, pane);
    if let Some(sel) = state.selection_mut(pane) {
        let max = len.saturating_sub(1) as isize;
        *sel = (*sel as isize + delta).clamp(0, max) as usize;
    }
}

pub fn page(state: &AppState, pane: Pane) -> isize {
    state.areas().map_or(5, |a| a.list_rows(pane).max(1)) as isize
}

pub fn set_filter(state: &mut AppState, pane: Pane, text: &str) {
    let filter = Filter::parse(text);
    if let Some(list) = state.lists.of_mut(pane) {
        list.filter = filter;
        list.sel = 0;
    }
}

/// Filters apply as they are typed.
pub fn live_filter(state: &mut AppState) {
    match state.prompt.clone() {
        Some(Prompt { kind: PromptKind::Filter(pane), text }) => set_filter(state, pane, &text),
        Some(Prompt { kind: PromptKind::LogFilter, text }) => super::logs::set_filter(state, &text),
        _ => {}
    }
}
