//! The AWS backend's real SDK code against a local AWS API server (moto) that each test starts:
//! stacks created with the Elastic CI Stack's real logical IDs, including the nested scaler
//! stack, a fixed-size stack, and a look-alike that must be ignored.

mod support;

use aws_config::SdkConfig;
use bkops::backend::QueueSource;
use bkops::backend::StackSource;
use bkops::backend::buildkite::POLL_DURATION_HEADER;
use bkops::backend::buildkite::{BuildkiteSettings, Destinations};
use bkops::backend::live::{ACCOUNT, LiveBackend};
use bkops::domain::BackendError;
use bkops::domain::Secret;
use bkops::domain::{Health, Lifecycle, Os, ScalingState};
use support::buildkite::{FakeBuildkite, Reply, queue_body};
use support::moto::{Moto, put_token};

const REGION: &str = "us-east-1";
/// A closed loopback port: no test ever sends anything off this machine.
const NOWHERE: &str = "http://127.0.0.1:9/v3";

async fn setup() -> (Moto, SdkConfig, LiveBackend) {
    setup_with(NOWHERE, BuildkiteSettings::default()).await
}

async fn setup_with(agent_endpoint: &str, settings: BuildkiteSettings) -> (Moto, SdkConfig, LiveBackend) {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, agent_endpoint).await;
    let backend = LiveBackend::new(&sdk, None, settings);
    (moto, sdk, backend)
}

async fn rule_name(sdk: &SdkConfig, stack: &str) -> String {
    support::moto::scaler_resource(sdk, stack, "AutoscalingFunctionTimer").await
}

#[tokio::test]
async fn elastic_stacks_are_found_by_their_resources() {
    let (_moto, _sdk, backend) = setup().await;
    let mut stacks = backend.stacks().await.expect("discovery");
    stacks.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["ci-linux", "ci-windows"],
        "the look-alike and the nested scaler stack are not stacks"
    );

    let linux = &stacks[0];
    assert_eq!(linux.queue, "default");
    assert_eq!(linux.version, "v6.71.1");
    assert_eq!(linux.os, Os::Linux);
    assert_eq!(linux.status, "CREATE_COMPLETE");
    assert_eq!((linux.desired, linux.min, linux.max), (2, 2, 10));
    assert_eq!(linux.agents_per_instance, 2);
    assert!(linux.asg_name.starts_with("ci-linux-AgentAutoScaleGroup-"), "{}", linux.asg_name);
    assert_eq!(linux.scaling, ScalingState::Enabled { schedule: "rate(1 minute)".into() });

    let windows = &stacks[1];
    assert_eq!((windows.queue.as_str(), windows.os), ("windows", Os::Windows));
    assert_eq!((windows.desired, windows.min, windows.max), (2, 2, 2));
    assert_eq!(
        windows.scaling,
        ScalingState::FixedSize,
        "a fixed-size stack has no scaler, and that is not an error"
    );
}

#[tokio::test]
async fn a_disabled_timer_rule_is_a_paused_stack() {
    let (_moto, sdk, backend) = setup().await;
    let events = aws_sdk_eventbridge::Client::new(&sdk);
    let rule = rule_name(&sdk, "ci-linux").await;
    events.disable_rule().name(&rule).send().await.expect("disable");
    let stacks = backend.stacks().await.expect("discovery");
    let linux = stacks.iter().find(|s| s.name == "ci-linux").expect("ci-linux");
    assert_eq!(linux.scaling, ScalingState::Paused { schedule: "rate(1 minute)".into() });
    events.enable_rule().name(&rule).send().await.expect("enable");
    let stacks = backend.stacks().await.expect("discovery");
    assert!(!stacks.iter().any(|s| s.scaling.is_paused()));
}

#[tokio::test]
async fn the_fleet_is_the_auto_scaling_group() {
    let (_moto, sdk, backend) = setup().await;
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    assert_eq!((fleet.desired, fleet.min, fleet.max), (2, 2, 10));
    assert_eq!(fleet.instances.len(), 2);
    for i in &fleet.instances {
        assert!(i.id.starts_with("i-"), "{}", i.id);
        assert_eq!((i.lifecycle, i.health), (Lifecycle::InService, Health::Healthy));
        assert_eq!(i.instance_type, "t3.large");
        assert!(i.availability_zone.starts_with("us-east-1"));
    }
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    asg.set_desired_capacity()
        .auto_scaling_group_name(&fleet.asg_name)
        .desired_capacity(4)
        .send()
        .await
        .expect("set");
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    assert_eq!((fleet.desired, fleet.instances.len()), (4, 4));
    let first = fleet.instances[0].id.clone();
    asg.set_instance_health().instance_id(&first).health_status("Unhealthy").send().await.expect("health");
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    let marked = fleet.instances.iter().find(|i| i.id == first).expect("still listed");
    assert_eq!(marked.health, Health::Unhealthy);
}

#[tokio::test]
async fn an_unknown_stack_is_not_found() {
    let (_moto, _sdk, backend) = setup().await;
    match backend.fleet("ci-lookalike").await {
        Err(BackendError::NotFound { what }) => assert_eq!(what, "Elastic CI Stack ci-lookalike"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_of_an_unchanged_account_reuses_what_it_learnt() {
    // Counted at the server, not with the counter the code keeps itself.
    let (moto, _sdk, backend) = setup().await;
    let start = moto.operations().len();
    backend.stacks().await.expect("first");
    let first: Vec<String> = moto.operations()[start..].to_vec();
    // Four root stacks in moto (it lists the nested one as a root): each listed once, and
    // ci-linux's nested scaler stack once more for its rule and function (no other call).
    assert_eq!(first.iter().filter(|o| *o == "ListStackResources").count(), 5, "{first:?}");
    assert!(!first.iter().any(|o| o == "DescribeStackResource"), "{first:?}");
    let middle = moto.operations().len();
    backend.stacks().await.expect("second");
    let mut second: Vec<String> = moto.operations()[middle..].to_vec();
    second.sort();
    // One DescribeStacks, one DescribeAutoScalingGroups for every stack's group, and the one
    // scaler's rule (ci-windows has none).
    assert_eq!(
        second,
        ["DescribeAutoScalingGroups", "DescribeRule", "DescribeStacks"],
        "a refresh costs three calls here"
    );
    // The code's own counter agrees with the server.
    assert_eq!(backend.calls.total(), (moto.operations().len() - start) as u64);
}

#[tokio::test]
async fn a_refresh_of_fifty_stacks_costs_about_what_one_of_two_does() {
    // Counted at the server.
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy_many(&moto, &sdk, 50).await;
    let backend = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    let start = moto.operations().len();
    let first = backend.stacks().await.expect("first");
    assert_eq!(first.len(), 50);
    let learnt: Vec<String> = moto.operations()[start..].to_vec();
    let count = |ops: &[String], op: &str| ops.iter().filter(|o| *o == op).count();
    assert_eq!(count(&learnt, "DescribeRule"), 0, "the rules are listed, not described one by one");
    assert_eq!(count(&learnt, "ListRules"), 1);
    let middle = moto.operations().len();
    let again = backend.stacks().await.expect("second");
    let mut second: Vec<String> = moto.operations()[middle..].to_vec();
    second.sort();
    // 100 root stacks in moto (it lists the nested ones as roots): two DescribeStacks pages.
    assert_eq!(
        second,
        ["DescribeAutoScalingGroups", "DescribeStacks", "DescribeStacks", "ListRules"],
        "a refresh of 50 unchanged stacks costs four calls"
    );
    assert!(again.iter().all(|s| matches!(s.scaling, ScalingState::Enabled { .. })), "{again:?}");
    // One paused: the listing says so.
    let rule = rule_name(&sdk, "fleet-07").await;
    aws_sdk_eventbridge::Client::new(&sdk).disable_rule().name(&rule).send().await.expect("disable");
    let paused = backend.stacks().await.expect("third");
    let state = |name: &str| paused.iter().find(|s| s.name == name).map(|s| s.scaling.label());
    assert_eq!((state("fleet-07"), state("fleet-08")), (Some("PAUSED"), Some("enabled")));
}

#[tokio::test]
async fn a_fleet_read_right_after_the_stack_list_uses_its_answer_until_bkops_changes_something() {
    use bkops::ops::{Call, Operations};
    let (moto, _sdk, backend) = setup().await;
    let groups =
        |from: usize| moto.operations()[from..].iter().filter(|o| *o == "DescribeAutoScalingGroups").count();
    backend.stacks().await.expect("stacks");
    let listed = moto.operations().len();
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    backend.fleet("ci-windows").await.expect("fleet");
    assert_eq!(groups(listed), 0, "the stack list's DescribeAutoScalingGroups serves both fleets");
    // A change made with bkops: the next fleet read asks again, and sees it.
    let tag =
        Call::TagGroup { group: fleet.asg_name.clone(), tags: vec![("bkops:paused-by".into(), "me".into())] };
    backend.execute(&tag).await.expect("tag");
    let after = moto.operations().len();
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    assert_eq!(groups(after), 1);
    assert_eq!(fleet.paused_by.as_deref(), Some("me"));
}

#[tokio::test]
async fn bkops_status_reads_the_local_endpoint() {
    let (moto, _sdk, _backend) = setup().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["status", "--format", "json", "--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("BUILDKITE_AGENT_ENDPOINT", NOWHERE)
        .env_remove("BUILDKITE_AGENT_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-aws-status"))
        .env("XDG_CACHE_HOME", std::env::temp_dir().join("bkops-aws-status"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("status", &v);
    assert_eq!(v["backend"], "aws default us-east-1");
    let mut names: Vec<&str> =
        v["stacks"].as_array().expect("stacks").iter().filter_map(|s| s["name"].as_str()).collect();
    names.sort();
    assert_eq!(names, ["ci-linux", "ci-windows"]);
    let linux =
        v["stacks"].as_array().expect("stacks").iter().find(|s| s["name"] == "ci-linux").expect("linux");
    assert_eq!(linux["auto_scaling"]["in_service"], 2);
    assert_eq!(linux["scaling"]["state"], "enabled");
}

/// Runs `bkops status --format json` against the local server, with no Buildkite token.
fn status_json(endpoint: &str, home: &str) -> serde_json::Value {
    let out = support::moto::bkops(endpoint, home)
        .args(["status", "--format", "json", "--region", REGION])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[tokio::test]
async fn bkops_status_reads_every_groups_activities_schedules_and_disk_lines_in_one_call_each() {
    let (moto, sdk, backend) = setup().await;
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let now = bkops::clock::Clock::System.now().millis();
    for (stack, action, line) in [
        (
            "ci-linux",
            "ci-linux-ScaleUp",
            "Not enough disk space free: 3.1G (3250586KB) available, cutoff is 5.0GiB (5242880KB) 🚨",
        ),
        ("ci-windows", "ci-windows-ScaleDown", "Disk space free: 182G"),
    ] {
        let fleet = backend.fleet(stack).await.expect("fleet");
        asg.put_scheduled_update_group_action()
            .auto_scaling_group_name(&fleet.asg_name)
            .scheduled_action_name(action)
            .recurrence("0 8 * * MON-FRI")
            .min_size(1)
            .send()
            .await
            .expect("put");
        log_stream(&logs, "/buildkite/elastic-stack", &fleet.instances[0].id).await;
        put_line(&logs, "/buildkite/elastic-stack", &fleet.instances[0].id, now - 60_000, line).await;
    }
    // Each stack's agent token in its own parameter, as the stack keeps it.
    for stack in ["ci-linux", "ci-windows"] {
        support::moto::put_token(&sdk, &format!("/{stack}/buildkite/agent-token"), "bkua_test").await;
    }
    let start = moto.operations().len();
    let v = status_json(&moto.endpoint, "bkops-aws-status-batch");
    let ops = moto.operations()[start..].to_vec();
    let count = |op: &str| ops.iter().filter(|o| *o == op).count();
    assert_eq!(
        (count("DescribeScalingActivities"), count("DescribeScheduledActions")),
        (1, 1),
        "one account-wide read each, for both stacks: {ops:?}"
    );
    assert_eq!(
        (count("GetParameters"), count("GetParameter")),
        (1, 0),
        "both tokens in one call, ten parameters a call: {ops:?}"
    );
    // The disk check's lines of all four instances in one call (neither group runs Spot, so
    // no notices are looked for), and the scaler log of ci-linux (ci-windows is fixed-size).
    assert_eq!(count("FilterLogEvents"), 1 + 1, "{ops:?}");
    let stack = |name: &str| {
        v["stacks"].as_array().expect("stacks").iter().find(|s| s["name"] == name).expect("stack").clone()
    };
    let texts = |name: &str| -> Vec<String> {
        stack(name)["warnings"].as_array().expect("warnings").iter().map(|w| w["text"].to_string()).collect()
    };
    let (linux, windows) = (texts("ci-linux").join(" "), texts("ci-windows").join(" "));
    assert!(linux.contains("ci-linux-ScaleUp") && !linux.contains("ci-windows-ScaleDown"), "{linux}");
    assert!(windows.contains("ci-windows-ScaleDown") && !windows.contains("ci-linux-ScaleUp"), "{windows}");
    assert!(linux.contains("1 disk low") && !windows.contains("disk"), "{linux} / {windows}");
    let disks = |name: &str| -> Vec<String> {
        let s = stack(name);
        s["auto_scaling"]["instances"]
            .as_array()
            .expect("instances")
            .iter()
            .map(|i| i["disk"].to_string())
            .collect()
    };
    assert!(disks("ci-windows").contains(&"\"ok\"".to_string()), "{:?}", disks("ci-windows"));
}

/// `bkops status` with `[[contexts]]` in a config file: the contexts' profiles are in an AWS
/// config file of the test's own, `broken` being one whose credentials cannot be had.
fn status_in_contexts(endpoint: &str, contexts: &str, args: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("bkops-contexts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("config.toml"), contexts).expect("config");
    std::fs::write(
        dir.join("aws-config"),
        "[default]\nregion = us-east-1\n[profile broken]\ncredential_process = /bin/false\n",
    )
    .expect("aws config");
    std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["status", "--endpoint-url", endpoint])
        .args(args)
        .env("BKOPS_CONFIG", dir.join("config.toml"))
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("BUILDKITE_AGENT_ENDPOINT", NOWHERE)
        .env_remove("BUILDKITE_AGENT_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env("XDG_STATE_HOME", &dir)
        .env("XDG_CACHE_HOME", &dir)
        .output()
        .expect("runs")
}

#[tokio::test]
async fn bkops_status_reads_every_context_at_once_and_a_broken_one_says_why_on_its_own() {
    let (moto, _sdk, _backend) = setup().await;
    let eu = moto.sdk("eu-west-1").await;
    support::moto::deploy_many(&moto, &eu, 1).await;
    let config = "[[contexts]]\nname = \"us\"\nregion = \"us-east-1\"\n\
                    [[contexts]]\nname = \"eu\"\nregion = \"eu-west-1\"\n\
                    [[contexts]]\nprofile = \"broken\"\nregion = \"us-west-2\"\n";
    let out = status_in_contexts(&moto.endpoint, config, &["--all-contexts", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 of 3 contexts could not be read: broken/us-west-2"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("status_all_contexts", &v);
    let contexts = v["contexts"].as_array().expect("contexts");
    let names = |i: usize| -> Vec<String> {
        let mut n: Vec<String> = contexts[i]["stacks"]
            .as_array()
            .expect("stacks")
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect();
        n.sort();
        n
    };
    assert_eq!(
        (contexts[0]["name"].as_str(), contexts[0]["region"].as_str()),
        (Some("us"), Some("us-east-1"))
    );
    assert_eq!(names(0), ["ci-linux", "ci-windows"]);
    assert_eq!((contexts[1]["name"].as_str(), names(1)), (Some("eu"), vec!["fleet-00".to_string()]));
    assert!(contexts[0]["error"].is_null() && contexts[1]["error"].is_null());
    let broken = contexts[2]["error"].as_str().expect("an error");
    assert!(broken.contains("aws sso login --profile broken"), "{broken}");
    assert_eq!(names(2), Vec::<String>::new());

    // One context by name: only its stacks.
    let out = status_in_contexts(&moto.endpoint, config, &["--context", "eu", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["backend"], "aws default eu-west-1");
}

#[test]
fn a_context_with_an_unknown_profile_or_region_or_name_exits_2_naming_it() {
    for (contexts, args, said) in [
        (
            "[[contexts]]\nprofile = \"ci-stage\"\nregion = \"us-east-1\"\n",
            vec!["--all-contexts"],
            "no AWS profile named 'ci-stage'",
        ),
        ("[[contexts]]\nregion = \"useast1\"\n", vec!["--all-contexts"], "'useast1' is not an AWS region"),
        (
            "[[contexts]]\nregion = \"us-east-1\"\n",
            vec!["--context", "prod"],
            "no context named 'prod'; the contexts are: us-east-1",
        ),
        ("", vec!["--all-contexts"], "no [[contexts]] in config.toml"),
    ] {
        let out = status_in_contexts(NOWHERE, contexts, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn queue_numbers_come_from_the_agent_api_with_the_stacks_own_token() {
    let fake = FakeBuildkite::start();
    // The stack names the stand-in as its AgentEndpoint; the operator trusts it in the config.
    let settings = BuildkiteSettings {
        destinations: Destinations::new(None, None, std::slice::from_ref(&fake.url)).expect("trusted"),
        ..Default::default()
    };
    let (_moto, sdk, backend) = setup_with(&fake.url, settings).await;
    put_token(&sdk, "/ci-linux/buildkite/agent-token", "bkua_from_ssm").await;
    fake.metrics(Reply::json(200, &queue_body("acme", 7, 2, 1, 0, 2)).header(POLL_DURATION_HEADER, "30"));

    let q = backend.queue("ci-linux").await.expect("queue");
    assert_eq!((q.scheduled, q.running, q.waiting, q.busy_agents, q.total_agents), (7, 2, 1, 2, 2));
    let req = &fake.requests()[0];
    assert_eq!(req.target, "/v3/metrics/queue?name=default");
    assert_eq!(req.header("Authorization"), Some("Token bkua_from_ssm"), "the decrypted SSM parameter");

    // Within the poll duration the API is not asked again.
    assert_eq!(backend.queue("ci-linux").await.expect("again"), q);
    assert_eq!(fake.requests().len(), 1);
    let calls = backend.calls.snapshot();
    assert_eq!(calls.get(&("ci-linux".to_string(), "ssm:GetParameter")), Some(&1));

    // Three reads at once (the queue pane, the chart's organization, the agent list's) are one.
    let fresh = LiveBackend::new(
        &sdk,
        None,
        BuildkiteSettings {
            destinations: Destinations::new(None, None, std::slice::from_ref(&fake.url)).expect("trusted"),
            ..Default::default()
        },
    );
    for _ in 0..3 {
        fake.metrics(Reply::json(200, &queue_body("acme", 7, 2, 1, 0, 2)));
    }
    let before = fake.requests().len();
    let (a, b, c) = tokio::join!(fresh.queue("ci-linux"), fresh.queue("ci-linux"), fresh.queue("ci-linux"));
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    assert_eq!(fake.requests().len() - before, 1, "one metrics request");
    let calls = fresh.calls.snapshot();
    assert_eq!(calls.get(&("ci-linux".to_string(), "ssm:GetParameter")), Some(&1), "one token read");

    // A stack whose token parameter is missing says which one, and how to do without it.
    match backend.queue("ci-windows").await {
        Err(BackendError::NotFound { what }) => assert_eq!(
            what,
            "the agent token parameter /ci-windows/buildkite/agent-token (set BUILDKITE_AGENT_TOKEN to use another token)"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn buildkite_agent_token_and_endpoint_from_the_environment_win() {
    let fake = FakeBuildkite::start();
    let settings = BuildkiteSettings {
        agent_token: Some(Secret::new("bkua_from_env")),
        destinations: fake.destinations(),
        ..Default::default()
    };
    let (_moto, _sdk, backend) = setup_with(NOWHERE, settings).await;
    fake.metrics(Reply::json(200, &queue_body("acme", 0, 0, 0, 2, 0)));
    let q = backend.queue("ci-linux").await.expect("queue");
    assert_eq!(q.idle_agents, 2);
    assert_eq!(fake.requests()[0].header("Authorization"), Some("Token bkua_from_env"));
    assert!(!backend.calls.snapshot().keys().any(|(_, op)| *op == "ssm:GetParameter"), "no parameter read");
}

#[tokio::test]
async fn the_chart_history_is_the_scalers_cloudwatch_metrics() {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};

    let fake = FakeBuildkite::start();
    let settings = BuildkiteSettings {
        agent_token: Some(Secret::new("bkua_test")),
        destinations: fake.destinations(),
        ..Default::default()
    };
    let (_moto, sdk, backend) = setup_with(&fake.url, settings).await;
    fake.metrics(Reply::json(200, &queue_body("acme", 5, 2, 1, 0, 2)));

    // What the scaler publishes: the three job counts with the Org and Queue dimensions,
    // for this queue and (noise) another one.
    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    let now = bkops::clock::Clock::System.now();
    for minute in 0..30i64 {
        for (queue, scheduled) in [("default", minute as f64), ("other", 1000.0)] {
            let at = DateTime::from_millis(now.millis() - (minute * 60 + 30) * 1000);
            let dims = [("Org", "acme"), ("Queue", queue)]
                .map(|(k, v)| Dimension::builder().name(k).value(v).build());
            let datum = |name: &str, value: f64| {
                MetricDatum::builder()
                    .metric_name(name)
                    .set_dimensions(Some(dims.to_vec()))
                    .timestamp(at)
                    .value(value)
                    .unit(StandardUnit::Count)
                    .build()
            };
            cw.put_metric_data()
                .namespace("Buildkite")
                .metric_data(datum("ScheduledJobsCount", scheduled))
                .metric_data(datum("RunningJobsCount", 2.0))
                .metric_data(datum("WaitingJobsCount", 1.0))
                .send()
                .await
                .expect("put metric data through the CBOR bridge");
        }
    }

    let history = backend.queue_history("ci-linux", now.plus_secs(-3600)).await.expect("history");
    assert_eq!(history.len(), 30, "one point a minute");
    let mut scheduled: Vec<f64> = history.iter().map(|s| s.scheduled).collect();
    scheduled.sort_by(f64::total_cmp);
    assert_eq!(scheduled, (0..30).map(f64::from).collect::<Vec<_>>(), "this queue's values only");
    assert!(history.iter().all(|s| s.running == 2.0 && s.waiting == 1.0));
    assert!(history.windows(2).all(|w| w[0].at < w[1].at), "oldest first");
    let calls = backend.calls.snapshot();
    assert_eq!(
        calls.get(&("ci-linux".to_string(), "cloudwatch:GetMetricData")),
        Some(&1),
        "three metrics, one call"
    );
}

#[tokio::test]
async fn agents_are_joined_to_instances_by_their_instance_id() {
    use bkops::domain::AgentState;

    let fake = FakeBuildkite::start();
    let (_moto, sdk, without_token) = setup_with(NOWHERE, BuildkiteSettings::default()).await;
    let fleet = without_token.fleet("ci-linux").await.expect("fleet");
    assert_eq!(
        fleet.agents_note.as_deref(),
        Some("AGENT: set BUILDKITE_API_TOKEN (scope read_agents) to see each instance's agents"),
        "without a token the pane says what the column needs"
    );
    assert!(fleet.instances.iter().all(|i| i.agents.state == AgentState::Unknown));
    let ids: Vec<String> = fleet.instances.iter().map(|i| i.id.clone()).collect();

    let settings = BuildkiteSettings {
        agent_token: Some(Secret::new("bkua_test")),
        api_token: Some(Secret::new("bkapi_test")),
        destinations: fake.destinations(),
        trusted_token_parameters: Vec::new(),
    };
    let backend = LiveBackend::new(&sdk, None, settings);
    // The org comes from the metrics API; then the agent list, in two pages (Link header).
    fake.metrics(Reply::json(200, &queue_body("acme", 0, 1, 0, 0, 1)));
    let agent = |instance: &str, n: u32, job: Option<&str>| {
        let job = job.map_or("null".to_string(), |j| format!(r#"{{"id":"{j}","state":"running"}}"#));
        format!(
            r#"{{"id":"a{n}","name":"ci-linux-{instance}-{n}","connection_state":"connected","job":{job},"meta_data":["queue=default","stack=ci-linux","aws:instance-id={instance}","aws:instance-life-cycle=spot"]}}"#
        )
    };
    let next = format!(r#"<{}/organizations/acme/agents?page=2&per_page=100>; rel="next""#, fake.api_url);
    fake.agents(
        Reply::json(
            200,
            &format!("[{},{}]", agent(&ids[0], 1, Some("0190b9a3-job")), agent(&ids[0], 2, None)),
        )
        .header("Link", &next),
    );
    // On the same queue: an agent of no stack (a laptop), one of another stack bkops knows
    // (that is the shared-queue reason), and one on another queue.
    let laptop = r#"{"id":"l1","name":"laptop-ana","connection_state":"connected","job":null,"meta_data":["queue=default"]}"#;
    let windows = r#"{"id":"w1","name":"ci-windows-i-0aaaaaaaaaaaaaaa1-1","connection_state":"connected","job":null,"meta_data":["queue=default","stack=ci-windows"]}"#;
    let other = r#"{"id":"o1","name":"deploy-1","connection_state":"connected","job":null,"meta_data":["queue=deploy"]}"#;
    fake.agents(Reply::json(200, &format!("[{},{laptop},{windows},{other}]", agent(&ids[1], 1, None))));

    // The agents say the instances are Spot: lifecycled's interruption notice is read for them.
    {
        use aws_sdk_cloudwatchlogs::types::InputLogEvent;
        let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
        let group = "/buildkite/lifecycled";
        logs.create_log_group().log_group_name(group).send().await.expect("group");
        logs.create_log_stream().log_group_name(group).log_stream_name(&ids[0]).send().await.expect("stream");
        let now = bkops::clock::Clock::System.now().millis();
        let line = format!(
            "time=\"2026-11-30T08:16:33Z\" level=info msg=\"Received termination notice\" instanceId={} notice=spot",
            ids[0]
        );
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name(&ids[0])
            .log_events(
                InputLogEvent::builder().timestamp(now - 60_000).message(line).build().expect("event"),
            )
            .send()
            .await
            .expect("put");
    }
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    let strangers: Vec<&str> = fleet.strangers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(strangers, ["laptop-ana"], "only the agent of no stack on the stack's queue");
    let notices: Vec<bool> =
        ids.iter().map(|id| fleet.instances.iter().any(|i| &i.id == id && i.spot_notice)).collect();
    assert_eq!(notices[..2], [true, false], "the notice is on its own instance only");
    let by_id = |id: &str| fleet.instances.iter().find(|i| i.id == id).expect("instance");
    let busy = by_id(&ids[0]);
    assert_eq!((busy.agents.state, busy.agents.busy, busy.agents.total), (AgentState::Busy, 1, 2));
    assert_eq!(busy.agents.job.as_deref(), Some("0190b9a3-job"));
    assert_eq!(busy.spot, Some(true), "from aws:instance-life-cycle");
    assert_eq!(by_id(&ids[1]).agents.state, AgentState::Idle);
    assert!(fleet.agents_note.is_none());
    let requests = fake.requests();
    assert_eq!(requests[1].target, "/v2/organizations/acme/agents?per_page=100");
    assert_eq!(requests[1].header("Authorization"), Some("Bearer bkapi_test"));
    assert_eq!(requests[2].target, "/v2/organizations/acme/agents?page=2&per_page=100");

    // The list serves the next refresh too: no new request within 30 s.
    backend.fleet("ci-linux").await.expect("again");
    assert_eq!(fake.requests().len(), 3);

    // Due again, the API fails: the last agents stay, with their age, and the error is said.
    backend.age_agent_lists(std::time::Duration::from_secs(125));
    fake.agents(Reply::json(500, r#"{"message":"Internal Server Error"}"#));
    let kept = backend.fleet("ci-linux").await.expect("fleet");
    let busy = kept.instances.iter().find(|i| i.id == ids[0]).expect("instance");
    assert_eq!((busy.agents.state, busy.agents.busy), (AgentState::Busy, 1), "kept, not wiped to ?");
    assert_eq!(
        kept.agents_note.as_deref(),
        Some("AGENT: as of 2m ago: temporary failure: Buildkite REST API: HTTP 500 Internal Server Error")
    );
    assert!(kept.agents_error.as_deref().is_some_and(|e| e.contains("HTTP 500")));

    // A 429 is waited out as long as RateLimit-Reset says: no request before then.
    backend.age_agent_lists(std::time::Duration::from_secs(60));
    fake.agents(Reply::json(429, r#"{"message":"Too many requests"}"#).header("RateLimit-Reset", "50"));
    let throttled = backend.fleet("ci-linux").await.expect("fleet");
    assert!(throttled.agents_note.as_deref().is_some_and(|n| n.contains("throttled by Buildkite REST API")));
    let asked = fake.requests().len();
    let again = backend.fleet("ci-linux").await.expect("fleet");
    assert_eq!(fake.requests().len(), asked, "not asked again within RateLimit-Reset");
    assert!(
        again
            .agents_note
            .as_deref()
            .is_some_and(|n| n.contains("asked to wait 49 s") || n.contains("asked to wait 50 s")),
        "{:?}",
        again.agents_note
    );
    assert_eq!(
        again.instances.iter().find(|i| i.id == ids[0]).map(|i| i.agents.state),
        Some(AgentState::Busy)
    );
}

#[tokio::test]
async fn scheduled_actions_that_move_min_size_are_shown() {
    let (_moto, sdk, backend) = setup().await;
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    let group = backend.fleet("ci-linux").await.expect("fleet").asg_name;
    // The stack's EnableScheduledScaling actions: <Stack>-ScaleUp and <Stack>-ScaleDown.
    asg.put_scheduled_update_group_action()
        .auto_scaling_group_name(&group)
        .scheduled_action_name("ci-linux-ScaleUp")
        .recurrence("0 8 * * MON-FRI")
        .min_size(1)
        .send()
        .await
        .expect("put");
    // A new backend: the first read is cached for five minutes.
    let backend = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    assert_eq!(fleet.scheduled.len(), 1);
    assert_eq!(fleet.scheduled[0].describe(), "ci-linux-ScaleUp sets MinSize 1 at `0 8 * * MON-FRI`");
    let stack =
        backend.stacks().await.expect("stacks").into_iter().find(|s| s.name == "ci-linux").expect("stack");
    let warnings = bkops::analysis::warnings(&stack, None, Some(&fleet));
    assert!(warnings.iter().any(|w| w.code == "scheduled_action"), "{warnings:?}");
}

#[tokio::test]
async fn logs_of_one_instance_come_merged_from_several_groups() {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    use bkops::logs::{Notice, TailSpec, read_range};

    let (_moto, sdk, backend) = setup().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let me = "i-0aaaaaaaaaaaaaaa1";
    let now = bkops::clock::Clock::System.now().millis();
    let put = |group: &'static str, stream: &'static str, lines: Vec<(i64, &'static str)>| {
        let logs = logs.clone();
        async move {
            let _ = logs.create_log_group().log_group_name(group).send().await;
            logs.create_log_stream()
                .log_group_name(group)
                .log_stream_name(stream)
                .send()
                .await
                .expect("stream");
            let mut req = logs.put_log_events().log_group_name(group).log_stream_name(stream);
            for (ms, m) in lines {
                req = req.log_events(
                    InputLogEvent::builder().timestamp(now - 60_000 + ms).message(m).build().expect("event"),
                );
            }
            req.send().await.expect("put");
        }
    };
    put(
        "/buildkite/elastic-stack",
        me,
        vec![(0, "Starting /usr/local/bin/bk-install-elastic-stack.sh..."), (3_000, "Disk space free: 182G")],
    )
    .await;
    put(
        "/buildkite/buildkite-agent",
        me,
        vec![(1_000, "Registering agent with Buildkite..."), (2_000, "Waiting for instructions...")],
    )
    .await;
    put("/buildkite/elastic-stack", "i-0bbbbbbbbbbbbbbb2", vec![(500, "another instance's line")]).await;

    let spec = TailSpec {
        instance: me.into(),
        groups: vec![
            "/buildkite/buildkite-agent".into(),
            "/buildkite/elastic-stack".into(),
            "/buildkite/docker-daemon".into(),
        ],
        start: Some(bkops::domain::Timestamp(now - 3_600_000)),
        end: None,
        pattern: None,
    };
    let (events, notices) = read_range(&backend, &spec).await;
    let messages: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Starting /usr/local/bin/bk-install-elastic-stack.sh...",
            "Registering agent with Buildkite...",
            "Waiting for instructions...",
            "Disk space free: 182G"
        ],
        "merged in time order; other instances' streams never appear"
    );
    assert!(events.iter().all(|e| e.stream == me && !e.event_id.is_empty()));
    assert_eq!(
        notices,
        [Notice::MissingGroup("/buildkite/docker-daemon".into())],
        "a missing group is a notice"
    );
}

#[tokio::test]
async fn the_disk_column_reads_the_disk_checks_own_lines() {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    use bkops::domain::DiskSignal;

    let (_moto, sdk, backend) = setup().await;
    let ids: Vec<String> =
        backend.fleet("ci-linux").await.expect("fleet").instances.iter().map(|i| i.id.clone()).collect();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let group = "/buildkite/elastic-stack";
    logs.create_log_group().log_group_name(group).send().await.expect("group");
    let now = bkops::clock::Clock::System.now().millis();
    // The real lines of bk-check-disk-space.sh and docker-low-disk-gc (the stack's section 6).
    let streams = [
        (
            &ids[0],
            vec![
                "Not enough disk space free: 3.1G (3250586KB) available, cutoff is 5.0GiB (5242880KB) 🚨",
                "Cleaning up docker resources older than 4h to free disk space",
                "Insufficient disk space after cleanup.",
                "Marking instance as unhealthy",
            ],
        ),
        (
            &ids[1],
            vec![
                "Disk space free: 182G",
                "Inodes free: 12M",
                "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 254 on line 219.",
            ],
        ),
    ];
    for (id, lines) in streams {
        logs.create_log_stream().log_group_name(group).log_stream_name(id).send().await.expect("stream");
        let mut req = logs.put_log_events().log_group_name(group).log_stream_name(id);
        for (n, line) in lines.into_iter().enumerate() {
            req = req.log_events(
                InputLogEvent::builder().timestamp(now - 60_000 + n as i64).message(line).build().expect("e"),
            );
        }
        req.send().await.expect("put");
    }
    // A new backend: the first one cached "no lines" for a minute.
    let backend = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    let fleet = backend.fleet("ci-linux").await.expect("fleet");
    let disk = |id: &str| fleet.instances.iter().find(|i| i.id == id).expect("instance").disk;
    assert_eq!(disk(&ids[0]), DiskSignal::Full);
    assert_eq!(disk(&ids[1]), DiskSignal::Ok);
    let boot = |id: &str| fleet.instances.iter().find(|i| i.id == id).expect("instance").boot_failed;
    assert!(!boot(&ids[0]) && boot(&ids[1]), "the failed bootstrap is flagged, from the same call");
    let calls = backend.calls.snapshot();
    assert_eq!(
        calls.get(&(ACCOUNT.to_string(), "logs:FilterLogEvents")),
        Some(&1),
        "one call for the whole group"
    );
}

#[tokio::test]
async fn bkops_logs_reads_the_local_endpoint() {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;

    let (moto, sdk, backend) = setup().await;
    let id = backend.fleet("ci-linux").await.expect("fleet").instances[0].id.clone();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let now = bkops::clock::Clock::System.now().millis();
    for (group, offset, line) in [
        (
            "/buildkite/elastic-stack",
            0,
            "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 254 on line 219.",
        ),
        (
            "/buildkite/cloud-init/output",
            1_000,
            "util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [254]",
        ),
    ] {
        let _ = logs.create_log_group().log_group_name(group).send().await;
        logs.create_log_stream().log_group_name(group).log_stream_name(&id).send().await.expect("stream");
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name(&id)
            .log_events(
                InputLogEvent::builder().timestamp(now - 120_000 + offset).message(line).build().expect("e"),
            )
            .send()
            .await
            .expect("put");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["logs", &id, "--format", "json", "--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-aws-logs"))
        .env("XDG_CACHE_HOME", std::env::temp_dir().join("bkops-aws-logs"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let groups: Vec<&str> = lines.iter().filter_map(|l| l["group"].as_str()).collect();
    assert_eq!(groups, ["/buildkite/elastic-stack", "/buildkite/cloud-init/output"], "merged in time order");
    // The two default groups nobody wrote to are reported, once each, and are not fatal.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("log group /buildkite/buildkite-agent does not exist here"), "{err}");
}

/// Creates a log group (unless it exists) and a stream in it.
async fn log_stream(logs: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str) {
    let _ = logs.create_log_group().log_group_name(group).send().await;
    logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await.expect("stream");
}

/// Writes one line to a stream.
async fn put_line(logs: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str, ms: i64, message: &str) {
    let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
        .timestamp(ms)
        .message(message)
        .build()
        .expect("event");
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .log_events(event)
        .send()
        .await
        .expect("put");
}

#[tokio::test]
async fn a_follow_picks_up_lines_put_after_it_started() {
    use bkops::domain::Timestamp;
    use bkops::logs::{Follower, TailSpec, read_range};

    let (_moto, sdk, backend) = setup().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let (group, me) = ("/buildkite/buildkite-agent", "i-0aaaaaaaaaaaaaaa1");
    log_stream(&logs, group, me).await;
    let now = bkops::clock::Clock::System.now().millis();
    let put = |ms: i64, m: &'static str| {
        let logs = logs.clone();
        async move { put_line(&logs, group, me, ms, m).await }
    };
    put(now - 30_000, "Registering agent with Buildkite...").await;
    let spec = TailSpec {
        instance: me.into(),
        groups: vec![group.into()],
        start: Some(Timestamp(now - 3_600_000)),
        end: None,
        pattern: None,
    };
    let (first, notices) = read_range(&backend, &spec).await;
    assert_eq!(first.len(), 1);
    let mut follower = Follower::after(spec, &first, &notices);

    put(now - 20_000, "Waiting for instructions...").await;
    put(now - 10_000, "Assigned job 0190b9a3. Accepting...").await;
    let later = Timestamp(now + 5_000);
    let (new, _) = follower.poll(&backend, later).await;
    let messages: Vec<&str> = new.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["Waiting for instructions...", "Assigned job 0190b9a3. Accepting..."]);
    let (again, _) = follower.poll(&backend, later).await;
    assert!(again.is_empty(), "nothing twice");
}

#[tokio::test]
async fn live_tail_sessions_follow_one_stream_and_hand_back_to_polling_when_they_end() {
    use bkops::backend::{LiveQuery, LogSource};
    use bkops::domain::Timestamp;
    use bkops::logs::{Follower, Notice, TailSpec, read_range};

    let (_moto, sdk, backend) = setup().await;
    let backend = std::sync::Arc::new(backend);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let (group, me, other) = ("/buildkite/buildkite-agent", "i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2");
    log_stream(&logs, group, me).await;
    log_stream(&logs, group, other).await;
    let now = bkops::clock::Clock::System.now().millis();
    let put = |stream: &'static str, ms: i64, m: &'static str| {
        let logs = logs.clone();
        async move { put_line(&logs, group, stream, ms, m).await }
    };
    put(me, now - 30_000, "Registering agent with Buildkite...").await;
    put(other, now - 25_000, "another instance's line").await;

    // One session, read off the event stream as StartLiveTail sends it.
    let q = LiveQuery { group: group.into(), stream: me.into(), pattern: None };
    let mut session = backend.live_tail(&q).await.expect("a session");
    let update = session.next().await.expect("an update").expect("not ended");
    let lines: Vec<(&str, &str, &str)> =
        update.events.iter().map(|e| (e.group.as_str(), e.stream.as_str(), e.message.as_str())).collect();
    assert_eq!(lines, [(group, me, "Registering agent with Buildkite...")], "only this instance's stream");
    assert!(!update.sampled);
    let missing = LiveQuery { group: "/buildkite/docker-daemon".into(), ..q };
    assert!(
        matches!(backend.live_tail(&missing).await, Err(bkops::domain::BackendError::NotFound { .. })),
        "a missing group is not found"
    );

    // The follower: what the range read showed is not shown again, a line written between the
    // range read and the session's start is shown once, and when the session ends (the local
    // server ends it after one update) the group is polled.
    let spec = TailSpec {
        instance: me.into(),
        groups: vec![group.into()],
        start: Some(Timestamp(now - 3_600_000)),
        end: None,
        pattern: None,
    };
    let (first, notices) = read_range(backend.as_ref(), &spec).await;
    assert_eq!(first.len(), 1);
    let mut follower = Follower::after(spec, &first, &notices);
    follower.reorder_ms = 0;
    put(me, now - 20_000, "Waiting for instructions...").await;
    let opened = follower.go_live(backend.clone()).await;
    assert_eq!(opened, [Notice::Live(group.into())]);
    let mut shown = Vec::new();
    let mut said = Vec::new();
    for _ in 0..50 {
        let (new, notices) = follower.poll(backend.as_ref(), Timestamp(now + 5_000)).await;
        shown.extend(new.into_iter().map(|e| e.message));
        said.extend(notices);
        if !follower.is_live(group) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(shown, ["Waiting for instructions..."], "once, though both the catch-up and Live Tail had it");
    assert!(
        matches!(said.as_slice(), [Notice::LivePolling { why, .. }] if why == "the session ended"),
        "{said:?}"
    );
    put(me, now - 10_000, "Assigned job 0190b9a3. Accepting...").await;
    // At its next round, a polled group's pace (2 s after a read).
    let (new, _) = follower.poll(backend.as_ref(), Timestamp(now + 7_000)).await;
    let messages: Vec<&str> = new.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["Assigned job 0190b9a3. Accepting..."], "polled after the session ended");
}

#[tokio::test]
async fn bkops_logs_live_says_how_it_follows_and_keeps_following() {
    use std::io::BufRead;

    let (moto, sdk, _backend) = setup().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let (group, me) = ("/buildkite/buildkite-agent", "i-0aaaaaaaaaaaaaaa1");
    log_stream(&logs, group, me).await;
    let put = |m: &'static str| {
        let logs = logs.clone();
        let now = bkops::clock::Clock::System.now().millis();
        async move { put_line(&logs, group, me, now - 3_000, m).await }
    };
    put("Registering agent with Buildkite...").await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["logs", me, "--live", "--group", "agent", "--poll", "1", "--no-timestamps"])
        .args(["--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-aws-live"))
        .env("XDG_CACHE_HOME", std::env::temp_dir().join("bkops-aws-live"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    for pipe in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let mut seen = Vec::new();
    let wait_for = |want: &str, seen: &mut Vec<String>| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !seen.iter().any(|l| l.contains(want)) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => panic!("no {want:?} in {seen:#?}"),
            }
        }
    };
    wait_for("Registering agent with Buildkite...", &mut seen);
    wait_for("following /buildkite/buildkite-agent with Live Tail", &mut seen);
    // The local server ends each session after its first update, as a 3-hour session ends.
    wait_for("/buildkite/buildkite-agent: no Live Tail (the session ended); polling", &mut seen);
    put("Waiting for instructions...").await;
    wait_for("Waiting for instructions...", &mut seen);
    let _ = child.kill();
    let _ = child.wait();
    let registering = seen.iter().filter(|l| l.contains("Registering agent")).count();
    assert_eq!(registering, 1, "the session's replay of a shown line is not shown again: {seen:#?}");
}

#[tokio::test]
async fn hostile_lines_from_cloudwatch_reach_the_terminal_as_visible_text() {
    let (moto, sdk, _backend) = setup().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let (group, me) = ("/buildkite/buildkite-agent", "i-0aaaaaaaaaaaaaaa1");
    log_stream(&logs, group, me).await;
    let now = bkops::clock::Clock::System.now().millis();
    // Invalid UTF-8 cannot travel in CloudWatch's JSON: the agent that ships the logs sends
    // U+FFFD in its place, as from_utf8_lossy does.
    let invalid = String::from_utf8_lossy(&[b'b', b'a', b'd', 0xff, 0xfe]).into_owned();
    let big = format!("big {}", "x".repeat(256 * 1024 - 30));
    let hostile =
        ["\x1b]0;owned\x07\x1b[2J\x1b[31mred", "nul\0byte\r\u{9b}31m", invalid.as_str(), big.as_str()];
    for (i, line) in hostile.iter().enumerate() {
        put_line(&logs, group, me, now - 10_000 + i as i64, line).await;
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["logs", me, "--group", "agent", "--no-timestamps"])
        .args(["--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("XDG_STATE_HOME", std::env::temp_dir().join("bkops-aws-hostile"))
        .env("XDG_CACHE_HOME", std::env::temp_dir().join("bkops-aws-hostile"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8 out");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "no control character reaches the terminal");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "one line each, the big one whole");
    assert_eq!(lines[0], "buildkite-agent \\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred");
    assert_eq!(lines[1], "buildkite-agent nul\\x00byte\\x0d\\x9b31m");
    assert_eq!(lines[2], "buildkite-agent bad\u{fffd}\u{fffd}");
    assert_eq!(lines[3].len(), "buildkite-agent ".len() + big.len());
}

#[tokio::test]
async fn the_scalers_own_log_is_read_from_its_functions_log_group() {
    use bkops::domain::scaler_log::Outcome;
    use bkops::domain::scaler_log::ScalerRead;

    let (_moto, sdk, backend) = setup().await;
    let group = support::moto::scaler_group(&sdk, "ci-linux").await;
    // No group yet (a stack older than the log's retention, or a scaler that never ran).
    match backend.scaler_log("ci-linux", recent()).await.expect("read") {
        ScalerRead::Missing { group: g } => assert_eq!(g, group),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        backend.scaler_log("ci-windows", recent()).await,
        Ok(ScalerRead::None),
        "a fixed-size stack has no scaler"
    );
    // The scaler's real lines: a run whose SetDesiredCapacity is refused.
    let lines = [
        "START RequestId: 6f1c2b7a-0000-4000-8000-000000000000 Version: $LATEST",
        "2026/11/30 07:31:40 buildkite-agent-scaler version 1.12.0 build 23",
        "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
        "2026/11/30 07:31:40 ↳ Agents: idle=0, busy=2, total=2",
        "2026/11/30 07:31:40 ↳ Jobs: scheduled=14, running=2, waiting=0 (took 112ms)",
        "2026/11/30 07:31:40 ↳ Got pending=0, desired=2, actual=2, min=2, max=10 (took 48ms)",
        "2026/11/30 07:31:40 Scaling decision: calculated desired 16 instances. ASG current desired: 2, ASG actual running: 2 (approx 4 agents), Buildkite scheduled: 14, running: 2, waiting: 0 Action: Scale out from 2 to 16",
        "2026/11/30 07:31:40 Scaling error: ValidationError: New SetDesiredCapacity value 16 is above max value 10",
        "a line of a newer scaler",
    ];
    support::moto::put_scaler_lines(&sdk, &group, 60_000, &lines).await;
    let ScalerRead::Read(log) = backend.scaler_log("ci-linux", recent()).await.expect("read") else {
        panic!("read")
    };
    let run = log.last_run().expect("a run");
    assert_eq!(run.jobs, Some([14, 2, 0]));
    assert_eq!(run.calculated, Some(16));
    assert_eq!(
        run.outcome,
        Outcome::Error {
            text: "ValidationError: New SetDesiredCapacity value 16 is above max value 10".into()
        }
    );
    assert_eq!(log.unknown_lines, 1);
    assert!(log.last_invocation.is_some());
    // The function was learnt with the stack's rule: never looked up on its own.
    let calls = backend.calls.snapshot();
    assert_eq!(
        calls.get(&("ci-linux".to_string(), "cloudformation:DescribeStackResource")),
        None,
        "{calls:?}"
    );
}

/// Far enough back for every scaler line these tests write.
fn recent() -> bkops::domain::Timestamp {
    bkops::clock::Clock::System.now().plus_secs(-bkops::domain::scaler_log::READ_SECS)
}

#[tokio::test]
async fn bkops_logs_reads_only_what_finding_the_instances_groups_needs() {
    // Counted at the server. A Windows instance: its groups are not the Linux defaults, so
    // its stack must be found; nothing else of any stack is read.
    let (moto, sdk, backend) = setup().await;
    let fleet = backend.fleet("ci-windows").await.expect("fleet");
    let id = fleet.instances[0].id.clone();
    // CloudFormation tags each group it creates with its stack's name; the local server does
    // not, so the test does what it would.
    let tag = aws_sdk_autoscaling::types::Tag::builder()
        .resource_id(&fleet.asg_name)
        .resource_type("auto-scaling-group")
        .key("aws:cloudformation:stack-name")
        .value("ci-windows")
        .propagate_at_launch(false)
        .build();
    aws_sdk_autoscaling::Client::new(&sdk).create_or_update_tags().tags(tag).send().await.expect("tag");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let now = bkops::clock::Clock::System.now().millis();
    log_stream(&logs, "/buildkite/EC2Launch/UserdataExecution", &id).await;
    put_line(&logs, "/buildkite/EC2Launch/UserdataExecution", &id, now - 60_000, "Windows is Ready to use")
        .await;
    let start = moto.operations().len();
    let out = support::moto::bkops(&moto.endpoint, "bkops-aws-logs-only")
        .args(["logs", &id, "--format", "json", "--region", REGION])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Windows is Ready to use"),
        "the Windows group is read"
    );
    let ops: Vec<String> = moto.operations()[start..].to_vec();
    let reads = ops.iter().filter(|o| *o == "FilterLogEvents").count();
    assert_eq!(reads, 3, "the three Windows groups, once each: {ops:?}");
    let others: Vec<&String> = ops.iter().filter(|o| *o != "FilterLogEvents").collect();
    assert!(others.len() <= 3, "the instance's group, its stack, and nothing more: {others:?}");
    for needless in ["ListStackResources", "GetParameter", "GetParameters", "DescribeScheduledActions"] {
        assert!(!ops.iter().any(|o| o == needless), "{needless} is not needed to read logs: {ops:?}");
    }
}

#[tokio::test]
async fn the_queue_is_asked_again_once_its_poll_duration_has_passed_and_not_before() {
    let fake = FakeBuildkite::start();
    let settings = BuildkiteSettings {
        destinations: Destinations::new(None, None, std::slice::from_ref(&fake.url)).expect("trusted"),
        ..Default::default()
    };
    let (_moto, sdk, backend) = setup_with(&fake.url, settings).await;
    put_token(&sdk, "/ci-linux/buildkite/agent-token", "bkua_from_ssm").await;
    fake.metrics(Reply::json(200, &queue_body("acme", 7, 2, 1, 0, 2)).header(POLL_DURATION_HEADER, "3"));
    fake.metrics(Reply::json(200, &queue_body("acme", 1, 2, 1, 0, 2)).header(POLL_DURATION_HEADER, "3"));
    assert_eq!(backend.queue("ci-linux").await.expect("first").scheduled, 7);
    // Past the one-second just-read window, inside the poll duration: the last answer.
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(backend.queue("ci-linux").await.expect("inside").scheduled, 7);
    assert_eq!(fake.requests().len(), 1, "not asked inside its poll duration");
    // After it: asked again, and the new numbers shown.
    tokio::time::sleep(std::time::Duration::from_millis(1_800)).await;
    assert_eq!(backend.queue("ci-linux").await.expect("after").scheduled, 1, "asked again after it");
    assert_eq!(fake.requests().len(), 2);
}
