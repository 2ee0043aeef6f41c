//! `cargo bench --profile dev --bench calls`: what the dashboard costs in AWS calls, against
//! the local AWS API server behind a proxy that adds 45 ms to every call (a far region), with
//! 2 stacks and with 50: the time to the first stack list, and the calls a minute, by
//! operation, while it shows a stack and nobody touches it (counted by bkops' own counter,
//! which the tests check against the server's). Prints figures; asserts nothing.
//!
//! BKOPS_BENCH_CALLS_SECS sets the idle period (default 60), BKOPS_BENCH_CALLS_STACKS the
//! stack counts (default `2,50`); BKOPS_BENCH_CALLS_INCIDENTS=off turns off the background read
//! of every stack for its incidents (`[watch] dashboard = false`; on by default, as in bkops). Needs the venv
//! `tests/aws/setup-moto.sh` makes.

#[path = "../tests/support/buildkite.rs"]
#[allow(dead_code)]
mod buildkite;
#[path = "../tests/support/faults.rs"]
#[allow(dead_code)]
mod faults;
#[path = "../tests/support/moto.rs"]
#[allow(dead_code)]
mod moto;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
use aws_credential_types::Credentials;
use bkops::app::{AppState, Msg};
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::LiveBackend;
use bkops::clock::Clock;
use bkops::domain::Secret;
use bkops::runtime::settle;

const LATENCY: Duration = Duration::from_millis(45);

async fn measure(stacks: usize, secs: u64) {
    let moto = moto::Moto::start();
    let direct = moto.sdk("us-east-1").await;
    let fake = buildkite::FakeBuildkite::start();
    if stacks == 2 {
        moto::deploy(&moto, &direct, &fake.url).await;
    } else {
        moto::deploy_many(&moto, &direct, stacks).await;
    }
    // An incident that does not move: the shown stack keeps one Unhealthy instance (the group
    // is never "healthy", though nothing about it changes).
    let shown = if stacks == 2 { "ci-linux" } else { "fleet-00" };
    // Each stack's agent token in its own parameter, where the stack keeps it: what
    // `bkops status` reads when no token is given.
    let names: Vec<String> = if stacks == 2 {
        vec!["ci-linux".into(), "ci-windows".into()]
    } else {
        (0..stacks).map(|i| format!("fleet-{i:02}")).collect()
    };
    for name in &names {
        moto::put_token(&direct, &format!("/{name}/buildkite/agent-token"), "bkua_bench").await;
    }
    let stuck = keep_unhealthy(&direct, shown).await;
    for _ in 0..(secs as usize * stacks * 2 + 100) {
        fake.metrics(buildkite::Reply::json(200, &buildkite::queue_body("acme", 3, 2, 0, 0, 2)));
    }
    let proxy = faults::FaultProxy::start(&moto.endpoint);
    proxy.latency(LATENCY);
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&proxy.url)
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .retry_config(RetryConfig::disabled())
        .load()
        .await;
    let settings = BuildkiteSettings {
        agent_token: Some(Secret::new("bkua_bench")),
        api_token: None,
        destinations: fake.destinations(),
        trusted_token_parameters: Vec::new(),
    };
    let backend = LiveBackend::new(&sdk, None, settings);
    let calls = backend.calls.clone();
    let mut backends = backend.backends();
    backends.audit_log = None;

    // The local server alone (it answers one request at a time), for comparison.
    let alone = LiveBackend::new(&direct, None, BuildkiteSettings::default());
    let t0 = Instant::now();
    let _ = bkops::backend::StackSource::stacks(&alone).await;
    let served = t0.elapsed();

    let t0 = Instant::now();
    let found = backends.stacks.stacks().await.map(|s| s.len()).unwrap_or(0);
    let first = t0.elapsed();
    let learnt = calls.total();

    // A returning operator: what the last run learnt of each stack's resources is kept on disk.
    let kept =
        std::env::temp_dir().join(format!("bkops-bench-discovery-{}-{stacks}.json", std::process::id()));
    let _ = std::fs::remove_file(&kept);
    let earlier = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    earlier.keep_discovery_in(Some(kept.clone()));
    let _ = bkops::backend::StackSource::stacks(&earlier).await;
    let returning = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    returning.keep_discovery_in(Some(kept.clone()));
    let t0 = Instant::now();
    let _ = bkops::backend::StackSource::stacks(&returning).await;
    let warm_first = t0.elapsed();
    let warm_calls = returning.calls.total();
    let _ = std::fs::remove_file(&kept);

    let mut state = AppState::new("bench", Clock::System.now(), (160, 48));
    state.settings.incidents = std::env::var("BKOPS_BENCH_CALLS_INCIDENTS").as_deref() != Ok("off");
    settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;
    let before = calls.snapshot();
    let start = Instant::now();
    for n in 1..=secs {
        tokio::time::sleep_until((start + Duration::from_secs(n)).into()).await;
        settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;
    }
    let after = calls.snapshot();
    let mut by_op: BTreeMap<&str, u64> = BTreeMap::new();
    for ((stack, op), n) in &after {
        let was = before.get(&(stack.clone(), *op)).copied().unwrap_or(0);
        *by_op.entry(op).or_default() += n - was;
    }
    // The log view of the Unhealthy instance, opened and left alone for a minute: what its
    // first minute reads (polled: the local server has no streaming Live Tail).
    write_instance_logs(&direct, &stuck).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ssm = bkops::ssm::session::ClientSettings {
        choice: bkops::ssm::session::ClientChoice::Native,
        plugin: None,
    };
    let mut executor = bkops::runtime::Executor::new(backends.clone(), tx, ssm);
    let groups: Vec<String> = bkops::domain::groups::default_groups(bkops::domain::Os::Linux)
        .into_iter()
        .map(String::from)
        .collect();
    let opened = calls.snapshot();
    let t0 = Instant::now();
    executor.run(bkops::app::Effect::StartTail { instance: stuck.clone(), groups, from: None, live: false });
    let mut lines = 0;
    while t0.elapsed() < Duration::from_secs(60) {
        let left = Duration::from_secs(60).saturating_sub(t0.elapsed());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Msg::LogLines { lines: l, .. })) => lines += l.len(),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    executor.run(bkops::app::Effect::StopTail);
    let after_view = calls.snapshot();
    let filtered = |snap: &BTreeMap<(String, &'static str), u64>| {
        snap.iter().filter(|((_, op), _)| *op == "logs:FilterLogEvents").map(|(_, n)| *n).sum::<u64>()
    };
    let view_reads = filtered(&after_view) - filtered(&opened);
    let total: u64 = by_op.values().sum();
    let per_minute = |n: u64| n as f64 * 60.0 / secs as f64;
    println!(
        "{stacks} stacks ({found} found), {} ms a call, {shown} keeps {stuck} Unhealthy:",
        LATENCY.as_millis()
    );
    println!(
        "  first stack list: {:.2} s, {learnt} calls (the local server alone: {:.2} s)",
        first.as_secs_f64(),
        served.as_secs_f64()
    );
    println!(
        "  first stack list, stacks' resources kept on disk from a run before: {:.2} s, {warm_calls} calls",
        warm_first.as_secs_f64()
    );
    let background = if state.settings.incidents { "on" } else { "off" };
    println!(
        "  idle dashboard, {secs} s (every stack's incidents read in the background: {background}): {:.1} calls a minute",
        per_minute(total)
    );
    for (op, n) in by_op {
        println!("    {op:<40} {:>6.1}", per_minute(n));
    }
    println!("  log view of {stuck}, first minute: {view_reads} FilterLogEvents ({lines} lines shown)");
    // `bkops status`, the real binary, twice: cold, then with what the first run kept; no token
    // given, so each stack's is read from its parameter.
    let home = std::env::temp_dir().join(format!("bkops-bench-calls-{}-{stacks}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    // Then one evaluation of `bkops watch` (what it reads each interval), warm.
    for run in ["cold", "warm", "watch"] {
        let seen = proxy.seen().len();
        let t0 = Instant::now();
        let command: &[&str] = if run == "watch" {
            &["watch", "--once", "--format", "json"]
        } else {
            &["status", "--format", "json"]
        };
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
            .args(command)
            .args(["--region", "us-east-1", "--endpoint-url", &proxy.url])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("BUILDKITE_AGENT_TOKEN")
            .env("BUILDKITE_AGENT_ENDPOINT", &fake.url)
            .env("XDG_STATE_HOME", &home)
            .env("XDG_CACHE_HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .output()
            .expect("bkops runs");
        let wall = t0.elapsed();
        let ops = proxy.seen().split_off(seen);
        println!(
            "  bkops {}, {run}: {} AWS calls, {:.2} s (exit {})",
            command[0],
            ops.len(),
            wall.as_secs_f64(),
            out.status.code().unwrap_or(-1)
        );
        let mut by_op: BTreeMap<String, usize> = BTreeMap::new();
        for op in ops {
            *by_op.entry(op).or_default() += 1;
        }
        for (op, n) in by_op {
            println!("    {op:<40} {n:>6}");
        }
    }
}

/// What an Unhealthy instance's groups hold: the agent's last lines 10 minutes ago, the disk
/// check's verdict 5 minutes ago, cloud-init's output at boot; dockerd wrote nothing.
async fn write_instance_logs(sdk: &aws_config::SdkConfig, id: &str) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    let now = Clock::System.now().millis();
    let written: [(&str, i64, &[&str]); 4] = [
        ("/buildkite/buildkite-agent", 600, &["Waiting for instructions...", "Job finished"]),
        (
            "/buildkite/elastic-stack",
            300,
            &["Insufficient disk space after cleanup.", "Marking instance as unhealthy"],
        ),
        ("/buildkite/cloud-init/output", 3000, &["Cloud-init v. 22.2.2 finished"]),
        ("/buildkite/docker-daemon", 0, &[]),
    ];
    for (group, ago, lines) in written {
        let _ = logs.create_log_group().log_group_name(group).send().await;
        let _ = logs.create_log_stream().log_group_name(group).log_stream_name(id).send().await;
        if lines.is_empty() {
            continue;
        }
        let mut put = logs.put_log_events().log_group_name(group).log_stream_name(id);
        for (n, line) in lines.iter().enumerate() {
            let e = InputLogEvent::builder().timestamp(now - ago * 1000 + n as i64).message(*line).build();
            put = put.log_events(e.expect("event"));
        }
        put.send().await.expect("lines");
    }
}

/// Gives the stack's group an instance (if it has none) and marks one Unhealthy, as the
/// stack's disk check does; returns its ID.
async fn keep_unhealthy(sdk: &aws_config::SdkConfig, stack: &str) -> String {
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    let group = |out: &aws_sdk_autoscaling::operation::describe_auto_scaling_groups::DescribeAutoScalingGroupsOutput| {
        out.auto_scaling_groups()
            .iter()
            .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with(stack)))
            .cloned()
    };
    let out = asg.describe_auto_scaling_groups().send().await.expect("groups");
    let g = group(&out).expect("the stack's group");
    let name = g.auto_scaling_group_name().unwrap_or_default().to_string();
    if g.instances().is_empty() {
        asg.set_desired_capacity()
            .auto_scaling_group_name(&name)
            .desired_capacity(1)
            .send()
            .await
            .expect("desired");
    }
    let out = asg.describe_auto_scaling_groups().auto_scaling_group_names(&name).send().await.expect("group");
    let id = group(&out)
        .and_then(|g| g.instances().first().and_then(|i| i.instance_id()).map(String::from))
        .expect("an instance");
    asg.set_instance_health().instance_id(&id).health_status("Unhealthy").send().await.expect("unhealthy");
    id
}

fn main() {
    let secs: u64 = std::env::var("BKOPS_BENCH_CALLS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let sizes: Vec<usize> = std::env::var("BKOPS_BENCH_CALLS_STACKS")
            .ok()
            .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![2, 50]);
        for stacks in sizes {
            measure(stacks, secs).await;
        }
    });
}
