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

/// `!`: the cursor to the next row with a problem after it, across the instances (trouble,
/// worst first as they are sorted) and the activity (failed), wrapping round; the status line
/// says which of how many, and what it is.
pub fn next_problem(state: &mut AppState) {
    let mut spots: Vec<(Pane, usize, String)> = shown::instances(state)
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            crate::analysis::why::trouble(i, state.now)
                .map(|t| (Pane::Instances, n, format!("{}: {t}", i.id)))
        })
        .collect();
    spots.extend(
        shown::activities(state)
            .iter()
            .enumerate()
            .filter(|(_, a)| a.status == crate::domain::ActivityStatus::Failed)
            .map(|(n, a)| {
                (Pane::Activity, n, format!("failed: {}", crate::domain::text::sanitize(&a.description)))
            }),
    );
    if spots.is_empty() {
        return state.flash("no problem rows: no instance in trouble, no failed activity", false);
    }
    let order = |p: Pane| usize::from(p == Pane::Activity);
    let here = (order(state.focus), state.lists.of(state.focus).map_or(0, |l| l.sel));
    let on_a_spot_pane = matches!(state.focus, Pane::Instances | Pane::Activity);
    let at_or_before_here = |p: Pane, n: usize| on_a_spot_pane && (order(p), n) <= here;
    let next = spots.iter().position(|(p, n, _)| !at_or_before_here(*p, *n)).unwrap_or(0);
    let Some((pane, n, what)) = spots.get(next).cloned() else { return };
    state.focus = pane;
    if let Some(sel) = state.selection_mut(pane) {
        *sel = n;
    }
    state.flash(format!("problem {}/{}: {what}", next + 1, spots.len()), false);
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
        Some(Prompt { kind: PromptKind::HelpFilter, text }) => set_help_filter(state, &text),
        _ => {}
    }
}

/// The help lists only what mentions `text` (from the top).
pub fn set_help_filter(state: &mut AppState, text: &str) {
    if let Some(super::super::panes::Overlay::Help { scroll, filter, .. }) = &mut state.overlay {
        *filter = text.trim().to_string();
        *scroll = 0;
    }
}
