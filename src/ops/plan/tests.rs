//! Plans worked out from a stack's state: pause, resume and terminate, their calls, warnings
//! and refusals, and what a plan applied leaves for the next one.

use super::*;

const NOW: Timestamp = Timestamp(1_795_000_000_000);

fn linux() -> ScalingTarget {
    ScalingTarget {
        stack: "ci-linux".into(),
        group: "ci-linux-AgentAutoScaleGroup-1".into(),
        rule: Some("ci-linux-Autoscaling-1-AutoscalingFunctionTimer-2".into()),
        rule_enabled: Some(true),
        min: 2,
        max: 10,
        desired: 6,
        instances: vec!["i-0aaaaaaaaaaaaaaa1".into(), "i-0bbbbbbbbbbbbbbb2".into()],
        ..ScalingTarget::default()
    }
}

fn apply(t: &mut ScalingTarget, plan: &Plan) {
    for c in &plan.calls {
        match c {
            Call::DisableRule { .. } => t.rule_enabled = Some(false),
            Call::EnableRule { .. } => t.rule_enabled = Some(true),
            Call::UpdateGroup { min, desired, .. } => {
                t.min = min.unwrap_or(t.min);
                t.desired = desired.unwrap_or(t.desired).max(t.min);
            }
            Call::TagGroup { tags, .. } => t.tags.extend(tags.iter().cloned()),
            Call::DeleteGroupTags { keys, .. } => keys.iter().for_each(|k| {
                t.tags.remove(k);
            }),
            Call::Terminate { .. }
            | Call::StopAgent { .. }
            | Call::WaitForJobs { .. }
            | Call::SendCommand { .. }
            | Call::CreateChangeSet { .. }
            | Call::ExecuteChangeSet { .. }
            | Call::DeleteChangeSet { .. }
            | Call::WaitForEmpty { .. }
            | Call::WaitForUpdate { .. } => {}
        }
    }
}

#[test]
fn pause_records_then_disables_and_drain_empties_the_group() {
    let t = linux();
    let plan = pause(&t, true, "arn:aws:sts::1:assumed-role/ops/ana", NOW).expect("plan");
    let calls: Vec<String> = plan.calls.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        calls,
        [
            "autoscaling:CreateOrUpdateTags AutoScalingGroupName=ci-linux-AgentAutoScaleGroup-1 \
             Tags=bkops:paused-by=arn:aws:sts::1:assumed-role/ops/ana,bkops:paused-at=2026-11-18T11:06:40Z,\
             bkops:pre-pause-min-size=2,bkops:pre-pause-desired=6 PropagateAtLaunch=false",
            "events:DisableRule Name=ci-linux-Autoscaling-1-AutoscalingFunctionTimer-2",
            "autoscaling:UpdateAutoScalingGroup AutoScalingGroupName=ci-linux-AgentAutoScaleGroup-1 MinSize=0 DesiredCapacity=0",
        ]
    );
    assert!(plan.warnings.iter().any(|w| w.contains("MinSize 0 (from 2)")));
}

#[test]
fn draining_with_min_size_zero_changes_only_desired() {
    let t = ScalingTarget { min: 0, ..linux() };
    let plan = pause(&t, true, "ana", NOW).expect("plan");
    assert!(
        plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { min: None, desired: Some(0), .. })),
        "{:?}",
        plan.calls
    );
}

#[test]
fn a_second_pause_names_who_paused_with_or_without_when() {
    let mut t = linux();
    t.rule_enabled = Some(false);
    t.tags.insert(PAUSED_BY.into(), "ana".into());
    t.tags.insert(PRE_PAUSE_MIN.into(), "2".into());
    let said = |t: &ScalingTarget| match pause(t, false, "bo", NOW) {
        Err(PlanError::AlreadyPaused { by, .. }) => by,
        other => panic!("{other:?}"),
    };
    assert_eq!(said(&t), " (by ana)");
    t.tags.insert(PAUSED_AT.into(), "2026-12-07T02:00:00Z".into());
    assert_eq!(said(&t), " (by ana at 2026-12-07T02:00:00Z)");
}

#[test]
fn pause_then_resume_restores_min_size_and_removes_the_record() {
    let mut t = linux();
    let plan = pause(&t, true, "ana", NOW).expect("pause");
    apply(&mut t, &plan);
    assert_eq!((t.min, t.desired, t.rule_enabled), (0, 0, Some(false)));
    assert!(
        matches!(pause(&t, true, "bo", NOW), Err(PlanError::AlreadyPaused { by, .. }) if by.contains("ana"))
    );
    let plan = resume(&t).expect("resume");
    apply(&mut t, &plan);
    assert_eq!((t.min, t.rule_enabled), (2, Some(true)));
    assert!(t.tags.is_empty());
    assert!(matches!(resume(&t), Err(PlanError::NotPaused { .. })));
}

#[test]
fn draining_a_paused_stack_keeps_the_first_record() {
    let mut t = linux();
    let plan = pause(&t, false, "ana", NOW).expect("pause");
    apply(&mut t, &plan);
    let plan = pause(&t, true, "bo", NOW).expect("drain");
    assert!(
        matches!(plan.calls.as_slice(), [Call::UpdateGroup { min: Some(0), desired: Some(0), .. }]),
        "only the drain: the rule is off and the record of the sizes before is kept: {plan:?}"
    );
    apply(&mut t, &plan);
    let plan = resume(&t).expect("resume");
    apply(&mut t, &plan);
    assert_eq!(t.min, 2, "the MinSize from before the first pause");
}

/// A pause stopped after its tags were written and before the rule was disabled.
fn half_paused() -> ScalingTarget {
    let mut t = linux();
    let plan = pause(&t, false, "arn:aws:sts::1:assumed-role/ops/ana", NOW).expect("pause");
    if let Call::TagGroup { tags, .. } = &plan.calls[0] {
        t.tags.extend(tags.iter().cloned());
    }
    t
}

#[test]
fn the_rule_is_the_truth_and_a_half_done_pause_is_completed_or_cleaned() {
    let t = half_paused();
    assert!(!t.paused(), "the rule is enabled: the scaler runs");
    let stale = t.stale_record().expect("a stale record");
    assert!(
        stale.contains("paused (by arn:aws:sts::1:assumed-role/ops/ana at 2026-11-18T11:06:40Z)"),
        "{stale}"
    );
    // Pause completes it: the rule only, the first record kept.
    let plan = pause(&t, false, "bo", NOW).expect("completes");
    assert!(matches!(plan.calls.as_slice(), [Call::DisableRule { .. }]), "{plan:?}");
    assert!(plan.warnings[0].starts_with("The group's tags say paused"), "{:?}", plan.warnings);
    // Resume cleans it: no rule call, the record removed.
    let plan = resume(&t).expect("cleans");
    assert!(
        matches!(plan.calls.as_slice(), [Call::DeleteGroupTags { keys, .. }] if keys.len() == 4),
        "{plan:?}"
    );
    let mut clean = t.clone();
    apply(&mut clean, &plan);
    assert!(clean.stale_record().is_none() && matches!(resume(&clean), Err(PlanError::NotPaused { .. })));
}

#[test]
fn a_half_done_resume_restores_min_size_and_removes_the_record() {
    let mut t = linux();
    let plan = pause(&t, true, "ana", NOW).expect("pause");
    apply(&mut t, &plan);
    // The resume stopped after EnableRule.
    t.rule_enabled = Some(true);
    let plan = resume(&t).expect("finishes");
    let actions: Vec<&str> = plan.calls.iter().map(Call::action).collect();
    assert_eq!(actions, ["autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteTags"]);
    apply(&mut t, &plan);
    assert_eq!((t.min, t.tags.len()), (2, 0));
}

#[test]
fn a_recorded_min_size_beyond_max_size_is_not_restored() {
    let mut t = linux();
    let plan = pause(&t, false, "ana", NOW).expect("pause");
    apply(&mut t, &plan);
    for forged in ["50", "-1", "lots"] {
        t.tags.insert(PRE_PAUSE_MIN.into(), forged.into());
        let plan = resume(&t).expect("resumes");
        assert!(!plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { .. })), "{forged}: {plan:?}");
        assert!(plan.warnings.iter().any(|w| w.contains(forged) && w.contains("not restored")), "{plan:?}");
    }
    t.tags.insert(PRE_PAUSE_MIN.into(), "10".into());
    let plan = resume(&t).expect("resumes");
    assert!(
        plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { min: Some(10), .. })),
        "MaxSize itself is fine"
    );
}

#[test]
fn a_fixed_size_stack_has_no_scaler_to_pause() {
    let t = ScalingTarget { stack: "ci-windows".into(), rule: None, min: 2, max: 2, desired: 2, ..linux() };
    let err = pause(&t, false, "ana", NOW).expect_err("refused");
    assert!(err.to_string().contains("fixed-size stack (MinSize = MaxSize = 2)"), "{err}");
    assert!(matches!(resume(&t), Err(PlanError::FixedSize { .. })));
}

#[test]
fn scheduled_actions_are_warned_about() {
    let tf = ScalingTarget { terraform: true, ..linux() };
    let plan = pause(&tf, false, "me", NOW).expect("plan");
    assert!(
        plan.warnings.iter().any(|w| w.contains("`terraform apply` may enable it again")),
        "{:?}",
        plan.warnings
    );
    let plan = pause(&linux(), false, "me", NOW).expect("plan");
    assert!(!plan.warnings.iter().any(|w| w.contains("terraform")), "{:?}", plan.warnings);
    let t = ScalingTarget { scheduled: vec!["ci-linux-ScaleUp (MinSize 4)".into()], ..linux() };
    let plan = pause(&t, false, "ana", NOW).expect("plan");
    assert!(plan.warnings.iter().any(|w| w.contains("ci-linux-ScaleUp (MinSize 4)")));
}

#[test]
fn terminate_replaces_or_shrinks_but_never_below_min_size() {
    let t = linux();
    let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
    let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::NotAsked).expect("replace");
    assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: false, .. }]));
    let plan = terminate(&t, &ids, TerminateMode::Shrink, &Agents::NotAsked).expect("shrink");
    assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: true, .. }]));
    assert!(plan.title.contains("desired 6 → 5"), "{}", plan.title);
    let at_min = ScalingTarget { desired: 2, ..linux() };
    assert!(matches!(
        terminate(&at_min, &ids, TerminateMode::Shrink, &Agents::NotAsked),
        Err(PlanError::BelowMin { .. })
    ));
    assert_eq!(plan.title, "Terminate 1 instance of ci-linux and shrink the group (desired 6 → 5)");
    let two = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
    let plan = terminate(&t, &two, TerminateMode::Replace, &Agents::NotAsked).expect("two");
    assert_eq!(plan.title, "Terminate 2 instances of ci-linux and replace them (desired stays)");
    let one_above_min = ScalingTarget { desired: 3, ..linux() };
    assert!(
        terminate(&one_above_min, &ids, TerminateMode::Shrink, &Agents::NotAsked).is_ok(),
        "shrinking down to MinSize itself is allowed"
    );
    let stranger = vec!["i-0ccccccccccccccc3".to_string()];
    assert!(matches!(
        terminate(&t, &stranger, TerminateMode::Replace, &Agents::NotAsked),
        Err(PlanError::NotInGroup { .. })
    ));
    assert!(matches!(
        terminate(&t, &[], TerminateMode::Replace, &Agents::NotAsked),
        Err(PlanError::NoInstances)
    ));
}

#[test]
fn with_agents_terminate_stops_them_and_waits_for_their_jobs_first() {
    let t = linux();
    let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
    let agent = |n: u32, instance: &str, busy: bool| AgentRef {
        org: "acme".into(),
        id: format!("a{n}"),
        name: format!("ci-linux-{instance}-{n}"),
        instance: instance.into(),
        busy,
    };
    let agents = vec![
        agent(1, "i-0aaaaaaaaaaaaaaa1", true),
        agent(2, "i-0aaaaaaaaaaaaaaa1", false),
        agent(3, "i-0bbbbbbbbbbbbbbb2", true),
    ];
    let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::Read(agents)).expect("plan");
    let actions: Vec<&str> = plan.calls.iter().map(Call::action).collect();
    assert_eq!(
        actions,
        [
            "buildkite:StopAgent",
            "buildkite:StopAgent",
            "bkops:WaitForJobs",
            "autoscaling:TerminateInstanceInAutoScalingGroup"
        ],
        "only this instance's agents, then the wait, then the terminate"
    );
    assert_eq!(
        plan.warnings[0],
        "Their 2 agents are stopped first and finish their jobs (1 running now); the instance is terminated once no job runs, or not at all if it is still running one after 10m."
    );
    // One agent is "their agent", not "their 1 agents"; two instances are "they".
    let one = vec![agent(1, "i-0aaaaaaaaaaaaaaa1", false), agent(3, "i-0bbbbbbbbbbbbbbb2", false)];
    let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::Read(one.clone())).expect("plan");
    assert!(plan.warnings[0].starts_with("Their agent is stopped first"), "{:?}", plan.warnings);
    let both = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
    let plan = terminate(&t, &both, TerminateMode::Replace, &Agents::Read(one)).expect("plan");
    assert!(
        plan.warnings[0].contains(
            "the instances are terminated once no job runs, or not at all if they are still running one"
        ),
        "{:?}",
        plan.warnings
    );
}
