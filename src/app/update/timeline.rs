//! The timeline's keys: moving through its events, and Enter, which opens the event's
//! instance's logs at that moment.

use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::panes::Overlay;
use crate::app::state::AppState;

pub fn act(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let events = state.reads.timeline.data.as_ref().map_or(&[][..], |t| t.events.as_slice());
    let last = events.len().saturating_sub(1);
    // The rows the window shows, less its borders and headings.
    let page = usize::from(state.size.1).saturating_sub(8).max(1);
    let Some(Overlay::Timeline { sel, .. }) = &mut state.overlay else { return };
    *sel = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (*sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (*sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => (*sel).min(last),
    };
    if action != Action::Open {
        return;
    }
    let Some(event) = events.get(*sel).cloned() else { return };
    match event.instance {
        Some(instance) => {
            let back = state.overlay.take();
            super::logs::open_at(state, instance.clone(), Some(event.at), fx);
            if let Some(view) = state.logs.as_mut() {
                view.back = back;
            }
            state.flash(
                format!("{instance} at {}: {}", event.at.clock_in(&state.settings.zone), event.text),
                false,
            );
        }
        None => state.flash("this event is about the stack, not one instance: no log to open", false),
    }
}
