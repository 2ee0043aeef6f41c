//! The events window: read once while the stack is stable, every few seconds while it
//! changes, and never once closed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::*;
use crate::app::{Effect, Msg, Overlay, Resource};
use crate::backend::sim::{SimBackend, World};
use crate::clock::Clock;
use crate::domain::Timestamp;
use crate::runtime::settle;

const START: Timestamp = Timestamp(1_795_000_000_000);

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn asks_for_events(fx: &[Effect]) -> bool {
    fx.contains(&Effect::Fetch(Resource::StackEvents("ci-linux".into())))
}

fn window(state: &AppState) -> String {
    let w = crate::app::windows::open(state).expect("a window");
    w.lines.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn h_reads_the_events_once_while_stable_and_follows_them_while_the_stack_changes() {
    let clock = Clock::virtual_at(START);
    let b = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    let mut state = AppState::new("demo", clock.now(), (100, 30));
    settle(&mut state, &b, Msg::Tick(clock.now())).await;
    assert!(
        !asks_for_events(&update(&mut state.clone(), Msg::Tick(clock.now().plus_secs(6)))),
        "not while closed"
    );

    let fx = update(&mut state.clone(), key('H'));
    assert!(asks_for_events(&fx), "{fx:?}");
    settle(&mut state, &b, key('H')).await;
    assert_eq!(state.overlay, Some(Overlay::Events { scroll: 0 }));
    let text = window(&state);
    assert!(text.starts_with("ci-linux UPDATE_COMPLETE · stable: read once"), "{text}");
    assert!(text.contains("UPDATE_IN_PROGRESS") && text.contains("User Initiated"), "{text}");

    // Stable: the window stays open and nothing is read again.
    let fx = update(&mut state, Msg::Tick(clock.now().plus_secs(60)));
    assert!(!asks_for_events(&fx), "{fx:?}");

    // An update starts (the stack list says so): read every few seconds.
    if let Some(list) = state.stacks.data.as_mut() {
        list.iter_mut().filter(|s| s.name == "ci-linux").for_each(|s| s.status = "UPDATE_IN_PROGRESS".into());
    }
    let fx = update(&mut state, Msg::Tick(clock.now().plus_secs(66)));
    assert!(asks_for_events(&fx), "{fx:?}");

    // Closed: never again.
    update(&mut state, Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    state.reads.events.loading = false;
    let fx = update(&mut state, Msg::Tick(clock.now().plus_secs(120)));
    assert!(!asks_for_events(&fx), "{fx:?}");
}

#[tokio::test]
async fn u_asks_for_a_change_set_only_when_a_release_is_due_and_no_write_runs() {
    let clock = Clock::virtual_at(START);
    let b = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    let mut state = AppState::new("demo", clock.now(), (100, 30));
    settle(&mut state, &b, Msg::Tick(clock.now())).await;
    let prepares = |fx: &[Effect]| {
        fx.iter().any(|e| matches!(e, Effect::PrepareUpdate { stack } if stack == "ci-linux"))
    };
    // ci-linux is on v6.71.1, the demo's latest is v6.75.0.
    assert!(prepares(&update(&mut state.clone(), key('U'))));
    let mut writing = state.clone();
    writing.writing = Some("Pause scaling of ci-linux".into());
    assert!(!prepares(&update(&mut writing, key('U'))), "not while another write runs");
    assert!(writing.flash.as_ref().is_some_and(|f| f.text.contains("under way")));
    let mut current = state.clone();
    current.latest.data = Some(Some("v6.71.1".into()));
    assert!(!prepares(&update(&mut current, key('U'))), "nothing due");
    assert!(current.flash.as_ref().is_some_and(|f| f.text.contains("nothing to update")));
    let mut read_only = state.clone();
    read_only.settings.read_only = true;
    assert!(!prepares(&update(&mut read_only, key('U'))));
    assert!(read_only.flash.as_ref().is_some_and(|f| f.text.starts_with("read-only")));
}
