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
    let sick = support::moto::first_instance_of(&sdk, "ci-linux").await;
    asg.set_instance_health().instance_id(&sick).health_status("Unhealthy").send().await.expect("health");

    let hook = support::hooks::Hook::start(0);
    // A script that records each event it is given, as a pager's CLI would take it.
    let dir = std::env::temp_dir().join(format!("bkops-watch-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (script, recorded) = (dir.join("record.sh"), dir.join("events.jsonl"));
    let _ = std::fs::remove_file(&recorded);
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat >> '{}'\necho >> '{}'\n", recorded.display(), recorded.display()),
    )
    .expect("script");
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
            "--exec",
            &format!("sh '{}'", script.display()),
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
    // The script got every event the webhook got, in order, each a JSON document.
    let given: Vec<serde_json::Value> = std::fs::read_to_string(&recorded)
        .expect("the script ran")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one event a line"))
        .collect();
    let posted: Vec<serde_json::Value> = bodies.iter().map(|b| b["bkops"].clone()).collect();
    assert_eq!(given, posted, "--exec and the webhook said the same");
    assert!(!given.iter().any(|e| e.to_string().contains(TOKEN)));
}

/// `bkops watch --all-contexts --once`: each context's incidents under `CONTEXT/STACK`, and a
/// context whose credentials cannot be had is an incident of its own, not silence.
#[tokio::test]
async fn every_context_is_watched_and_one_that_cannot_be_read_is_an_incident() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    let dir = std::env::temp_dir().join(format!("bkops-watch-contexts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = "[[contexts]]\nname = \"us\"\nregion = \"us-east-1\"\n\
                  [[contexts]]\nprofile = \"broken\"\nregion = \"us-west-2\"\n";
    std::fs::write(dir.join("config.toml"), config).expect("config");
    std::fs::write(
        dir.join("aws-config"),
        "[default]\nregion = us-east-1\n[profile broken]\ncredential_process = /bin/false\n",
    )
    .expect("aws config");
    let out = support::moto::bkops(&moto.endpoint, "bkops-watch-contexts")
        .args(["--all-contexts", "watch", "--once", "--format", "json"])
        .env("BKOPS_CONFIG", dir.join("config.toml"))
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env_remove("AWS_REGION")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("watch_once", &doc);
    let keys: Vec<String> = doc["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| format!("{} {}", i["stack"].as_str().unwrap_or(""), i["kind"].as_str().unwrap_or("")))
        .collect();
    assert!(keys.iter().any(|k| k == "broken/us-west-2/* unreadable"), "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("us/") || k.starts_with("broken/")), "{keys:?}");
    let broken =
        doc["incidents"].as_array().unwrap().iter().find(|i| i["stack"] == "broken/us-west-2/*").unwrap();
    assert!(broken["text"].as_str().unwrap_or("").contains("broken"), "{broken}");
}
