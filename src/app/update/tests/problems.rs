//! Problem rows first, and `!` from one problem to the next.

use super::*;
use crate::domain::{ActivityStatus, Health};

fn ids(state: &AppState) -> Vec<String> {
    shown::instances(state).iter().map(|i| i.id.clone()).collect()
}

/// Two instances in trouble (the oldest Unhealthy, another with a boot failure) and one failed
/// activity, read as the panes would read them.
fn with_problems(state: &mut AppState) -> (String, String) {
    let (mut unhealthy, mut boot) = (String::new(), String::new());
    reload(state, |list| {
        let n = list.len();
        list[n - 1].health = Health::Unhealthy;
        list[n - 2].boot_failed = true;
        (unhealthy, boot) = (list[n - 1].id.clone(), list[n - 2].id.clone());
    });
    let at = state.now.plus_secs(5);
    let mut activities = state.reads.activities.data.clone().expect("activities");
    for a in &mut activities {
        a.status = ActivityStatus::Successful;
    }
    activities[1].status = ActivityStatus::Failed;
    update(
        state,
        Msg::Loaded {
            resource: Resource::Activities("ci-linux".into()),
            result: Ok(crate::app::Payload::Activities(activities)),
            at,
        },
    );
    (unhealthy, boot)
}

#[tokio::test]
async fn problem_rows_come_first_worst_first_until_another_sort_is_picked() {
    let (mut state, _, _) = loaded((160, 48)).await;
    let (unhealthy, boot) = with_problems(&mut state);
    assert_eq!(ids(&state)[..2], [boot.clone(), unhealthy.clone()], "a failed boot is worse than Unhealthy");
    // o: the same column, no longer problems first: the youngest first, whatever their trouble.
    update(&mut state, key('3'));
    update(&mut state, key('o'));
    assert!(!state.settings.sort.problems_first);
    let mut by_age = state.reads.fleet.data.clone().expect("a fleet").instances;
    by_age.sort_by(|a, b| b.launched_at.cmp(&a.launched_at).then_with(|| a.id.cmp(&b.id)));
    assert_eq!(ids(&state), by_age.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
    assert_ne!(ids(&state)[..2], [boot.clone(), unhealthy.clone()]);
    update(&mut state, key(':'));
    typed(&mut state, "sort problems");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(ids(&state)[..2], [boot, unhealthy]);
}

#[tokio::test]
async fn bang_goes_from_one_problem_to_the_next_across_panes_and_round() {
    let (mut state, _, _) = loaded((160, 48)).await;
    let (unhealthy, boot) = with_problems(&mut state);
    state.focus = Pane::Stacks;
    let flash = |s: &AppState| s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    update(&mut state, key('!'));
    assert_eq!((state.focus, state.lists.instances.sel), (Pane::Instances, 0));
    assert_eq!(flash(&state), format!("problem 1/3: {boot}: boot failed"));
    update(&mut state, key('!'));
    assert_eq!((state.focus, state.lists.instances.sel), (Pane::Instances, 1));
    assert_eq!(flash(&state), format!("problem 2/3: {unhealthy}: unhealthy"));
    update(&mut state, key('!'));
    assert_eq!((state.focus, state.lists.activity.sel), (Pane::Activity, 1));
    assert!(flash(&state).starts_with("problem 3/3: failed: "), "{}", flash(&state));
    update(&mut state, key('!'));
    assert_eq!((state.focus, state.lists.instances.sel), (Pane::Instances, 0), "round to the first");
}

#[tokio::test]
async fn with_no_problem_bang_says_so() {
    let (mut state, _, _) = loaded((160, 48)).await;
    let mut activities = state.reads.activities.data.clone().expect("activities");
    for a in &mut activities {
        a.status = ActivityStatus::Successful;
    }
    state.reads.activities.data = Some(activities);
    let focus = state.focus;
    update(&mut state, key('!'));
    assert_eq!(state.focus, focus);
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.as_str()),
        Some("no problem rows: no instance in trouble, no failed activity")
    );
}

#[tokio::test]
async fn the_keys_in_effect_are_the_operators_own() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let rebinding = crate::app::rebind::Rebinding {
        name: "instances.sort-next".into(),
        keys: vec![("S".into(), 0)],
        at: 0,
    };
    state.settings.keymap =
        std::sync::Arc::new(crate::app::rebind::Keymap::with(&[rebinding]).expect("fine"));
    update(&mut state, key('3'));
    update(&mut state, key('o'));
    assert!(state.settings.sort.problems_first, "o no longer sorts");
    update(&mut state, key('S'));
    assert!(!state.settings.sort.problems_first, "S does");
}

#[tokio::test]
async fn a_stack_switch_brings_the_theme_its_rule_picks() {
    let (mut state, _, _) = loaded((80, 24)).await;
    state.settings.theme_rules = vec![crate::app::theme_rules::ThemeRule {
        stack: Some("ci-win*".into()),
        theme: "light".into(),
        ..Default::default()
    }];
    update(&mut state, key(':'));
    typed(&mut state, "stack ci-windows");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::SetTheme("light".into())), "{fx:?}");
    update(&mut state, key(':'));
    typed(&mut state, "stack ci-linux");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::SetTheme("dark".into())), "back to the configured theme: {fx:?}");
}
