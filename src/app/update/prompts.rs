//! The prompt at the bottom: accepting a filter, a search or a `:` command, and what each
//! command does.

use super::{lists, loads};
use crate::app::command::{self, Command};
use crate::app::msg::Effect;
use crate::app::panes::{Overlay, Pane, PromptKind};
use crate::app::state::AppState;

pub fn accept_prompt(state: &mut AppState, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.prompt.take() else { return };
    match prompt.kind {
        PromptKind::Filter(pane) => lists::set_filter(state, pane, &prompt.text),
        PromptKind::LogFilter => super::logs::set_filter(state, &prompt.text),
        PromptKind::HelpFilter => lists::set_help_filter(state, &prompt.text),
        PromptKind::LogSearch => {
            let rows = state.log_rows();
            if let Some(v) = state.logs.as_mut()
                && !v.set_search(&prompt.text, rows)
                && v.search.is_some()
            {
                state.flash(format!("'{}' is not in the lines shown", prompt.text), false);
            }
        }
        PromptKind::Command => match command::parse(&prompt.text) {
            Ok(cmd) => run_command(state, cmd, fx),
            Err(msg) => state.flash(msg, true),
        },
    }
}

pub fn run_command(state: &mut AppState, cmd: Command, fx: &mut Vec<Effect>) {
    match cmd {
        Command::Stack(name) => {
            let known: Vec<String> = state.stacks.data.iter().flatten().map(|s| s.name.clone()).collect();
            if known.contains(&name) {
                loads::select_stack(state, &name, fx);
            } else {
                state.flash(format!("no stack named '{name}' (known: {})", known.join(", ")), true);
            }
        }
        Command::Pane(p) => state.focus = p,
        Command::Filter(text) => {
            let pane = if state.focus.is_list() { state.focus } else { Pane::Instances };
            lists::set_filter(state, pane, &text);
        }
        Command::Sort { column, descending } => {
            state.settings.sort.column = column;
            state.settings.sort.descending = descending.unwrap_or(false);
            state.settings.sort.problems_first = false;
            state.focus = Pane::Instances;
        }
        Command::SortProblems => {
            state.settings.sort = crate::app::Sort::default();
            state.focus = Pane::Instances;
        }
        Command::Theme(name) => fx.push(Effect::SetTheme(name)),
        Command::Logs(text) => match crate::domain::instance_id(&text) {
            Ok(id) => super::logs::open(state, id, fx),
            Err(msg) => state.flash(msg, true),
        },
        Command::Shell(text) => match crate::domain::instance_id(&text) {
            Ok(id) => super::operator::open_shell(state, id, fx),
            Err(msg) => state.flash(msg, true),
        },
        Command::Profile(_) | Command::Region(_) if !state.settings.aws => {
            state.flash(crate::app::command::NO_SWITCH_IN_DEMO, true);
        }
        Command::Profile(profile) if !state.settings.profiles.contains(&profile) => {
            let known = if state.settings.profiles.is_empty() {
                "none".to_string()
            } else {
                state.settings.profiles.join(", ")
            };
            state.flash(format!("no AWS profile named '{profile}'; the profiles here are: {known}"), true);
        }
        Command::Profile(profile) => {
            state.overview.current = None;
            super::switching(state, format!("profile {profile}"));
            fx.push(Effect::SwitchAws { profile: Some(profile), region: None })
        }
        Command::Region(region) => {
            state.overview.current = None;
            super::switching(state, format!("region {region}"));
            fx.push(Effect::SwitchAws { profile: None, region: Some(region) })
        }
        Command::Context(name) => switch_context(state, &name, fx),
        Command::Refresh => loads::refresh_all(state, fx),
        Command::Help => {
            let from = state.scopes();
            state.overlay = Some(Overlay::Help { scroll: 0, from, filter: String::new() });
        }
        Command::Errors => state.overlay = Some(Overlay::Errors { scroll: 0 }),
        Command::Why => state.overlay = Some(Overlay::Why { scroll: 0 }),
        Command::Timeline(secs) => loads::show_timeline(state, secs, fx),
        Command::Fleet => super::overview::show(state, fx),
        Command::Doctor => state.overlay = Some(Overlay::Doctor { scroll: 0 }),
        Command::Events => loads::show_events(state, fx),
        Command::Quit => state.quit_or_ask(),
    }
}

/// `:context NAME`: the named context's stacks, connected as the fleet's Enter does.
fn switch_context(state: &mut AppState, name: &str, fx: &mut Vec<Effect>) {
    let names = &state.overview.names;
    match names.iter().position(|n| n == name) {
        None if names.is_empty() => {
            state.flash("no [[contexts]] in the config file: add them there to switch by name", true)
        }
        None => {
            let known = names.join(", ");
            state.flash(format!("no context named '{name}'; the contexts here are: {known}"), true)
        }
        Some(n) if state.overview.current == Some(n) => {
            state.flash(format!("context {name} is the one shown"), false)
        }
        Some(n) => {
            state.overview.current = Some(n);
            state.wanted_stack = None;
            super::switching(state, format!("context {name}"));
            fx.push(Effect::SwitchContext(n));
        }
    }
}
