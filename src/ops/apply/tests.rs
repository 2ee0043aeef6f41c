//! Runs of plans against scripted operators: drains, unknown outcomes, and what an abandoned
//! run leaves behind.

use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::ops::{AgentRef, Identity, ScalingTarget};

/// An operator whose one agent stays busy for `busy_polls` reads, recording its calls.
struct Scripted {
    busy_polls: Mutex<u32>,
    made: Mutex<Vec<String>>,
}

#[async_trait]
impl Operations for Scripted {
    async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
        Ok(ScalingTarget::default())
    }
    async fn identity(&self) -> Result<Identity, BackendError> {
        Ok(Identity { arn: "arn".into(), account: "1".into() })
    }
    async fn execute(&self, call: &Call) -> Result<(), BackendError> {
        self.made.lock().expect("lock").push(call.action().to_string());
        Ok(())
    }
    async fn agents_on(&self, _: &str, _: &[String]) -> Result<Vec<AgentRef>, BackendError> {
        let mut left = self.busy_polls.lock().expect("lock");
        let busy = *left > 0;
        *left = left.saturating_sub(1);
        Ok(vec![AgentRef {
            org: "acme".into(),
            id: "a1".into(),
            name: "ci-linux-i-0aaaaaaaaaaaaaaa1-1".into(),
            instance: "i-0aaaaaaaaaaaaaaa1".into(),
            busy,
        }])
    }
}

fn drain_plan() -> Plan {
    let instances = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
    Plan {
        title: "t".into(),
        calls: vec![
            Call::StopAgent { org: "acme".into(), agent_id: "a1".into(), name: "n".into() },
            Call::WaitForJobs { instances: instances.clone(), timeout_secs: 600 },
            Call::Terminate { group: "g".into(), instance: instances[0].clone(), decrement: false },
        ],
        warnings: Vec::new(),
    }
}

fn ctx() -> Context {
    Context {
        identity: Identity { arn: "arn".into(), account: "1".into() },
        backend: "demo".into(),
        stack: "ci-linux".into(),
    }
}

#[tokio::test(start_paused = true)]
async fn a_drain_counts_down_and_terminates_once_the_job_is_done() {
    let op = Scripted { busy_polls: Mutex::new(3), made: Mutex::default() };
    let log = std::env::temp_dir().join(format!("bkops-apply-drain-{}.jsonl", std::process::id()));
    let said = Mutex::new(Vec::new());
    let say = |t: String| said.lock().expect("lock").push(t);
    let clock = Clock::virtual_at(crate::domain::Timestamp(0));
    let out = apply(&op, &drain_plan(), &ctx(), &clock, Some(&log), &say, &Ledger::default())
        .await
        .expect("audited");
    assert!(out.iter().all(|o| o.result.is_ok()));
    let said = said.lock().expect("lock").clone();
    assert_eq!(said.len(), 3, "one line per poll while the job runs: {said:?}");
    assert!(
        said[0].starts_with("draining: 1 job still running (ci-linux-i-0aaaaaaaaaaaaaaa1-1); 10m00s left")
    );
    assert!(said[2].contains("9m50s left"), "{said:?}");
    assert_eq!(
        *op.made.lock().expect("lock"),
        ["buildkite:StopAgent", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    );
    let _ = std::fs::remove_file(log);
}

#[tokio::test(start_paused = true)]
async fn a_job_that_outlasts_the_drain_means_no_terminate() {
    let op = Scripted { busy_polls: Mutex::new(u32::MAX), made: Mutex::default() };
    let log = std::env::temp_dir().join(format!("bkops-apply-timeout-{}.jsonl", std::process::id()));
    let clock = Clock::virtual_at(crate::domain::Timestamp(0));
    let out = apply(&op, &drain_plan(), &ctx(), &clock, Some(&log), &|_| {}, &Ledger::default())
        .await
        .expect("audited");
    let last = out.last().expect("outcomes");
    assert!(matches!(last.call, Call::WaitForJobs { .. }));
    assert!(last.result.as_ref().is_err_and(|e| e.to_string().contains("still running a job after 10m")));
    assert_eq!(*op.made.lock().expect("lock"), ["buildkite:StopAgent"], "nothing terminated");
    let _ = std::fs::remove_file(log);
}

/// An operator whose stack, read again, is `now` (or cannot be read).
struct ReadsAgain(Result<ScalingTarget, BackendError>);

#[async_trait]
impl Operations for ReadsAgain {
    async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
        self.0.clone()
    }
    async fn identity(&self) -> Result<Identity, BackendError> {
        Ok(Identity { arn: "arn".into(), account: "1".into() })
    }
    async fn execute(&self, _: &Call) -> Result<(), BackendError> {
        Ok(())
    }
    async fn agents_on(&self, _: &str, _: &[String]) -> Result<Vec<AgentRef>, BackendError> {
        Ok(Vec::new())
    }
}

/// What the unknown-outcome check says of `call` when the stack, read again, is `now`.
async fn verdict(call: &Call, now: ScalingTarget) -> String {
    let e = unknown_outcome(&ReadsAgain(Ok(now)), "ci-linux", call, "no answer").await;
    let text = e.to_string();
    assert!(text.contains("no answer, so its outcome was unknown"), "{text}");
    if text.contains("shows it took effect") {
        "took".into()
    } else if text.contains("shows it did not take effect") {
        "did not take".into()
    } else if text.contains("cannot tell") {
        "cannot tell".into()
    } else {
        text
    }
}

fn stack(change: impl FnOnce(&mut ScalingTarget)) -> ScalingTarget {
    let mut t = ScalingTarget {
        rule_enabled: Some(true),
        min: 1,
        desired: 4,
        instances: vec!["i-0aaaaaaaaaaaaaaa1".into()],
        ..ScalingTarget::default()
    };
    t.tags.insert("Name".into(), "ci-linux".into());
    change(&mut t);
    t
}

#[tokio::test]
async fn a_lost_answer_is_judged_by_each_writes_own_effect_both_ways() {
    let rule = || "ci-linux-AutoscalingFunctionTimer".to_string();
    let group = || "ci-linux-AgentAutoScaleGroup".to_string();
    let key = "bkops:scaling-paused";
    let disable = Call::DisableRule { rule: rule() };
    assert_eq!(verdict(&disable, stack(|t| t.rule_enabled = Some(false))).await, "took");
    assert_eq!(verdict(&disable, stack(|_| {})).await, "did not take");
    let enable = Call::EnableRule { rule: rule() };
    assert_eq!(verdict(&enable, stack(|_| {})).await, "took");
    assert_eq!(verdict(&enable, stack(|t| t.rule_enabled = Some(false))).await, "did not take");
    let tag = Call::TagGroup { group: group(), tags: vec![(key.into(), "x".into())] };
    assert_eq!(verdict(&tag, stack(|t| drop(t.tags.insert(key.into(), "x".into())))).await, "took");
    assert_eq!(verdict(&tag, stack(|_| {})).await, "did not take");
    let untag = Call::DeleteGroupTags { group: group(), keys: vec![key.into()] };
    assert_eq!(verdict(&untag, stack(|_| {})).await, "took");
    assert_eq!(verdict(&untag, stack(|t| drop(t.tags.insert(key.into(), "x".into())))).await, "did not take");
    let update = Call::UpdateGroup { group: group(), min: Some(0), desired: Some(0) };
    assert_eq!(verdict(&update, stack(|t| (t.min, t.desired) = (0, 0))).await, "took");
    assert_eq!(verdict(&update, stack(|t| t.min = 0)).await, "did not take", "desired unchanged");
    assert_eq!(verdict(&update, stack(|t| t.desired = 0)).await, "did not take", "min unchanged");
    let only_desired = Call::UpdateGroup { group: group(), min: None, desired: Some(4) };
    assert_eq!(verdict(&only_desired, stack(|_| {})).await, "took", "a size not asked for is not checked");
    let terminate =
        Call::Terminate { group: group(), instance: "i-0aaaaaaaaaaaaaaa1".into(), decrement: false };
    assert_eq!(verdict(&terminate, stack(|t| t.instances.clear())).await, "took");
    assert_eq!(verdict(&terminate, stack(|_| {})).await, "did not take");
    let stop = Call::StopAgent { org: "acme".into(), agent_id: "a1".into(), name: "n".into() };
    assert_eq!(verdict(&stop, stack(|_| {})).await, "cannot tell");
}

#[tokio::test]
async fn a_lost_answer_with_a_stack_that_cannot_be_read_says_so() {
    let op = ReadsAgain(Err(BackendError::Other("Rate exceeded".into())));
    let call = Call::EnableRule { rule: "r".into() };
    let text = unknown_outcome(&op, "ci-linux", &call, "no answer").await.to_string();
    assert!(text.contains("reading the stack again failed too"), "{text}");
    assert!(text.contains("Rate exceeded"), "{text}");
}

fn terminate(id: &str) -> Call {
    Call::Terminate { group: "g".into(), instance: id.into(), decrement: false }
}

#[test]
fn what_is_left_behind_names_the_instances_and_the_command_that_finishes() {
    let stop = Call::StopAgent { org: "acme".into(), agent_id: "a1".into(), name: "n".into() };
    let (one, two) = (terminate("i-1"), terminate("i-2"));
    assert_eq!(
        left_behind("ci-linux", &[&stop], &[&one]),
        [
            "their agents were told to stop and take no new job, but i-1 still runs: `bkops terminate i-1 --yes` finishes it"
        ]
    );
    assert_eq!(
        left_behind("ci-linux", &[&stop], &[&one, &two]),
        [
            "their agents were told to stop and take no new job, but i-1 i-2 still run: `bkops terminate i-1 i-2 --yes` finishes it"
        ]
    );
    assert_eq!(
        left_behind("ci-linux", &[], &[&one]),
        ["i-1 not terminated: `bkops terminate i-1 --yes` does it"]
    );
    assert!(left_behind("ci-linux", &[&stop, &one], &[]).is_empty(), "everything was made");
}

#[test]
fn what_is_left_of_a_pause_or_resume_says_how_to_finish_it() {
    let tag = Call::TagGroup { group: "g".into(), tags: vec![("k".into(), "v".into())] };
    let disable = Call::DisableRule { rule: "r".into() };
    let enable = Call::EnableRule { rule: "r".into() };
    let drain = Call::UpdateGroup { group: "g".into(), min: Some(0), desired: Some(0) };
    let untag = Call::DeleteGroupTags { group: "g".into(), keys: vec!["k".into()] };
    let said = |made: &[&Call], not: &[&Call]| left_behind("ci-linux", made, not).join("\n");
    assert!(said(&[&tag], &[&disable]).starts_with("the group is tagged paused but the scaler still runs"));
    assert_eq!(said(&[&tag], &[]), "", "a tag alone with the rule disabled too is a pause");
    assert_eq!(said(&[], &[&disable]), "", "nothing made, nothing left");
    assert!(
        said(&[&tag, &disable], &[&drain]).starts_with("scaling is paused but the group was not drained")
    );
    assert!(said(&[&tag, &disable], &[&drain]).contains("scaling pause --drain --yes"));
    assert_eq!(said(&[&tag], &[&drain]), "", "no rule disabled: not a paused-undrained stack");
    assert_eq!(said(&[&disable], &[]), "");
    for not in [&drain, &untag] {
        assert!(
            said(&[&enable], &[not])
                .starts_with("the scaler runs again but MinSize or the pause record was left")
        );
    }
    assert_eq!(said(&[&enable], &[]), "");
    assert_eq!(said(&[], &[&untag]), "", "the scaler was not enabled");
}

#[test]
fn an_abandoned_run_says_what_was_made_under_way_and_not_made_and_is_recorded() {
    let plan = Plan {
        title: "Pause ci-linux".into(),
        calls: vec![
            Call::TagGroup { group: "g".into(), tags: vec![("k".into(), "v".into())] },
            Call::DisableRule { rule: "r".into() },
            Call::UpdateGroup { group: "g".into(), min: Some(0), desired: Some(0) },
            terminate("i-1"),
        ],
        warnings: Vec::new(),
    };
    let ledger = Ledger::default();
    {
        let mut l = ledger.lock();
        l.done.push(Outcome { call: plan.calls[0].clone(), result: Ok(()) });
        l.done
            .push(Outcome { call: plan.calls[1].clone(), result: Err(BackendError::Other("denied".into())) });
        l.in_flight = Some(plan.calls[2].clone());
    }
    let log = std::env::temp_dir().join(format!("bkops-apply-abandon-{}.jsonl", std::process::id()));
    let clock = Clock::virtual_at(crate::domain::Timestamp(0));
    let text = abandon(&plan, &ledger, &ctx(), &clock, Some(&log), "SIGTERM");
    assert!(text.starts_with("Pause ci-linux abandoned (SIGTERM) after 2 of 4 calls"), "{text}");
    assert!(text.contains("; under way, outcome unknown: autoscaling:UpdateAutoScalingGroup"), "{text}");
    assert!(text.contains("; not made: autoscaling:TerminateInstanceInAutoScalingGroup"), "{text}");
    assert!(text.contains("i-1 not terminated"), "{text}");
    let written = std::fs::read_to_string(&log).expect("the audit log");
    assert!(written.contains("abandoned") && written.contains("SIGTERM"), "{written}");

    let done = Ledger::default();
    for call in &plan.calls {
        done.lock().done.push(Outcome { call: call.clone(), result: Ok(()) });
    }
    let text = abandon(&plan, &done, &ctx(), &clock, Some(&log), "quit");
    let _ = std::fs::remove_file(&log);
    assert_eq!(text, "Pause ci-linux abandoned (quit) after 4 of 4 calls", "nothing left to name");
}

#[test]
fn an_update_stopped_before_it_began_or_while_followed_says_what_picks_it_up() {
    let disable = Call::DisableRule { rule: "r".into() };
    let execute = Call::ExecuteChangeSet { stack: "ci-linux".into(), name: "bkops-1".into() };
    let follow = Call::WaitForUpdate { stack: "ci-linux".into(), external: false, timeout_secs: 7200 };
    let before = update_left_behind("ci-linux", &[&disable], &[&execute, &follow]).join("; ");
    assert!(
        before.contains("the update was not started") && before.contains("delete-change-set"),
        "{before}"
    );
    assert!(before.contains("scaling resume --yes"), "paused by it: {before}");
    let during = update_left_behind("ci-linux", &[&disable, &execute], &[&follow]).join("; ");
    assert!(during.contains("bkops update --stack ci-linux --external --yes"), "{during}");
    assert!(!during.contains("(if it was paused)"), "{during}");
    assert!(update_left_behind("ci-linux", &[&disable], &[]).is_empty(), "a pause alone is not an update's");
}
