//! `bkops watch` through the binary against a local AWS API server, with a loopback webhook
//! started by the test: a seeded stack's Unhealthy instance is posted once as opened, its
//! replacement by the test is posted once as resolved, nothing repeats across evaluations, no
//! body carries the agent token the stack keeps in SSM, and SIGTERM ends it with exit 0.

mod support;

use std::time::{Duration, Instant};

use support::moto::Moto;

const REGION: &str = "us-east-1";
const TOKEN: &str = "bkua_watch_secret_0123456789";

fn events_of(bodies: &[serde_json::Value], change: &str, kind: &str) -> Vec<serde_json::Value> {
    bodies.iter().map(|b| b["bkops"].clone()).filter(|e| e["event"] == change && e["kind"] == kind).collect()
}

#[tokio::test]
async fn an_unhealthy_instance_is_posted_once_opened_and_once_resolved_when_replaced() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    support::moto::put_token(&sdk, "/ci-linux/buildkite/agent-token", TOKEN).await;
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    let groups = asg.describe_auto_scaling_groups().send().await.expect("groups");
    let ours = groups
        .auto_scaling_groups()
        .iter()
        .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with("ci-linux-")))
        .expect("ci-linux's group");
    let sick = ours.instances()[0].instance_id().expect("id").to_string();
    asg.set_instance_health().instance_id(&sick).health_status("Unhealthy").send().await.expect("health");

    let hook = support::hooks::Hook::start(0);
    let child = support::moto::bkops(&moto.endpoint, "bkops-watch")
        .args([
            "--region",
            REGION,
            "--stack",
            "ci-linux",
            "watch",
            "--interval",
            "5s",
            "--webhook",
            &hook.url,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let wait_for = |change: &'static str| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while events_of(&hook.bodies(), change, "unhealthy").is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
        events_of(&hook.bodies(), change, "unhealthy")
    };
    let opened = wait_for("opened");
    assert_eq!(opened.len(), 1, "{:?}", hook.bodies());
    assert_eq!(opened[0]["subject"], sick.as_str());

    // Fixed: the instance replaced, as an operator would.
    asg.terminate_instance_in_auto_scaling_group()
        .instance_id(&sick)
        .should_decrement_desired_capacity(false)
        .send()
        .await
        .expect("terminate");
    let resolved = wait_for("resolved");
    assert_eq!(resolved.len(), 1, "{:?}", hook.bodies());
    assert!(resolved[0]["open_secs"].as_i64().is_some_and(|s| s >= 60), "held a minute: {}", resolved[0]);

    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bodies = hook.bodies();
    assert_eq!(events_of(&bodies, "opened", "unhealthy").len(), 1, "not repeated across evaluations");
    for b in &bodies {
        assert!(!b.to_string().contains(TOKEN), "a body carries the token: {b}");
        support::schema::assert_valid("watch_event", &b["bkops"]);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(TOKEN) && stdout.contains("RESOLVED"), "{stdout}");
}
