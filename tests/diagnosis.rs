//! One diagnosis on every surface, right when the world is messy: a laptop of no stack idle on
//! the queue, an idle agent on an instance whose disk is full, and a scaler held by its
//! cooldown. Through the binary against a local AWS API server (Buildkite's APIs faked, as
//! they cannot run here), and on the demo through the dashboard's own state and drawing.

mod support;

use std::process::{Command, Output};

use aws_config::SdkConfig;
use bkops::app::{AppState, Msg};
use bkops::backend::sim::{SimBackend, World};
use bkops::clock::Clock;
use bkops::domain::Timestamp;
use bkops::runtime::settle;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::buildkite::{FakeBuildkite, Reply, queue_body};
use support::moto::Moto;

const REGION: &str = "us-east-1";

fn bkops(moto: &Moto, state: &std::path::Path, fake: &FakeBuildkite, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bkops"))
        .env("BUILDKITE_AGENT_TOKEN", "bkua_test")
        .env("BUILDKITE_API_TOKEN", "bkua_api_test")
        .env("BUILDKITE_AGENT_ENDPOINT", &fake.url)
        .env("BUILDKITE_API_ENDPOINT", &fake.api_url)
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

async fn instance_ids(sdk: &SdkConfig) -> Vec<String> {
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    let out = asg.describe_auto_scaling_groups().send().await.expect("groups");
    let g = out
        .auto_scaling_groups()
        .iter()
        .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with("ci-linux")))
        .expect("ci-linux's group");
    g.instances().iter().filter_map(|i| i.instance_id().map(String::from)).collect()
}

/// The agent list as Buildkite's REST API gives it: `ids[0]`'s two agents busy, `ids[1]`'s two
/// idle, and a laptop on the queue with no stack tag.
fn agent_list(ids: &[String]) -> String {
    let agent = |n: u32, instance: &str, job: &str| {
        format!(
            r#"{{"id":"a{n}","name":"ci-linux-{instance}-{n}","connection_state":"connected","job":{job},"meta_data":["queue=default","stack=ci-linux","aws:instance-id={instance}"]}}"#
        )
    };
    let laptop = r#"{"id":"l1","name":"dev-laptop-1","connection_state":"connected","job":null,"meta_data":["queue=default"]}"#;
    format!(
        "[{},{},{},{},{laptop}]",
        agent(1, &ids[0], r#"{"id":"j1"}"#),
        agent(2, &ids[0], r#"{"id":"j2"}"#),
        agent(3, &ids[1], "null"),
        agent(4, &ids[1], "null"),
    )
}

/// `ids[1]`'s disk check gave up on it and marked it Unhealthy, as the stack's script does.
async fn fill_disk(sdk: &SdkConfig, id: &str) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    let group = "/buildkite/elastic-stack";
    logs.create_log_group().log_group_name(group).send().await.expect("group");
    logs.create_log_stream().log_group_name(group).log_stream_name(id).send().await.expect("stream");
    let now = Clock::System.now().millis();
    let mut req = logs.put_log_events().log_group_name(group).log_stream_name(id);
    for (n, line) in
        ["Insufficient disk space after cleanup.", "Marking instance as unhealthy"].iter().enumerate()
    {
        let e = InputLogEvent::builder().timestamp(now - 5 * 60_000 + n as i64).message(*line).build();
        req = req.log_events(e.expect("event"));
    }
    req.send().await.expect("put");
    aws_sdk_autoscaling::Client::new(sdk)
        .set_instance_health()
        .instance_id(id)
        .health_status("Unhealthy")
        .send()
        .await
        .expect("unhealthy");
}

/// The scaler's last run, 89 s ago: it calculated 8 and was held by a cooldown of 316 s.
const COOLING: [&str; 4] = [
    "START RequestId: 6f1c2b7a-0000-4000-8000-000000000000 Version: $LATEST",
    "2026/12/07 03:10:00 Collecting Buildkite metrics for queue \"default\"",
    "2026/12/07 03:10:00 Scaling decision: calculated desired 8 instances. ASG current desired: 2, ASG actual running: 2 (approx 4 agents), Buildkite scheduled: 2, running: 2, waiting: 0 Action: No change needed",
    "2026/12/07 03:10:00 ⏲ Want to scale OUT but in cooldown for 316 seconds",
];

#[tokio::test]
async fn why_and_status_name_the_stranger_the_full_disk_and_the_cooldowns_end_and_agree() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    let fake = FakeBuildkite::start();
    support::moto::deploy(&moto, &sdk, &fake.url).await;
    let ids = instance_ids(&sdk).await;
    assert!(ids.len() >= 2, "{ids:?}");
    fill_disk(&sdk, &ids[1]).await;
    let scaler = support::moto::scaler_group(&sdk, "ci-linux").await;
    support::moto::put_scaler_lines(&sdk, &scaler, 89_000, &COOLING).await;
    // Three commands, each reading the queue and the agents once: 2 scheduled, 2 running,
    // and Buildkite counts 3 idle agents (the laptop and the full-disk instance's two).
    for _ in 0..3 {
        fake.metrics(Reply::json(200, &queue_body("acme", 2, 2, 0, 3, 2)));
        fake.agents(Reply::json(200, &agent_list(&ids)));
    }
    let state = std::env::temp_dir().join(format!("bkops-diagnosis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);

    let out = bkops(&moto, &state, &fake, &["why", "--stack", "ci-linux", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let why: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("why", &why);
    let d = &why["diagnosis"];
    assert_eq!(why["waiting_for_agents"], true, "3 idle agents, none able to take the jobs: {why}");
    assert_eq!(d["capacity"]["usable_idle"], 0, "{d}");
    let unusable: Vec<&str> = d["capacity"]["unusable"]
        .as_array()
        .expect("unusable")
        .iter()
        .filter_map(|u| u["agent"].as_str())
        .collect();
    assert_eq!(unusable, [format!("2 agents on {}", ids[1]).as_str(), "dev-laptop-1"], "{d}");
    // The scaler's cooldown, counted from its line's time: 316 s logged 89 s ago.
    assert_eq!(why["reasons"][0]["code"], "cooldown", "{why}");
    let cooldown = &d["scaler"]["cooldown"];
    let left = cooldown["left_secs"].as_i64().expect("left");
    assert!((150..=227).contains(&left), "{cooldown}");
    assert!(cooldown["ends_at"].is_string(), "{cooldown}");
    assert_eq!(d["scaler"]["calculated"], 8, "{d}");

    let out = bkops(&moto, &state, &fake, &["status", "--stack", "ci-linux", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("status", &status);
    let s = &status["stacks"][0];
    assert_eq!(s["why"][0]["code"], why["reasons"][0]["code"], "{s}");
    assert_eq!(s["diagnosis"]["summary"], d["summary"], "one answer: {s}");
    assert_eq!(s["diagnosis"]["capacity"], d["capacity"], "{s}");

    let out = bkops(&moto, &state, &fake, &["why", "--stack", "ci-linux"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for said in [
        "2 jobs wait and no agent that can take them is idle (3 agents idle on the queue cannot)",
        "1. scaler wants 8, cooldown ",
        "dev-laptop-1 belongs to no stack (jobs may target tags it lacks, or it is paused)",
        &format!("2 agents on {} are idle on an instance whose disk is full", ids[1]),
        "Scaler: the scaler calculated 8 instances",
    ] {
        assert!(text.contains(said), "{said:?} not in:\n{text}");
    }
}

const START: Timestamp = Timestamp(1_795_000_000_000);

async fn key(state: &mut AppState, backends: &bkops::backend::Backends, c: char) {
    let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    settle(state, backends, Msg::Key(k)).await;
}

fn screen(state: &AppState) -> String {
    let theme = bkops::theme::load("dark", None).expect("theme");
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| bkops::ui::draw(f, state, &theme)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_dashboard_the_fleet_row_status_and_why_give_the_demos_messy_queue_one_answer() {
    let clock = Clock::virtual_at(START);
    let mut backends = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    backends.audit_log = None;
    let mut state = AppState::new("demo", START, (200, 50));
    settle(&mut state, &backends, Msg::Tick(START)).await;
    // The demo's laptop and lingering full-disk instance are idle on ci-linux's queue from the
    // start; a burst soon leaves jobs with nothing to take them.
    let mut stuck = None;
    for _ in 0..300 {
        clock.advance_secs(1);
        settle(&mut state, &backends, Msg::Tick(clock.now())).await;
        if let Some(d) =
            state.diagnosis().filter(|d| d.reasons.iter().any(|r| r.code == "idle_agents_unusable"))
        {
            stuck = Some(d);
            break;
        }
    }
    let tui = stuck.expect("the demo's queue is stuck with idle agents that cannot take its jobs");
    assert!(tui.stuck, "{tui:?}");
    let unusable = &tui.capacity.as_ref().expect("capacity").unusable;
    assert!(unusable.iter().any(|u| u.agent == "dev-laptop-1"), "{unusable:?}");
    assert!(unusable.iter().any(|u| u.why.contains("disk is full")), "{unusable:?}");

    // `bkops status` and `bkops why` read the stack afresh, at the same moment: one answer.
    let report = bkops::snapshot::collect(&backends, &["ci-linux".to_string()], bkops::snapshot::Boots::Read)
        .await
        .expect("status");
    let status = &report.stacks[0];
    assert_eq!(status.diagnosis.summary, tui.summary);
    assert_eq!(status.diagnosis.headline(), tui.headline());
    assert_eq!(
        status.why.iter().map(|r| r.code).collect::<Vec<_>>(),
        tui.reasons.iter().map(|r| r.code).collect::<Vec<_>>()
    );
    // The fleet's row says the same first reason (or, for a cooldown, the scaler's countdown).
    let row = bkops::snapshot::line(status);
    let tail = row.tail_at(clock.now());
    let first = &tui.reasons[0];
    let said = if first.code == "cooldown" { "cooldown" } else { first.headline.as_str() };
    assert!(tail.contains(said), "{tail:?} against {first:?}");
    assert_eq!(row.waiting, tui.jobs_waiting);

    // The queue pane's border and the why window, as drawn.
    let drawn = screen(&state);
    assert!(drawn.contains(&format!("why: {}", first.headline)), "{drawn}");
    key(&mut state, &backends, 'W').await;
    let window = screen(&state);
    assert!(window.contains(&tui.summary[..60.min(tui.summary.len())]), "{window}");
    assert!(window.contains(&format!("1. {}", first.headline)), "{window}");
    assert!(window.contains("dev-laptop-1 belongs to no stack"), "{window}");
}
