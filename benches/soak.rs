//! Soak: the dashboard and the operator commands against the local AWS API server behind a
//! proxy that injects random faults (stalls before and after the server, resets, 500s,
//! throttling) for a fixed time. Reports what must all be zero: crashes, hangs, writes whose
//! outcome was not reported, and writes that reached the server with no audit line.
//!
//! `SOAK_SECS=600 cargo bench --bench soak` (10 minutes; `SOAK_SEED` picks the faults, and
//! `--profile dev` skips the release build). Needs tmux, and the venv `tests/aws/setup-moto.sh`
//! makes. Not a test: it measures, and its figures go in the README.

#[path = "../tests/support/faults.rs"]
#[allow(dead_code)]
mod faults;
#[path = "../tests/support/moto.rs"]
#[allow(dead_code)]
mod moto;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use faults::{Fault, FaultProxy};

const REGION: &str = "us-east-1";
const NOWHERE: &str = "http://127.0.0.1:9/v3";
const BIN: &str = env!("CARGO_BIN_EXE_bkops");

#[derive(Default, Debug)]
struct Tally {
    runs: u32,
    crashes: u32,
    hangs: u32,
    unreported: u32,
    audit_missing: u32,
    exit_ok: u32,
    exit_failed: u32,
}

fn is_write(op: &str) -> bool {
    !["Describe", "List", "Get", "Filter", "StartLiveTail", "/"].iter().any(|p| op.starts_with(p))
}

/// Runs one operator command through the proxy; `None` if it had to be killed.
fn run(endpoint: &str, home: &Path, args: &[&str], limit: Duration) -> Option<(i32, String)> {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--region", REGION, "--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("BUILDKITE_AGENT_ENDPOINT", NOWHERE)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bkops runs");
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            let out = child.wait_with_output().expect("output");
            return Some((
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn audit(home: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(home.join("state/bkops/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux").arg("-L").arg(socket).args(args).output().expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn main() {
    let secs: u64 = std::env::var("SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(600);
    let seed: u64 = std::env::var("SOAK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let moto = moto::Moto::start();
    let sdk = rt.block_on(moto.sdk(REGION));
    rt.block_on(moto::deploy(&moto, &sdk, NOWHERE));
    let proxy = FaultProxy::start(&moto.endpoint);
    // One request in eight gets a fault; a stall outlasts bkops' read timeout.
    proxy.chaos(seed, 8, Duration::from_secs(6));

    let home = std::env::temp_dir().join(format!("bkops-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("config/bkops")).expect("mkdir");
    std::fs::write(
        home.join("config/bkops/config.toml"),
        "[aws]\nconnect_timeout = 2\nread_timeout = 3\noperation_timeout = 20\n",
    )
    .expect("config");

    // The dashboard, refreshing through the same faults the whole time.
    let socket = format!("bkops-soak-{}", std::process::id());
    let d = home.display();
    let line = format!(
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true BUILDKITE_AGENT_ENDPOINT={NOWHERE} \
         XDG_STATE_HOME={d}/dash XDG_CONFIG_HOME={d}/config {BIN} --region {REGION} --endpoint-url {}; echo \"exit=$?\" > {d}/dash-exit",
        proxy.url
    );
    tmux(&socket, &["new-session", "-d", "-s", "soak", "-x", "120", "-y", "36", "sh", "-c", &line]);

    let mut tally = Tally::default();
    let mut actions: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut n: u64 = seed;
    while Instant::now() < deadline {
        n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let group = rt.block_on(async {
            let asg = aws_sdk_autoscaling::Client::new(&sdk);
            asg.describe_auto_scaling_groups().send().await.ok().and_then(|g| {
                g.auto_scaling_groups()
                    .iter()
                    .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with("ci-linux")))
                    .map(|g| {
                        g.instances()
                            .iter()
                            .filter_map(|i| i.instance_id().map(String::from))
                            .collect::<Vec<_>>()
                    })
            })
        });
        let instance = group.and_then(|ids| ids.first().cloned());
        let args: Vec<String> = match ((n >> 33) % 3, &instance) {
            (0, _) => "--stack ci-linux scaling pause --drain --yes".split(' ').map(String::from).collect(),
            (1, _) | (_, None) => {
                "--stack ci-linux scaling resume --yes".split(' ').map(String::from).collect()
            }
            (_, Some(id)) => {
                vec!["terminate".into(), id.clone(), "--stack".into(), "ci-linux".into(), "--yes".into()]
            }
        };
        actions.push(
            args.iter()
                .find(|a| ["pause", "resume", "terminate"].contains(&a.as_str()))
                .cloned()
                .unwrap_or_default(),
        );
        let (seen_before, audit_before) = (proxy.seen().len(), audit(&home).len());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        tally.runs += 1;
        let Some((code, stderr)) = run(&proxy.url, &home, &args, Duration::from_secs(120)) else {
            tally.hangs += 1;
            eprintln!("HANG: {args:?}");
            continue;
        };
        if code == 101 || stderr.contains("panicked") {
            tally.crashes += 1;
            eprintln!("CRASH {code}: {args:?}: {stderr}");
        }
        if code == 0 {
            tally.exit_ok += 1
        } else {
            tally.exit_failed += 1
        }
        let lines: Vec<serde_json::Value> = audit(&home).into_iter().skip(audit_before).collect();
        let recorded: Vec<String> = lines
            .iter()
            .filter_map(|l| l["action"].as_str().map(String::from))
            .filter(|a| a != "intent" && a != "abandoned")
            .collect();
        // Every write that reached the server (or the proxy, which may have forwarded it
        // before stalling) has its audit line.
        let writes: Vec<String> =
            proxy.seen()[seen_before..].iter().filter(|op| is_write(op)).cloned().collect();
        let mut unmatched = recorded.clone();
        for w in &writes {
            match unmatched.iter().position(|a| a.ends_with(&format!(":{w}"))) {
                Some(i) => {
                    unmatched.remove(i);
                }
                // The SDK retries: a retried call is one audit line for several requests.
                None if recorded.iter().any(|a| a.ends_with(&format!(":{w}"))) => {}
                None => {
                    tally.audit_missing += 1;
                    eprintln!("AUDIT MISSING: {w} in {args:?}");
                }
            }
        }
        // A failed call is said: exit non-zero with the call named, never exit 0.
        let failed_calls =
            lines.iter().filter(|l| l["result"].as_str().is_some_and(|r| r.starts_with("error"))).count();
        if failed_calls > 0 && code == 0 {
            tally.unreported += 1;
            eprintln!("UNREPORTED (exit 0 after a failed call): {args:?}\n{stderr}");
        }
        if code != 0 && stderr.trim().is_empty() {
            tally.unreported += 1;
            eprintln!("UNREPORTED (exit {code}, nothing said): {args:?}");
        }
    }

    // The dashboard is still there, and quits cleanly.
    let dead = tmux(&socket, &["display", "-p", "#{pane_dead}"]);
    tmux(&socket, &["send-keys", "-t", "soak", "q"]);
    let quit_by = Instant::now() + Duration::from_secs(10);
    let mut exit = String::new();
    while Instant::now() < quit_by {
        if let Ok(e) = std::fs::read_to_string(home.join("dash-exit")) {
            exit = e.trim().to_string();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if exit != "exit=0" {
        tally.crashes += 1;
        eprintln!("DASHBOARD: {dead:?} {exit:?}");
    }
    let _ = Command::new("tmux").arg("-L").arg(&socket).arg("kill-server").status();

    let injected = proxy.injected();
    let kind = |f: &Fault| match f {
        Fault::StallBefore => "stall before",
        Fault::StallAfter => "stall after",
        Fault::Reset => "reset",
        Fault::Status(500, _) => "HTTP 500",
        Fault::Status(..) => "throttled",
    };
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for (_, f) in &injected {
        match kinds.iter_mut().find(|(k, _)| *k == kind(f)) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind(f), 1)),
        }
    }
    let count = |a: &str| actions.iter().filter(|x| x.as_str() == a).count();
    println!("soak: {secs} s, seed {seed}, {} requests through the proxy", proxy.seen().len());
    println!(
        "  commands: {} (pause {}, resume {}, terminate {}); exit 0: {}, non-zero: {}",
        tally.runs,
        count("pause"),
        count("resume"),
        count("terminate"),
        tally.exit_ok,
        tally.exit_failed
    );
    println!("  faults injected: {} ({kinds:?})", injected.len());
    println!(
        "  crashes {}  hangs {}  unreported writes {}  audit lines missing {}",
        tally.crashes, tally.hangs, tally.unreported, tally.audit_missing
    );
    if std::env::var_os("SOAK_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&home);
    } else {
        println!("  kept {}", home.display());
    }
}
