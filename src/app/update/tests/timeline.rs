//! The timeline in the dashboard: read only while shown, moved through with the list keys,
//! and Enter: the event's instance's logs at that moment, and back.

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
fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The demo a quarter of an hour in (its incidents have happened), with no audit log.
async fn dashboard() -> (AppState, crate::backend::Backends) {
    let clock = Clock::virtual_at(START);
    let mut b = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    b.audit_log = None;
    clock.advance_secs(900);
    let mut state = AppState::new("demo", clock.now(), (80, 24));
    settle(&mut state, &b, Msg::Tick(clock.now())).await;
    (state, b)
}

#[tokio::test]
async fn t_reads_the_timeline_while_it_is_shown_and_not_after() {
    let (mut state, b) = dashboard().await;
    let mut asked = state.clone();
    let fx = update(&mut asked, key('T'));
    assert_eq!(asked.overlay, Some(Overlay::Timeline { sel: 0, secs: 7200 }));
    assert_eq!(fx, vec![Effect::Fetch(Resource::Timeline("ci-linux".into(), 7200))]);
    settle(&mut state, &b, key('T')).await;
    let events = state.reads.timeline.data.as_ref().map(|t| t.events.clone()).unwrap_or_default();
    assert!(events.iter().any(|e| e.text.starts_with("disk full")), "{events:#?}");
    assert!(events.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    // Closed: the next ticks read the panes, never the timeline.
    update(&mut state, code(KeyCode::Esc));
    let later = state.now.plus_secs(120);
    let later = update(&mut state, Msg::Tick(later));
    assert!(!later.iter().any(|e| matches!(e, Effect::Fetch(Resource::Timeline(..)))), "{later:?}");
    assert!(later.iter().any(|e| matches!(e, Effect::Fetch(Resource::Queue(_)))));
}

#[tokio::test]
async fn enter_opens_the_events_instance_at_that_moment_and_esc_comes_back() {
    let (mut state, b) = dashboard().await;
    settle(&mut state, &b, key('T')).await;
    let events = state.reads.timeline.data.as_ref().map(|t| t.events.clone()).unwrap_or_default();
    let n = events.iter().position(|e| e.text.starts_with("disk full")).expect("a disk-full event");
    for _ in 0..n {
        update(&mut state, key('j'));
    }
    assert_eq!(state.overlay, Some(Overlay::Timeline { sel: n, secs: 7200 }));
    let event = &events[n];
    let fx = update(&mut state, code(KeyCode::Enter));
    let instance = event.instance.clone().expect("on an instance");
    assert!(
        matches!(fx.as_slice(), [Effect::StartTail { instance: i, from, .. }]
            if *i == instance && *from == Some(event.at.plus_secs(-600))),
        "{fx:?}"
    );
    let view = state.logs.as_ref().expect("the log view");
    assert_eq!((view.instance.as_str(), view.moment), (instance.as_str(), Some(event.at)));
    assert_eq!(state.overlay, None);

    // Esc: back to the timeline, on the same event.
    update(&mut state, code(KeyCode::Esc));
    assert!(state.logs.is_none());
    assert_eq!(state.overlay, Some(Overlay::Timeline { sel: n, secs: 7200 }));

    // An event of the whole stack has no log to open: said, nothing started.
    let stackwide = events.iter().position(|e| e.instance.is_none()).expect("a stack event");
    update(&mut state, key('g'));
    for _ in 0..stackwide {
        update(&mut state, key('j'));
    }
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert!(state.flash.as_ref().is_some_and(|f| f.text.contains("not one instance")));
    assert!(state.logs.is_none());
}

#[tokio::test]
async fn timeline_takes_how_far_back_and_refuses_what_is_not_a_duration() {
    let (mut state, _) = dashboard().await;
    update(&mut state, key(':'));
    for c in "timeline 6h".chars() {
        update(&mut state, key(c));
    }
    let fx = update(&mut state, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Fetch(Resource::Timeline("ci-linux".into(), 6 * 3600))]);
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    for c in "timeline lunch".chars() {
        update(&mut state, key(c));
    }
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text.contains("such as 30m")));
    assert_eq!(state.overlay, None);
}

#[tokio::test]
async fn a_terminations_details_read_the_timeline_for_its_job_and_a_launchs_do_not() {
    let (mut state, _) = dashboard().await;
    update(&mut state, key('4'));
    let activities = crate::app::shown::activities(&state);
    let ended = |a: &crate::domain::ScalingActivity| crate::analysis::forensics::ended_by(a).is_some();
    let terminated = activities.iter().position(|a| ended(a)).expect("a termination");
    let launched = activities.iter().position(|a| !ended(a)).expect("a launch");
    let open = |state: &mut AppState, row: usize| {
        update(state, key('g'));
        for _ in 0..row {
            update(state, key('j'));
        }
        update(state, code(KeyCode::Enter))
    };
    let fx = open(&mut state, launched);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Fetch(Resource::Timeline(..)))), "{fx:?}");
    update(&mut state, code(KeyCode::Esc));
    let fx = open(&mut state, terminated);
    assert!(fx.contains(&Effect::Fetch(Resource::Timeline("ci-linux".into(), 7200))), "{fx:?}");
}

#[tokio::test]
async fn a_timeline_answer_that_comes_after_its_window_closed_does_not_block_the_next_read() {
    let (mut state, b) = dashboard().await;
    update(&mut state, key('4'));
    let ended = |a: &crate::domain::ScalingActivity| crate::analysis::forensics::ended_by(a).is_some();
    let row = crate::app::shown::activities(&state).iter().position(|a| ended(a)).expect("a termination");
    for _ in 0..row {
        update(&mut state, key('j'));
    }
    let asked = update(&mut state, code(KeyCode::Enter));
    let Some(Effect::Fetch(resource)) =
        asked.into_iter().find(|e| matches!(e, Effect::Fetch(Resource::Timeline(..))))
    else {
        panic!("the details read the timeline")
    };
    // Closed before the answer comes.
    update(&mut state, code(KeyCode::Esc));
    let since = state.now.plus_secs(-7200);
    let late = crate::snapshot::timeline::read(&b, "ci-linux", since).await;
    let at = state.now;
    update(&mut state, Msg::Loaded { resource, result: Ok(crate::app::Payload::Timeline(late)), at });
    assert!(state.reads.timeline.data.is_none(), "dropped");
    // Opened again: read again, not waiting for ever on the dropped one.
    let again = update(&mut state, code(KeyCode::Enter));
    assert!(again.iter().any(|e| matches!(e, Effect::Fetch(Resource::Timeline(..)))), "{again:?}");
}
