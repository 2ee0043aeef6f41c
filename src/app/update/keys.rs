//! Keys: which scopes are active, what a key means in them (the one keymap), and what each
//! action does. Log view and operator keys are handed to their own files.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{lists, loads, prompts};
use crate::app::command;
use crate::app::exit::Exit;
use crate::app::keymap::{Action, Scope};
use crate::app::msg::Effect;
use crate::app::panes::{Overlay, Pane, Prompt, PromptKind};
use crate::app::shown;
use crate::app::state::AppState;

/// A second Ctrl-C within this many milliseconds quits; the message that says so lasts as long.
const INTERRUPT_WINDOW_MS: i64 = 2_000;

pub fn scopes(state: &AppState) -> Vec<Scope> {
    state.scopes()
}

pub fn on_key(state: &mut AppState, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.settings.keymap.resolve(&scopes(state), &key);
    if action != Some(Action::Interrupt) {
        state.interrupt_at = None;
    }
    // The candidates Tab listed stand for the text they were listed for.
    if action != Some(Action::PromptComplete) {
        state.completions.clear();
    }
    match action {
        Some(Action::ToggleGroup) => {
            if let (Some(v), KeyCode::Char(c)) = (state.logs.as_mut(), key.code) {
                let n = c.to_digit(10).unwrap_or(0) as usize;
                v.toggle_group(n);
                // A group shown for the first time is read from now on.
                if let Some(groups) = v.start_reading(n) {
                    let instance = v.instance.clone();
                    let from = v.from;
                    fx.push(Effect::StartTail { instance, groups, from, live: state.settings.log_live });
                }
            }
        }
        Some(action) => act(state, action, fx),
        None if state.confirm.is_some() => {
            if let (Some(c), KeyCode::Char(ch)) = (state.confirm.as_mut(), key.code)
                && !key.modifiers.contains(KeyModifiers::CONTROL)
            {
                c.type_char(ch);
            }
        }
        None => {
            if let (Some(prompt), KeyCode::Char(c)) = (state.prompt.as_mut(), key.code)
                && !key.modifiers.contains(KeyModifiers::CONTROL)
            {
                prompt.text.push(c);
                lists::live_filter(state);
            }
        }
    }
}

/// A paste is text for the field being typed in, never keys: it is cut at its first line break
/// or control character, so a pasted instance ID followed by arrows and Enter types the ID and
/// presses nothing. Without a field open, a paste does nothing.
pub fn on_paste(state: &mut AppState, text: &str) {
    let text: String =
        text.chars().take_while(|c| !c.is_control() && !crate::domain::text::dangerous(*c)).collect();
    if let Some(c) = state.confirm.as_mut() {
        text.chars().for_each(|ch| c.type_char(ch));
    } else if let Some(prompt) = state.prompt.as_mut() {
        prompt.text.push_str(&text);
        lists::live_filter(state);
    }
}

pub fn act(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let focus = state.focus;
    match action {
        Action::Quit => state.quit_or_ask(),
        Action::Interrupt => interrupt(state, fx),
        Action::Help => {
            let from = scopes(state);
            state.overlay = Some(Overlay::Help { scroll: 0, from, filter: String::new() });
        }
        // In a window, `/` filters the help, and does nothing in the others.
        Action::Filter if state.overlay.is_some() => {
            if let Some(Overlay::Help { filter, .. }) = &state.overlay {
                state.prompt = Some(Prompt { kind: PromptKind::HelpFilter, text: filter.clone() });
            }
        }
        Action::ShowErrors => state.overlay = Some(Overlay::Errors { scroll: 0 }),
        Action::ShowWhy => state.overlay = Some(Overlay::Why { scroll: 0 }),
        Action::NextProblem => lists::next_problem(state),
        Action::ToggleZoom => state.zoom = !state.zoom,
        Action::ShowTimeline => loads::show_timeline(state, crate::app::command::TIMELINE_SECS, fx),
        Action::ShowFleet => super::overview::show(state, fx),
        Action::GoToIncident => super::overview::go_to_incident(state, fx),
        Action::ShowDoctor => state.overlay = Some(Overlay::Doctor { scroll: 0 }),
        Action::ShowEvents => loads::show_events(state, fx),
        Action::NextPane => state.focus = focus.next(),
        Action::PrevPane => state.focus = focus.prev(),
        Action::FocusPane(p) => state.focus = p,
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Open => navigate(state, action, fx),
        Action::Filter if state.logs.is_some() => super::logs::act(state, action, fx),
        Action::OpenLogs
        | Action::CloseLogs
        | Action::ToggleFollow
        | Action::ToggleWrap
        | Action::ToggleGroup
        | Action::TogglePrettyJson
        | Action::Search
        | Action::NextMatch
        | Action::PrevMatch
        | Action::FirstError
        | Action::SaveLogs
        | Action::ToggleTimestamps
        | Action::ToggleRaw => super::logs::act(state, action, fx),
        Action::Back => {
            if state.filter_of(focus).is_some() {
                lists::set_filter(state, focus, "");
            }
        }
        Action::Filter => {
            let pane = if focus.is_list() { focus } else { Pane::Instances };
            state.focus = pane;
            let text = state.filter_of(pane).map(|f| f.text.clone()).unwrap_or_default();
            state.prompt = Some(Prompt { kind: PromptKind::Filter(pane), text });
        }
        Action::Command => state.prompt = Some(Prompt { kind: PromptKind::Command, text: String::new() }),
        Action::Refresh => {
            loads::refresh_all(state, fx);
            state.flash("refreshing", false);
        }
        Action::SortNext | Action::SortReverse => sort(state, action),
        Action::CloseOverlay => state.overlay = None,
        Action::PromptAccept
        | Action::PromptCancel
        | Action::PromptBackspace
        | Action::PromptClear
        | Action::PromptComplete => prompt_key(state, action, fx),
        Action::PauseResume
        | Action::UpdateStack
        | Action::Mark
        | Action::MarkFullDisk
        | Action::Terminate
        | Action::CheckDisk
        | Action::OpenShell => super::operator::start(state, action, fx),
        Action::CancelShell => super::operator::cancel_shell(state, fx),
        Action::CancelSwitch | Action::FinishThenQuit | Action::AbandonAndQuit | Action::StayHere => {
            leaving(state, action, fx)
        }
        Action::ConfirmCancel
        | Action::ConfirmAccept
        | Action::ConfirmOption
        | Action::ConfirmLeft
        | Action::ConfirmRight
        | Action::ConfirmBackspace
        | Action::ConfirmScrollUp
        | Action::ConfirmScrollDown
        | Action::ConfirmPageUp
        | Action::ConfirmPageDown => super::operator::in_dialog(state, action, fx),
    }
}

/// Up, down, a page, the ends, and Enter: in the open window (the timeline and the fleet have
/// rows; the others scroll), else Enter opens what is selected and the rest move in the log
/// view, or else in the focused list.
fn navigate(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let focus = state.focus;
    match action {
        _ if matches!(state.overlay, Some(Overlay::Timeline { .. })) => {
            super::timeline::act(state, action, fx)
        }
        _ if state.overlay == Some(Overlay::Overview) => super::overview::act(state, action, fx),
        _ if state.overlay.is_some() => scroll_window(state, action),
        Action::Open => open(state, fx),
        _ if state.logs.is_some() => super::logs::act(state, action, fx),
        Action::Up => lists::move_selection(state, focus, -1),
        Action::Down => lists::move_selection(state, focus, 1),
        Action::PageUp => lists::move_selection(state, focus, -lists::page(state, focus)),
        Action::PageDown => lists::move_selection(state, focus, lists::page(state, focus)),
        Action::Top => lists::move_selection(state, focus, isize::MIN / 2),
        _ => lists::move_selection(state, focus, isize::MAX / 2),
    }
}

/// A window with no rows to open or jump to scrolls, never past the end: a key up must move
/// the text at once.
fn scroll_window(state: &mut AppState, action: Action) {
    let max = crate::app::windows::max_scroll(state);
    if let Some(scroll) = state.overlay.as_mut().and_then(Overlay::scroll_mut) {
        *scroll = match action {
            Action::Top => 0,
            Action::Bottom => max,
            Action::Up => scroll.saturating_sub(1).min(max),
            Action::Down => scroll.saturating_add(1).min(max),
            Action::PageUp => scroll.saturating_sub(10).min(max),
            Action::PageDown => scroll.saturating_add(10).min(max),
            _ => *scroll,
        };
    }
}

fn sort(state: &mut AppState, action: Action) {
    let sort = &mut state.settings.sort;
    if action == Action::SortReverse {
        sort.problems_first = false;
        sort.descending = !sort.descending;
        return;
    }
    // From problems first, the first press keeps the column and drops the problems.
    if !std::mem::take(&mut sort.problems_first) {
        sort.column = sort.column.next();
    }
    sort.descending = false;
}

/// The keys of a prompt: accept, cancel, erase, clear, and Tab's completion.
fn prompt_key(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::PromptAccept => prompts::accept_prompt(state, fx),
        Action::PromptCancel => match state.prompt.take() {
            Some(Prompt { kind: PromptKind::Filter(pane), .. }) => lists::set_filter(state, pane, ""),
            Some(Prompt { kind: PromptKind::LogFilter, .. }) => super::logs::set_filter(state, ""),
            Some(Prompt { kind: PromptKind::HelpFilter, .. }) => lists::set_help_filter(state, ""),
            _ => {}
        },
        Action::PromptBackspace | Action::PromptClear => {
            if let Some(p) = state.prompt.as_mut() {
                if action == Action::PromptClear {
                    p.text.clear();
                } else {
                    p.text.pop();
                }
            }
            lists::live_filter(state);
        }
        _ => complete(state),
    }
}

/// Tab in the command prompt: the stack, profile, region, context or theme names that fit.
fn complete(state: &mut AppState) {
    let names: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
    let profiles = state.settings.profiles.clone();
    let contexts = state.overview.names.clone();
    let candidates = |command: &str| -> Vec<&str> {
        match command {
            "stack" => names.iter().map(String::as_str).collect(),
            "profile" => profiles.iter().map(String::as_str).collect(),
            "region" => crate::domain::regions::REGIONS.to_vec(),
            "context" | "ctx" => contexts.iter().map(String::as_str).collect(),
            "theme" => crate::theme::built_in_names(),
            _ => Vec::new(),
        }
    };
    if let Some(p) = state.prompt.as_mut().filter(|p| p.kind == PromptKind::Command)
        && let Some(done) = command::complete(&p.text, candidates)
    {
        p.text = done.text;
        state.completions = done.choices;
    }
}

/// Cancelling a switch, and the answers to "an action is under way: quit?".
fn leaving(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::CancelSwitch => {
            if let Some(what) = state.switching.take() {
                state
                    .flash(format!("cancelled the switch to {what}; still reading {}", state.backend), false);
                fx.push(Effect::CancelSwitch);
            }
        }
        Action::FinishThenQuit => {
            state.exit = Exit::WhenDone;
            let title = state.writing.clone().unwrap_or_default();
            state.flash(format!("quitting when '{title}' is done"), false);
        }
        Action::AbandonAndQuit => {
            state.exit = Exit::Quit { abandon: true };
        }
        _ => state.exit = state.exit.unasked(),
    }
}

/// Ctrl-C closes what is open; on the bare dashboard, a second press within 2 s quits.
pub fn interrupt(state: &mut AppState, fx: &mut Vec<Effect>) {
    if state.confirm.take().is_some() {
        return state.flash("cancelled: nothing changed", false);
    }
    if state.opening_shell.is_some() {
        return super::operator::cancel_shell(state, fx);
    }
    if state.exit.is_asking() {
        state.exit = state.exit.unasked();
        return;
    }
    if state.prompt.is_some() {
        return act(state, Action::PromptCancel, fx);
    }
    if state.overlay.take().is_some() {
        return;
    }
    if state.logs.take().is_some() {
        fx.push(Effect::StopTail);
        return;
    }
    match state.interrupt_at {
        Some(at) if state.wall.millis() - at.millis() <= INTERRUPT_WINDOW_MS => state.quit_or_ask(),
        _ => {
            state.interrupt_at = Some(state.wall);
            state.flash_for("press Ctrl-C again to quit (or q)", false, INTERRUPT_WINDOW_MS);
        }
    }
}

pub fn open(state: &mut AppState, fx: &mut Vec<Effect>) {
    match state.focus {
        Pane::Stacks => {
            let name = shown::stacks(state).get(state.lists.stacks.sel).map(|s| s.name.clone());
            if let Some(name) = name {
                loads::select_stack(state, &name, fx);
                state.focus = Pane::Instances;
            }
        }
        Pane::Instances => {
            if let Some(i) = shown::instances(state).get(state.lists.instances.sel) {
                state.overlay = Some(Overlay::Instance(i.id.clone()));
            }
        }
        Pane::Activity => {
            if let Some(a) = shown::activities(state).get(state.lists.activity.sel) {
                state.overlay = Some(Overlay::Activity(a.id.clone()));
                loads::schedule(state, fx);
            }
        }
        Pane::Queue => {}
    }
}
