//! The mouse: clicks focus a pane and pick a row, the wheel scrolls.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::lists;
use crate::app::panes::Overlay;
use crate::app::shown;
use crate::app::state::AppState;

/// Clicks focus a pane and pick a row; the wheel moves the selection. True if anything changed.
pub fn on_mouse(state: &mut AppState, mouse: MouseEvent) -> bool {
    if state.prompt.is_some() {
        return false;
    }
    let Some(areas) = state.areas() else { return false };
    // Any window of text scrolls with the wheel, never past its end.
    let max = crate::app::windows::max_scroll(state);
    if let Some(scroll) = state.overlay.as_mut().and_then(Overlay::scroll_mut) {
        match mouse.kind {
            MouseEventKind::ScrollDown => *scroll = scroll.saturating_add(3).min(max),
            MouseEventKind::ScrollUp => *scroll = scroll.saturating_sub(3),
            _ => return false,
        }
        return true;
    }
    if state.overlay.is_some() {
        if matches!(mouse.kind, MouseEventKind::Down(MouseButton::Left)) {
            state.overlay = None;
            return true;
        }
        return false;
    }
    let Some(pane) = areas.pane_at(mouse.column, mouse.row) else { return false };
    match mouse.kind {
        MouseEventKind::ScrollDown => lists::move_selection(state, pane, 1),
        MouseEventKind::ScrollUp => lists::move_selection(state, pane, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            state.focus = pane;
            let rect = areas.of(pane);
            let first_row = rect.y + 2; // border and header
            let height = areas.list_rows(pane);
            if mouse.row >= first_row
                && let Some(sel) = state.selection_mut(pane)
            {
                let offset = shown::scroll_offset(*sel, height);
                *sel = offset + usize::from(mouse.row - first_row);
                state.clamp_selections();
            }
        }
        _ => return false,
    }
    true
}
