//! `update`: the only place the dashboard's state changes. It returns the work to do
//! (fetches, cancellations, quitting) as data for the runtime.

mod incidents;
mod keys;
mod lists;
mod loads;
mod logs;
mod mouse;
mod operator;
mod overview;
mod prompts;
mod timeline;

use crossterm::event::KeyEventKind;

use super::exit::Exit;
use super::keymap::{Action, Scope};
use super::msg::{Effect, Msg};
use super::state::AppState;
use crate::domain::Timestamp;

/// `update`, with what the operator's clock says now (the runtime's way in).
pub fn update_at(state: &mut AppState, msg: Msg, wall: Timestamp) -> Vec<Effect> {
    state.wall = wall;
    update(state, msg)
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    // Only these change the rows under a cursor.
    let held = matches!(msg, Msg::Loaded { .. } | Msg::Key(_) | Msg::Paste(_) | Msg::Mouse(_))
        .then(|| state.hold_selections());
    let loaded = matches!(msg, Msg::Loaded { .. });
    let mut fx = apply(state, msg);
    if let Some(held) = held {
        state.keep_selections(held, loaded);
    }
    // Where the dashboard is may have changed (profile, region, account, stack): its theme too.
    follow_theme_rules(state, &mut fx);
    fx
}

/// Asks for the theme the rules pick where the dashboard is now, when it is not the one last
/// asked for: a profile, region or stack switch, or the account once known. With no rule that
/// matches, the configured theme.
fn follow_theme_rules(state: &mut AppState, fx: &mut Vec<Effect>) {
    let s = &state.settings;
    if s.theme_rules.is_empty() {
        return;
    }
    let picked = super::theme_rules::pick(
        &s.theme_rules,
        &state.backend,
        state.account.as_deref(),
        state.stack.as_deref(),
    );
    let wanted = picked.unwrap_or(&s.base_theme).to_string();
    if wanted != s.theme_asked {
        state.settings.theme_asked = wanted.clone();
        fx.push(Effect::SetTheme(wanted));
    }
}

fn apply(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if state.flash.as_ref().is_some_and(|f| f.until <= state.wall) {
                state.flash = None;
            }
            // Ages on screen change every second.
            state.dirty = true;
            loads::schedule(state, &mut fx);
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.dirty = true;
        }
        Msg::Key(key) => on_key(state, key, &mut fx),
        Msg::Paste(text) => {
            if !state.too_small() {
                keys::on_paste(state, &text);
                state.dirty = true;
            }
        }
        Msg::Mouse(_) if state.too_small() => {}
        Msg::Mouse(mouse) => {
            if mouse::on_mouse(state, mouse) {
                state.dirty = true;
            }
        }
        Msg::Loaded { resource, result, at } => {
            loads::on_loaded(state, resource, result, at, &mut fx);
            state.dirty = true;
        }
        Msg::LogLines { instance, lines } => {
            let rows = state.log_rows();
            if let Some(view) = state.logs.as_mut().filter(|v| v.instance == instance) {
                view.push(lines);
                view.go_to_moment(rows);
                state.dirty = true;
            }
        }
        Msg::LogNotice { instance, text } => {
            if let Some(view) = state.logs.as_mut().filter(|v| v.instance == instance) {
                view.notices.push(text.clone());
                state.flash(text, true);
                state.dirty = true;
            }
        }
        Msg::BackendChanged(label) => backend_changed(state, label, &mut fx),
        Msg::Account { backend, account } => {
            // An answer for the backend before a switch says nothing about this one.
            if backend == state.backend {
                state.account = Some(account);
                state.dirty = true;
            }
        }
        Msg::Notice { text, is_error } => {
            state.flash(text, is_error);
            state.dirty = true;
        }
        Msg::ShellEnded { text, is_error } => {
            state.opening_shell = None;
            state.flash(text, is_error);
            state.dirty = true;
        }
        msg @ (Msg::ActionReady(_)
        | Msg::CallLanded
        | Msg::ActionNotNeeded(_)
        | Msg::DiskChecked(_)
        | Msg::ActionDone { .. }) => operator::on_msg(state, msg, &mut fx),
        Msg::SwitchFailed(text) => {
            // Only a switch still wanted is said to have failed; a cancelled one is forgotten.
            if state.switching.take().is_some() {
                state.flash(text, true);
            }
            state.dirty = true;
        }
        Msg::Shutdown | Msg::Stopped(_) => {
            // Nobody is there to answer a question: an action under way is abandoned.
            state.exit = Exit::Quit { abandon: state.writing.is_some() };
        }
    }
    fx
}

fn on_key(state: &mut AppState, key: crossterm::event::KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    // Nothing of the dashboard is on screen: a key must not act on what cannot be seen (a
    // confirmation, a selection). Only quitting works.
    let action = state.settings.keymap.resolve(&[Scope::Always, Scope::Global], &key);
    if !state.too_small() || matches!(action, Some(Action::Quit | Action::Interrupt)) {
        keys::on_key(state, key, fx);
    }
    state.dirty = true;
}

/// Another account or region: nothing read so far holds. The fleet view is of every context,
/// and a stack opened from it is still wanted. Without `[[contexts]]`, the fleet view is of
/// the backend shown: what it read and the incidents it followed were of the one left.
fn backend_changed(state: &mut AppState, label: String, fx: &mut Vec<Effect>) {
    let settings = std::mem::take(&mut state.settings);
    let mut overview = std::mem::take(&mut state.overview);
    if overview.names.is_empty() {
        overview = super::overview::Overview::new(Vec::new(), None);
    }
    let wanted_stack = state.wanted_stack.take();
    *state =
        AppState { settings, overview, wanted_stack, ..AppState::new(label.clone(), state.now, state.size) };
    state.flash(format!("now reading {label}"), false);
    loads::schedule(state, fx);
}

/// Another profile, region or context is being connected: said until it is, and Esc
/// cancels it (the dashboard stays live meanwhile).
fn switching(state: &mut AppState, what: String) {
    state.flash(format!("switching to {what}… (Esc cancels)"), false);
    state.switching = Some(what);
}

#[cfg(test)]
mod tests;
