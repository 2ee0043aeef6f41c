//! The log view's keys: scrolling, follow, wrap, search, filter, first error, save, and
//! opening and closing the view. `update` hands them over while the view is open.

use crate::app::filter::Filter;
use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::panes::{Prompt, PromptKind};
use crate::app::shown;
use crate::app::state::AppState;
use crate::domain::Timestamp;

pub fn act(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
            scroll(state, action)
        }
        Action::Filter => {
            let text = state
                .logs
                .as_ref()
                .and_then(|v| v.filter.as_ref())
                .map(|f| f.text.clone())
                .unwrap_or_default();
            state.prompt = Some(Prompt { kind: PromptKind::LogFilter, text });
        }
        Action::OpenLogs => {
            if let Some(id) = shown::instances(state).get(state.lists.instances.sel).map(|i| i.id.clone()) {
                open(state, id, fx);
            }
        }
        Action::CloseLogs => {
            // Back to the timeline it was opened from, where the operator was.
            state.overlay = state.logs.take().and_then(|v| v.back);
            fx.push(Effect::StopTail);
            super::loads::schedule(state, fx);
        }
        Action::ToggleFollow => {
            if let Some(v) = state.logs.as_mut() {
                v.set_follow(!v.follow);
            }
        }
        Action::ToggleWrap | Action::TogglePrettyJson | Action::ToggleTimestamps => {
            if let Some(v) = state.logs.as_mut() {
                let flag = match action {
                    Action::ToggleWrap => &mut v.wrap,
                    Action::TogglePrettyJson => &mut v.pretty_json,
                    _ => &mut v.timestamps,
                };
                *flag = !*flag;
            }
        }
        Action::Search => state.prompt = Some(Prompt { kind: PromptKind::LogSearch, text: String::new() }),
        Action::NextMatch | Action::PrevMatch => next_match(state, action == Action::NextMatch),
        Action::FirstError => next_error(state),
        Action::ToggleRaw => {
            if let Some(v) = state.logs.as_mut() {
                v.raw = !v.raw;
                let said = if v.raw {
                    "lines as written"
                } else {
                    "lines compact: repeated times, host and program left out (r: as written)"
                };
                state.flash(said, false);
            }
        }
        Action::SaveLogs => save(state, fx),
        _ => {}
    }
}

fn scroll(state: &mut AppState, action: Action) {
    let page = state.areas().map_or(20, |a| a.stacks.height as isize + a.instances.height as isize);
    let rows = state.log_rows();
    if let Some(view) = state.logs.as_mut() {
        match action {
            Action::Up => view.scroll(-1),
            Action::Down => view.scroll(1),
            Action::PageUp => view.scroll(-page),
            Action::PageDown => view.scroll(page),
            // The screen filled from the oldest line down, as less' g does.
            Action::Top => view.top(rows),
            _ => view.scroll(isize::MAX / 2),
        }
    }
}

fn next_match(state: &mut AppState, newer: bool) {
    let rows = state.log_rows();
    let went = match state.logs.as_mut() {
        Some(v) if v.search.is_some() => Some(v.next_match(newer, rows)),
        _ => None,
    };
    match went {
        Some(None) => state.flash("no match in the lines shown", false),
        // Round the end, as less does, and said so.
        Some(Some(true)) if newer => state.flash("search went round: from the oldest match again", false),
        Some(Some(true)) => state.flash("search went round: from the newest match again", false),
        _ => {}
    }
}

fn next_error(state: &mut AppState) {
    let rows = state.log_rows();
    let Some(v) = state.logs.as_mut() else { return };
    match v.next_error(rows) {
        Some((n, of)) => state.flash(format!("error {n}/{of} (e: next)"), false),
        None => {
            let shown = crate::domain::text::count(v.visible_len() as u64, "line", "lines");
            state.flash(format!("no error lines in the {shown} shown"), false)
        }
    }
}

fn save(state: &AppState, fx: &mut Vec<Effect>) {
    let Some(v) = &state.logs else { return };
    // Saved as written, in UTC (`Z`): a file outlives the zone it was saved in.
    let style = crate::logs::format::Style {
        format: crate::logs::format::Format::Detailed,
        color: false,
        timestamps: true,
        compact: false,
        zone: None,
    };
    let text: String = v
        .visible()
        .iter()
        .map(|l| crate::logs::format::line(&v.event_of(l), &style).render() + "\n")
        .collect();
    fx.push(Effect::SaveLogs { instance: v.instance.clone(), text });
}

pub fn set_filter(state: &mut AppState, text: &str) {
    if let Some(v) = state.logs.as_mut() {
        v.set_filter(Filter::parse(text));
        v.offset = 0;
    }
}

/// Opens the log view of an instance, in its stack's groups, and starts reading.
pub fn open(state: &mut AppState, instance: String, fx: &mut Vec<Effect>) {
    open_at(state, instance, None, fx)
}

/// Lines read before a moment the view is opened at: what led up to it.
const BEFORE_MOMENT_SECS: i64 = 10 * 60;

/// As `open`; with a moment (a timeline event's), the view reads from a little before it and
/// shows it, paused, rather than the newest lines.
pub fn open_at(state: &mut AppState, instance: String, moment: Option<Timestamp>, fx: &mut Vec<Effect>) {
    let os = state.stack_summary().map_or(crate::domain::Os::Linux, |s| s.os);
    let groups: Vec<String> =
        crate::domain::groups::default_groups(os).into_iter().map(str::to_string).collect();
    let all: Vec<String> = crate::domain::groups::all_groups(os).into_iter().map(str::to_string).collect();
    if state.logs.is_some() {
        fx.push(Effect::StopTail);
    }
    let mut view =
        crate::app::logview::LogView::with_shown(instance.clone(), all, &groups, state.settings.log_capacity);
    view.moment = moment;
    view.from = moment.map(|m| m.plus_secs(-BEFORE_MOMENT_SECS));
    let from = view.from;
    state.logs = Some(view);
    fx.push(Effect::StartTail { instance, groups, from, live: state.settings.log_live });
}
