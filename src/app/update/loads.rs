//! Reads: which resources are due, what comes back, and which stack the panes show.

use crate::analysis::forensics::ended_by;
use crate::app::msg::{Effect, Payload};
use crate::app::panes::Overlay;
use crate::app::resource::Resource;
use crate::app::shown;
use crate::app::state::AppState;
use crate::domain::{BackendError, Timestamp};

/// The resources the panes show now. Panes covered by the log view, the timeline or the help
/// are not read until they show again (what is due then is read on the next tick).
pub fn watched(state: &AppState) -> Vec<Resource> {
    let mut r = Vec::new();
    if !state.panes_covered() {
        r.push(Resource::Stacks);
        r.push(Resource::Latest);
        if let Some(stack) = &state.stack {
            r.extend(Resource::of_stack(stack));
        }
    }
    r.extend(timeline(state));
    r.extend(stack_events(state));
    // Every context, while the fleet view shows, and in the background for their incidents.
    if state.overlay == Some(Overlay::Overview) || state.settings.incidents {
        r.extend((0..state.overview.reads.len()).map(Resource::Context));
    }
    r
}

/// The timeline of the stack on screen, while it is shown, or while a termination's details
/// are (they say who ended it and the job it cut short); it is not read otherwise.
pub fn timeline(state: &AppState) -> Option<Resource> {
    let stack = state.stack.clone()?;
    match &state.overlay {
        Some(Overlay::Timeline { secs, .. }) => Some(Resource::Timeline(stack, *secs)),
        Some(Overlay::Activity(id)) if state.activity(id).is_some_and(|a| ended_by(a).is_some()) => {
            Some(Resource::Timeline(stack, crate::app::command::TIMELINE_SECS))
        }
        _ => None,
    }
}

/// The stack's events while their window shows: read once, then again only while the stack
/// changes (by the stack list's status, or the newest event's), so that a stable stack costs
/// one read however long the window stays open.
pub fn stack_events(state: &AppState) -> Option<Resource> {
    let stack = state.stack.clone()?;
    if !matches!(state.overlay, Some(Overlay::Events { .. })) {
        return None;
    }
    let read = &state.reads.events;
    let listed = state.stacks.data.iter().flatten().find(|s| s.name == stack).map(|s| s.state());
    let latest = read
        .data
        .as_deref()
        .and_then(|e| crate::analysis::stack_events::latest_status(e, &stack))
        .map(crate::domain::StackState::of);
    let changing = [listed, latest].into_iter().flatten().any(crate::domain::StackState::is_changing);
    (read.fetched_at.is_none() || changing).then_some(Resource::StackEvents(stack))
}

/// Shows the stack's events, read afresh.
pub fn show_events(state: &mut AppState, fx: &mut Vec<Effect>) {
    if let Some(old) = stack_events(state) {
        fx.push(Effect::Cancel(old));
    }
    state.reads.events = Default::default();
    state.overlay = Some(Overlay::Events { scroll: 0 });
    schedule(state, fx);
}

/// Shows the timeline of the last `secs` seconds, read afresh.
pub fn show_timeline(state: &mut AppState, secs: i64, fx: &mut Vec<Effect>) {
    if let Some(old) = timeline(state) {
        fx.push(Effect::Cancel(old));
    }
    state.reads.timeline = Default::default();
    state.overlay = Some(Overlay::Timeline { sel: 0, secs });
    schedule(state, fx);
}

/// Starts every refresh that is due.
pub fn schedule(state: &mut AppState, fx: &mut Vec<Effect>) {
    let now = state.now;
    for resource in watched(state) {
        let tracked = state.tracked_mut(&resource);
        if tracked.is_due(now) {
            tracked.start();
            fx.push(Effect::Fetch(resource));
        }
    }
}

pub fn refresh_all(state: &mut AppState, fx: &mut Vec<Effect>) {
    for tracked in state.all_tracked_mut() {
        tracked.make_due();
    }
    schedule(state, fx);
}

pub fn on_loaded(
    state: &mut AppState,
    resource: Resource,
    result: Result<Payload, BackendError>,
    at: Timestamp,
    fx: &mut Vec<Effect>,
) {
    // A late answer for a stack nobody looks at any more.
    if resource.stack().is_some() && resource.stack() != state.stack.as_deref() {
        return;
    }
    let interval = state.settings.refresh.of(&resource);
    state.answers += 1;
    match result {
        Ok(Payload::Stacks(v)) => state.stacks.set(Ok(v), at, interval),
        Ok(Payload::Queue(v)) => state.reads.queue.set(Ok(v), at, interval),
        Ok(Payload::History(v)) => state.reads.history.set(Ok(v), at, interval),
        Ok(Payload::Fleet(mut v)) => {
            for i in &mut v.instances {
                i.disk_used_pct = state.disk_checks.get(&i.id).copied();
            }
            let unchanged = state.reads.fleet.error.is_none() && state.reads.fleet.data.as_ref() == Some(&v);
            let settled = resource.kind().settles && unchanged;
            let interval = interval * backoff(settled, Some(&v), state.reads.activities.data.as_deref());
            if !unchanged {
                hasten(&mut state.reads.activities, at, i64::from(state.settings.refresh.activity.max(1)));
            }
            state.reads.fleet.set(Ok(v), at, interval)
        }
        Ok(Payload::Activities(v)) => {
            let unchanged =
                state.reads.activities.error.is_none() && state.reads.activities.data.as_ref() == Some(&v);
            let settled = resource.kind().settles && unchanged;
            let interval = interval * backoff(settled, state.reads.fleet.data.as_ref(), Some(&v));
            if !unchanged {
                hasten(&mut state.reads.fleet, at, i64::from(state.settings.refresh.fleet.max(1)));
            }
            state.reads.activities.set(Ok(v), at, interval)
        }
        Ok(Payload::Scaler(v)) => state.reads.scaler.set(Ok(v), at, interval),
        // A late answer for a window no longer shown: dropped, and no read is under way any
        // more (the next window reads afresh).
        Ok(Payload::Timeline(_)) if timeline(state).as_ref() != Some(&resource) => {
            state.reads.timeline.loading = false;
            state.reads.timeline.next_due = None;
        }
        Ok(Payload::Timeline(v)) => state.reads.timeline.set(Ok(v), at, interval),
        Ok(Payload::LogGroups(v)) => state.reads.log_groups.set(Ok(v), at, interval),
        Ok(Payload::Boots(v)) => state.reads.boots.set(Ok(v), at, interval),
        Ok(Payload::StackEvents(v)) => state.reads.events.set(Ok(v), at, interval),
        Ok(Payload::Latest(v)) => state.latest.set(Ok(v), at, interval),
        Ok(Payload::Context { lines, incidents }) => {
            if let Resource::Context(n) = resource {
                state.overview.record(n, &lines);
                // Its read was started through `tracked_mut`, which made room for it.
                if let Some(read) = state.overview.reads.get_mut(n) {
                    let first = read.fetched_at.is_none();
                    read.set(Ok(lines), at, interval);
                    super::incidents::observe(state, n, incidents, at, first, fx);
                }
            }
        }
        Err(e) => {
            if let Resource::Context(n) = resource {
                let first = state.overview.reads.get(n).is_none_or(|r| r.fetched_at.is_none());
                super::incidents::unreadable(state, n, &e, at, first, fx);
            }
            state.tracked_mut(&resource).fail(e, at, interval)
        }
    }
    // The stack shown is no longer there (deleted, or renamed): its panes are emptied rather
    // than left showing what it was, and the first stack is shown instead.
    let names: Vec<&str> = state.stacks.data.iter().flatten().map(|s| s.name.as_str()).collect();
    if resource == Resource::Stacks
        && state.stacks.error.is_none()
        && let Some(gone) = state.stack.clone().filter(|s| !names.contains(&s.as_str()))
    {
        leave_stack(state, fx);
        state.marked.clear();
        state.flash(format!("stack {gone} is gone from {}", state.backend), true);
    }
    if resource == Resource::Stacks && state.stack.is_none() {
        let names: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
        let wanted = state.wanted_stack.take();
        let pick = match wanted {
            Some(w) if names.contains(&w) => Some(w),
            Some(w) => {
                state.flash(format!("no stack named '{w}'"), true);
                names.first().cloned()
            }
            None => names.first().cloned(),
        };
        if let Some(name) = pick {
            select_stack(state, &name, fx);
        }
    }
    state.clamp_selections();
}

/// How many times longer than its interval a group's read waits: `SETTLED_FACTOR` when it
/// settles (its row in `KINDS` says so), its answer is the one it gave last time and nothing is
/// on its way (whatever the instances'
/// health: an incident that does not move costs what a quiet group does), else 1.
fn backoff(
    settled: bool,
    fleet: Option<&crate::domain::Fleet>,
    activities: Option<&[crate::domain::ScalingActivity]>,
) -> i64 {
    match (fleet, activities) {
        (Some(f), Some(a)) if settled && !f.is_moving(a) => crate::app::resource::SETTLED_FACTOR,
        _ => 1,
    }
}

/// The group changed: the other half of its picture (its instances, or its activity) is read
/// within its own interval rather than after a back-off.
fn hasten<T>(read: &mut crate::app::resource::Loadable<T>, at: Timestamp, interval: i64) {
    if let Some(due) = read.next_due {
        read.next_due = Some(due.min(at.plus_secs(interval)));
    }
}

/// No stack is shown any more: what was read for the one that was is cancelled and dropped.
fn leave_stack(state: &mut AppState, fx: &mut Vec<Effect>) {
    if let Some(old) = timeline(state) {
        fx.push(Effect::Cancel(old));
    }
    if let Some(old) = state.stack.take() {
        fx.extend(Resource::of_stack(&old).into_iter().map(Effect::Cancel));
    }
    state.reads = Default::default();
}

/// Shows another stack: what was read for the old one is cancelled and dropped.
pub fn select_stack(state: &mut AppState, name: &str, fx: &mut Vec<Effect>) {
    if state.stack.as_deref() == Some(name) {
        return;
    }
    leave_stack(state, fx);
    state.stack = Some(name.to_string());
    if let Some(Overlay::Timeline { sel, .. }) = &mut state.overlay {
        *sel = 0;
    }
    state.lists.instances.sel = 0;
    state.lists.activity.sel = 0;
    if let Some(pos) = shown::stacks(state).iter().position(|s| s.name == name) {
        state.lists.stacks.sel = pos;
    }
    schedule(state, fx);
}
