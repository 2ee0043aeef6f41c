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
    assert!(state.fleet.data.is_none() && state.queue.data.is_none(), "nothing of ci-linux is left");
    assert_eq!(
        state.flash.as_ref().map(|f| (f.text.as_str(), f.is_error)),
        Some(("stack ci-linux is gone from demo", true))
    );
}
