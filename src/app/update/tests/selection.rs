//! The cursor stays on its row's identity as rows come, go and are sorted.

use super::*;

fn ids(state: &AppState) -> Vec<String> {
    shown::instances(state).iter().map(|i| i.id.clone()).collect()
}

fn selected(state: &AppState) -> Option<String> {
    shown::instances(state).get(state.lists.instances.sel).map(|i| i.id.clone())
}

#[tokio::test]
async fn the_cursor_stays_on_its_instance_when_new_ones_arrive_above_and_rows_are_sorted() {
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Instances;
    assert!(ids(&state).len() >= 3, "{:?}", ids(&state));
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    let chosen = selected(&state).expect("a row");
    // A new instance, younger than any: it sorts first by age.
    reload(&mut state, |list| {
        let mut new = list[0].clone();
        new.id = "i-0aaaaaaaaaaaaaaa1".into();
        new.launched_at = Some(START.plus_secs(3600));
        list.push(new);
    });
    assert_eq!(ids(&state).first().map(String::as_str), Some("i-0aaaaaaaaaaaaaaa1"), "the new one is on top");
    assert_eq!(selected(&state), Some(chosen.clone()), "the cursor stayed on its instance");
    assert!(state.flash.is_none(), "nothing to say: {:?}", state.flash);
    // Another order: still the same instance.
    update(&mut state, key('o'));
    assert_eq!(selected(&state), Some(chosen.clone()), "after a sort");
    update(&mut state, key('O'));
    assert_eq!(selected(&state), Some(chosen), "after reversing it");
}

#[tokio::test]
async fn the_cursor_left_on_the_first_row_stays_on_its_instance_too() {
    // The default position, never moved: a new instance sorting above must not slide under it
    // (`s`, `l` and `D` act on the selected row).
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Instances;
    assert_eq!(state.lists.instances.sel, 0);
    let first = selected(&state).expect("a row");
    reload(&mut state, |list| {
        let mut new = list[0].clone();
        new.id = "i-0aaaaaaaaaaaaaaa1".into();
        new.launched_at = Some(START.plus_secs(3600));
        list.push(new);
    });
    assert_eq!(ids(&state).first().map(String::as_str), Some("i-0aaaaaaaaaaaaaaa1"), "the new one is on top");
    assert_eq!(selected(&state), Some(first), "the cursor stayed on its instance");
}

#[tokio::test]
async fn when_the_instance_has_gone_the_cursor_moves_to_the_nearest_row_and_says_so() {
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Instances;
    update(&mut state, key('j'));
    let sel = state.lists.instances.sel;
    let chosen = selected(&state).expect("a row");
    reload(&mut state, |list| list.retain(|i| i.id != chosen));
    assert_eq!(state.lists.instances.sel, sel, "the nearest row: the one that took its place");
    let now = selected(&state).expect("a row");
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.clone()),
        Some(format!("{chosen} has gone: the cursor is on {now}"))
    );
}

#[tokio::test]
async fn a_stack_that_has_gone_is_not_left_on_screen() {
    let (mut state, _, _) = loaded((160, 48)).await;
    assert_eq!(state.stack.as_deref(), Some("ci-linux"));
    let rest: Vec<_> =
        state.stacks.data.clone().expect("stacks").into_iter().filter(|s| s.name != "ci-linux").collect();
    let first = rest[0].name.clone();
    let at = state.now.plus_secs(60);
    let fx = update(
        &mut state,
        Msg::Loaded { resource: Resource::Stacks, result: Ok(crate::app::Payload::Stacks(rest)), at },
    );
    for r in Resource::of_stack("ci-linux") {
        assert!(fx.contains(&Effect::Cancel(r)), "its reads are cancelled: {fx:?}");
    }
    assert_eq!(state.stack.as_deref(), Some(first.as_str()), "the first stack left is shown");
    assert!(
        state.reads.fleet.data.is_none() && state.reads.queue.data.is_none(),
        "nothing of ci-linux is left"
    );
    assert_eq!(
        state.flash.as_ref().map(|f| (f.text.as_str(), f.is_error)),
        Some(("stack ci-linux is gone from demo", true))
    );
}

/// The stack list read again with `change` made to it.
fn reload_stacks(state: &mut AppState, change: impl FnOnce(&mut Vec<crate::domain::StackSummary>)) {
    let mut stacks = state.stacks.data.clone().expect("stacks");
    change(&mut stacks);
    let at = state.now.plus_secs(5);
    update(
        state,
        Msg::Loaded { resource: Resource::Stacks, result: Ok(crate::app::Payload::Stacks(stacks)), at },
    );
}

/// The stack's scaling activity read again with `change` made to it (newest first).
fn reload_activity(state: &mut AppState, change: impl FnOnce(&mut Vec<crate::domain::ScalingActivity>)) {
    let mut list = state.reads.activities.data.clone().expect("activity");
    change(&mut list);
    let at = state.now.plus_secs(5);
    update(
        state,
        Msg::Loaded {
            resource: Resource::Activities("ci-linux".into()),
            result: Ok(crate::app::Payload::Activities(list)),
            at,
        },
    );
}

fn selected_stack(state: &AppState) -> Option<String> {
    shown::stacks(state).get(state.lists.stacks.sel).map(|s| s.name.clone())
}

fn selected_activity(state: &AppState) -> Option<String> {
    shown::activities(state).get(state.lists.activity.sel).map(|a| a.id.clone())
}

fn flash(state: &AppState) -> Option<String> {
    state.flash.as_ref().map(|f| f.text.clone())
}

#[tokio::test]
async fn the_stack_cursor_follows_its_stack_and_says_stack_when_it_has_gone() {
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Stacks;
    assert!(shown::stacks(&state).len() >= 3);
    update(&mut state, key('j'));
    let chosen = selected_stack(&state).expect("a row");
    reload_stacks(&mut state, |list| list.rotate_right(1));
    assert_eq!(selected_stack(&state), Some(chosen.clone()), "the cursor moved with its stack");
    reload_stacks(&mut state, |list| list.retain(|s| s.name != chosen));
    let now = selected_stack(&state).expect("a row");
    assert_eq!(flash(&state), Some(format!("stack {chosen} has gone: the cursor is on {now}")));
}

#[tokio::test]
async fn the_activity_cursor_stays_on_the_newest_from_the_first_row_and_on_its_activity_below() {
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Activity;
    assert!(shown::activities(&state).len() >= 3, "{}", shown::activities(&state).len());
    let newer = |list: &mut Vec<crate::domain::ScalingActivity>, id: &str| {
        let mut a = list[0].clone();
        a.id = id.into();
        list.insert(0, a);
    };
    reload_activity(&mut state, |list| newer(list, "new-1"));
    assert_eq!(state.lists.activity.sel, 0, "the first row stays on the newest");
    assert_eq!(selected_activity(&state).as_deref(), Some("new-1"));
    update(&mut state, key('j'));
    let chosen = selected_activity(&state).expect("a row");
    reload_activity(&mut state, |list| newer(list, "new-2"));
    assert_eq!(selected_activity(&state), Some(chosen.clone()), "below the first row it keeps its activity");
    assert_eq!(state.lists.activity.sel, 2);
    reload_activity(&mut state, |list| list.retain(|a| a.id != chosen));
    let now = selected_activity(&state).expect("a row");
    assert_eq!(flash(&state), Some(format!("activity {chosen} has gone: the cursor is on {now}")));
}

#[tokio::test]
async fn a_filter_that_hides_the_chosen_row_does_not_say_it_has_gone() {
    let (mut state, _, _) = loaded((160, 48)).await;
    state.focus = Pane::Instances;
    let chosen = selected(&state).expect("a row");
    update(&mut state, key('/'));
    // Pasted, so the filter hides the row in one step (typed, the first `!` hides all rows).
    update(&mut state, Msg::Paste(format!("!{chosen}")));
    update(&mut state, code(KeyCode::Enter));
    assert!(!ids(&state).contains(&chosen), "the filter hides it");
    assert!(flash(&state).is_none_or(|f| !f.contains("has gone")), "{:?}", state.flash);
}
