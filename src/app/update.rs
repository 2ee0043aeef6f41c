//! `update`: the only place the dashboard's state changes. It returns the work to do
//! (fetches, cancellations, quitting) as data for the runtime.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::command::{self, Command};
use super::filter::Filter;
use super::keymap::{self, Action, Scope};
use super::msg::{Effect, Msg, Payload};
use super::state::{AppState, Flash, Overlay, Pane, Prompt, PromptKind, Resource};
use super::views;
use crate::domain::Timestamp;
use crate::ui::layout;

const FLASH_SECS: i64 = 5;
const INTERRUPT_WINDOW_SECS: i64 = 2;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if state.flash.as_ref().is_some_and(|f| f.until <= now) {
                state.flash = None;
            }
            // Ages on screen change every second.
            state.dirty = true;
            schedule(state, &mut fx);
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.dirty = true;
        }
        Msg::Key(key) if key.kind != KeyEventKind::Release && too_small(state) => {
            // Nothing of the dashboard is on screen: a key must not act on what cannot be
            // seen (a confirmation, a selection). Only quitting works.
            let action = keymap::resolve(&[Scope::Always, Scope::Global], &key);
            if matches!(action, Some(Action::Quit | Action::Interrupt)) {
                on_key(state, key, &mut fx);
            }
            state.dirty = true;
        }
        Msg::Key(key) if key.kind != KeyEventKind::Release => {
            on_key(state, key, &mut fx);
            state.dirty = true;
        }
        Msg::Key(_) => {}
        Msg::Paste(text) => {
            if !too_small(state) {
                on_paste(state, &text);
                state.dirty = true;
            }
        }
        Msg::Mouse(_) if too_small(state) => {}
        Msg::Mouse(mouse) => {
            if on_mouse(state, mouse) {
                state.dirty = true;
            }
        }
        Msg::Loaded { resource, result, at } => {
            on_loaded(state, resource, result, at, &mut fx);
            state.dirty = true;
        }
        Msg::LogLines { instance, lines } => {
            if let Some(view) = state.logs.as_mut().filter(|v| v.instance == instance) {
                view.push(lines);
                state.dirty = true;
            }
        }
        Msg::LogNotice { instance, text } => {
            if let Some(view) = state.logs.as_mut().filter(|v| v.instance == instance) {
                view.notices.push(text.clone());
                flash(state, text, true);
                state.dirty = true;
            }
        }
        Msg::BackendChanged(label) => {
            // Another account or region: nothing read so far holds.
            let fresh = AppState::new(label.clone(), state.now, state.size);
            *state = AppState {
                refresh: state.refresh,
                theme: std::mem::take(&mut state.theme),
                profiles: std::mem::take(&mut state.profiles),
                aws: state.aws,
                sort: state.sort,
                ..fresh
            };
            flash(state, format!("now reading {label}"), false);
            schedule(state, &mut fx);
        }
        Msg::Account { backend, account } => {
            // An answer for the backend before a switch says nothing about this one.
            if backend == state.backend {
                state.account = Some(account);
                state.dirty = true;
            }
        }
        Msg::Notice { text, is_error } => {
            flash(state, text, is_error);
            state.dirty = true;
        }
        Msg::ShellEnded { text, is_error } => {
            state.opening_shell = None;
            flash(state, text, is_error);
            state.dirty = true;
        }
        Msg::ActionReady(result) => {
            super::actions::ready(state, result);
            state.dirty = true;
        }
        Msg::DiskChecked(result) => {
            super::actions::disk_checked(state, result);
            state.dirty = true;
        }
        Msg::ActionDone { text, ok } => {
            state.writing = None;
            state.leaving = false;
            flash(state, text, !ok);
            refresh_all(state, &mut fx);
            state.dirty = true;
            if state.quit_when_done {
                quit(state, &mut fx);
            }
        }
        Msg::Shutdown | Msg::Stopped(_) => {
            // Nobody is there to answer a question: an action under way is abandoned.
            state.abandon = state.writing.is_some();
            state.quit = true;
            fx.push(Effect::Quit);
        }
    }
    fx
}

/// Whether the terminal is too small to draw the dashboard (it says so instead).
fn too_small(state: &AppState) -> bool {
    let (w, h) = state.size;
    w < layout::MIN_WIDTH || h < layout::MIN_HEIGHT
}

/// Quits, unless an operator action is under way: then asks whether to let it finish or to
/// abandon it, since quitting between two of its calls would leave the stack half-changed.
fn quit(state: &mut AppState, fx: &mut Vec<Effect>) {
    // Asked again even after "let it finish": quitting now would still stop it half-way.
    if state.writing.is_some() {
        state.leaving = true;
        return;
    }
    state.quit = true;
    fx.push(Effect::Quit);
}

pub(super) fn flash(state: &mut AppState, text: impl Into<String>, is_error: bool) {
    state.flash = Some(Flash { text: text.into(), is_error, until: state.now.plus_secs(FLASH_SECS) });
}

/// The resources the panes show now.
fn watched(state: &AppState) -> Vec<Resource> {
    let mut r = vec![Resource::Stacks];
    if let Some(stack) = &state.stack {
        r.extend(Resource::of_stack(stack));
    }
    r
}

/// Starts every refresh that is due.
fn schedule(state: &mut AppState, fx: &mut Vec<Effect>) {
    let now = state.now;
    for resource in watched(state) {
        let due = match &resource {
            Resource::Stacks => state.stacks.is_due(now),
            Resource::Queue(_) => state.queue.is_due(now),
            Resource::History(_) => state.history.is_due(now),
            Resource::Fleet(_) => state.fleet.is_due(now),
            Resource::Activities(_) => state.activities.is_due(now),
        };
        if due {
            set_loading(state, &resource);
            fx.push(Effect::Fetch(resource));
        }
    }
}

fn set_loading(state: &mut AppState, r: &Resource) {
    match r {
        Resource::Stacks => state.stacks.loading = true,
        Resource::Queue(_) => state.queue.loading = true,
        Resource::History(_) => state.history.loading = true,
        Resource::Fleet(_) => state.fleet.loading = true,
        Resource::Activities(_) => state.activities.loading = true,
    }
}

fn refresh_all(state: &mut AppState, fx: &mut Vec<Effect>) {
    for next in [
        &mut state.stacks.next_due,
        &mut state.queue.next_due,
        &mut state.history.next_due,
        &mut state.fleet.next_due,
        &mut state.activities.next_due,
    ] {
        *next = None;
    }
    schedule(state, fx);
}

fn on_loaded(
    state: &mut AppState,
    resource: Resource,
    result: Result<Payload, crate::domain::BackendError>,
    at: Timestamp,
    fx: &mut Vec<Effect>,
) {
    // A late answer for a stack nobody looks at any more.
    if resource.stack().is_some() && resource.stack() != state.stack.as_deref() {
        return;
    }
    let interval = state.refresh.of(&resource);
    match (result, &resource) {
        (Ok(Payload::Stacks(v)), _) => state.stacks.set(Ok(v), at, interval),
        (Ok(Payload::Queue(v)), _) => state.queue.set(Ok(v), at, interval),
        (Ok(Payload::History(v)), _) => state.history.set(Ok(v), at, interval),
        (Ok(Payload::Fleet(mut v)), _) => {
            for i in &mut v.instances {
                i.disk_used_pct = state.disk_checks.get(&i.id).copied();
            }
            state.fleet.set(Ok(v), at, interval)
        }
        (Ok(Payload::Activities(v)), _) => state.activities.set(Ok(v), at, interval),
        (Err(e), Resource::Stacks) => state.stacks.set(Err(e), at, interval),
        (Err(e), Resource::Queue(_)) => state.queue.set(Err(e), at, interval),
        (Err(e), Resource::History(_)) => state.history.set(Err(e), at, interval),
        (Err(e), Resource::Fleet(_)) => state.fleet.set(Err(e), at, interval),
        (Err(e), Resource::Activities(_)) => state.activities.set(Err(e), at, interval),
    }
    if resource == Resource::Stacks && state.stack.is_none() {
        let names: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
        let wanted = state.wanted_stack.take();
        let pick = match wanted {
            Some(w) if names.contains(&w) => Some(w),
            Some(w) => {
                flash(state, format!("no stack named '{w}'"), true);
                names.first().cloned()
            }
            None => names.first().cloned(),
        };
        if let Some(name) = pick {
            select_stack(state, &name, fx);
        }
    }
    clamp_selections(state);
}

/// Shows another stack: what was read for the old one is cancelled and dropped.
fn select_stack(state: &mut AppState, name: &str, fx: &mut Vec<Effect>) {
    if state.stack.as_deref() == Some(name) {
        return;
    }
    if let Some(old) = state.stack.take() {
        fx.extend(Resource::of_stack(&old).into_iter().map(Effect::Cancel));
    }
    state.stack = Some(name.to_string());
    state.queue = Default::default();
    state.history = Default::default();
    state.fleet = Default::default();
    state.activities = Default::default();
    state.instance_sel = 0;
    state.activity_sel = 0;
    if let Some(pos) = views::stacks(state).iter().position(|s| s.name == name) {
        state.stack_sel = pos;
    }
    schedule(state, fx);
}

fn selection(state: &mut AppState, pane: Pane) -> Option<&mut usize> {
    match pane {
        Pane::Stacks => Some(&mut state.stack_sel),
        Pane::Instances => Some(&mut state.instance_sel),
        Pane::Activity => Some(&mut state.activity_sel),
        Pane::Queue => None,
    }
}

fn clamp_selections(state: &mut AppState) {
    for pane in [Pane::Stacks, Pane::Instances, Pane::Activity] {
        let len = views::len(state, pane);
        if let Some(sel) = selection(state, pane) {
            *sel = (*sel).min(len.saturating_sub(1));
        }
    }
}

pub(super) fn areas(state: &AppState) -> Option<layout::Areas> {
    let count = state.stacks.data.as_ref().map_or(1, Vec::len);
    layout::compute(Rect::new(0, 0, state.size.0, state.size.1), count)
}

fn move_selection(state: &mut AppState, pane: Pane, delta: isize) {
    let len = views::len(state, pane);
    if let Some(sel) = selection(state, pane) {
        let max = len.saturating_sub(1) as isize;
        *sel = (*sel as isize + delta).clamp(0, max) as usize;
    }
}

fn scopes(state: &AppState) -> Vec<Scope> {
    if state.leaving {
        return vec![Scope::Always, Scope::Leaving];
    }
    if state.confirm.is_some() {
        return vec![Scope::Always, Scope::Confirm];
    }
    if state.prompt.is_some() {
        return vec![Scope::Always, Scope::Prompt];
    }
    if state.overlay.is_some() {
        return vec![Scope::Always, Scope::Overlay];
    }
    if state.logs.is_some() {
        return vec![Scope::Always, Scope::Logs];
    }
    let mut s = vec![Scope::Always];
    if state.opening_shell.is_some() {
        s.push(Scope::Opening);
    }
    if state.focus == Pane::Instances {
        s.push(Scope::Instances);
    }
    if state.focus.is_list() {
        s.push(Scope::List);
    }
    s.push(Scope::Global);
    s
}

fn on_key(state: &mut AppState, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = keymap::resolve(&scopes(state), &key);
    if action != Some(Action::Interrupt) {
        state.interrupt_at = None;
    }
    match action {
        Some(Action::ToggleGroup) => {
            if let (Some(v), KeyCode::Char(c)) = (state.logs.as_mut(), key.code) {
                v.toggle_group(c.to_digit(10).unwrap_or(0) as usize);
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
                live_filter(state);
            }
        }
    }
}

/// A paste is text for the field being typed in, never keys: it is cut at its first line break
/// or control character, so a pasted instance ID followed by arrows and Enter types the ID and
/// presses nothing. Without a field open, a paste does nothing.
fn on_paste(state: &mut AppState, text: &str) {
    let text: String =
        text.chars().take_while(|c| !c.is_control() && !crate::domain::text::dangerous(*c)).collect();
    if let Some(c) = state.confirm.as_mut() {
        text.chars().for_each(|ch| c.type_char(ch));
    } else if let Some(prompt) = state.prompt.as_mut() {
        prompt.text.push_str(&text);
        live_filter(state);
    }
}

fn page(state: &AppState, pane: Pane) -> isize {
    areas(state).map_or(5, |a| a.list_rows(pane).max(1)) as isize
}

fn act(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let focus = state.focus;
    match action {
        Action::Quit => quit(state, fx),
        Action::Interrupt => interrupt(state, fx),
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::ShowErrors => state.overlay = Some(Overlay::Errors),
        Action::NextPane => state.focus = focus.next(),
        Action::PrevPane => state.focus = focus.prev(),
        Action::FocusPane(p) => state.focus = p,
        Action::Up | Action::Down | Action::PageUp | Action::PageDown if state.overlay.is_some() => {
            if let Some(Overlay::Help { scroll }) = &mut state.overlay {
                *scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(10),
                    _ => scroll.saturating_add(10),
                };
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Filter
            if state.logs.is_some() =>
        {
            super::logkeys::act(state, action, fx)
        }
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
        | Action::ToggleTimestamps => super::logkeys::act(state, action, fx),
        Action::Up => move_selection(state, focus, -1),
        Action::Down => move_selection(state, focus, 1),
        Action::PageUp => move_selection(state, focus, -page(state, focus)),
        Action::PageDown => move_selection(state, focus, page(state, focus)),
        Action::Top => move_selection(state, focus, isize::MIN / 2),
        Action::Bottom => move_selection(state, focus, isize::MAX / 2),
        Action::Open => open(state, fx),
        Action::Back => {
            if state.filter_of(focus).is_some() {
                set_filter(state, focus, "");
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
            refresh_all(state, fx);
            flash(state, "refreshing", false);
        }
        Action::SortNext => {
            state.sort.column = state.sort.column.next();
            state.sort.descending = false;
        }
        Action::SortReverse => state.sort.descending = !state.sort.descending,
        Action::CloseOverlay => state.overlay = None,
        Action::PromptAccept => accept_prompt(state, fx),
        Action::PromptCancel => match state.prompt.take() {
            Some(Prompt { kind: PromptKind::Filter(pane), .. }) => set_filter(state, pane, ""),
            Some(Prompt { kind: PromptKind::LogFilter, .. }) => super::logkeys::set_filter(state, ""),
            _ => {}
        },
        Action::PromptBackspace => {
            if let Some(p) = state.prompt.as_mut() {
                p.text.pop();
            }
            live_filter(state);
        }
        Action::PromptClear => {
            if let Some(p) = state.prompt.as_mut() {
                p.text.clear();
            }
            live_filter(state);
        }
        Action::PauseResume
        | Action::Mark
        | Action::MarkFullDisk
        | Action::Terminate
        | Action::CheckDisk
        | Action::OpenShell => super::actions::start(state, action, fx),
        Action::CancelShell => super::actions::cancel_shell(state, fx),
        Action::FinishThenQuit => {
            state.leaving = false;
            state.quit_when_done = true;
            let title = state.writing.clone().unwrap_or_default();
            flash(state, format!("quitting when '{title}' is done"), false);
        }
        Action::AbandonAndQuit => {
            state.leaving = false;
            state.abandon = true;
            state.quit = true;
            fx.push(Effect::Quit);
        }
        Action::StayHere => state.leaving = false,
        Action::ConfirmCancel
        | Action::ConfirmAccept
        | Action::ConfirmOption
        | Action::ConfirmLeft
        | Action::ConfirmRight
        | Action::ConfirmBackspace => super::actions::in_dialog(state, action, fx),
        Action::PromptComplete => {
            let names: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
            let profiles = state.profiles.clone();
            let candidates = |command: &str| -> Vec<&str> {
                match command {
                    "stack" => names.iter().map(String::as_str).collect(),
                    "profile" => profiles.iter().map(String::as_str).collect(),
                    "region" => crate::domain::regions::REGIONS.to_vec(),
                    "theme" => crate::theme::BUILT_IN.iter().map(|(n, _)| *n).collect(),
                    _ => Vec::new(),
                }
            };
            if let Some(p) = state.prompt.as_mut().filter(|p| p.kind == PromptKind::Command)
                && let Some(done) = command::complete(&p.text, candidates)
            {
                p.text = done;
            }
        }
    }
}

/// Ctrl-C closes what is open; on the bare dashboard, a second press within 2 s quits.
fn interrupt(state: &mut AppState, fx: &mut Vec<Effect>) {
    if state.confirm.take().is_some() {
        return flash(state, "cancelled: nothing changed", false);
    }
    if state.opening_shell.is_some() {
        return super::actions::cancel_shell(state, fx);
    }
    if state.leaving {
        state.leaving = false;
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
        Some(at) if state.now.secs_since(at) <= INTERRUPT_WINDOW_SECS => quit(state, fx),
        _ => {
            state.interrupt_at = Some(state.now);
            flash(state, "press Ctrl-C again to quit (or q)", false);
        }
    }
}

fn open(state: &mut AppState, fx: &mut Vec<Effect>) {
    match state.focus {
        Pane::Stacks => {
            let name = views::stacks(state).get(state.stack_sel).map(|s| s.name.clone());
            if let Some(name) = name {
                select_stack(state, &name, fx);
                state.focus = Pane::Instances;
            }
        }
        Pane::Instances => {
            if let Some(i) = views::instances(state).get(state.instance_sel) {
                state.overlay = Some(Overlay::Instance(i.id.clone()));
            }
        }
        Pane::Activity => {
            if let Some(a) = views::activities(state).get(state.activity_sel) {
                state.overlay = Some(Overlay::Activity(a.id.clone()));
            }
        }
        Pane::Queue => {}
    }
}

fn set_filter(state: &mut AppState, pane: Pane, text: &str) {
    let filter = Filter::parse(text);
    match pane {
        Pane::Stacks => state.stack_filter = filter,
        Pane::Instances => state.instance_filter = filter,
        Pane::Activity => state.activity_filter = filter,
        Pane::Queue => {}
    }
    if let Some(sel) = selection(state, pane) {
        *sel = 0;
    }
}

/// Filters apply as they are typed.
fn live_filter(state: &mut AppState) {
    match state.prompt.clone() {
        Some(Prompt { kind: PromptKind::Filter(pane), text }) => set_filter(state, pane, &text),
        Some(Prompt { kind: PromptKind::LogFilter, text }) => super::logkeys::set_filter(state, &text),
        _ => {}
    }
}

fn accept_prompt(state: &mut AppState, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.prompt.take() else { return };
    match prompt.kind {
        PromptKind::Filter(pane) => set_filter(state, pane, &prompt.text),
        PromptKind::LogFilter => super::logkeys::set_filter(state, &prompt.text),
        PromptKind::LogSearch => {
            if let Some(v) = state.logs.as_mut()
                && !v.set_search(&prompt.text)
                && v.search.is_some()
            {
                flash(state, format!("'{}' is not in the lines shown", prompt.text), false);
            }
        }
        PromptKind::Command => match command::parse(&prompt.text) {
            Ok(cmd) => run_command(state, cmd, fx),
            Err(msg) => flash(state, msg, true),
        },
    }
}

fn run_command(state: &mut AppState, cmd: Command, fx: &mut Vec<Effect>) {
    match cmd {
        Command::Stack(name) => {
            let known: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
            if known.contains(&name) {
                select_stack(state, &name, fx);
            } else {
                flash(state, format!("no stack named '{name}' (known: {})", known.join(", ")), true);
            }
        }
        Command::Pane(p) => state.focus = p,
        Command::Filter(text) => {
            let pane = if state.focus.is_list() { state.focus } else { Pane::Instances };
            set_filter(state, pane, &text);
        }
        Command::Sort { column, descending } => {
            state.sort.column = column;
            state.sort.descending = descending.unwrap_or(false);
            state.focus = Pane::Instances;
        }
        Command::Theme(name) => fx.push(Effect::SetTheme(name)),
        Command::Logs(text) => match crate::domain::instance_id(&text) {
            Ok(id) => super::logkeys::open(state, id, fx),
            Err(msg) => flash(state, msg, true),
        },
        Command::Shell(text) => match crate::domain::instance_id(&text) {
            Ok(id) => super::actions::open_shell(state, id, fx),
            Err(msg) => flash(state, msg, true),
        },
        Command::Profile(_) | Command::Region(_) if !state.aws => {
            flash(state, "the demo has no AWS profile or region to switch", true);
        }
        Command::Profile(profile) if !state.profiles.contains(&profile) => {
            let known =
                if state.profiles.is_empty() { "none".to_string() } else { state.profiles.join(", ") };
            flash(state, format!("no AWS profile named '{profile}'; the profiles here are: {known}"), true);
        }
        Command::Profile(profile) => fx.push(Effect::SwitchAws { profile: Some(profile), region: None }),
        Command::Region(region) => fx.push(Effect::SwitchAws { profile: None, region: Some(region) }),
        Command::Refresh => refresh_all(state, fx),
        Command::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::Errors => state.overlay = Some(Overlay::Errors),
        Command::Quit => quit(state, fx),
    }
}

/// Clicks focus a pane and pick a row; the wheel moves the selection. True if anything changed.
fn on_mouse(state: &mut AppState, mouse: MouseEvent) -> bool {
    if state.prompt.is_some() {
        return false;
    }
    let Some(areas) = areas(state) else { return false };
    if let Some(Overlay::Help { scroll }) = &mut state.overlay {
        match mouse.kind {
            MouseEventKind::ScrollDown => *scroll = scroll.saturating_add(3),
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
        MouseEventKind::ScrollDown => move_selection(state, pane, 1),
        MouseEventKind::ScrollUp => move_selection(state, pane, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            state.focus = pane;
            let rect = areas.of(pane);
            let first_row = rect.y + 2; // border and header
            let height = areas.list_rows(pane);
            if mouse.row >= first_row
                && let Some(sel) = selection(state, pane)
            {
                let offset = views::scroll_offset(*sel, height);
                *sel = offset + usize::from(mouse.row - first_row);
                clamp_selections(state);
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests;
