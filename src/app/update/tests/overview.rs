//! The fleet view: every context read while it shows, the cursor by identity, Enter opening a
//! stack in its own context.

use super::*;
use crate::analysis::overview::StackLine;
use crate::app::Payload;
use crate::app::overview::{Overview, RowId};

fn line(stack: &str, waiting: u32) -> StackLine {
    StackLine {
        stack: stack.into(),
        queue: "default".into(),
        desired: 1,
        min: 0,
        max: 5,
        scaling: "enabled".into(),
        waiting: Some(waiting),
        agents: Some((0, 1)),
        warnings: Vec::new(),
        verdict: "no change".into(),
        why: None,
        scaler: None,
        problem: false,
        stack_failed: false,
    }
}

fn lines(state: &mut AppState, context: usize, v: Vec<StackLine>) {
    let at = state.now;
    let result = Ok(Payload::Context { lines: v, incidents: Vec::new() });
    update(state, Msg::Loaded { resource: Resource::Context(context), result, at });
}

#[test]
fn enter_opens_a_stack_in_its_own_context_and_the_fleet_survives_the_switch() {
    let mut state = AppState::new("aws ci-prod us-east-1", START, (160, 48));
    state.overview = Overview::new(vec!["us".into(), "eu".into()], Some(0));
    let fx = update(&mut state, key('0'));
    assert_eq!(state.overlay, Some(Overlay::Overview));
    for n in 0..2 {
        assert!(fx.contains(&Effect::Fetch(Resource::Context(n))), "context {n} read: {fx:?}");
    }
    lines(&mut state, 0, vec![line("ci-linux", 0)]);
    lines(&mut state, 1, vec![line("fleet-00", 3)]);
    assert_eq!(state.overview.rows()[0], RowId::Stack(1, "fleet-00".into()), "the most waiting first");
    // Enter on a stack of the other context: switch to it, and show that stack there.
    let fx = update(&mut state, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::SwitchContext(1)]);
    assert_eq!((state.overlay.clone(), state.wanted_stack.as_deref()), (None, Some("fleet-00")));
    update(&mut state, Msg::BackendChanged("aws ci-prod eu-west-1".into()));
    assert_eq!(state.wanted_stack.as_deref(), Some("fleet-00"), "still wanted in the new context");
    assert_eq!(state.overview.current, Some(1));
    assert_eq!(state.overview.rows().len(), 2, "what the fleet view read is kept");
    // Back to the fleet; a stack of the context shown opens without a switch.
    update(&mut state, key('0'));
    state.overview.cursor = Some(RowId::Stack(1, "fleet-00".into()));
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(!fx.iter().any(|e| matches!(e, Effect::SwitchContext(_))), "{fx:?}");
    assert_eq!(state.stack.as_deref(), Some("fleet-00"));
    // Down to ci-linux, in the first context: a switch back.
    update(&mut state, key('0'));
    update(&mut state, key('j'));
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![Effect::SwitchContext(0)]);
}

/// Types `:text` and Enter; what the command asked for.
fn command(state: &mut AppState, text: &str) -> Vec<Effect> {
    update(state, key(':'));
    typed(state, text);
    update(state, code(KeyCode::Enter))
}

fn said(state: &AppState) -> String {
    state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

#[test]
fn ctx_switches_to_a_context_by_name_or_lists_them_as_k9s_does() {
    let mut state = AppState::new("aws ci-prod us-east-1", START, (80, 24));
    state.overview = Overview::new(vec!["us".into(), "eu".into()], Some(0));
    assert_eq!(command(&mut state, "ctx eu"), vec![Effect::SwitchContext(1)]);
    assert_eq!(state.overview.current, Some(1));
    assert!(said(&state).contains("context eu"), "{}", said(&state));
    update(&mut state, Msg::BackendChanged("aws ci-prod eu-west-1".into()));
    assert_eq!(command(&mut state, "context us"), vec![Effect::SwitchContext(0)]);
    update(&mut state, Msg::BackendChanged("aws ci-prod us-east-1".into()));
    assert!(command(&mut state, "context us").is_empty(), "already shown: nothing to connect");
    assert_eq!(said(&state), "context us is the one shown");
    assert!(command(&mut state, "ctx mars").is_empty());
    assert_eq!(said(&state), "no context named 'mars'; the contexts here are: us, eu");
    let fx = command(&mut state, "ctx");
    assert_eq!(state.overlay, Some(Overlay::Overview), "alone, it lists the contexts");
    assert!(fx.contains(&Effect::Fetch(Resource::Context(1))), "{fx:?}");
    // Tab completes a context's name.
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    typed(&mut state, "ctx e");
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.prompt.as_ref().map(|p| p.text.as_str()), Some("ctx eu"));
}

#[test]
fn ctx_without_contexts_says_where_they_come_from() {
    let mut state = AppState::new("demo", START, (80, 24));
    assert!(command(&mut state, "ctx prod").is_empty());
    assert!(said(&state).starts_with("no [[contexts]] in the config file"), "{}", said(&state));
}

#[test]
fn a_context_that_cannot_be_read_leads_and_enter_says_why() {
    let mut state = AppState::new("aws ci-prod us-east-1", START, (80, 24));
    state.overview = Overview::new(vec!["us".into(), "stage".into()], Some(0));
    update(&mut state, key('0'));
    lines(&mut state, 0, vec![line("ci-linux", 0)]);
    let at = state.now;
    let denied = BackendError::Credentials { hint: "run `aws sso login --profile ci-stage`".into() };
    update(&mut state, Msg::Loaded { resource: Resource::Context(1), result: Err(denied), at });
    assert_eq!(state.overview.rows()[0], RowId::Context(1));
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    let said = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(said.starts_with("stage: ") && said.contains("aws sso login --profile ci-stage"), "{said}");
}

#[tokio::test]
async fn the_panes_under_the_fleet_view_are_not_read_and_the_view_reads_this_backend_alone() {
    let (mut state, b, _) = loaded((160, 48)).await;
    settle(&mut state, &b, key('0')).await;
    let rows = state.overview.rows();
    let names: Vec<String> = rows
        .iter()
        .filter_map(|r| match r {
            RowId::Stack(0, s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["ci-arm64", "ci-linux", "ci-windows"], "the demo's own stacks: {rows:?}");
    let mut t = START;
    for _ in 0..120 {
        t = t.plus_secs(1);
        let fx = update(&mut state, Msg::Tick(t));
        assert!(
            fx.iter().all(|e| matches!(e, Effect::Fetch(Resource::Context(_)))),
            "only the fleet is read while it covers the panes: {fx:?}"
        );
    }
}

#[tokio::test]
async fn a_stack_whose_reads_failed_leads_the_fleet() {
    // The rows come from the snapshot the fleet view is built from, by the code's own rules.
    let (_, b, _) = loaded((80, 24)).await;
    let mut report = crate::snapshot::collect(&b, &[], crate::snapshot::Boots::Skip).await.expect("snapshot");
    let rows = |report: &crate::snapshot::StatusReport| {
        let mut overview = Overview::new(vec!["here".into()], Some(0));
        let lines: Vec<StackLine> = report.stacks.iter().map(crate::snapshot::line).collect();
        overview.reads[0].set(Ok(lines), START, 60);
        overview.rows()
    };
    let before = rows(&report);
    let Some(RowId::Stack(_, last)) = before.last().cloned() else { panic!("stack rows: {before:?}") };
    // The stack that came last: its queue could not be read now.
    let failed = report.stacks.iter_mut().find(|s| s.stack.name == last).expect("the last stack");
    failed.errors.push("queue: not read within the command's 45 s".into());
    let after = rows(&report);
    let line = report.stacks.iter().find(|s| s.stack.name == last).map(crate::snapshot::line).expect("line");
    assert!(line.problem, "a read that failed is a problem: {line:?}");
    // It now comes before every stack without a problem (among problems, more jobs waiting
    // come first: the code's own order, not restated here).
    let at = |name: &str| after.iter().position(|r| r == &RowId::Stack(0, name.to_string()));
    for s in report.stacks.iter().map(crate::snapshot::line).filter(|l| !l.problem) {
        assert!(at(&last) < at(&s.stack), "{last} before {}: {after:?}", s.stack);
    }
    assert!(at(&last) < before.iter().position(|r| r == &RowId::Stack(0, last.clone())), "it moved up");
}
