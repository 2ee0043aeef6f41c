//! The JSON `bkops status`, `why`, `timeline`, `boot`, `events` and `doctor` print follows `schema/output.v1.schema.json`,
//! on the demo's stacks through the binary (the AWS backend's `status --all-contexts` is
//! checked in tests/aws_moto.rs), and the schema refuses what it should.

mod support;

use std::process::Command;

use serde_json::{Value, json};
use support::schema::{assert_valid, errors};

fn json_of(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(args)
        .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-schema-test"))
        .env_remove("BKOPS_CONFIG")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn status_why_timeline_boot_and_doctor_follow_the_schema_on_every_demo_stack() {
    // Seeds and speeds that give the scaler's runs time to scale, cool down and cap.
    for (seed, speed) in [("1", "1"), ("2", "60"), ("7", "200")] {
        let demo = ["--demo", "--demo-seed", seed, "--demo-speed", speed];
        let status = json_of(&[&demo[..], &["status", "--format", "json"]].concat());
        assert_valid("status", &status);
        assert_eq!(status["schema_version"], 1);
        // Findings exit 1; the JSON is printed all the same.
        let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
            .args([&demo[..], &["doctor", "--format", "json"]].concat())
            .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-schema-test"))
            .output()
            .expect("runs");
        assert_valid("doctor", &serde_json::from_slice(&out.stdout).expect("doctor's JSON"));
        for stack in status["stacks"].as_array().expect("stacks") {
            let name = stack["name"].as_str().expect("a name");
            let why = json_of(&[&demo[..], &["why", "--stack", name, "--format", "json"]].concat());
            assert_valid("why", &why);
            let timeline = json_of(&[&demo[..], &["timeline", "--stack", name, "--format", "json"]].concat());
            assert_valid("timeline", &timeline);
            let boot = json_of(&[&demo[..], &["boot", "--stack", name, "--format", "json"]].concat());
            assert_valid("boot", &boot);
            let since = ["--since", "1d"];
            let events =
                json_of(&[&demo[..], &["events", "--stack", name], &since, &["--format", "json"]].concat());
            assert_valid("events", &events);
            assert!(!events["events"].as_array().expect("events").is_empty(), "{name}: {events}");
        }
    }
}

#[test]
fn every_outcome_of_a_scaler_run_follows_the_schema() {
    use bkops::domain::Timestamp;
    use bkops::domain::scaler_log::{Cap, Direction, Outcome, ScalerRun};
    let run = |outcome: Outcome, capped: Option<Cap>| ScalerRun {
        at: Timestamp(1_795_000_000_000),
        jobs: Some([3, 1, 0]),
        agents: Some([0, 1, 1]),
        group: Some([0, 1, 1, 0, 10]),
        calculated: Some(4),
        capped,
        outcome,
    };
    for r in [
        run(Outcome::Scaled { direction: Direction::Out, from: 1, to: 4 }, None),
        run(Outcome::Cooldown { direction: Direction::In, secs: Some(120), logged_at: Timestamp(0) }, None),
        // A line that gives no seconds: `secs` is absent, never 0.
        run(Outcome::Cooldown { direction: Direction::Out, secs: None, logged_at: Timestamp(0) }, None),
        run(Outcome::Error { text: "AccessDenied".into() }, None),
        run(Outcome::NoChange, Some(Cap::MaxSize(10))),
        run(Outcome::Silent, Some(Cap::MinSize(1))),
    ] {
        let v = serde_json::to_value(&r).expect("serializes");
        assert_valid("scaler_run", &v);
    }
}

#[test]
fn the_schema_refuses_a_missing_field_an_unknown_one_and_a_wrong_type() {
    let good = json!({
        "schema_version": 1, "stack": "ci-linux", "queue": "default", "metrics": null,
        "waiting_for_agents": false, "reasons": [], "unread": [],
        "diagnosis": {
            "jobs_waiting": null, "capacity": null, "stuck": false,
            "summary": "the queue could not be read", "reasons": [], "scaler": null
        }
    });
    assert!(errors("why", &good).is_empty(), "{:?}", errors("why", &good));
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove("reasons");
    assert!(!errors("why", &missing).is_empty(), "a missing field passed");
    let mut unknown = good.clone();
    unknown["surprise"] = json!(true);
    assert!(!errors("why", &unknown).is_empty(), "an undocumented field passed");
    let mut wrong = good.clone();
    wrong["schema_version"] = json!(2);
    assert!(!errors("why", &wrong).is_empty(), "another version passed");
    // A cooldown's seconds may be absent (its line gave none); its direction may not.
    let cooldown = json!({"at": "2026-11-30T13:00:00Z", "jobs": null, "agents": null, "group": null,
        "calculated": null, "capped": null, "outcome": "cooldown", "direction": "out"});
    assert!(errors("scaler_run", &cooldown).is_empty(), "{:?}", errors("scaler_run", &cooldown));
    let mut undirected = cooldown.clone();
    undirected.as_object_mut().expect("object").remove("direction");
    assert!(!errors("scaler_run", &undirected).is_empty(), "a cooldown without its direction passed");
}

#[test]
fn a_followed_event_line_follows_the_schema() {
    let line = json!({
        "at": "2026-12-07T15:05:01.250Z", "stack": "ci-Autoscaling-1ABC", "logical_id": "AutoscalingFunction",
        "physical_id": "", "resource_type": "AWS::Lambda::Function", "status": "UPDATE_FAILED",
        "reason": "Resource handler returned message", "failure": true, "cause": true
    });
    assert_valid("stack_event", &line);
    let mut unknown = line.clone();
    unknown["event_id"] = json!("x");
    assert!(!errors("stack_event", &unknown).is_empty(), "an undocumented field passed");
}
