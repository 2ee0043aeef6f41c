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
fn the_first_tick_reads_the_stacks_only() {
    let mut state = AppState::new("demo", START, (80, 24));
    assert_eq!(update(&mut state, Msg::Tick(START)), vec![Effect::Fetch(Resource::Stacks)]);
    // Still in flight: the next tick does not ask again.
    assert_eq!(update(&mut state, Msg::Tick(START.plus_secs(1))), vec![]);
}

#[tokio::test]
async fn loading_the_stacks_picks_the_first_and_reads_its_panes() {
    let (state, _, _) = loaded((80, 24)).await;
    assert_eq!(state.stack.as_deref(), Some("ci-linux"));
    assert!(state.queue.data.is_some() && state.fleet.data.is_some());
    assert!(state.history.data.as_ref().is_some_and(|h| h.len() >= 58));
    assert!(state.activities.data.as_ref().is_some_and(|a| !a.is_empty()));
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
    assert!(state.queue.error.is_none(), "a late answer for the old stack is dropped");
}

#[tokio::test]
async fn errors_keep_the_last_data_and_back_off() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let before = state.fleet.data.clone();
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
    assert_eq!(state.fleet.data, before, "the last good data stays on screen");
    assert_eq!(state.fleet.error, Some(throttled));
    assert_eq!(state.fleet.next_due, Some(START.plus_secs(35)), "waits as long as AWS asked");
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
    assert_eq!(state.fleet.next_due, Some(Timestamp(later.plus_secs(40).millis() + 5_000)));
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
    assert_eq!(state.overlay, Some(Overlay::Help { scroll: 1 }));
    assert_eq!(state.lists.instances.sel, 0);
    let fx = update(&mut state, key('q'));
    assert!(fx.is_empty() && !state.quit, "q closes help, it does not quit");
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
    assert!(!state.quit);
    assert_eq!(update(&mut state, ctrl('c')), vec![]);
    assert!(state.quit);

    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, ctrl('c'));
    update(&mut state, Msg::Tick(START.plus_secs(5)));
    update(&mut state, ctrl('c'));
    assert!(!state.quit, "too late for a double press");
    assert_eq!(update(&mut state, key('q')), vec![]);
    assert!(state.quit);
}

#[tokio::test]
async fn ctrl_c_first_closes_the_prompt() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('/'));
    typed(&mut state, "q");
    assert!(!state.quit, "q is typed into the prompt");
    update(&mut state, ctrl('c'));
    assert!(state.prompt.is_none() && !state.quit);
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
    update(&mut state, Msg::Tick(clock.now()));
    assert!(state.flash.is_none());
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
        state.stack.is_none() && state.stacks.data.is_none() && state.fleet.data.is_none(),
        "nothing old stays"
    );
    assert_eq!(fx, vec![Effect::Fetch(Resource::Stacks)], "it reads the new account's stacks");
    assert_eq!((state.settings.sort, state.settings.aws, state.settings.profiles.len()), (sort, true, 2));
    // What the config file chose for the log view holds for the new account too.
    assert_eq!((state.settings.log_capacity, state.settings.log_live), (123, true));
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
    assert!(!state.quit);
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
        assert!(state.leaving && !state.quit, "asked, not quit");
        update(&mut state, code(KeyCode::Esc));
        assert!(!state.leaving && !state.quit, "stayed");
    }
    // Finish: the dashboard goes on until the action reports, then quits.
    update(&mut state, key('q'));
    update(&mut state, key('f'));
    assert!(!state.quit && state.quit_when_done);
    // q again while it still runs asks again, rather than cutting it off.
    update(&mut state, key('q'));
    assert!(state.leaving && !state.quit);
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, Msg::ActionDone { text: "done: Pause scaling of ci-linux".into(), ok: true });
    assert!(state.quit && !state.abandon);

    // Abandon: quit now, and the runtime records what was left.
    let (mut state, _, _) = loaded((80, 24)).await;
    state.writing = Some("Terminate 1 instance".into());
    update(&mut state, key('q'));
    update(&mut state, key('a'));
    assert!(state.quit && state.abandon);

    // A signal does not ask.
    let (mut state, _, _) = loaded((80, 24)).await;
    state.writing = Some("Terminate 1 instance".into());
    update(&mut state, Msg::Stopped(crate::stop::Stop::Terminate));
    assert!(state.quit && state.abandon && !state.leaving);

    // Nothing running: q quits at once.
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('q'));
    assert!(state.quit && !state.leaving);
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
    assert!(state.quit);
}

#[tokio::test]
async fn the_demo_has_no_profile_to_switch() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "region eu-west-1");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.as_str()),
        Some("the demo has no AWS profile or region to switch")
    );
}

#[tokio::test]
async fn l_opens_the_instances_logs_and_esc_stops_them() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let id = shown::instances(&state)[0].id.clone();
    let fx = update(&mut state, key('l'));
    let groups: Vec<String> = crate::domain::groups::default_groups(crate::domain::Os::Linux)
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(fx, vec![Effect::StartTail { instance: id.clone(), groups, from: None, live: false }]);
    assert_eq!(state.logs.as_ref().map(|v| v.instance.as_str()), Some(id.as_str()));

    let line = |stream: &str, n: i64, message: &str| crate::domain::LogEvent {
        timestamp: START.plus_secs(n),
        ingestion_time: START.plus_secs(n),
        group: "/buildkite/elastic-stack".into(),
        stream: stream.into(),
        event_id: n.to_string(),
        message: message.into(),
    };
    // Lines for another instance (a reader not yet stopped) are not shown.
    let other = vec![line("i-0other", 1, "Disk space free: 1G"), line("i-0other", 2, "not mine")];
    update(&mut state, Msg::LogLines { instance: "i-0other".into(), lines: other });
    assert_eq!(state.logs.as_ref().map(|v| v.lines.len()), Some(0), "another instance's lines");
    let mine = vec![
        line(&id, 3, "Disk space free: 9G"),
        line(&id, 4, "Starting docker"),
        line(&id, 5, "Disk space free: 8G"),
    ];
    update(&mut state, Msg::LogLines { instance: id.clone(), lines: mine });
    assert_eq!(state.logs.as_ref().map(|v| v.lines.len()), Some(3));

    update(&mut state, key(' '));
    assert!(state.logs.as_ref().is_some_and(|v| !v.follow), "Space pauses");
    update(&mut state, key('w'));
    assert!(state.logs.as_ref().is_some_and(|v| v.wrap));
    // A filter that keeps one line of three.
    update(&mut state, key('&'));
    typed(&mut state, "docker");
    update(&mut state, code(KeyCode::Enter));
    let shown: Vec<String> = state
        .logs
        .as_ref()
        .map(|v| v.visible().iter().map(|e| e.message.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(shown, ["Starting docker"]);
    assert_eq!(update(&mut state, code(KeyCode::Esc)), vec![Effect::StopTail]);
    assert!(state.logs.is_none());
    assert_eq!(state.focus, Pane::Instances, "back where it was");
}

#[tokio::test]
async fn logs_by_command_and_ctrl_c() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "logs nope");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text.contains("is not an instance ID")));
    update(&mut state, key(':'));
    typed(&mut state, "logs ci-linux-i-0123456789abcdef0-1");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::StartTail { instance, .. }] if instance == "i-0123456789abcdef0")
    );
    assert_eq!(update(&mut state, ctrl('c')), vec![Effect::StopTail], "Ctrl-C closes the logs first");
    assert!(state.logs.is_none() && !state.quit);
}

#[tokio::test]
async fn the_log_views_keys_save_toggle_and_find_errors() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('l'));
    let id = state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let line = |g: &str, ms: i64, m: &str| crate::domain::LogEvent {
        timestamp: Timestamp(ms),
        ingestion_time: Timestamp(ms),
        group: g.into(),
        stream: id.clone(),
        event_id: ms.to_string(),
        message: m.into(),
    };
    let lines = vec![
        line("/buildkite/buildkite-agent", 1, "Registering agent with Buildkite..."),
        line("/buildkite/elastic-stack", 2, "Insufficient disk space after cleanup."),
        line("/buildkite/buildkite-agent", 3, "Waiting for instructions..."),
    ];
    update(&mut state, Msg::LogLines { instance: id.clone(), lines });
    update(&mut state, key('1'));
    assert_eq!(
        state.logs.as_ref().map(|v| v.visible().len()),
        Some(1),
        "the first group (buildkite-agent) hidden"
    );
    update(&mut state, key('1'));
    update(&mut state, key('e'));
    assert_eq!(state.logs.as_ref().map(|v| (v.offset, v.follow)), Some((1, false)));
    let fx = update(&mut state, ctrl('s'));
    match fx.as_slice() {
        [Effect::SaveLogs { instance, text }] => {
            assert_eq!(instance, &id);
            assert_eq!(text.lines().count(), 3);
            assert!(
                text.contains("/buildkite/elastic-stack")
                    && text.contains("Insufficient disk space after cleanup.")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn search_moves_between_matches_like_less() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('l'));
    let id = state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let lines = (0..6)
        .map(|n| crate::domain::LogEvent {
            timestamp: Timestamp(n),
            ingestion_time: Timestamp(n),
            group: "/buildkite/buildkite-agent".into(),
            stream: id.clone(),
            event_id: n.to_string(),
            message: if n % 2 == 0 { format!("Assigned job {n}") } else { format!("Finished job {n}") },
        })
        .collect();
    update(&mut state, Msg::LogLines { instance: id, lines });
    update(&mut state, key('/'));
    typed(&mut state, "assigned");
    update(&mut state, code(KeyCode::Enter));
    let offset = |s: &AppState| s.logs.as_ref().map(|v| v.offset);
    assert_eq!(offset(&state), Some(1), "the newest match (line 4) at the bottom");
    update(&mut state, key('N'));
    assert_eq!(offset(&state), Some(3), "line 2");
    update(&mut state, key('N'));
    assert_eq!(offset(&state), Some(5), "line 0");
    update(&mut state, key('N'));
    assert_eq!(offset(&state), Some(5));
    assert_eq!(state.flash.as_ref().map(|f| f.text.as_str()), Some("no older match"));
    update(&mut state, key('n'));
    assert_eq!(offset(&state), Some(3));
}

#[tokio::test]
async fn every_log_group_is_a_digit_away_and_read_only_once_shown() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let id = shown::instances(&state)[0].id.clone();
    update(&mut state, key('l'));
    let view = state.logs.as_ref().expect("open");
    let all = crate::domain::groups::all_groups(crate::domain::Os::Linux);
    assert_eq!(view.groups, all, "every group of the stack has its toggle");
    assert_eq!(view.reading.len(), 4, "the default four are read");
    assert_eq!(view.groups[4], "/buildkite/system");
    assert!(view.hidden.contains("/buildkite/system"));
    // 5 shows /buildkite/system: it is read from now on, with the four, from the last hour.
    let fx = update(&mut state, key('5'));
    let mut groups: Vec<String> = crate::domain::groups::default_groups(crate::domain::Os::Linux)
        .into_iter()
        .map(String::from)
        .collect();
    groups.push("/buildkite/system".into());
    assert_eq!(fx, vec![Effect::StartTail { instance: id, groups, from: None, live: false }]);
    // Hiding it again, or hiding a group already read, reads nothing new.
    assert_eq!(update(&mut state, key('5')), vec![]);
    assert_eq!(update(&mut state, key('1')), vec![]);
    assert!(state.logs.as_ref().is_some_and(|v| v.hidden.contains("/buildkite/buildkite-agent")));
}

#[tokio::test]
async fn panes_under_the_log_view_or_the_help_are_not_read_until_they_show_again() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let reads = |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Fetch(_))).count();
    update(&mut state, key('l'));
    let mut t = START;
    for _ in 0..120 {
        t = t.plus_secs(1);
        assert_eq!(reads(&update(&mut state, Msg::Tick(t))), 0, "a pane read while the log view covers it");
    }
    // Back: everything due is read at once.
    let fx = update(&mut state, code(KeyCode::Esc));
    for r in Resource::of_stack("ci-linux").into_iter().chain([Resource::Stacks]) {
        assert!(fx.contains(&Effect::Fetch(r.clone())), "{r:?} read on return: {fx:?}");
    }
    // The help covers them too; closing it, the next tick reads what fell due.
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('?'));
    assert_eq!(reads(&update(&mut state, Msg::Tick(START.plus_secs(60)))), 0);
    update(&mut state, code(KeyCode::Esc));
    assert!(reads(&update(&mut state, Msg::Tick(START.plus_secs(61)))) >= 4);
}

#[tokio::test]
async fn a_settled_group_is_read_less_often_and_a_moving_one_at_its_interval() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let mut fleet = state.fleet.data.clone().expect("fleet");
    for i in &mut fleet.instances {
        i.lifecycle = crate::domain::Lifecycle::InService;
        i.health = crate::domain::Health::Healthy;
    }
    fleet.desired = fleet.instances.len() as u32;
    let mut activities = state.activities.data.clone().expect("activities");
    for a in &mut activities {
        a.status = crate::domain::ActivityStatus::Successful;
    }
    let at = START.plus_secs(100);
    let load = |state: &mut AppState, resource: Resource, payload: crate::app::Payload| {
        update(state, Msg::Loaded { resource, result: Ok(payload), at });
    };
    let stack = "ci-linux".to_string();
    load(
        &mut state,
        Resource::Activities(stack.clone()),
        crate::app::Payload::Activities(activities.clone()),
    );
    load(&mut state, Resource::Fleet(stack.clone()), crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.fleet.next_due, Some(at.plus_secs(15)), "settled: three times its 5 s");
    // One instance Pending: back to every 5 s.
    fleet.instances[0].lifecycle = crate::domain::Lifecycle::Pending;
    load(&mut state, Resource::Fleet(stack.clone()), crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.fleet.next_due, Some(at.plus_secs(5)));
    // An activity under way keeps the activity list at its 10 s too.
    activities[0].status = crate::domain::ActivityStatus::InProgress;
    fleet.instances[0].lifecycle = crate::domain::Lifecycle::InService;
    load(&mut state, Resource::Activities(stack.clone()), crate::app::Payload::Activities(activities));
    assert_eq!(state.activities.next_due, Some(at.plus_secs(10)));
}

#[tokio::test]
async fn the_rows_kept_between_frames_follow_every_change_they_come_from() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let ids = |state: &AppState| shown::instances(state).iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    let all = ids(&state);
    assert!(all.len() >= 3, "{all:?}");
    assert_eq!(ids(&state), all, "asked twice, the same rows");
    // A filter, typed.
    let first = all[0].clone();
    typed(&mut state, &format!("/{first}"));
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(ids(&state), std::slice::from_ref(&first));
    typed(&mut state, "/");
    update(&mut state, ctrl('u'));
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(ids(&state), all);
    // A disk figure written into the rows as they are, within the same second: found at once.
    typed(&mut state, "/disk:97%");
    update(&mut state, code(KeyCode::Enter));
    assert!(ids(&state).is_empty());
    let last = all.last().cloned().expect("a row");
    let reading =
        crate::ops::DiskReading { used_pct: 97, free_kb: 1 << 20, mount: "/".into(), inodes_used_pct: None };
    update(&mut state, Msg::DiskChecked(Ok(vec![(last.clone(), Ok(reading))])));
    assert_eq!(ids(&state), [last]);
    typed(&mut state, "/");
    update(&mut state, ctrl('u'));
    update(&mut state, code(KeyCode::Enter));
    // A new read of the group with one instance fewer.
    let mut fleet = state.fleet.data.clone().expect("fleet");
    fleet.instances.retain(|i| i.id != first);
    let at = START.plus_secs(30);
    update(
        &mut state,
        Msg::Loaded {
            resource: Resource::Fleet("ci-linux".into()),
            result: Ok(crate::app::Payload::Fleet(fleet)),
            at,
        },
    );
    assert!(!ids(&state).contains(&first));
}
