//! Incidents in the dashboard: each context's, from the fleet view's reads (made in the
//! background every minute unless `[watch] dashboard = false`), followed as `bkops watch`
//! follows them. Those that open on a stack or context not on screen are said on the status
//! bar (and with `[watch] bell`, by the terminal's bell) until the operator goes there (`I`,
//! in `overview`) or they resolve.

use crate::analysis::watch::Change;
use crate::app::msg::Effect;
use crate::app::overview::{News, WHOLE_CONTEXT};
use crate::app::state::AppState;
use crate::domain::incident::Incident;
use crate::domain::{BackendError, Timestamp};

/// A context's read: its incidents now. `first`: the context had not been read before, so
/// what is open already rings no bell (it is still said).
pub fn observe(
    state: &mut AppState,
    context: usize,
    seen: Vec<Incident>,
    at: Timestamp,
    first: bool,
    fx: &mut Vec<Effect>,
) {
    let events = state.overview.tracker_mut(context).observe(at, seen, &[]);
    take(state, context, events, first, fx);
}

/// A context's read failed: that is an incident of its own, and its stacks' stand.
pub fn unreadable(
    state: &mut AppState,
    context: usize,
    e: &BackendError,
    at: Timestamp,
    first: bool,
    fx: &mut Vec<Effect>,
) {
    let tracker = state.overview.tracker_mut(context);
    let unread = tracker.stacks();
    let seen = vec![Incident::new(WHOLE_CONTEXT, "unreadable", "", format!("cannot read this context: {e}"))];
    let events = tracker.observe(at, seen, &unread);
    take(state, context, events, first, fx);
}

fn take(
    state: &mut AppState,
    context: usize,
    events: Vec<crate::analysis::watch::Event>,
    first: bool,
    fx: &mut Vec<Effect>,
) {
    let mut rung = false;
    for e in events {
        let key = e.incident.key;
        match e.change {
            Change::Opened if !state.overview.on_screen(context, &key.stack, state.stack.as_deref()) => {
                state.overview.news.push(News { context, key });
                rung = true;
            }
            Change::Opened => {}
            Change::Resolved => state.overview.news.retain(|n| !(n.context == context && n.key == key)),
        }
    }
    forget_shown(state);
    if rung && !first && state.settings.bell {
        fx.push(Effect::Bell);
    }
}

/// News of the stack now on screen is news no more.
pub fn forget_shown(state: &mut AppState) {
    let shown = state.stack.as_deref();
    let o = &mut state.overview;
    let news = std::mem::take(&mut o.news);
    o.news = news.into_iter().filter(|n| !o.on_screen(n.context, &n.key.stack, shown)).collect();
}
