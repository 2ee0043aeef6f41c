//! Keys that start operator actions, and the confirmation dialog's keys. Starting an action
//! only asks the runtime to read the stack fresh; the dialog opens with what it read, and only
//! its action button, pressed on purpose, produces the calls.

use crate::app::confirm::{ActionKind, Confirm, Prepared};
use crate::app::dialog;
use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::shown;
use crate::app::state::AppState;
use crate::domain::BackendError;
use crate::domain::{DiskSignal, Health, ScalingState};

pub fn start(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let Some(stack) = state.stack_summary().cloned() else { return };
    // One write at a time: a second would be started between the first's calls.
    let writes = matches!(action, Action::PauseResume | Action::UpdateStack | Action::Terminate);
    if let Some(running) = state.writing.as_ref().filter(|_| writes) {
        return state.flash(format!("{running} is under way: wait for it to end"), true);
    }
    match action {
        Action::PauseResume => match stack.scaling {
            ScalingState::FixedSize => {
                state.flash(format!("{} is a fixed-size stack: it has no scaler to pause", stack.name), true)
            }
            ScalingState::Paused { .. } => {
                fx.push(Effect::PrepareAction { stack: stack.name, kind: ActionKind::Resume })
            }
            _ => fx.push(Effect::PrepareAction { stack: stack.name, kind: ActionKind::Pause }),
        },
        Action::UpdateStack => update_stack(state, &stack, fx),
        Action::Mark => {
            if let Some(id) = shown::instances(state).get(state.lists.instances.sel).map(|i| i.id.clone())
                && !state.marked.remove(&id)
            {
                state.marked.insert(id);
            }
        }
        Action::MarkFullDisk => {
            let full: Vec<String> = shown::instances(state)
                .iter()
                .filter(|i| i.disk == DiskSignal::Full || i.health == Health::Unhealthy)
                .map(|i| i.id.clone())
                .collect();
            if full.is_empty() {
                state.flash("no full-disk or Unhealthy instance", false);
            } else {
                state.flash(
                    format!("marked {} full-disk or Unhealthy instances; X terminates them", full.len()),
                    false,
                );
            }
            state.marked.extend(full);
        }
        Action::Terminate => {
            let instances = chosen(state);
            if !instances.is_empty() {
                fx.push(Effect::PrepareAction {
                    stack: stack.name,
                    kind: ActionKind::Terminate { instances },
                });
            }
        }
        Action::OpenShell => {
            if let Some(id) = shown::instances(state).get(state.lists.instances.sel).map(|i| i.id.clone()) {
                open_shell(state, id, fx);
            }
        }
        Action::CheckDisk => {
            let instances = chosen(state);
            if !instances.is_empty() {
                state.flash(format!("checking the disk of {} through SSM…", instances.join(" ")), false);
                let windows = stack.os == crate::domain::Os::Windows;
                fx.push(Effect::CheckDisk { stack: stack.name, instances, windows });
            }
        }
        _ => {}
    }
}

/// An update to the latest release, when the stack is behind it: the runtime makes a change
/// set and the dialog opens on its preview. Parameters are changed with `bkops update`.
fn update_stack(state: &mut AppState, stack: &crate::domain::StackSummary, fx: &mut Vec<Effect>) {
    let name = &stack.name;
    if stack.status == "TERRAFORM" {
        let text = format!(
            "{name} was deployed with Terraform: update it with terraform apply (`bkops update --stack {name} --external` pauses around it)"
        );
        return state.flash(text, true);
    }
    if state.settings.read_only {
        let text = format!(
            "read-only: an update is a write (`bkops --read-only update --stack {name} --dry-run` shows its parameters)"
        );
        return state.flash(text, true);
    }
    let latest = state.latest.data.clone().flatten();
    match latest.as_deref().and_then(|l| crate::domain::release::behind(&stack.version, l)) {
        Some(b) if b.is_behind() => {
            let to = latest.unwrap_or_default();
            state.flash(format!("previewing the update of {name} to {to}: making a change set…"), false);
            fx.push(Effect::PrepareUpdate { stack: name.clone() });
        }
        _ => {
            let known = latest.map_or_else(
                || "the latest release is not known".to_string(),
                |l| format!("the latest release is {l}"),
            );
            state.flash(
                format!(
                    "{name} is on {} and {known}: nothing to update here (`bkops update --stack {name} -p KEY=VALUE` changes a parameter)",
                    stack.version
                ),
                false,
            );
        }
    }
}

/// Asks the runtime for a session. Whether the instance can take one (InService, its SSM agent
/// online) is checked there, fresh, with the rest of the session's start.
pub fn open_shell(state: &mut AppState, instance: String, fx: &mut Vec<Effect>) {
    if let Some(other) = &state.opening_shell {
        let text = format!("a session on {other} is being opened (Esc cancels it)");
        return state.flash(text, true);
    }
    state.flash(format!("opening a session on {instance}… (Esc cancels)"), false);
    state.opening_shell = Some(instance.clone());
    fx.push(Effect::OpenShell { instance });
}

/// Stops opening a session; one that starts after all is terminated by the runtime.
pub fn cancel_shell(state: &mut AppState, fx: &mut Vec<Effect>) {
    if let Some(instance) = state.opening_shell.take() {
        state.flash(format!("cancelled the session on {instance}"), false);
        fx.push(Effect::CancelShell);
    }
}

/// The marked instances on screen, or else the selected one.
fn chosen(state: &AppState) -> Vec<String> {
    let shown: Vec<String> = shown::instances(state).iter().map(|i| i.id.clone()).collect();
    let marked: Vec<String> = shown.iter().filter(|id| state.marked.contains(*id)).cloned().collect();
    if marked.is_empty() {
        shown.get(state.lists.instances.sel).cloned().into_iter().collect()
    } else {
        marked
    }
}

/// The disk check answered: the DISK column shows the percentages, the status line the rest.
pub fn disk_checked(state: &mut AppState, result: Result<Vec<crate::ops::DiskAnswer>, BackendError>) {
    let answers = match result {
        Ok(a) => a,
        Err(e) => return state.flash(format!("disk check: {e}"), true),
    };
    let mut said = Vec::new();
    let mut failed = false;
    for (id, answer) in answers {
        match answer {
            Ok(r) => {
                let inodes = r.inodes_used_pct.map_or(String::new(), |p| format!(", inodes {p}%"));
                said.push(format!(
                    "{id} {}% of {} ({}G free{inodes})",
                    r.used_pct,
                    r.mount,
                    r.free_kb / 1024 / 1024
                ));
                // A full inode table stops builds as surely as full blocks.
                state.disk_checks.insert(id, r.fullest_pct());
            }
            Err(e) => {
                failed = true;
                said.push(format!("{id}: {e}"));
            }
        }
    }
    if let Some(f) = state.reads.fleet.data.as_mut() {
        for i in &mut f.instances {
            i.disk_used_pct = state.disk_checks.get(&i.id).copied();
        }
        state.disk_epoch += 1;
    }
    state.flash(format!("disk: {}", said.join(" · ")), failed);
}

/// What the runtime says of an operator action: the dialog can open, a call landed, it has
/// nothing to do, the disk answered, or it ended.
pub fn on_msg(state: &mut AppState, msg: crate::app::Msg, fx: &mut Vec<Effect>) {
    use crate::app::Msg;
    match msg {
        Msg::ActionReady(result) => ready(state, result),
        Msg::CallLanded => super::loads::refresh_all(state, fx),
        Msg::ActionNotNeeded(text) => state.flash(text, false),
        Msg::DiskChecked(result) => disk_checked(state, result),
        Msg::ActionDone { text, ok } => {
            state.writing = None;
            state.exit = state.exit.unasked();
            state.flash(text, !ok);
            super::loads::refresh_all(state, fx);
            if state.exit == crate::app::exit::Exit::WhenDone {
                state.quit_or_ask();
            }
        }
        _ => {}
    }
    state.dirty = true;
}

/// The runtime read the stack: open the dialog, or say why not.
pub fn ready(state: &mut AppState, result: Result<Prepared, BackendError>) {
    match result {
        Ok(p) => {
            let mut c = Confirm::new(p, state.backend.clone(), state.now);
            c.read_only = state.settings.read_only;
            dialog::unread_rows(&mut c, state.size);
            state.confirm = Some(c);
        }
        Err(e) => state.flash(format!("cannot prepare the action: {e}"), true),
    }
}

pub fn in_dialog(state: &mut AppState, action: Action, fx: &mut Vec<Effect>) {
    let size = state.size;
    let Some(c) = state.confirm.as_mut() else { return };
    // Notes that do not fit scroll; until every row has been on screen, the action cannot be
    // chosen: Cancel keeps the focus (so Enter cancels), and → says why.
    let fit = dialog::fit(c, size);
    let page = fit.shown.max(1);
    match action {
        Action::ConfirmScrollDown => c.scroll = (c.scroll + 1).min(fit.max_scroll()),
        Action::ConfirmPageDown => c.scroll = (c.scroll + page).min(fit.max_scroll()),
        Action::ConfirmScrollUp => c.scroll = c.scroll.saturating_sub(1),
        Action::ConfirmPageUp => c.scroll = c.scroll.saturating_sub(page),
        _ => {}
    }
    let unread = dialog::unread_rows(c, size);
    if unread > 0 {
        c.focus(false);
        if action == Action::ConfirmRight {
            let text = if fit.shown == 0 {
                "the dialog does not fit: enlarge the terminal to read it all first".to_string()
            } else {
                format!("{} of notes to read first: ↓ or PgDn", dialog::more_rows(unread))
            };
            return state.flash(text, true);
        }
    }
    match action {
        Action::ConfirmCancel => cancel(state, fx),
        Action::ConfirmOption => c.toggle_option(),
        Action::ConfirmLeft => c.focus(false),
        Action::ConfirmRight => c.focus(true),
        Action::ConfirmBackspace => c.backspace(),
        Action::ConfirmAccept => match c.accept() {
            Some((plan, ctx)) => {
                let terminated = matches!(c.kind, ActionKind::Terminate { .. });
                let updates = matches!(c.kind, ActionKind::Update(_));
                state.flash(format!("{}…", plan.title), false);
                state.confirm = None;
                if terminated {
                    state.marked.clear();
                }
                state.writing = Some(plan.title.clone());
                fx.push(Effect::Apply { plan, ctx });
                // The update is watched as it runs: its events, read every few seconds while
                // the stack changes.
                if updates {
                    super::loads::show_events(state, fx);
                }
            }
            // Enter on Cancel, or on an action that is not allowed yet.
            None if !c.on_go => cancel(state, fx),
            None => {}
        },
        _ => {}
    }
}

/// The dialog closed without its action: nothing changed, and an update's change set is
/// deleted (an audited call of its own).
fn cancel(state: &mut AppState, fx: &mut Vec<Effect>) {
    let discard = state.confirm.take().and_then(|c| c.discard());
    match discard {
        Some((plan, ctx)) => {
            state.flash("cancelled: nothing changed; deleting the change set…", false);
            fx.push(Effect::Apply { plan, ctx });
        }
        None => state.flash("cancelled: nothing changed", false),
    }
}
