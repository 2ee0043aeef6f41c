//! Operator actions against a local AWS API server (moto) that each test starts: pause and
//! resume through the timer rule and the group's tags, terminate with replace or shrink, the
//! audit log, and read-only mode proved by what the server received; and `bkops why`, what an
//! operator reads before acting, from the same server.

mod support;

use std::process::{Command, Output};

use aws_config::SdkConfig;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::LiveBackend;
use bkops::ops::Operations;
use support::moto::Moto;

const REGION: &str = "us-east-1";
const NOWHERE: &str = "http://127.0.0.1:9/v3";

async fn setup() -> (Moto, SdkConfig) {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, NOWHERE).await;
    (moto, sdk)
}

/// The real binary against the server, with its own state directory (for the audit log).
fn bkops(moto: &Moto, state: &std::path::Path, args: &[&str]) -> Output {
    bkops_env(moto, state, args, &[])
}

fn bkops_env(moto: &Moto, state: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bkops"))
        .env("BUILDKITE_AGENT_ENDPOINT", NOWHERE)
        .env_remove("BUILDKITE_API_TOKEN")
        .env_remove("BUILDKITE_AGENT_TOKEN")
        .envs(env.iter().copied())
        .args(args)
        .args(["--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("BKOPS_CONFIG")
        .env("XDG_CONFIG_HOME", state.join("config"))
        .env("XDG_STATE_HOME", state)
        .env("XDG_CACHE_HOME", state)
        .output()
        .expect("runs")
}

fn state_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bkops-ops-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn audit_lines(state: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(state.join("bkops/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

async fn group(sdk: &SdkConfig, name: &str) -> aws_sdk_autoscaling::types::AutoScalingGroup {
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    let out = asg.describe_auto_scaling_groups().send().await.expect("groups");
    out.auto_scaling_groups()
        .iter()
        .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with(name)))
        .cloned()
        .expect("the group")
}

fn tag<'a>(g: &'a aws_sdk_autoscaling::types::AutoScalingGroup, key: &str) -> Option<&'a str> {
    g.tags().iter().find(|t| t.key() == Some(key)).and_then(|t| t.value())
}

async fn rule_state(sdk: &SdkConfig, stack: &str) -> String {
    let backend = LiveBackend::new(sdk, None, BuildkiteSettings::default());
    let rule = backend.scaling_target(stack).await.expect("target").rule.expect("a rule");
    let events = aws_sdk_eventbridge::Client::new(sdk);
    let r = events.describe_rule().name(rule).send().await.expect("rule");
    r.state().map(|s| s.as_str().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn pause_with_drain_then_resume_restores_the_stack_exactly() {
    let (moto, sdk) = setup().await;
    let state = state_dir("pause");
    let before = group(&sdk, "ci-linux").await;
    let (min, desired) = (before.min_size(), before.desired_capacity());
    assert_eq!(min, Some(2), "the fixture's MinSize");

    let out = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-linux", "--drain", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rule_state(&sdk, "ci-linux").await, "DISABLED");
    let paused = group(&sdk, "ci-linux").await;
    assert_eq!((paused.min_size(), paused.desired_capacity()), (Some(0), Some(0)), "drained");
    assert_eq!(tag(&paused, "bkops:pre-pause-min-size"), Some("2"));
    assert_eq!(tag(&paused, "bkops:pre-pause-desired"), desired.map(|d| d.to_string()).as_deref());
    // moto's caller identity: its default account, as the root user.
    assert_eq!(tag(&paused, "bkops:paused-by"), Some("arn:aws:sts::123456789012:user/moto"));
    assert!(tag(&paused, "bkops:paused-at").is_some_and(|t| t.ends_with('Z')));
    assert!(
        paused.tags().iter().all(|t| t.propagate_at_launch() == Some(false)),
        "instances keep their tags"
    );

    let status = bkops(&moto, &state, &["scaling", "status", "--stack", "ci-linux"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("ci-linux: scaling PAUSED")
            && text.contains("bkops:paused-by = arn:aws:sts::123456789012:user/moto"),
        "{text}"
    );

    let again = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-linux", "--yes"]);
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("already paused (by arn:aws:sts::123456789012:user/moto at ")
    );

    let out = bkops(&moto, &state, &["scaling", "resume", "--stack", "ci-linux", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rule_state(&sdk, "ci-linux").await, "ENABLED");
    let resumed = group(&sdk, "ci-linux").await;
    assert_eq!(resumed.min_size(), min, "MinSize restored");
    assert!(
        resumed.tags().iter().all(|t| !t.key().unwrap_or_default().starts_with("bkops:")),
        "record removed"
    );

    // The intent with every call before the first, then one line per mutation: tag, disable,
    // update; enable, update, untag.
    let audit = audit_lines(&state);
    let actions: Vec<&str> = audit.iter().filter_map(|l| l["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "intent",
            "autoscaling:CreateOrUpdateTags",
            "events:DisableRule",
            "autoscaling:UpdateAutoScalingGroup",
            "intent",
            "events:EnableRule",
            "autoscaling:UpdateAutoScalingGroup",
            "autoscaling:DeleteTags"
        ]
    );
    assert_eq!(
        audit[0]["request"]["calls"].as_array().map(Vec::len),
        Some(3),
        "every call, before the first"
    );
    assert_eq!(audit[0]["result"], "planned");
    let audit: Vec<_> = audit.into_iter().filter(|l| l["action"] != "intent").collect();
    assert!(audit.iter().all(|l| l["result"] == "ok" && l["identity"]["account"] == "123456789012"));
    assert!(
        audit
            .iter()
            .all(|l| l["stack"] == "ci-linux" && l["backend"].as_str().is_some_and(|b| b.contains(REGION)))
    );
}

#[tokio::test]
async fn a_fixed_size_stack_is_not_paused_and_says_why() {
    let (moto, _sdk) = setup().await;
    let state = state_dir("fixed");
    let out = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-windows", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ci-windows has no scaler to pause: it is a fixed-size stack (MinSize = MaxSize = 2)"),
        "{err}"
    );
    assert!(audit_lines(&state).is_empty());
}

#[tokio::test]
async fn terminate_replaces_or_shrinks() {
    let (moto, sdk) = setup().await;
    let state = state_dir("terminate");
    // Room to shrink above MinSize 2.
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    let g = group(&sdk, "ci-linux").await;
    let name = g.auto_scaling_group_name().expect("name").to_string();
    asg.set_desired_capacity().auto_scaling_group_name(&name).desired_capacity(4).send().await.expect("grow");
    let g = group(&sdk, "ci-linux").await;
    let ids: Vec<String> = g.instances().iter().filter_map(|i| i.instance_id().map(String::from)).collect();
    assert_eq!(ids.len(), 4);

    let out = bkops(&moto, &state, &["terminate", &ids[0], "--replace", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(group(&sdk, "ci-linux").await.desired_capacity(), Some(4), "replace keeps the size");

    let out = bkops(&moto, &state, &["terminate", &ids[1], &ids[2], "--shrink", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(group(&sdk, "ci-linux").await.desired_capacity(), Some(2), "shrink lowers it");

    let left: Vec<String> = group(&sdk, "ci-linux")
        .await
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(String::from))
        .collect();
    let out = bkops(&moto, &state, &["terminate", &left[0], "--shrink", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "not below MinSize");
    assert!(String::from_utf8_lossy(&out.stderr).contains("below MinSize (2)"));

    // Without --yes and without a terminal: refused, nothing called.
    let out = bkops(&moto, &state, &["terminate", &left[0]]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no terminal to confirm on"));

    let audit = audit_lines(&state);
    let decrements: Vec<bool> = audit.iter().filter_map(|l| l["request"]["decrement"].as_bool()).collect();
    assert_eq!(decrements, [false, true, true], "one line per terminated instance");
}

#[tokio::test]
async fn read_only_sends_no_mutating_request_from_anywhere() {
    let (moto, sdk) = setup().await;
    let state = state_dir("readonly");
    let g = group(&sdk, "ci-linux").await;
    let id = g.instances()[0].instance_id().expect("id").to_string();
    // Paused by hand (the rule off), so that resume has something to refuse.
    let rule = LiveBackend::new(&sdk, None, BuildkiteSettings::default())
        .scaling_target("ci-linux")
        .await
        .expect("target")
        .rule
        .expect("rule");
    aws_sdk_eventbridge::Client::new(&sdk).disable_rule().name(&rule).send().await.expect("disable");
    let start = moto.operations().len();
    // Reads work as ever.
    let status = bkops(&moto, &state, &["--read-only", "status"]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(String::from_utf8_lossy(&status.stdout).contains("ci-linux"));
    let logs = bkops(&moto, &state, &["--read-only", "logs", &id]);
    assert!(logs.status.success(), "{}", String::from_utf8_lossy(&logs.stderr));
    // Every mutation is refused, says so, exits 1, and is audited as refused: once per run.
    for (args, refused) in [
        (
            vec!["--read-only", "scaling", "pause", "--stack", "ci-linux", "--drain", "--yes"],
            // Paused by hand, so without a record: the record comes first.
            "autoscaling:CreateOrUpdateTags",
        ),
        (vec!["--read-only", "scaling", "resume", "--stack", "ci-linux", "--yes"], "events:EnableRule"),
        (vec!["--read-only", "terminate", &id, "--yes"], "autoscaling:TerminateInstanceInAutoScalingGroup"),
    ] {
        let before = audit_lines(&state).len();
        let out = bkops(&moto, &state, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&format!("read-only: bkops does not call {refused}")), "{args:?}: {err}");
        let new: Vec<_> = audit_lines(&state).into_iter().skip(before).collect();
        let actions: Vec<&str> = new.iter().filter_map(|l| l["action"].as_str()).collect();
        assert_eq!(actions, ["intent", refused], "{args:?}");
        assert!(new[1]["result"].as_str().is_some_and(|r| r.starts_with("error: read-only")), "{new:?}");
    }
    // And through the config file.
    std::fs::create_dir_all(state.join("config/bkops")).expect("dir");
    std::fs::write(state.join("config/bkops/config.toml"), "read_only = true\n").expect("config");
    let out = bkops(&moto, &state, &["terminate", &id, "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("read-only: bkops does not call autoscaling:TerminateInstanceInAutoScalingGroup"),
        "{err}"
    );

    let received = moto.operations();
    let ops = &received[start..];
    assert!(ops.iter().any(|o| o == "DescribeAutoScalingGroups"), "the reads did happen: {ops:?}");
    let writes: Vec<&String> = ops
        .iter()
        .filter(|o| !["Describe", "List", "Get", "Filter"].iter().any(|p| o.starts_with(p)))
        .collect();
    assert!(writes.is_empty(), "mutating requests reached the server: {writes:?}");
    assert_eq!(rule_state(&sdk, "ci-linux").await, "DISABLED", "as it was left by hand");
    // Refusals are audited too: who tried what, and that it was refused.
    let audit: Vec<_> = audit_lines(&state).into_iter().filter(|l| l["action"] != "intent").collect();
    assert_eq!(audit.len(), 4, "one refusal per run: {audit:?}");
    assert!(audit.iter().all(|l| l["result"].as_str().is_some_and(|r| r.starts_with("error: read-only"))));

    // Below `execute`, the read-only clients themselves refuse any operation that is not a read.
    let clients = bkops::backend::live::Clients::new(&sdk, true);
    let before = moto.operations().len();
    let rule = LiveBackend::new(&sdk, None, BuildkiteSettings::default())
        .scaling_target("ci-linux")
        .await
        .expect("target")
        .rule
        .expect("rule");
    let err = clients.events.disable_rule().name(rule).send().await.expect_err("refused by the client");
    assert!(format!("{:?}", err).contains("read-only"), "{err:?}");
    let sent: Vec<String> = moto.operations()[before..].to_vec();
    assert!(!sent.iter().any(|o| o == "DisableRule"), "{sent:?}");
}

#[tokio::test]
async fn terminate_with_drain_stops_the_agents_and_waits_for_their_jobs() {
    use support::buildkite::{FakeBuildkite, Reply, queue_body};

    let (moto, sdk) = setup().await;
    let state = state_dir("drain");
    let fake = FakeBuildkite::start();
    let g = group(&sdk, "ci-linux").await;
    let id = g.instances()[0].instance_id().expect("id").to_string();
    let agent = |job: &str| {
        format!(
            r#"[{{"id":"0190b9a4-agent","name":"ci-linux-{id}-1","connection_state":"connected","job":{job},"meta_data":["queue=default","aws:instance-id={id}"]}}]"#
        )
    };
    // The organization (metrics API), the agents (one busy), the stop, then the job is done.
    fake.metrics(Reply::json(200, &queue_body("acme", 0, 1, 0, 0, 1)));
    fake.agents(Reply::json(200, &agent(r#"{"id":"0190b9a3-job","state":"running"}"#)));
    fake.stop(Reply::json(204, ""));
    fake.agents(Reply::json(200, &agent("null")));
    let env = [
        ("BUILDKITE_AGENT_TOKEN", "bkua_test"),
        ("BUILDKITE_AGENT_ENDPOINT", fake.url.as_str()),
        ("BUILDKITE_API_TOKEN", "bkapi_test"),
        ("BUILDKITE_API_ENDPOINT", fake.api_url.as_str()),
    ];
    let out = bkops_env(&moto, &state, &["terminate", &id, "--stack", "ci-linux", "--drain", "--yes"], &env);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("their jobs (1 running now)"), "{err}");
    let requests = fake.requests();
    let stop = requests.iter().find(|r| r.method == "PUT").expect("a stop request");
    assert_eq!(stop.target, "/v2/organizations/acme/agents/0190b9a4-agent/stop");
    assert_eq!(stop.body, r#"{"force":false}"#, "the agent finishes its job");
    assert_eq!(stop.header("Authorization"), Some("Bearer bkapi_test"));
    let gets_after_stop =
        requests.iter().skip_while(|r| r.method != "PUT").filter(|r| r.method == "GET").count();
    assert_eq!(gets_after_stop, 1, "the agents were read again before terminating");
    // Every request went to the API it belongs to, for this organization.
    for r in &requests {
        let expected = matches!(
            (r.method.as_str(), r.target.as_str()),
            ("GET", "/v3/metrics/queue?name=default")
                | ("GET", "/v2/organizations/acme/agents?per_page=100")
                | ("PUT", "/v2/organizations/acme/agents/0190b9a4-agent/stop")
        );
        assert!(expected, "{} {}", r.method, r.target);
    }
    let actions: Vec<String> =
        audit_lines(&state).iter().filter_map(|l| l["action"].as_str().map(String::from)).collect();
    assert_eq!(actions, ["intent", "buildkite:StopAgent", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    let left = group(&sdk, "ci-linux").await;
    assert!(left.instances().iter().all(|i| i.instance_id() != Some(id.as_str())), "terminated");
}

#[tokio::test]
async fn drain_without_a_buildkite_token_is_refused_before_anything_is_called() {
    let (moto, sdk) = setup().await;
    let state = state_dir("drain-no-token");
    let g = group(&sdk, "ci-linux").await;
    let id = g.instances()[0].instance_id().expect("id").to_string();
    let out = bkops(&moto, &state, &["terminate", &id, "--drain", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--drain: set BUILDKITE_API_TOKEN"));
    assert!(audit_lines(&state).is_empty());
}

#[tokio::test]
async fn the_disk_check_is_an_ssm_run_command() {
    use bkops::app::{AppState, Msg};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let (moto, sdk) = setup().await;
    let state_path = state_dir("disk");
    let mut backends = LiveBackend::new(&sdk, None, BuildkiteSettings::default()).backends();
    backends.audit_log = Some(state_path.join("audit.jsonl"));
    let now = backends.clock.now();
    let mut state = AppState::new("aws", now, (160, 48));
    bkops::runtime::settle(&mut state, &backends, Msg::Tick(now)).await;
    for c in ['3', 'D'] {
        let key = Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        bkops::runtime::settle(&mut state, &backends, key).await;
    }
    let ops = moto.operations();
    assert!(
        ops.iter().any(|o| o == "SendCommand") && ops.iter().any(|o| o == "GetCommandInvocation"),
        "{ops:?}"
    );
    // The local server runs no script (there is no SSM agent), so the answer has no df lines;
    // the parser is tested on real df output.
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("the check printed no disk usage"), "{flash}");
    let audit = std::fs::read_to_string(state_path.join("audit.jsonl")).expect("audited");
    assert!(audit.contains(r#""document":"AWS-RunShellScript""#), "{audit}");
}

#[tokio::test]
async fn ssm_on_aws_checks_the_instance_before_starting_a_session() {
    let (moto, _sdk) = setup().await;
    let state = state_dir("ssm");
    let status = bkops(&moto, &state, &["status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let id = v["stacks"][0]["auto_scaling"]["instances"][0]["id"].as_str().expect("an instance").to_string();
    let out = bkops(&moto, &state, &["ssm", &id, "--ssm-client", "native"]);
    // moto has no SSM agents (nor DescribeInstanceInformation): whichever it answers, the
    // instance is not reachable, and the operator is told which call said so.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ssm:DescribeInstanceInformation")
            || String::from_utf8_lossy(&out.stderr).contains("is not registered with SSM"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ops = moto.operations();
    assert!(ops.iter().any(|o| o == "DescribeInstanceInformation"), "{ops:?}");
    assert!(!ops.iter().any(|o| o == "StartSession"), "no session was started: {ops:?}");
    assert!(!state.join("bkops/audit.jsonl").exists(), "nothing to audit");
}

#[tokio::test]
async fn sigterm_during_a_drain_abandons_it_with_a_record_of_what_is_left() {
    use std::io::Read;
    use support::buildkite::{FakeBuildkite, Reply, queue_body};

    let (moto, sdk) = setup().await;
    let state = state_dir("drain-sigterm");
    let fake = FakeBuildkite::start();
    let g = group(&sdk, "ci-linux").await;
    let id = g.instances()[0].instance_id().expect("id").to_string();
    let busy = format!(
        r#"[{{"id":"0190b9a4-agent","name":"ci-linux-{id}-1","connection_state":"connected","job":{{"id":"j","state":"running"}},"meta_data":["aws:instance-id={id}"]}}]"#
    );
    // The organization, the agents (busy), the stop; then the job never ends.
    fake.metrics(Reply::json(200, &queue_body("acme", 0, 1, 0, 0, 1)));
    fake.agents(Reply::json(200, &busy));
    fake.stop(Reply::json(204, ""));
    for _ in 0..20 {
        fake.agents(Reply::json(200, &busy));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["terminate", &id, "--stack", "ci-linux", "--drain", "--yes"])
        .args(["--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("BUILDKITE_AGENT_TOKEN", "bkua_test")
        .env("BUILDKITE_AGENT_ENDPOINT", &fake.url)
        .env("BUILDKITE_API_TOKEN", "bkapi_test")
        .env("BUILDKITE_API_ENDPOINT", &fake.api_url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("XDG_CONFIG_HOME", state.join("config"))
        .env("XDG_STATE_HOME", &state)
        .env("XDG_CACHE_HOME", &state)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // Once the drain waits for the job, bkops is told to stop.
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut said = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !String::from_utf8_lossy(&said).contains("draining: 1 job still running") {
        assert!(std::time::Instant::now() < deadline, "{}", String::from_utf8_lossy(&said));
        if let Ok(b) = rx.recv_timeout(std::time::Duration::from_millis(50)) {
            said.extend(b);
        }
    }
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill").success());
    let status = child.wait().expect("ends");
    while let Ok(b) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
        said.extend(b);
    }
    let said = String::from_utf8_lossy(&said);
    assert_eq!(status.code(), Some(143), "{said}");
    assert!(
        said.contains("abandoned (SIGTERM) after 1 of 3 calls; it was waiting for the jobs to finish"),
        "{said}"
    );
    assert!(said.contains(&format!("{id} still runs: `bkops terminate {id} --yes` finishes it")), "{said}");
    let audit = audit_lines(&state);
    let actions: Vec<&str> = audit.iter().filter_map(|l| l["action"].as_str()).collect();
    assert_eq!(actions, ["intent", "buildkite:StopAgent", "abandoned"]);
    let last = &audit[2];
    assert_eq!(last["result"], "abandoned: SIGTERM");
    assert_eq!(last["request"]["done"].as_array().map(Vec::len), Some(1));
    assert!(last["request"]["not_done"][0].as_str().is_some_and(|c| c.contains(&id)), "{last}");
    assert!(
        group(&sdk, "ci-linux").await.instances().iter().any(|i| i.instance_id() == Some(id.as_str())),
        "not terminated"
    );
}

#[tokio::test]
async fn why_names_the_scalers_own_error_and_what_it_should_want() {
    use support::buildkite::{FakeBuildkite, Reply, queue_body};

    let (moto, sdk) = setup().await;
    let state = state_dir("why");
    let fake = FakeBuildkite::start();
    // 14 jobs scheduled, 2 running, no agent idle.
    fake.metrics(Reply::json(200, &queue_body("acme", 14, 2, 0, 0, 2)));
    let group = support::moto::scaler_group(&sdk, "ci-linux").await;
    support::moto::put_scaler_lines(&sdk, &group, 30_000, &support::moto::SCALER_DENIED).await;
    let env = [("BUILDKITE_AGENT_TOKEN", "bkua_test"), ("BUILDKITE_AGENT_ENDPOINT", fake.url.as_str())];
    let out = bkops_env(&moto, &state, &["why", "--stack", "ci-linux", "--format", "json"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["waiting_for_agents"], true, "{v}");
    let first = &v["reasons"][0];
    assert_eq!(first["code"], "scaler_error", "{v}");
    assert!(first["headline"].as_str().is_some_and(|h| h.contains("AccessDenied")), "{v}");
    // 16 jobs at two agents an instance: the scaler should want 8; the group has 2.
    let evidence: Vec<&str> =
        first["evidence"].as_array().expect("evidence").iter().filter_map(|e| e.as_str()).collect();
    assert!(
        evidence.iter().any(|e| e.contains("should want 8 instances; the group's desired is 2")),
        "{evidence:?}"
    );
}

#[tokio::test]
async fn the_timeline_puts_the_scaler_the_instances_lines_and_the_operators_on_one_axis() {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;

    let (moto, sdk) = setup().await;
    let state = state_dir("timeline");
    let scaler = support::moto::scaler_group(&sdk, "ci-linux").await;
    support::moto::put_scaler_lines(
        &sdk,
        &scaler,
        20 * 60_000,
        &[
            "START RequestId: 6f1c2b7a-0000-4000-8000-000000000000 Version: $LATEST",
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 Scaling OUT 📈 to 4 instances (currently 2)",
            "2026/11/30 07:31:50 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:50 Scaling error: AccessDenied: User is not authorized to perform: autoscaling:SetDesiredCapacity",
        ],
    )
    .await;
    let ids: Vec<String> = group(&sdk, "ci-linux")
        .await
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(String::from))
        .collect();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let elastic = "/buildkite/elastic-stack";
    logs.create_log_group().log_group_name(elastic).send().await.expect("group");
    logs.create_log_stream().log_group_name(elastic).log_stream_name(&ids[0]).send().await.expect("stream");
    let now = bkops::clock::Clock::System.now().millis();
    let mut req = logs.put_log_events().log_group_name(elastic).log_stream_name(&ids[0]);
    for (n, line) in
        ["Disk space free: 12G", "Insufficient disk space after cleanup."].into_iter().enumerate()
    {
        req = req.log_events(
            InputLogEvent::builder()
                .timestamp(now - 10 * 60_000 + n as i64)
                .message(line)
                .build()
                .expect("e"),
        );
    }
    req.send().await.expect("put");
    let out = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-linux", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bkops(&moto, &state, &["terminate", &ids[1], "--replace", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = bkops(&moto, &state, &["timeline", "--stack", "ci-linux", "--since", "1h", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let all = v["events"].as_array().expect("events");
    // The stack's own creation, from its CloudFormation events, at moments the test does not
    // order against the rest.
    let stack: Vec<&str> =
        all.iter().filter(|e| e["source"] == "stack").filter_map(|e| e["text"].as_str()).collect();
    assert_eq!(stack, ["stack CREATE_COMPLETE", "stack CREATE_IN_PROGRESS: User Initiated"]);
    let events: Vec<&serde_json::Value> = all.iter().filter(|e| e["source"] != "stack").collect();
    // No agent token here: the queue's history cannot be read, and the timeline says so.
    let unread: Vec<&str> =
        v["unread"].as_array().expect("unread").iter().filter_map(|u| u.as_str()).collect();
    assert!(matches!(unread.as_slice(), [u] if u.starts_with("queue history: ")), "{unread:?}");
    let said: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["source"].as_str().unwrap_or_default(), e["text"].as_str().unwrap_or_default()))
        .collect();
    let arn = "arn:aws:sts::123456789012:user/moto";
    assert_eq!(
        said,
        [
            ("operator", format!("{arn} terminated the instance with bkops").as_str()),
            ("operator", format!("{arn} paused scaling with bkops").as_str()),
            ("log", "disk full: Insufficient disk space after cleanup."),
            (
                "scaler",
                "Scaling error: AccessDenied: User is not authorized to perform: autoscaling:SetDesiredCapacity"
            ),
            ("scaler", "scaled out from 2 to 4 instances"),
        ],
        "{v}"
    );
    assert_eq!(events[0]["instance"], ids[1].as_str());
    assert_eq!(events[2]["instance"], ids[0].as_str());
    assert_eq!(events[3]["severity"], "bad");

    // The same as text, for a chat channel; a bad --since is refused with what is accepted.
    let out = bkops(&moto, &state, &["timeline", "--stack", "ci-linux", "--since", "1h"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ci-linux: 7 events since "), "{text}");
    assert!(text.contains(&format!("✗ log      {}  disk full", ids[0])), "{text}");
    let out = bkops(&moto, &state, &["timeline", "--stack", "ci-linux", "--since", "lunch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a time"));
}

#[tokio::test]
async fn a_second_status_lists_no_stacks_resources_again() {
    let (moto, _sdk) = setup().await;
    let state = state_dir("warm");
    let listed =
        |from: usize| moto.operations()[from..].iter().filter(|o| *o == "ListStackResources").count();
    let start = moto.operations().len();
    let out = bkops(&moto, &state, &["status", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(listed(start) >= 3, "a cold start learns every stack");
    let file = state.join("bkops/discovery.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).expect("kept").permissions().mode() & 0o777, 0o600);

    let warm = moto.operations().len();
    let again = bkops(&moto, &state, &["status", "--format", "json"]);
    assert!(again.status.success());
    assert_eq!(listed(warm), 0, "a warm start lists no stack's resources");
    let names = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["stacks"]
            .as_array()
            .expect("stacks")
            .iter()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(names(&again), names(&out), "and says the same");

    // A file that is not the cache's shape is no cache: learnt again, and written anew.
    std::fs::write(&file, "{ not json").expect("spoil");
    let cold = moto.operations().len();
    let out = bkops(&moto, &state, &["status"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(listed(cold) >= 3);
    assert!(std::fs::read_to_string(&file).expect("rewritten").starts_with('{'));
}

#[tokio::test]
async fn a_change_acts_on_the_names_aws_gives_now_never_on_the_kept_ones() {
    let (moto, sdk) = setup().await;
    let state = state_dir("kept-names");
    // A first run keeps what it learnt of each stack's resources.
    let out = bkops(&moto, &state, &["status", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept = state.join("bkops/discovery.json");
    let text = std::fs::read_to_string(&kept).expect("the discovery file");
    // Someone (or a stale file) says ci-linux's group is ci-windows's.
    let linux = group(&sdk, "ci-linux").await.auto_scaling_group_name().expect("name").to_string();
    let windows = group(&sdk, "ci-windows").await.auto_scaling_group_name().expect("name").to_string();
    assert!(text.contains(&linux), "{text}");
    std::fs::write(&kept, text.replace(&linux, &windows)).expect("planted");
    let before = moto.operations().len();
    let out = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-linux", "--drain", "--yes"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("is not its group now"), "{err}");
    let sent: Vec<String> = moto.operations()[before..].to_vec();
    for mutation in ["DisableRule", "CreateOrUpdateTags", "UpdateAutoScalingGroup"] {
        assert!(!sent.iter().any(|o| o == mutation), "{mutation} sent on a kept name: {sent:?}");
    }
    assert_eq!(group(&sdk, "ci-windows").await.min_size(), Some(2), "the other stack's group is untouched");
    // The kept names were forgotten: the next run learns them again and acts on the right group.
    let out = bkops(&moto, &state, &["scaling", "pause", "--stack", "ci-linux", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rule_state(&sdk, "ci-linux").await, "DISABLED");
    let _ = std::fs::remove_dir_all(&state);
}
