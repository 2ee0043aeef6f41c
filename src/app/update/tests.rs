use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::app::InstanceColumn;
use crate::app::{Effect, Msg, Overlay, Pane, Resource, shown};
use crate::backend::Backends;
use crate::backend::sim::{SimBackend, World};
use crate::clock::Clock;
use crate::domain::BackendError;
use crate::domain::Timestamp;
use crate::runtime::settle;

mod cost;
mod doctor;
mod events;
mod incidents;
mod logs;
mod overview;
mod problems;
mod selection;
mod timeline;

const START: Timestamp = Timestamp(1_795_000_000_000);

fn backend() -> (Backends, Clock) {
    let clock = Clock::virtual_at(START);
    (SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0), clock)
}

async fn loaded(size: (u16, u16)) -> (AppState, Backends, Clock) {
    let (b, clock) = backend();
    let mut state = AppState::new("demo", START, size);
    settle(&mut state, &b, Msg::Tick(START)).await;
    (state, b, clock)
}

/// The group's instances read again with `change` made to them.
fn reload(state: &mut AppState, change: impl FnOnce(&mut Vec<crate::domain::Instance>)) {
    let mut fleet = state.reads.fleet.data.clone().expect("a fleet");
    change(&mut fleet.instances);
    let at = state.now.plus_secs(5);
    update(
        state,
        Msg::Loaded {
            resource: Resource::Fleet("ci-linux".into()),
            result: Ok(crate::app::Payload::Fleet(fleet)),
            at,
        },
    );
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}
fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}
fn typed(state: &mut AppState, text: &str) {
    for c in text.chars() {
        update(state, key(c));
    }
}

#[test]
fn the_first_tick_reads_the_stacks_and_the_latest_release_only() {
    let mut state = AppState::new("demo", START, (80, 24));
    assert_eq!(
        update(&mut state, Msg::Tick(START)),
        vec![Effect::Fetch(Resource::Stacks), Effect::Fetch(Resource::Latest)]
    );
    // Still in flight: the next tick does not ask again.
    assert_eq!(update(&mut state, Msg::Tick(START.plus_secs(1))), vec![]);
}

#[tokio::test]
async fn loading_the_stacks_picks_the_first_and_reads_its_panes() {
    let (state, _, _) = loaded((80, 24)).await;
    assert_eq!(state.stack.as_deref(), Some("ci-linux"));
    assert!(state.reads.queue.data.is_some() && state.reads.fleet.data.is_some());
    assert!(state.reads.history.data.as_ref().is_some_and(|h| h.len() >= 58));
    assert!(state.reads.activities.data.as_ref().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn refreshes_follow_their_intervals() {
    let (mut state, _, _) = loaded((80, 24)).await;
    assert_eq!(update(&mut state, Msg::Tick(START.plus_secs(4))), vec![]);
    let fx = update(&mut state, Msg::Tick(START.plus_secs(5)));
    assert_eq!(
        fx,
        vec![
            Effect::Fetch(Resource::Queue("ci-linux".into())),
            Effect::Fetch(Resource::Fleet("ci-linux".into()))
        ]
    );
}

#[tokio::test]
async fn a_wanted_stack_is_shown_and_an_unknown_one_is_reported() {
    let (b, _) = backend();
    let mut state = AppState::new("demo", START, (80, 24));
    state.wanted_stack = Some("ci-windows".into());
    settle(&mut state, &b, Msg::Tick(START)).await;
    assert_eq!(state.stack.as_deref(), Some("ci-windows"));

    let mut state = AppState::new("demo", START, (80, 24));
    state.wanted_stack = Some("nope".into());
    settle(&mut state, &b, Msg::Tick(START)).await;
    assert_eq!(state.stack.as_deref(), Some("ci-linux"));
    assert_eq!(
        state.flash.as_ref().map(|f| (f.text.as_str(), f.is_error)),
        Some(("no stack named 'nope'", true))
    );
}

#[tokio::test]
async fn switching_stacks_cancels_the_old_reads_and_ignores_late_answers() {
    let (mut state, b, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "stack ci-arm64");
    let fx = update(&mut state, code(KeyCode::Enter));
    for r in Resource::of_stack("ci-linux") {
        assert!(fx.contains(&Effect::Cancel(r)), "cancels {fx:?}");
    }
    assert!(fx.contains(&Effect::Fetch(Resource::Fleet("ci-arm64".into()))));
    let late = crate::runtime::settle(
        &mut state,
        &b,
        Msg::Loaded {
            resource: Resource::Queue("ci-linux".into()),
            result: Err(BackendError::Other("late".into())),
            at: START,
        },
    )
    .await;
    assert!(late.is_empty());
    assert!(state.reads.queue.error.is_none(), "a late answer for the old stack is dropped");
}

#[tokio::test]
async fn errors_keep_the_last_data_and_back_off() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let before = state.reads.fleet.data.clone();
    let throttled = BackendError::Throttled {
        service: "autoscaling".into(),
        retry_after: std::time::Duration::from_secs(30),
    };
    update(
        &mut state,
        Msg::Loaded {
            resource: Resource::Fleet("ci-linux".into()),
            result: Err(throttled.clone()),
            at: START.plus_secs(5),
        },
    );
    assert_eq!(state.reads.fleet.data, before, "the last good data stays on screen");
    assert_eq!(state.reads.fleet.error, Some(throttled));
    assert_eq!(state.reads.fleet.next_due, Some(START.plus_secs(35)), "waits as long as AWS asked");
    // Jitter: up to a quarter more, from the failure's milliseconds.
    let later = Timestamp(START.plus_secs(5).millis() + 500);
    let throttled = BackendError::Throttled {
        service: "autoscaling".into(),
        retry_after: std::time::Duration::from_secs(40),
    };
    update(
        &mut state,
        Msg::Loaded { resource: Resource::Fleet("ci-linux".into()), result: Err(throttled), at: later },
    );
    assert_eq!(state.reads.fleet.next_due, Some(Timestamp(later.plus_secs(40).millis() + 5_000)));
    assert_eq!(state.last_error().map(|(what, _)| what), Some("auto scaling group"));
}

#[tokio::test]
async fn tab_cycles_panes_and_numbers_jump() {
    let (mut state, _, _) = loaded((80, 24)).await;
    assert_eq!(state.focus, Pane::Instances);
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.focus, Pane::Activity);
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.focus, Pane::Stacks);
    update(&mut state, Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(state.focus, Pane::Activity);
    update(&mut state, key('2'));
    assert_eq!(state.focus, Pane::Queue);
}

#[tokio::test]
async fn vim_keys_move_and_stop_at_the_ends() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let n = shown::instances(&state).len();
    assert!(n > 2);
    update(&mut state, key('j'));
    update(&mut state, code(KeyCode::Down));
    assert_eq!(state.lists.instances.sel, 2);
    update(&mut state, key('G'));
    assert_eq!(state.lists.instances.sel, n - 1);
    update(&mut state, key('j'));
    assert_eq!(state.lists.instances.sel, n - 1);
    update(&mut state, key('g'));
    assert_eq!(state.lists.instances.sel, 0);
    update(&mut state, key('k'));
    assert_eq!(state.lists.instances.sel, 0);
}

#[tokio::test]
async fn the_filter_applies_while_typing_and_esc_clears_it() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let all = shown::instances(&state).len();
    update(&mut state, key('/'));
    typed(&mut state, "health:unhealthy");
    assert_eq!(shown::instances(&state).len(), 0);
    update(&mut state, code(KeyCode::Backspace));
    update(&mut state, ctrl('u'));
    typed(&mut state, "!zzz");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(shown::instances(&state).len(), all);
    assert_eq!(state.lists.instances.filter.as_ref().map(|f| f.text.as_str()), Some("!zzz"));
    update(&mut state, code(KeyCode::Esc));
    assert!(state.lists.instances.filter.is_none());
}

#[tokio::test]
async fn sorting_by_key_and_command() {
    let (mut state, _, _) = loaded((80, 24)).await;
    // From problems first, the first o keeps the column (age) without the problems.
    update(&mut state, key('o'));
    assert_eq!(
        (state.settings.sort.column, state.settings.sort.problems_first),
        (InstanceColumn::Age, false)
    );
    update(&mut state, key('o'));
    assert_eq!(state.settings.sort.column, InstanceColumn::Agent);
    update(&mut state, key('O'));
    assert!(state.settings.sort.descending);
    update(&mut state, key(':'));
    typed(&mut state, "sort id");
    update(&mut state, code(KeyCode::Enter));
    let ids: Vec<&str> = shown::instances(&state).iter().map(|i| i.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[tokio::test]
async fn s_and_shell_ask_for_a_session_on_the_instance() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let first = shown::instances(&state)[0].id.clone();
    let fx = update(&mut state, key('s'));
    assert_eq!(fx, [Effect::OpenShell { instance: first.clone() }]);
    assert!(
        state
            .flash
            .as_ref()
            .is_some_and(|f| f.text == format!("opening a session on {first}… (Esc cancels)"))
    );
    // One at a time: a second s while the first opens is refused.
    assert!(update(&mut state, key('s')).is_empty());
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text.contains("is being opened")));
    // Esc cancels the opening (not the filter), and so does Ctrl-C.
    assert_eq!(update(&mut state, code(KeyCode::Esc)), [Effect::CancelShell]);
    assert!(state.opening_shell.is_none());
    update(&mut state, key('s'));
    assert_eq!(update(&mut state, ctrl('c')), [Effect::CancelShell]);
    // The runtime says how it ended; the dashboard can open another.
    update(&mut state, key('s'));
    update(
        &mut state,
        Msg::ShellEnded { text: format!("{first}: session operator-1 ended"), is_error: false },
    );
    assert!(state.opening_shell.is_none());
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.clone()),
        Some(format!("{first}: session operator-1 ended"))
    );
    update(&mut state, key(':'));
    typed(&mut state, "shell i-0123456789abcdef0");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert_eq!(fx, [Effect::OpenShell { instance: "i-0123456789abcdef0".into() }]);
    update(&mut state, key(':'));
    typed(&mut state, "ssm i-nope");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(fx.is_empty());
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text.contains("not an instance ID")));
}

#[tokio::test]
async fn enter_drills_in_and_esc_comes_back() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, code(KeyCode::Enter));
    let first = shown::instances(&state)[0].id.clone();
    assert_eq!(state.overlay, Some(Overlay::Instance(first)));
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(state.overlay, None);
    update(&mut state, key('1'));
    update(&mut state, key('j'));
    let fx = update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.stack.as_deref(), Some("ci-windows"));
    assert_eq!(state.focus, Pane::Instances);
    assert!(fx.contains(&Effect::Fetch(Resource::Fleet("ci-windows".into()))));
}

#[tokio::test]
async fn help_is_an_overlay_that_swallows_list_keys() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('?'));
    update(&mut state, key('j'));
    assert!(matches!(state.overlay, Some(Overlay::Help { scroll: 1, .. })), "{:?}", state.overlay);
    assert_eq!(state.lists.instances.sel, 0);
    let fx = update(&mut state, key('q'));
    assert!(fx.is_empty() && !state.exit.is_quit(), "q closes help, it does not quit");
    assert_eq!(state.overlay, None);
}

#[tokio::test]
async fn bad_commands_are_explained() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "stack nope");
    update(&mut state, code(KeyCode::Enter));
    let flash = state.flash.clone().expect("a message");
    assert!(flash.is_error);
    assert_eq!(flash.text, "no stack named 'nope' (known: ci-linux, ci-windows, ci-arm64)");
    assert_eq!(state.stack.as_deref(), Some("ci-linux"));
    update(&mut state, key(':'));
    typed(&mut state, "theme solarized");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![Effect::SetTheme("solarized".into())]);
}

#[tokio::test]
async fn q_quits_and_ctrl_c_needs_two_presses() {
    let (mut state, _, _) = loaded((80, 24)).await;
    assert_eq!(update(&mut state, ctrl('c')), vec![]);
    assert!(!state.exit.is_quit());
    assert_eq!(update(&mut state, ctrl('c')), vec![]);
    assert!(state.exit.is_quit());

    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, ctrl('c'));
    update_at(&mut state, Msg::Tick(START.plus_secs(5)), START.plus_secs(5));
    update_at(&mut state, ctrl('c'), START.plus_secs(5));
    assert!(!state.exit.is_quit(), "too late for a double press");
    assert_eq!(update(&mut state, key('q')), vec![]);
    assert!(state.exit.is_quit());
}

#[tokio::test]
async fn ctrl_c_first_closes_the_prompt() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('/'));
    typed(&mut state, "q");
    assert!(!state.exit.is_quit(), "q is typed into the prompt");
    update(&mut state, ctrl('c'));
    assert!(state.prompt.is_none() && !state.exit.is_quit());
    assert!(state.lists.instances.filter.is_none());
}

#[tokio::test]
async fn clicks_focus_panes_and_pick_rows() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let areas = state.areas().expect("fits");
    let row = areas.instances.y + 2 + 2; // the third data row
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut state, click(areas.instances.x + 3, row));
    assert_eq!((state.focus, state.lists.instances.sel), (Pane::Instances, 2));
    update(&mut state, click(areas.stacks.x + 3, areas.stacks.y + 1));
    assert_eq!(state.focus, Pane::Stacks);
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: areas.activity.x + 3,
        row: areas.activity.y + 3,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut state, wheel);
    assert_eq!(state.lists.activity.sel, 1);
}

#[tokio::test]
async fn ticks_expire_messages() {
    let (mut state, _, clock) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "bogus");
    update(&mut state, code(KeyCode::Enter));
    assert!(state.flash.is_some());
    clock.advance_secs(6);
    update_at(&mut state, Msg::Tick(clock.now()), clock.now());
    assert!(state.flash.is_none());
}

#[tokio::test]
async fn screen_timers_run_on_the_operators_clock_not_the_demos() {
    // A demo at speed 5: each second of the operator's, five of the data's.
    let (mut state, _, _) = loaded((80, 24)).await;
    let wall = |ms: i64| Timestamp(START.millis() + ms);
    update_at(&mut state, ctrl('c'), wall(0));
    assert!(state.flash.is_some());
    update_at(&mut state, Msg::Tick(START.plus_secs(5)), wall(1_000));
    assert!(state.flash.is_some(), "a second later on the operator's clock, the message is still there");
    update_at(&mut state, ctrl('c'), wall(1_800));
    assert!(state.exit.is_quit(), "Ctrl-C twice, 1.8 s apart, quits whatever the demo's clock did");

    // The window and its message end together.
    let (mut state, _, _) = loaded((80, 24)).await;
    update_at(&mut state, ctrl('c'), wall(0));
    update_at(&mut state, Msg::Tick(START.plus_secs(10)), wall(2_000));
    assert!(state.flash.is_none(), "the message has gone with the window");
    update_at(&mut state, ctrl('c'), wall(2_100));
    assert!(!state.exit.is_quit(), "too late: this press starts a new window");
    assert!(state.flash.is_some());
}

#[tokio::test]
async fn switching_profile_or_region_starts_afresh_and_keeps_the_operators_settings() {
    let (mut state, _, _) = loaded((80, 24)).await;
    state.settings.aws = true;
    state.settings.profiles = vec!["ci-prod".into(), "ci-staging".into()];
    update(&mut state, key(':'));
    typed(&mut state, "profile ci-s");
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.prompt.as_ref().map(|p| p.text.as_str()), Some("profile ci-staging"));
    let fx = update(&mut state, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::SwitchAws { profile: Some("ci-staging".into()), region: None }]);

    update(&mut state, key('s'));
    let sort = state.settings.sort;
    (state.settings.log_capacity, state.settings.log_live) = (123, true);
    let fx = update(&mut state, Msg::BackendChanged("aws ci-staging eu-west-1".into()));
    assert_eq!(state.backend, "aws ci-staging eu-west-1");
    assert!(
        state.stack.is_none() && state.stacks.data.is_none() && state.reads.fleet.data.is_none(),
        "nothing old stays"
    );
    assert_eq!(
        fx,
        vec![Effect::Fetch(Resource::Stacks), Effect::Fetch(Resource::Latest)],
        "it reads the new account's stacks (and the latest release, with the new backend)"
    );
    assert_eq!((state.settings.sort, state.settings.aws, state.settings.profiles.len()), (sort, true, 2));
    // What the config file chose for the log view holds for the new account too.
    assert_eq!((state.settings.log_capacity, state.settings.log_live), (123, true));
}

#[tokio::test]
async fn a_switch_under_way_leaves_the_dashboard_live_and_esc_cancels_it() {
    let (mut state, _, _) = loaded((80, 24)).await;
    state.settings.aws = true;
    state.settings.profiles = vec!["ci-prod".into()];
    update(&mut state, key(':'));
    typed(&mut state, "profile ci-prod");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.switching.as_deref(), Some("profile ci-prod"));
    assert!(state.flash.as_ref().is_some_and(|f| f.text == "switching to profile ci-prod… (Esc cancels)"));
    // Keys still work while it connects: the help opens, and its Esc closes it alone.
    update(&mut state, key('?'));
    assert!(state.overlay.is_some());
    update(&mut state, code(KeyCode::Esc));
    assert!(state.overlay.is_none() && state.switching.is_some(), "Esc closed the help, not the switch");
    // Esc cancels it; what is shown stays; a failure that comes after is not said.
    let shown = state.backend.clone();
    assert_eq!(update(&mut state, code(KeyCode::Esc)), vec![Effect::CancelSwitch]);
    assert!(state.switching.is_none() && state.backend == shown);
    assert!(
        state.flash.as_ref().is_some_and(|f| f.text.starts_with("cancelled the switch to profile ci-prod"))
    );
    update(&mut state, Msg::SwitchFailed("late".into()));
    assert!(state.flash.as_ref().is_none_or(|f| !f.text.contains("late")));
    // A switch that fails while wanted is said, and ends.
    update(&mut state, key(':'));
    typed(&mut state, "region eu-west-1");
    update(&mut state, code(KeyCode::Enter));
    update(&mut state, Msg::SwitchFailed("no credentials for eu-west-1".into()));
    assert!(state.switching.is_none());
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text == "no credentials for eu-west-1"));
}

#[tokio::test]
async fn an_unknown_profile_is_refused_naming_the_ones_there_are() {
    let (mut state, _, _) = loaded((80, 24)).await;
    state.settings.aws = true;
    state.settings.profiles = vec!["ci-prod".into(), "ci-staging".into()];
    update(&mut state, key(':'));
    typed(&mut state, "profile ci-prd");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![], "no switch");
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.as_str()),
        Some("no AWS profile named 'ci-prd'; the profiles here are: ci-prod, ci-staging")
    );
}

#[tokio::test]
async fn a_paste_fills_the_prompt_and_never_accepts_it() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    assert_eq!(update(&mut state, Msg::Paste("stack ci-windows\rq".into())), vec![]);
    assert_eq!(state.prompt.as_ref().map(|p| p.text.as_str()), Some("stack ci-windows"));
    assert_eq!(state.stack.as_deref(), Some("ci-linux"), "not accepted");
    // With no field open a paste does nothing at all.
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(update(&mut state, Msg::Paste("q".into())), vec![]);
    assert!(!state.exit.is_quit());
}

#[tokio::test]
async fn the_account_is_shown_once_known_and_only_for_its_backend() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, Msg::Account { backend: "aws old eu-west-1".into(), account: "111".into() });
    assert_eq!(state.account, None, "an answer for another backend");
    update(&mut state, Msg::Account { backend: "demo".into(), account: "123456789012".into() });
    assert_eq!(state.account.as_deref(), Some("123456789012"));
}

#[tokio::test]
async fn quitting_while_an_action_runs_asks_whether_to_finish_or_abandon_it() {
    let (mut state, _, _) = loaded((80, 24)).await;
    state.writing = Some("Pause scaling of ci-linux and drain it".into());
    for presses in [vec![key('q')], vec![ctrl('c'), ctrl('c')]] {
        for k in presses {
            update(&mut state, k);
        }
        assert!(state.exit.is_asking(), "asked, not quit");
        update(&mut state, code(KeyCode::Esc));
        assert!(!state.exit.is_asking(), "stayed");
    }
    // Finish: the dashboard goes on until the action reports, then quits.
    update(&mut state, key('q'));
    update(&mut state, key('f'));
    assert!(state.exit == Exit::WhenDone);
    // q again while it still runs asks again, rather than cutting it off.
    update(&mut state, key('q'));
    assert!(state.exit.is_asking());
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, Msg::ActionDone { text: "done: Pause scaling of ci-linux".into(), ok: true });
    assert!(state.exit == Exit::Quit { abandon: false });

    // Abandon: quit now, and the runtime records what was left.
    let (mut state, _, _) = loaded((80, 24)).await;
    state.writing = Some("Terminate 1 instance".into());
    update(&mut state, key('q'));
    update(&mut state, key('a'));
    assert!(state.exit == Exit::Quit { abandon: true });

    // A signal does not ask.
    let (mut state, _, _) = loaded((80, 24)).await;
    state.writing = Some("Terminate 1 instance".into());
    update(&mut state, Msg::Stopped(crate::stop::Stop::Terminate));
    assert!(state.exit == Exit::Quit { abandon: true });

    // Nothing running: q quits at once.
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('q'));
    assert!(state.exit == Exit::Quit { abandon: false });
}

#[tokio::test]
async fn while_too_small_to_draw_no_key_but_quit_acts() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, Msg::Resize(60, 20));
    let before = state.stack.clone();
    // P, → and Enter would pause the stack unseen.
    for msg in [key('P'), code(KeyCode::Right), code(KeyCode::Enter), key('X'), key(':'), key('1')] {
        assert_eq!(update(&mut state, msg), vec![]);
    }
    assert!(state.confirm.is_none() && state.prompt.is_none() && state.stack == before);
    assert_eq!(update(&mut state, Msg::Paste("x".into())), vec![]);
    // Back at a size it can draw, keys work again; and q always quits.
    update(&mut state, Msg::Resize(80, 24));
    update(&mut state, key(':'));
    assert!(state.prompt.is_some());
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, Msg::Resize(60, 20));
    assert_eq!(update(&mut state, key('q')), vec![]);
    assert!(state.exit.is_quit());
}

#[tokio::test]
async fn the_demo_has_no_profile_to_switch() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "region eu-west-1");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.as_str()),
        Some("the demo has no AWS profile or region to switch to")
    );
}
