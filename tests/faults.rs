//! Writes and reads under faults, through the binary, against the local AWS API server behind a
//! proxy that stalls, resets and fails chosen calls: nothing hangs, nothing is left half-done
//! without a word, and the audit log says what happened.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use support::faults::{Fault, FaultProxy};
use support::moto::Moto;

const REGION: &str = "us-east-1";
const NOWHERE: &str = "http://127.0.0.1:9/v3";

fn home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bkops-faults-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config/bkops")).expect("mkdir");
    // Short timeouts, so that a stalled call ends in a second or two.
    std::fs::write(
        dir.join("config/bkops/config.toml"),
        "[aws]\nconnect_timeout = 1\nread_timeout = 1\noperation_timeout = 6\n",
    )
    .expect("config");
    dir
}

/// `bkops ARGS` through `endpoint`; killed (and the test failed) if it runs for a minute.
fn bkops(endpoint: &str, home: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(args)
        .args(["--region", REGION, "--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "2")
        .env_remove("AWS_PROFILE")
        .env("BUILDKITE_AGENT_ENDPOINT", NOWHERE)
        .env_remove("BUILDKITE_AGENT_TOKEN")
        .env_remove("BUILDKITE_API_TOKEN")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("bkops {args:?} hung on a stalled call");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (child.wait_with_output().expect("output"), started.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn audit(home: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(home.join("state/bkops/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

async fn rule_state(sdk: &SdkConfig) -> String {
    let events = aws_sdk_eventbridge::Client::new(sdk);
    let rules = events.list_rules().send().await.expect("rules");
    let rule = rules
        .rules()
        .iter()
        .find(|r| r.name().is_some_and(|n| n.starts_with("ci-linux")))
        .expect("ci-linux's rule");
    rule.state().map(|s| s.as_str().to_string()).unwrap_or_default()
}

async fn setup() -> (Moto, SdkConfig) {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, NOWHERE).await;
    (moto, sdk)
}

#[tokio::test]
async fn a_stalled_read_ends_with_a_timeout_instead_of_a_hang() {
    let (moto, _sdk) = setup().await;
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on("DescribeAutoScalingGroups", Fault::StallBefore);
    let home = home("stalled-read");
    let (out, _) = bkops(&proxy.url, &home, &["status"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("autoscaling:DescribeAutoScalingGroups: no answer in time"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_write_whose_answer_never_comes_is_read_again_and_said_plainly() {
    let (moto, sdk) = setup().await;
    let home = home("stalled-write");

    // DisableRule reaches the server, and its answer is lost.
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on("DisableRule", Fault::StallAfter);
    let (out, _) = bkops(&proxy.url, &home, &["--stack", "ci-linux", "scaling", "pause", "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("events:DisableRule: no answer in time, so its outcome was unknown; read again, the stack shows it took effect; nothing more was done"),
        "{err}"
    );
    assert_eq!(rule_state(&sdk).await, "DISABLED");
    let lines = audit(&home);
    let actions: Vec<&str> = lines.iter().filter_map(|l| l["action"].as_str()).collect();
    assert_eq!(actions, ["intent", "autoscaling:CreateOrUpdateTags", "events:DisableRule"]);
    assert!(lines[2]["result"].as_str().is_some_and(|r| r.contains("outcome was unknown")), "{:?}", lines[2]);
    drop(proxy);

    // Run again: it took effect, so the stack is paused and there is nothing left to do.
    let (out, _) = bkops(&moto.endpoint, &home, &["--stack", "ci-linux", "scaling", "pause", "--yes"]);
    assert!(out.status.success() && stderr(&out).contains("already paused"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_write_that_never_arrived_is_said_so_and_the_next_run_completes_it() {
    let (moto, sdk) = setup().await;
    let home = home("lost-write");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on("DisableRule", Fault::StallBefore);
    let (out, _) = bkops(&proxy.url, &home, &["--stack", "ci-linux", "scaling", "pause", "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("read again, the stack shows it did not take effect"), "{err}");
    assert_eq!(rule_state(&sdk).await, "ENABLED");
    drop(proxy);

    // The stack is half-paused: status says so, and pause completes it.
    let (out, _) = bkops(&moto.endpoint, &home, &["--stack", "ci-linux", "scaling", "status"]);
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(shown.starts_with("ci-linux: scaling enabled"), "{shown}");
    assert!(shown.contains("the group's tags say paused (by "), "{shown}");
    assert!(shown.contains("but the scaler's rule is enabled"), "{shown}");
    let (out, _) = bkops(&moto.endpoint, &home, &["--stack", "ci-linux", "scaling", "pause", "--yes"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("this pause completes it"), "{err}");
    assert!(!err.contains("CreateOrUpdateTags"), "the first record is kept: {err}");
    assert_eq!(rule_state(&sdk).await, "DISABLED");
}

#[tokio::test]
async fn an_unwritable_audit_log_means_no_call_is_made() {
    let (moto, sdk) = setup().await;
    let home = home("no-audit");
    // The audit log's place is taken by a directory: it cannot be appended to.
    std::fs::create_dir_all(home.join("state/bkops/audit.jsonl")).expect("mkdir");
    let proxy = FaultProxy::start(&moto.endpoint);
    let (out, _) = bkops(&proxy.url, &home, &["--stack", "ci-linux", "scaling", "pause", "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("audit log:") && err.contains("nothing was done"), "{err}");
    let writes: Vec<String> = proxy
        .seen()
        .into_iter()
        .filter(|op| !["Describe", "List", "Get", "Filter"].iter().any(|p| op.starts_with(p)))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert_eq!(rule_state(&sdk).await, "ENABLED");
}

#[tokio::test]
async fn logs_that_cannot_be_read_are_a_failure_not_an_empty_answer() {
    let (moto, _sdk) = setup().await;
    let home = home("logs-fail");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on("FilterLogEvents", Fault::Status(500, "{}"));
    let (out, _) = bkops(&proxy.url, &home, &["logs", "i-0123456789abcdef0", "--group", "agent"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the logs could not be read: /buildkite/buildkite-agent:"), "{err}");
    assert!(!err.contains("no log lines"), "{err}");
}

#[tokio::test]
async fn one_stack_whose_resources_cannot_be_read_does_not_hide_the_others() {
    let (moto, _sdk) = setup().await;
    let proxy = FaultProxy::start(&moto.endpoint);
    // Every stack's resources are refused: each Elastic CI Stack is listed with the reason.
    proxy.on(
        "ListStackResources",
        Fault::Status(
            403,
            r#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: cloudformation:ListStackResources</Message></Error></ErrorResponse>"#,
        ),
    );
    let home = home("one-stack-fails");
    let (out, _) = bkops(&proxy.url, &home, &["status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut names: Vec<&str> =
        v["stacks"].as_array().expect("stacks").iter().filter_map(|s| s["name"].as_str()).collect();
    names.sort();
    // The look-alike has no BuildkiteQueue parameter: not bkops' business, failing or not.
    assert_eq!(names, ["ci-linux", "ci-windows"], "{v}");
    for s in v["stacks"].as_array().expect("stacks") {
        let scaling = &s["scaling"];
        assert_eq!(scaling["state"], "unknown", "{s}");
        assert!(
            scaling["reason"].as_str().is_some_and(|r| r.contains("cloudformation:ListStackResources")),
            "{s}"
        );
        // Its other reads say the same, not that the stack does not exist.
        let errors = s["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .all(|e| e.as_str().is_some_and(|e| e.contains("cloudformation:ListStackResources"))),
            "{s}"
        );
    }
}

#[tokio::test]
async fn a_timeline_whose_log_reads_are_throttled_says_what_it_could_not_read() {
    let (moto, _sdk) = setup().await;
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on(
        "FilterLogEvents",
        Fault::Status(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"),
    );
    let home = home("timeline-throttled");
    let (out, took) =
        bkops(&proxy.url, &home, &["timeline", "--stack", "ci-linux", "--since", "1h", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(took < Duration::from_secs(30), "no retry storm: {took:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let unread: Vec<&str> =
        v["unread"].as_array().expect("unread").iter().filter_map(|u| u.as_str()).collect();
    // Each source it could not read is named, and says what the service asked (a one-shot
    // command does not retry, so it does not say it will).
    for source in ["scaler", "/buildkite/elastic-stack", "/buildkite/lifecycled"] {
        assert!(
            unread.iter().any(|u| u.starts_with(source) && u.contains("throttled by logs: asked to wait")),
            "{source}: {unread:?}"
        );
    }
}

#[tokio::test]
async fn a_command_prints_what_it_read_by_its_deadline_and_names_what_it_could_not() {
    let (moto, _sdk) = setup().await;
    let proxy = FaultProxy::start(&moto.endpoint);
    // Each call may wait a minute; the command as a whole, three seconds.
    proxy.on("DescribeScalingActivities", Fault::StallBefore);
    let home = home("deadline");
    std::fs::write(
        home.join("config/bkops/config.toml"),
        "[aws]\nread_timeout = 60\noperation_timeout = 120\ncommand_timeout = 3\n",
    )
    .expect("config");
    let (out, took) = bkops(&proxy.url, &home, &["status", "--format", "json", "--stack", "ci-linux"]);
    assert!(took < Duration::from_secs(20), "ended by its deadline, not a call's: {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let s = &v["stacks"][0];
    assert_eq!(s["name"], "ci-linux");
    assert!(
        s["auto_scaling"]["instances"].as_array().is_some_and(|i| !i.is_empty()),
        "what was read is printed"
    );
    assert!(s.to_string().contains("within the command's 3 s"), "what was not is named: {s}");
}

#[tokio::test]
async fn every_write_whose_answer_is_lost_is_read_again_and_found_to_have_taken_effect() {
    for (op, before, args) in [
        ("CreateOrUpdateTags", None, vec!["scaling", "pause", "--yes"]),
        ("UpdateAutoScalingGroup", None, vec!["scaling", "pause", "--drain", "--yes"]),
        ("EnableRule", Some(vec!["scaling", "pause", "--yes"]), vec!["scaling", "resume", "--yes"]),
        ("DeleteTags", Some(vec!["scaling", "pause", "--yes"]), vec!["scaling", "resume", "--yes"]),
        ("TerminateInstanceInAutoScalingGroup", None, vec!["terminate", "INSTANCE", "--yes"]),
    ] {
        let (moto, sdk) = setup().await;
        let home = home(&format!("lost-answer-{op}"));
        if let Some(before) = before {
            let mut first = vec!["--stack", "ci-linux"];
            first.extend(before);
            let (out, _) = bkops(&moto.endpoint, &home, &first);
            assert!(out.status.success(), "{op}: {}", stderr(&out));
        }
        let id = support::moto::first_instance_of(&sdk, "ci-linux").await;
        let args: Vec<&str> = args.iter().map(|a| if *a == "INSTANCE" { id.as_str() } else { a }).collect();
        let mut all = vec!["--stack", "ci-linux"];
        all.extend(args);
        let proxy = FaultProxy::start(&moto.endpoint);
        proxy.on(op, Fault::StallAfter);
        let (out, _) = bkops(&proxy.url, &home, &all);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{op}: {err}");
        assert!(
            err.contains(
                "no answer in time, so its outcome was unknown; read again, the stack shows it took effect"
            ),
            "{op}: {err}"
        );
    }
}

/// `bkops watch` against a stalled call: each evaluation ends by the commands' deadline, and
/// what could not be read is an incident that names it, not a watch gone quiet.
#[tokio::test]
async fn a_watch_whose_call_stalls_says_so_by_its_deadline() {
    let (moto, _sdk) = setup().await;
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.on("DescribeScalingActivities", Fault::StallBefore);
    let home = home("watch-deadline");
    std::fs::write(
        home.join("config/bkops/config.toml"),
        "[aws]\nread_timeout = 60\noperation_timeout = 120\ncommand_timeout = 3\n",
    )
    .expect("config");
    let args = ["watch", "--once", "--format", "json", "--stack", "ci-linux"];
    let (out, took) = bkops(&proxy.url, &home, &args);
    assert!(took < Duration::from_secs(20), "ended by its deadline, not a call's: {took:?}");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let unreadable: Vec<&serde_json::Value> =
        v["incidents"].as_array().expect("incidents").iter().filter(|i| i["kind"] == "unreadable").collect();
    assert_eq!(unreadable.len(), 1, "{v}");
    assert_eq!(unreadable[0]["stack"], "ci-linux");
    assert!(unreadable[0]["text"].as_str().is_some_and(|t| t.contains("within the command's 3 s")), "{v}");
}
