//! What the dashboard reads, and when: cost follows change (covered panes, settled groups, rows
//! worked out once per change).

use super::*;

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
    // Back: everything due is read at once (the log groups, read every 10 minutes, are not due).
    let fx = update(&mut state, code(KeyCode::Esc));
    let due = Resource::of_stack("ci-linux").into_iter().filter(|r| !matches!(r, Resource::LogGroups(_)));
    for r in due.chain([Resource::Stacks]) {
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
    let mut fleet = state.reads.fleet.data.clone().expect("fleet");
    for i in &mut fleet.instances {
        i.lifecycle = crate::domain::Lifecycle::InService;
        i.health = crate::domain::Health::Healthy;
    }
    fleet.desired = fleet.instances.len() as u32;
    let mut activities = state.reads.activities.data.clone().expect("activities");
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
    assert_eq!(state.reads.fleet.next_due, Some(at.plus_secs(15)), "settled: three times its 5 s");
    // One instance Pending: back to every 5 s.
    fleet.instances[0].lifecycle = crate::domain::Lifecycle::Pending;
    load(&mut state, Resource::Fleet(stack.clone()), crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.reads.fleet.next_due, Some(at.plus_secs(5)));
    // An activity under way keeps the activity list at its 10 s too.
    activities[0].status = crate::domain::ActivityStatus::InProgress;
    fleet.instances[0].lifecycle = crate::domain::Lifecycle::InService;
    load(&mut state, Resource::Activities(stack.clone()), crate::app::Payload::Activities(activities));
    assert_eq!(state.reads.activities.next_due, Some(at.plus_secs(10)));
}

#[tokio::test]
async fn an_unchanged_answer_backs_off_whatever_the_groups_health_and_a_change_brings_it_back() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let mut fleet = state.reads.fleet.data.clone().expect("fleet");
    for i in &mut fleet.instances {
        i.lifecycle = crate::domain::Lifecycle::InService;
        i.health = crate::domain::Health::Healthy;
    }
    // An incident that does not move: one instance stays Unhealthy (its disk is full).
    fleet.instances[0].health = crate::domain::Health::Unhealthy;
    fleet.desired = fleet.instances.len() as u32;
    let mut activities = state.reads.activities.data.clone().expect("activities");
    for a in &mut activities {
        a.status = crate::domain::ActivityStatus::Successful;
    }
    let stack = "ci-linux".to_string();
    let load = |state: &mut AppState, at: Timestamp, resource: &Resource, payload: crate::app::Payload| {
        update(state, Msg::Loaded { resource: resource.clone(), result: Ok(payload), at });
    };
    let (f, a) = (Resource::Fleet(stack.clone()), Resource::Activities(stack.clone()));
    let t = START.plus_secs(100);
    load(&mut state, t, &a, crate::app::Payload::Activities(activities.clone()));
    load(&mut state, t, &f, crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.reads.fleet.next_due, Some(t.plus_secs(5)), "a new answer: read again at its interval");
    let t = t.plus_secs(5);
    load(&mut state, t, &a, crate::app::Payload::Activities(activities.clone()));
    load(&mut state, t, &f, crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.reads.fleet.next_due, Some(t.plus_secs(15)), "the same Unhealthy group: backed off");
    assert_eq!(state.reads.activities.next_due, Some(t.plus_secs(30)), "the same activities: backed off");
    // The instance is replaced: a change, read at the interval again, and its activity sooner.
    let t = t.plus_secs(15);
    fleet.instances[0].health = crate::domain::Health::Healthy;
    load(&mut state, t, &f, crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(state.reads.fleet.next_due, Some(t.plus_secs(5)));
    assert_eq!(
        state.reads.activities.next_due,
        Some(t.plus_secs(10)),
        "a group that changed asks its activity"
    );
    // A Pending instance that stays Pending is motion, not health: read at the interval.
    fleet.instances[0].lifecycle = crate::domain::Lifecycle::Pending;
    load(&mut state, t, &f, crate::app::Payload::Fleet(fleet.clone()));
    let t = t.plus_secs(5);
    load(&mut state, t, &f, crate::app::Payload::Fleet(fleet.clone()));
    assert_eq!(
        state.reads.fleet.next_due,
        Some(t.plus_secs(5)),
        "an instance on its way keeps the short interval"
    );
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
    let mut fleet = state.reads.fleet.data.clone().expect("fleet");
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
