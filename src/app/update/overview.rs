//! The fleet view (`0`, `:fleet`): every stack of every context, read while it shows; Enter
//! opens a stack in its own context.

use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::overview::{RowId, WHOLE_CONTEXT};
use crate::app::panes::Overlay;
use crate::app::state::AppState;

use super::loads;

/// Opens the fleet view, every context read afresh.
pub fn show(state: &mut AppState, fx: &mut Vec<Effect>) {
    state.overlay = Some(Overlay::Overview);
    for read in &mut state.overview.reads {
        crate::app::resource::Tracked::make_due(read);
    }
    loads::schedule(state, fx);
}

pub fn act(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let rows = state.overview.rows();
    if rows.is_empty() {
        return;
    }
    let sel = state.overview.selected(&rows);
    let page = usize::from(state.size.1.saturating_sub(6)).max(1);
    let last = rows.len() - 1;
    let to = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Open => return open(state, rows[sel].clone(), fx),
        _ => sel,
    };
    state.overview.cursor = Some(rows[to].clone());
}

/// Enter: the stack in its own context (switching to it when it is another), or what is
/// wrong with a context that could not be read.
pub fn open(state: &mut AppState, row: RowId, fx: &mut Vec<Effect>) {
    match row {
        RowId::Context(n) => {
            let name = state.overview.name(n).unwrap_or(&state.backend).to_string();
            match state.overview.reads.get(n).and_then(|r| r.error.as_ref()) {
                Some(e) => state.flash(format!("{name}: {e}"), true),
                None => state.flash(format!("{name}: no Elastic CI Stack here (yet)"), false),
            }
        }
        RowId::Stack(n, stack) => {
            state.overlay = None;
            if state.overview.is_current(n) {
                loads::select_stack(state, &stack, fx);
            } else {
                state.overview.current = Some(n);
                state.wanted_stack = Some(stack);
                let name = state.overview.names.get(n).cloned().unwrap_or_else(|| format!("context {n}"));
                super::switching(state, format!("context {name}"));
                fx.push(Effect::SwitchContext(n));
            }
        }
    }
}

/// `I`: to the stack of the oldest incident not yet seen, in its context; a context that could
/// not be read is shown in the fleet view, with why.
pub fn go_to_incident(state: &mut AppState, fx: &mut Vec<Effect>) {
    super::incidents::forget_shown(state);
    let Some(news) = state.overview.news.first().cloned() else {
        state.flash("no new incident elsewhere", false);
        return;
    };
    state.overview.news.retain(|n| !(n.context == news.context && n.key.stack == news.key.stack));
    if news.key.stack == WHOLE_CONTEXT {
        state.overview.cursor = Some(RowId::Context(news.context));
        return show(state, fx);
    }
    open(state, RowId::Stack(news.context, news.key.stack), fx);
}
