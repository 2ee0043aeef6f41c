//! Incidents of stacks not on screen: read in the background, said once on the status bar
//! (with the bell when asked for), gone to with `I`, forgotten when resolved or seen.

use super::*;
use crate::app::Payload;
use crate::app::overview::{Overview, RowId};
use crate::domain::incident::Incident;

fn incident(stack: &str, kind: &'static str) -> Incident {
    Incident::new(stack, kind, "", format!("{stack}: {kind}"))
}

/// A context's read with these incidents, `secs` after the start.
fn read(state: &mut AppState, context: usize, incidents: Vec<Incident>, secs: i64) -> Vec<Effect> {
    let at = START.plus_secs(secs);
    state.now = at;
    let result = Ok(Payload::Context { lines: Vec::new(), incidents });
    update(state, Msg::Loaded { resource: Resource::Context(context), result, at })
}

fn news(state: &AppState) -> Vec<String> {
    state
        .overview
        .news(state.stack.as_deref())
        .iter()
        .map(|n| format!("{} {}", state.overview.place(n), n.key.kind))
        .collect()
}

fn two_contexts() -> AppState {
    let mut state = AppState::new("aws ci-prod us-east-1", START, (80, 24));
    state.overview = Overview::new(vec!["us".into(), "eu".into()], Some(0));
    state.stack = Some("ci-linux".into());
    state.settings.incidents = true;
    state.settings.bell = true;
    state
}

#[test]
fn every_context_is_read_in_the_background_unless_turned_off() {
    let mut state = two_contexts();
    let fx = update(&mut state, Msg::Tick(START));
    for n in 0..2 {
        assert!(fx.contains(&Effect::Fetch(Resource::Context(n))), "context {n}: {fx:?}");
    }
    let mut state = two_contexts();
    state.settings.incidents = false;
    let fx = update(&mut state, Msg::Tick(START));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Fetch(Resource::Context(_)))), "{fx:?}");
}

#[test]
fn incidents_elsewhere_are_news_once_and_ring_only_after_the_first_read() {
    let mut state = two_contexts();
    // The first reads: what is open already is said, with no bell.
    let fx =
        read(&mut state, 0, vec![incident("ci-linux", "disk_full"), incident("ci-arm64", "jobs_stuck")], 0);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    let fx = read(&mut state, 1, vec![incident("ci-linux", "scaler_error")], 0);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    // The stack on screen is not news; the same name in another context is.
    assert_eq!(news(&state), ["ci-arm64 jobs_stuck", "eu/ci-linux scaler_error"]);
    // Read again: nothing repeats, and nothing rings.
    let fx = read(&mut state, 1, vec![incident("ci-linux", "scaler_error")], 60);
    assert!(!fx.contains(&Effect::Bell) && news(&state).len() == 2, "{fx:?}");
    // A new one rings.
    let fx = read(
        &mut state,
        1,
        vec![incident("ci-linux", "scaler_error"), incident("fleet-00", "disk_full")],
        120,
    );
    assert!(fx.contains(&Effect::Bell), "{fx:?}");
    assert_eq!(news(&state).len(), 3);
    // Without `bell`, none.
    state.settings.bell = false;
    let fx = read(
        &mut state,
        0,
        vec![
            incident("ci-linux", "disk_full"),
            incident("ci-arm64", "jobs_stuck"),
            incident("ci-windows", "unhealthy"),
        ],
        120,
    );
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    // Resolved (gone a minute): no longer news.
    read(&mut state, 0, vec![incident("ci-linux", "disk_full")], 180);
    read(&mut state, 0, vec![incident("ci-linux", "disk_full")], 240);
    assert_eq!(news(&state), ["eu/ci-linux scaler_error", "eu/fleet-00 disk_full"]);
}

#[test]
fn i_goes_to_the_oldest_in_its_context_and_a_context_that_cannot_be_read_opens_the_fleet() {
    let mut state = two_contexts();
    read(&mut state, 0, vec![incident("ci-arm64", "jobs_stuck")], 0);
    read(&mut state, 1, vec![incident("fleet-00", "disk_full"), incident("fleet-00", "unhealthy")], 60);
    // In the context shown: the stack is shown, and its news is seen.
    let fx = update(&mut state, key('I'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::SwitchContext(_))), "{fx:?}");
    assert_eq!(state.stack.as_deref(), Some("ci-arm64"));
    assert_eq!(news(&state), ["eu/fleet-00 disk_full", "eu/fleet-00 unhealthy"]);
    // In another context: a switch to it, that stack wanted there; both of its incidents seen.
    let fx = update(&mut state, key('I'));
    assert_eq!(fx, vec![Effect::SwitchContext(1)]);
    assert_eq!(state.wanted_stack.as_deref(), Some("fleet-00"));
    assert!(news(&state).is_empty(), "{:?}", news(&state));
    // Nothing left: said.
    update(&mut state, key('I'));
    assert_eq!(state.flash.as_ref().map(|f| f.text.as_str()), Some("no new incident elsewhere"));
    // A context that cannot be read is news; I shows it in the fleet, on its row.
    let at = START.plus_secs(120);
    let denied = BackendError::Credentials { hint: "run `aws sso login --profile ci-us`".into() };
    let fx = update(&mut state, Msg::Loaded { resource: Resource::Context(0), result: Err(denied), at });
    assert_eq!(news(&state), ["us unreadable"]);
    assert!(fx.contains(&Effect::Bell), "it was read before: {fx:?}");
    update(&mut state, key('I'));
    assert_eq!(state.overlay, Some(Overlay::Overview));
    assert_eq!(state.overview.cursor, Some(RowId::Context(0)));
}

#[test]
fn a_context_that_cannot_be_read_from_the_start_is_said_without_the_bell() {
    let mut state = two_contexts();
    let denied = BackendError::Credentials { hint: "aws sso login".into() };
    let fx =
        update(&mut state, Msg::Loaded { resource: Resource::Context(1), result: Err(denied), at: START });
    assert_eq!(news(&state), ["eu unreadable"]);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
}

#[test]
fn a_stack_that_cannot_be_read_keeps_its_incidents_open_and_not_new_again() {
    let mut state = two_contexts();
    read(&mut state, 1, vec![incident("fleet-00", "disk_full")], 0);
    let at = START.plus_secs(300);
    let denied = BackendError::Credentials { hint: "aws sso login".into() };
    update(&mut state, Msg::Loaded { resource: Resource::Context(1), result: Err(denied), at });
    assert_eq!(state.overview.open_on(1, "fleet-00").len(), 1, "not knowing is not a resolution");
    let fx = read(&mut state, 1, vec![incident("fleet-00", "disk_full")], 360);
    assert!(!fx.contains(&Effect::Bell), "still the same incident: {fx:?}");
    assert_eq!(news(&state).iter().filter(|n| n.contains("fleet-00")).count(), 1, "{:?}", news(&state));
}

#[test]
fn another_region_without_contexts_starts_afresh_and_with_contexts_keeps_them() {
    let mut state = AppState::new("aws ci-prod us-east-1", START, (80, 24));
    state.settings.incidents = true;
    read(&mut state, 0, vec![incident("ci-arm64", "jobs_stuck")], 0);
    assert_eq!(news(&state), ["ci-arm64 jobs_stuck"]);
    // `:region eu-west-1`: its stacks are others, whatever their names.
    update(&mut state, Msg::BackendChanged("aws ci-prod eu-west-1".into()));
    assert!(news(&state).is_empty() && state.overview.open_on(0, "ci-arm64").is_empty());
    // Each context's incidents are its own: a switch of context keeps them.
    let mut state = two_contexts();
    read(&mut state, 1, vec![incident("fleet-00", "disk_full")], 0);
    update(&mut state, Msg::BackendChanged("aws ci-prod eu-west-1".into()));
    assert_eq!(news(&state), ["eu/fleet-00 disk_full"]);
}
