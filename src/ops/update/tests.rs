//! An update worked out from the stack and its template: parameters checked and kept, the
//! preview read for the rollover, the calls in order, and the stacks it refuses.

use std::collections::BTreeMap;

use super::*;
use crate::ops::port::stack_update::{ParamDecl, ResourceChange, StackParameter, UpdateSource};

const NOW: Timestamp = Timestamp(1_795_000_000_000);

fn decl(key: &str, default: &str, allowed: &[&str]) -> ParamDecl {
    ParamDecl {
        key: key.into(),
        default: Some(default.into()),
        no_echo: false,
        allowed: allowed.iter().map(|a| a.to_string()).collect(),
    }
}

fn source() -> UpdateSource {
    let params = [
        ("InstanceTypes", "c5.large"),
        ("MaxSize", "10"),
        ("BuildkiteAgentToken", "****"),
        ("InstanceOperatingSystem", "linux"),
    ];
    UpdateSource {
        stack: "ci-linux".into(),
        status: "UPDATE_COMPLETE".into(),
        parameters: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
        declared: vec![
            decl("InstanceTypes", "t3.large", &[]),
            decl("MaxSize", "10", &[]),
            ParamDecl { key: "BuildkiteAgentToken".into(), no_echo: true, ..ParamDecl::default() },
            decl("InstanceOperatingSystem", "linux", &["linux", "windows"]),
        ],
        ..UpdateSource::default()
    }
}

fn overrides(pairs: &[&str]) -> Vec<(String, String)> {
    parse_overrides(&pairs.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
}

#[test]
fn a_changed_parameter_is_sent_and_every_other_keeps_its_previous_value() {
    let plan = parameters(&source(), &overrides(&["MaxSize=20"])).unwrap();
    let max = plan.parameters.iter().find(|p| p.key == "MaxSize").unwrap();
    assert_eq!(max.value.as_deref(), Some("20"));
    let kept: Vec<&str> =
        plan.parameters.iter().filter(|p| p.value.is_none()).map(|p| p.key.as_str()).collect();
    assert_eq!(kept, ["InstanceTypes", "BuildkiteAgentToken", "InstanceOperatingSystem"]);
    assert_eq!(
        plan.changes,
        [ParamChange { key: "MaxSize".into(), old: Some("10".into()), new: Some("20".into()) }]
    );
    // The same value is no change.
    assert!(parameters(&source(), &overrides(&["MaxSize=10"])).unwrap().changes.is_empty());
}

#[test]
fn a_parameter_the_template_lacks_or_a_value_it_does_not_allow_is_refused_by_name() {
    let e = parameters(&source(), &overrides(&["MaxSzie=20"])).unwrap_err();
    assert!(matches!(&e, UpdateError::UnknownParameter { key, .. } if key == "MaxSzie"), "{e}");
    assert!(e.to_string().contains("MaxSize"), "names what it has: {e}");
    let e = parameters(&source(), &overrides(&["InstanceOperatingSystem=macos"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "InstanceOperatingSystem=macos is not allowed by the template: it allows linux, windows"
    );
    assert!(matches!(parse_overrides(&["MaxSize".into()]), Err(UpdateError::Syntax(_))));
    assert!(matches!(parse_overrides(&["A=1".into(), "A=2".into()]), Err(UpdateError::Duplicate(_))));
    // A value containing '=' is the value.
    assert_eq!(overrides(&["ImageId=a=b"]), [("ImageId".to_string(), "a=b".to_string())]);
}

#[test]
fn a_previous_value_a_new_template_no_longer_allows_is_refused_before_a_change_set() {
    let mut s = source();
    s.declared[3].allowed = vec!["linux".into()];
    s.parameters.insert("InstanceOperatingSystem".into(), "windows".into());
    let e = parameters(&s, &[]).unwrap_err();
    assert!(matches!(e, UpdateError::PreviousNotAllowed { .. }), "{e}");
    assert!(e.to_string().contains("--parameter InstanceOperatingSystem=VALUE"), "{e}");
}

#[test]
fn a_secret_is_never_shown_in_the_plan_the_call_or_the_audit_record() {
    let plan = parameters(&source(), &overrides(&["BuildkiteAgentToken=s3cr3t-token"])).unwrap();
    assert_eq!(plan.changes[0].new.as_deref(), Some("****"));
    let call = Call::CreateChangeSet {
        stack: "ci-linux".into(),
        name: "bkops-1".into(),
        template_url: None,
        parameters: plan.parameters.clone(),
    };
    let shown = call.to_string();
    let logged = serde_json::to_string(&call).unwrap();
    for text in [&shown, &logged] {
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    assert!(shown.contains("BuildkiteAgentToken=****"), "{shown}");
    // The value itself is what the backend sends.
    let token = plan.parameters.iter().find(|p| p.key == "BuildkiteAgentToken").unwrap();
    assert_eq!(
        token,
        &StackParameter {
            key: "BuildkiteAgentToken".into(),
            value: Some("s3cr3t-token".into()),
            secret: true
        }
    );
    let e = parameters(&source(), &overrides(&["BuildkiteAgentToken=x"]));
    assert!(e.is_ok());
}

#[test]
fn a_new_template_adds_and_drops_parameters_and_the_plan_says_so() {
    let mut s = source();
    s.declared.retain(|d| d.key != "MaxSize");
    s.declared.push(decl("InstanceBuffer", "0", &[]));
    let plan = parameters(&s, &[]).unwrap();
    assert!(plan.changes.contains(&ParamChange {
        key: "InstanceBuffer".into(),
        old: None,
        new: Some("0".into())
    }));
    assert!(plan.changes.contains(&ParamChange { key: "MaxSize".into(), old: Some("10".into()), new: None }));
    assert!(!plan.parameters.iter().any(|p| p.key == "MaxSize" || p.key == "InstanceBuffer"));
}

#[test]
fn terraform_a_changing_stack_and_one_cloudformation_gave_up_on_are_refused() {
    let with = |status: &str, terraform: bool| UpdateSource { status: status.into(), terraform, ..source() };
    assert!(check_stack(&with("UPDATE_COMPLETE", false)).is_ok());
    assert!(check_stack(&with("UPDATE_ROLLBACK_COMPLETE", false)).is_ok());
    let tf = check_stack(&with("", true)).unwrap_err().to_string();
    assert!(tf.contains("update it with terraform apply") && tf.contains("--external"), "{tf}");
    let busy = check_stack(&with("UPDATE_IN_PROGRESS", false)).unwrap_err().to_string();
    assert!(busy.contains("bkops events --stack ci-linux"), "{busy}");
    let failed = check_stack(&with("UPDATE_ROLLBACK_FAILED", false)).unwrap_err().to_string();
    assert!(failed.contains("continue-update-rollback"), "{failed}");
    assert!(check_stack(&with("ROLLBACK_COMPLETE", false)).is_err());
}

fn target() -> ScalingTarget {
    ScalingTarget {
        stack: "ci-linux".into(),
        group: "ci-linux-AgentAutoScaleGroup-1".into(),
        rule: Some("ci-linux-Autoscaling-1-AutoscalingFunctionTimer-2".into()),
        rule_enabled: Some(true),
        min: 2,
        max: 10,
        desired: 4,
        ..ScalingTarget::default()
    }
}

#[test]
fn an_update_pauses_then_executes_then_follows_and_a_drain_waits_for_the_group_to_empty() {
    let actions = |p: &Plan| p.calls.iter().map(Call::action).collect::<Vec<_>>();
    let plain = update(&target(), "bkops-1", false, "me", NOW).unwrap();
    assert_eq!(
        actions(&plain),
        [
            "autoscaling:CreateOrUpdateTags",
            "events:DisableRule",
            "cloudformation:ExecuteChangeSet",
            "bkops:WaitForUpdate"
        ]
    );
    let drained = update(&target(), "bkops-1", true, "me", NOW).unwrap();
    assert_eq!(
        actions(&drained),
        [
            "autoscaling:CreateOrUpdateTags",
            "events:DisableRule",
            "autoscaling:UpdateAutoScalingGroup",
            "bkops:WaitForEmpty",
            "cloudformation:ExecuteChangeSet",
            "bkops:WaitForUpdate"
        ]
    );
    // Paused already: it stays as it is, and the plan says it stays paused.
    let paused = ScalingTarget { rule_enabled: Some(false), ..target() };
    let p = update(&paused, "bkops-1", false, "me", NOW).unwrap();
    assert_eq!(actions(&p), ["cloudformation:ExecuteChangeSet", "bkops:WaitForUpdate"]);
    assert!(p.warnings[0].contains("stays paused"), "{:?}", p.warnings);
    let ext = external(&ScalingTarget { terraform: true, ..target() }, false, "me", NOW).unwrap();
    assert_eq!(
        actions(&ext),
        ["autoscaling:CreateOrUpdateTags", "events:DisableRule", "bkops:WaitForUpdate"]
    );
    assert!(ext.title.contains("terraform apply"), "{}", ext.title);
    assert!(resumes(&ext) && resumes(&plain) && !resumes(&p), "a pause kept by an update is kept");
    // Paused already (by an update that was interrupted): waited for, and resumed at its end.
    let picked_up = external(&paused, false, "me", NOW).unwrap();
    assert_eq!(actions(&picked_up), ["bkops:WaitForUpdate"]);
    assert!(resumes(&picked_up) && picked_up.warnings[0].contains("resumed when the update ends"));
}

#[test]
fn the_preview_calls_out_a_replaced_group_and_what_happens_to_its_jobs() {
    let change = |id: &str, kind: &str, replacement: &str| ResourceChange {
        action: "Modify".into(),
        logical_id: id.into(),
        resource_type: kind.into(),
        replacement: Some(replacement.into()),
    };
    let view = ChangeSetView {
        status: "CREATE_COMPLETE".into(),
        changes: vec![
            change("AgentLaunchTemplate", "AWS::EC2::LaunchTemplate", "False"),
            change("AgentAutoScaleGroup", "AWS::AutoScaling::AutoScalingGroup", "True"),
        ],
        ..ChangeSetView::default()
    };
    let notes = fleet_notes(&view, &source(), false);
    assert!(notes[0].contains("group is replaced") && notes[0].contains("lost"), "{notes:?}");
    assert!(fleet_notes(&view, &source(), true)[0].contains("drain empties it"));
    let in_place = ChangeSetView { changes: vec![view.changes[0].clone()], ..view.clone() };
    assert!(fleet_notes(&in_place, &source(), false)[0].contains("new launch template version"));
    assert!(fleet_notes(&ChangeSetView::default(), &source(), false).is_empty());
    let none = ChangeSetView {
        status: "FAILED".into(),
        reason: Some("The submitted information didn't contain changes. Submit different information to create a change set.".into()),
        ..ChangeSetView::default()
    };
    assert!(is_no_change(&none));
    assert!(!is_no_change(&ChangeSetView { reason: Some("Parameter validation failed".into()), ..none }));
}

#[test]
fn scaling_is_resumed_after_an_update_or_a_rollback_and_never_after_a_failed_rollback() {
    assert!(resume_after("UPDATE_COMPLETE", true));
    assert!(resume_after("UPDATE_ROLLBACK_COMPLETE", true));
    assert!(!resume_after("UPDATE_ROLLBACK_FAILED", true));
    assert!(!resume_after("UPDATE_COMPLETE", false));
    assert!(!resume_after("UPDATE_IN_PROGRESS", true));
}

#[test]
fn after_the_run_scaling_is_resumed_or_left_paused_with_what_to_do() {
    assert_eq!(after("ci", "UPDATE_COMPLETE", true, true), After::Resume);
    assert_eq!(after("ci", "UPDATE_ROLLBACK_COMPLETE", true, true), After::Resume);
    assert_eq!(after("ci", "UPDATE_COMPLETE", false, true), After::Nothing);
    let After::Paused(failed) = after("ci", "UPDATE_ROLLBACK_FAILED", true, true) else { panic!("paused") };
    assert!(failed.starts_with("SCALING STAYS PAUSED: ci is UPDATE_ROLLBACK_FAILED"), "{failed}");
    assert!(
        failed.contains("continue-update-rollback") && failed.contains("scaling resume --yes"),
        "{failed}"
    );
    // A drain that gave up before the update, and a follow that timed out mid-update.
    assert!(
        matches!(after("ci", "UPDATE_COMPLETE", true, false), After::Paused(t) if t.contains("scaling resume"))
    );
    assert!(matches!(after("ci", "UPDATE_IN_PROGRESS", true, true), After::Paused(_)));
}
