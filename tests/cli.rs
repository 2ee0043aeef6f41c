//! The `bkops` binary as scripts and operators run it: output, exit codes, and messages for
//! bad input.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A directory of this test's own, empty: one left by an earlier run with the same process ID
/// (its audit log, its config) must not leak into this one.
fn tmp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bkops-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn bkops(args: &[&str]) -> Output {
    // A home of its own for each run: tests run at once, and `tmp` empties what it hands out.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let home = tmp(&format!("home-{}", RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(args)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG")
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn status_json_describes_every_stack() {
    let out = bkops(&["--demo", "status", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["backend"], "demo");
    let stacks = v["stacks"].as_array().expect("stacks");
    let names: Vec<&str> = stacks.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["ci-linux", "ci-windows", "ci-arm64"]);
    let linux = &stacks[0];
    assert_eq!(linux["queue"], "default");
    assert_eq!(linux["scaling"]["state"], "enabled");
    // The scaler's own log, read back: the demo's scaler ran within the last minute.
    assert_eq!(linux["scaler"]["read"], "read", "{}", linux["scaler"]);
    assert!(linux["scaler"]["last_run"]["outcome"].is_string(), "{}", linux["scaler"]);
    assert_eq!(linux["scaler"]["unknown_lines"], 0, "the demo writes only lines the parser knows");
    // The demo's scaler and bkops' run of its algorithm agree on what it wants.
    let calculated = &linux["scaler"]["last_run"]["calculated"];
    assert!(linux["scaler"]["should_want"].as_u64().is_some(), "{}", linux["scaler"]);
    assert!(calculated.as_u64().is_some(), "{}", linux["scaler"]);
    assert!(
        !linux["why"].as_array().expect("why").iter().any(|r| r["code"] == "scaler_disagrees"),
        "{}",
        linux["why"]
    );
    let arm = &stacks[2];
    assert_eq!(arm["why"][0]["code"], "paused", "{}", arm["why"]);
    assert_eq!(stacks[1]["scaler"]["read"], "none", "a fixed-size stack has no scaler");
    assert!(linux["queue_metrics"]["total_agents"].as_u64().is_some());
    let asg = &linux["auto_scaling"];
    assert!(asg["name"].as_str().expect("asg").starts_with("ci-linux-AgentAutoScaleGroup-"));
    let inst = &asg["instances"][0];
    for field in [
        "id",
        "lifecycle",
        "health",
        "instance_type",
        "availability_zone",
        "age_seconds",
        "agent",
        "disk",
        "boot_failed",
    ] {
        assert!(!inst[field].is_null(), "instance field {field}");
    }
    assert_eq!(stacks[1]["scaling"]["state"], "fixed_size");
    assert_eq!(stacks[2]["scaling"]["state"], "paused");
    assert!(stacks[2]["warnings"].as_array().expect("w").iter().any(|w| w["code"] == "paused"));
}

#[test]
fn status_text_for_one_stack() {
    let out = bkops(&["status", "--demo", "--stack", "ci-windows"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ci-windows  queue=windows"), "{text}");
    assert!(
        text.contains("scaling=fixed size desired/min/max=2/2/2")
            || text.contains("scaling=fixed size  desired/min/max=2/2/2"),
        "{text}"
    );
    assert!(!text.contains("ci-linux"));
}

#[test]
fn the_same_seed_gives_the_same_fleet() {
    let ids = |seed: &str| {
        let out = bkops(&["--demo", "--demo-seed", seed, "status", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["stacks"][0]["auto_scaling"]["instances"]
            .as_array()
            .expect("i")
            .iter()
            .map(|i| i["id"].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("5"), ids("5"));
    assert_ne!(ids("5"), ids("6"));
}

#[test]
fn an_unknown_stack_exits_2_and_lists_the_stacks() {
    // The dashboard says so when the stack list arrives (tests/e2e_tmux.rs): it never waits
    // for the list before drawing.
    for args in [&["--demo", "status", "--stack", "nope"][..], &["--demo", "why", "--stack", "nope"][..]] {
        let out = bkops(args);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out).trim(),
            "bkops: no stack named 'nope'; the stacks here are: ci-linux, ci-windows, ci-arm64"
        );
    }
}

#[test]
fn an_unknown_theme_exits_2() {
    let out = bkops(&["--demo", "--theme", "solarized"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no theme named 'solarized'; built-in themes: dark, light, high-contrast"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_corrupt_theme_file_is_refused_with_its_position() {
    let path = tmp("theme").join("broken.toml");
    std::fs::write(&path, "[roles]\nbase = { fg = \"red\" }\nwarn = { fg = \"neon\" }\n").expect("write");
    let out = bkops(&["--demo", "--theme", path.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "bkops: theme: {}:3:15: 'neon' is not a colour (a name such as red, \"#rrggbb\", 0-255, or reset)",
            path.display()
        )
    );
    std::fs::write(&path, "[roles\n").expect("write");
    let out = bkops(&["--demo", "--theme", path.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("{}:1:", path.display())), "{}", stderr(&out));
}

#[test]
fn a_corrupt_config_file_is_refused_with_its_position() {
    let path = tmp("config").join("config.toml");
    std::fs::write(&path, "theme = \"dark\"\n[refresh]\nqueue = -5\n").expect("write");
    let out = bkops(&["--demo", "--config", path.to_str().expect("utf8"), "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with(&format!("bkops: config: {}:3:9:", path.display())), "{}", stderr(&out));
    let out = bkops(&["--demo", "--config", "/nonexistent/bkops.toml", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read config file /nonexistent/bkops.toml"));
}

#[test]
fn the_dashboard_needs_a_terminal() {
    let out = bkops(&["--demo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("the dashboard needs a terminal; for a snapshot a script can read, run `bkops status`")
    );
}

#[test]
fn bad_arguments_are_refused() {
    let out = bkops(&["--demo", "--demo-speed", "0", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the speed must be above 0"), "{}", stderr(&out));
    let out = bkops(&["status", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn without_credentials_aws_says_how_to_get_them() {
    let home = tmp("nocreds");
    // No credentials anywhere, the instance metadata service off, and a closed loopback port
    // as the endpoint: nothing leaves this machine.
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["status", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"])
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "bkops: credentials missing or expired: set AWS_PROFILE, or run `aws sso login` / `aws configure`"
    );
}

fn demo_instance() -> String {
    let out = bkops(&["--demo", "status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["stacks"][0]["auto_scaling"]["instances"][0]["id"].as_str().expect("an instance").to_string()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn logs_merge_the_instances_groups_in_time_order() {
    let id = demo_instance();
    let out = bkops(&["--demo", "logs", &id, "--since", "2h", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert!(lines.len() > 10, "{}", lines.len());
    let times: Vec<&str> = lines.iter().map(|l| l["timestamp"].as_str().expect("ts")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    assert!(lines.iter().all(|l| l["stream"] == id.as_str()), "only this instance's stream");
    let groups: std::collections::BTreeSet<&str> = lines.iter().filter_map(|l| l["group"].as_str()).collect();
    assert!(
        groups.contains("/buildkite/buildkite-agent") && groups.contains("/buildkite/elastic-stack"),
        "{groups:?}"
    );
}

#[test]
fn logs_grep_and_time_windows() {
    let id = demo_instance();
    let message = |l: &serde_json::Value| l["message"].as_str().expect("m").to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--demo", "logs", id.as_str(), "--format", "json"];
        all.extend_from_slice(args);
        let out = bkops(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        json_lines(&out)
    };
    let lines = run(&["--since", "3h", "--grep", "^Disk space free"]);
    assert!(!lines.is_empty() && lines.iter().all(|l| message(l).starts_with("Disk space free")));
    // Smart case, as ripgrep: all lowercase matches any case; an uppercase letter, or
    // --case-sensitive, matches case exactly.
    assert_eq!(run(&["--since", "3h", "--grep", "^disk space free"]).len(), lines.len());
    assert!(run(&["--since", "3h", "--grep", "^disk space free", "--case-sensitive"]).is_empty());
    assert!(run(&["--since", "3h", "--grep", "^DIsk space free"]).is_empty());

    // --grep-v takes out exactly the matching lines of the same range.
    let agent = run(&["--since", "3h", "--group", "agent"]);
    let kept = run(&["--since", "3h", "--group", "agent", "--grep-v", "Assigned"]);
    let matching = agent.iter().filter(|l| message(l).contains("Assigned")).count();
    assert!(
        matching > 0 && !kept.is_empty(),
        "the range has lines of both kinds: {matching} of {}",
        agent.len()
    );
    assert!(kept.iter().all(|l| !message(l).contains("Assigned")));
    assert_eq!(kept.len() + matching, agent.len());

    // A window: lines, and every one between --since and --until (the demo's clock is the
    // wall clock; a second either side for the time the runs take).
    let before = jiff::Timestamp::now();
    let window = run(&["--since", "30m", "--until", "20m"]);
    let after = jiff::Timestamp::now();
    assert!(!window.is_empty(), "the demo writes lines every few minutes");
    let from = before - jiff::SignedDuration::from_secs(30 * 60 + 1);
    let to = after - jiff::SignedDuration::from_secs(20 * 60 - 1);
    for l in &window {
        let t: jiff::Timestamp = l["timestamp"].as_str().expect("ts").parse().expect("RFC 3339");
        assert!(from <= t && t <= to, "{t} is outside {from}..{to}");
    }
}

#[test]
fn logs_refuse_bad_input_with_exit_2() {
    for (args, says) in [
        (vec!["--demo", "logs", "i-nope"], "is not an instance ID"),
        (
            vec!["--demo", "logs", "i-0123456789abcdef0", "--since", "yesterday"],
            "--since: 'yesterday' is not a time",
        ),
        (vec!["--demo", "logs", "i-0123456789abcdef0", "--group", "no way"], "is not a log group"),
        (vec!["--demo", "logs", "i-0123456789abcdef0", "--grep", "("], "--grep:"),
        (
            vec!["--demo", "logs", "i-0123456789abcdef0", "--since", "10000000000000000s"],
            "more than ten years back",
        ),
        (
            vec!["--demo", "logs", "i-0123456789abcdef0", "--since", "1h", "--until", "2h"],
            "is before --since",
        ),
        (vec!["--demo", "logs", "i-0123456789abcdef0", "--group", "nope"], "no log group /buildkite/nope"),
    ] {
        let out = bkops(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn logs_of_an_instance_without_streams_say_where_they_looked() {
    let out = bkops(&["--demo", "logs", "i-0123456789abcdef0"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out).trim(),
        "bkops: no log lines for i-0123456789abcdef0 since 1h in /buildkite/buildkite-agent, /buildkite/elastic-stack, /buildkite/docker-daemon, /buildkite/cloud-init/output"
    );
}

#[test]
fn a_closed_pipe_ends_a_follow_quietly() {
    use std::io::{BufRead, BufReader};
    let id = demo_instance();
    let home = tmp("pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "--demo-speed", "60", "logs", &id, "--follow", "--poll", "1", "--since", "2h"])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a line");
    assert!(!first.is_empty());
    // stdout is dropped here, as `| head -1` would close it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "bkops kept running after its pipe closed");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

#[test]
fn dry_run_prints_the_calls_and_makes_none() {
    let id = demo_instance();
    let out = bkops(&["--demo", "terminate", &id, "--shrink", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The plan on stdout, for a script or a change ticket; what happened on stderr.
    let plan = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        plan.contains(&format!(
            "autoscaling:TerminateInstanceInAutoScalingGroup InstanceId={id} ShouldDecrementDesiredCapacity=true"
        )),
        "{plan}"
    );
    assert!(
        plan.contains("as      arn:aws:sts::000000000000:assumed-role/demo/operator (account 000000000000)")
    );
    let err = stderr(&out);
    assert!(
        err.contains("dry run: no call made") && !err.contains("done ") && !err.contains("as      "),
        "{err}"
    );
}

#[test]
fn demo_flags_without_the_demo_and_a_bad_theme_are_mistakes_in_the_command() {
    for args in [vec!["--demo-speed", "5", "status"], vec!["--demo-seed", "3", "status"]] {
        let out = bkops(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--demo"), "{}", stderr(&out));
    }
    for args in [vec!["--demo", "status", "--all-contexts"], vec!["status", "--context", "prod", "--demo"]] {
        let out = bkops(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--demo") || stderr(&out).contains("the demo"), "{}", stderr(&out));
    }
    let out = bkops(&["--demo", "--theme", "solarised", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no theme named 'solarised'"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing printed as if all were well");
    assert!(bkops(&["--demo", "--theme", "light", "status"]).status.success());
}

#[test]
fn operator_commands_refuse_bad_input_with_exit_2() {
    for (args, message) in [
        (vec!["--demo", "terminate", "i-nothere", "--yes"], "'i-nothere' is not an instance ID"),
        (vec!["--demo", "scaling", "pause", "--yes"], "bkops scaling needs --stack NAME"),
        (vec!["--demo", "scaling", "pause", "--stack", "nope", "--yes"], "no stack named 'nope'"),
        (
            vec!["--demo", "terminate", "i-0123456789abcdef0", "--yes"],
            "is in no Elastic CI Stack's Auto Scaling group",
        ),
        (vec!["--demo", "terminate", "i-0123456789abcdef0", "--replace", "--shrink"], "cannot be used with"),
    ] {
        let out = bkops(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn ssm_with_the_plugin_forced_and_missing_says_what_to_install_before_starting_anything() {
    let id = demo_instance();
    let home = tmp("ssm");
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "ssm", &id, "--ssm-client", "plugin"])
        .env("PATH", "/nonexistent")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "the plugin client was chosen, and session-manager-plugin is neither on PATH nor at [ssm] plugin"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!home.join("state/bkops/audit.jsonl").exists(), "no session was started");
    let out = bkops(&["--demo", "ssm", "i-nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'i-nope' is not an instance ID"));
}

/// `bkops --demo ARGS` with its standard streams piped, no plugin on PATH, and its own state
/// and config directories.
fn demo_child(home: &std::path::Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_bkops"))
        .arg("--demo")
        .args(args)
        .env("PATH", "/nonexistent")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs")
}

/// `bkops ssm` in the demo, without a terminal: the built-in client against the simulated
/// agent on loopback, through the whole data channel (handshake, acks, channel_closed).
fn demo_ssm(home: &std::path::Path, args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = demo_child(home, args);
    child.stdin.take().expect("stdin").write_all(stdin).expect("typed");
    child.wait_with_output().expect("ends")
}

#[test]
fn ssm_in_the_demo_runs_a_command_through_the_built_in_client() {
    let id = demo_instance();
    let home = tmp("ssm-native");
    let out = demo_ssm(&home, &["ssm", &id, "--command", "ec2-metadata"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.starts_with(&format!("instance-id: {id}\r\n")), "{shown:?}");
    assert!(stderr(&out).contains("through the built-in client"), "{}", stderr(&out));
    let ended = format!("bkops: {id}: session operator-");
    assert!(
        stderr(&out).lines().any(|l| l.starts_with(&ended) && l.ends_with(" ended: the command succeeded")),
        "{}",
        stderr(&out)
    );

    // Keystrokes from standard input, as the agent's user.
    let out = demo_ssm(&home, &["ssm", &id, "--command", "sudo -iu buildkite-agent"], b"whoami\nexit\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("whoami\r\nbuildkite-agent\r\n"), "{shown:?}");

    let audit = std::fs::read_to_string(home.join("state/bkops/audit.jsonl")).expect("audited");
    let lines: Vec<serde_json::Value> =
        audit.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    // Each session: its intent before StartSession, then its result.
    let actions: Vec<&str> = lines.iter().filter_map(|l| l["action"].as_str()).collect();
    assert_eq!(actions, ["intent", "ssm:StartSession", "intent", "ssm:StartSession"]);
    assert_eq!(lines[3]["request"]["document"], "AWS-StartInteractiveCommand");
    assert_eq!(lines[2]["request"]["calls"][0]["document"], "AWS-StartInteractiveCommand");
    assert!(lines[3]["result"].as_str().is_some_and(|r| r.starts_with("ok: session operator-")), "{audit}");

    // The remote command's status is bkops' own, as `ssh host cmd` does, when the agent reports it.
    for (command, code) in [("exit 3", 3), ("no-such-command", 127)] {
        let out = demo_ssm(&home, &["ssm", &id, "--command", command], b"");
        assert_eq!(out.status.code(), Some(code), "{command}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("the command exited with status {code}")), "{}", stderr(&out));
    }

    // Read-only: refused before anything starts, and audited.
    let out = demo_ssm(&home, &["--read-only", "ssm", &id], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    let audit = std::fs::read_to_string(home.join("state/bkops/audit.jsonl")).expect("audited");
    assert_eq!(audit.lines().count(), 10, "four sessions (intent and start each), then the refused one");
    assert!(audit.lines().last().is_some_and(|l| l.contains("read-only")), "{audit}");
}

/// Runs `bkops --demo ARGS` with stdin held open, waits until `ready` holds, sends `signal`,
/// and returns how it exited and how long that took.
fn signal_during_a_session(
    home: &std::path::Path,
    args: &[&str],
    signal: &str,
    ready: impl Fn(&str) -> bool,
) -> (Output, std::time::Duration) {
    use std::io::Read;
    let mut child = demo_child(home, args);
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut shown = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !ready(&String::from_utf8_lossy(&shown)) {
        assert!(std::time::Instant::now() < deadline, "not ready: {:?}", String::from_utf8_lossy(&shown));
        if let Ok(b) = rx.recv_timeout(std::time::Duration::from_millis(50)) {
            shown.extend(b);
        }
    }
    let started = std::time::Instant::now();
    let killed = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("ends");
    (out, started.elapsed())
}

/// The session the last StartSession in the audit log started.
fn last_session(home: &std::path::Path) -> String {
    let audit = std::fs::read_to_string(home.join("state/bkops/audit.jsonl")).expect("audited");
    audit
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["action"] == "ssm:StartSession")
        .find_map(|l| l["result"].as_str().and_then(|r| r.strip_prefix("ok: session ")).map(String::from))
        .expect("a session was started")
}

#[test]
fn sigterm_or_sighup_during_a_session_ends_it_and_terminates_it() {
    let id = demo_instance();
    let home = tmp("ssm-sigterm");
    let terminated = |session: &str| {
        let log = std::fs::read_to_string(home.join("state/bkops/bkops.log")).unwrap_or_default();
        log.lines().any(|l| l.contains("ssm:TerminateSession") && l.contains(session))
    };
    for signal in ["-TERM", "-HUP"] {
        let name = format!("SIG{}", &signal[1..]);
        // The built-in client, waiting at the shell's prompt.
        let (out, took) = signal_during_a_session(&home, &["ssm", &id], signal, |s| s.contains("sh-5.2$ "));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("bkops got {name}; the session was terminated")),
            "{}",
            stderr(&out)
        );
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
        let session = last_session(&home);
        assert!(terminated(&session), "{name}: TerminateSession {session} was called");
    }

    // A plugin that would run for a minute is stopped, and the session terminated.
    let plugin = home.join("session-manager-plugin");
    std::fs::write(&plugin, "#!/bin/sh\n[ \"$1\" = \"--version\" ] && { echo 1.2.764.0; exit 0; }\necho plugin running\nexec /bin/sleep 60\n")
        .expect("plugin");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::create_dir_all(home.join("config/bkops")).expect("config dir");
    std::fs::write(
        home.join("config/bkops/config.toml"),
        format!("[ssm]\nclient = \"plugin\"\nplugin = \"{}\"\n", plugin.display()),
    )
    .expect("config");
    for signal in ["-TERM", "-HUP"] {
        let name = format!("SIG{}", &signal[1..]);
        let (out, took) =
            signal_during_a_session(&home, &["ssm", &id], signal, |s| s.contains("plugin running"));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("bkops got {name}; the session was terminated")),
            "{}",
            stderr(&out)
        );
        assert!(took < std::time::Duration::from_secs(5), "the plugin was stopped, not waited for: {took:?}");
        let session = last_session(&home);
        assert!(terminated(&session), "{name}: TerminateSession {session} was called");
    }
}

#[test]
fn a_closed_pipe_ends_status_quietly() {
    for format in ["text", "json"] {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "{} --demo status --format {format} | true; echo \"status=${{PIPESTATUS[0]}}\"",
                env!("CARGO_BIN_EXE_bkops")
            ))
            .env("XDG_STATE_HOME", tmp("status-pipe").join("state"))
            .env("XDG_CACHE_HOME", tmp("status-pipe").join("state"))
            .output()
            .expect("runs");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("status=0"), "{format}: {said} {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

#[test]
fn why_explains_a_waiting_queue_in_text_and_json() {
    // The demo's arm64 stack starts paused with jobs queued; its Windows stack is fixed-size.
    let out = bkops(&["--demo", "why", "--stack", "ci-arm64", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((v["stack"].as_str(), v["queue"].as_str()), (Some("ci-arm64"), Some("arm64")));
    let codes: Vec<&str> =
        v["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["code"].as_str()).collect();
    assert_eq!(v["waiting_for_agents"], true, "{v}");
    assert_eq!(codes, ["paused"], "a paused scaler is silent on purpose: no log is expected of it");
    let out = bkops(&["--demo", "why", "--stack", "ci-windows"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.starts_with("ci-windows (queue windows): "), "{text}");
    assert!(text.contains("no agent is idle"), "{text}");
    assert!(
        text.contains("1. fixed size: no scaler\n") && text.contains("2. at MaxSize (2 of 2)\n"),
        "{text}"
    );
    // Bad input: no stack, or one that is not there.
    let none = bkops(&["--demo", "why"]);
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(stderr(&none).contains("--stack NAME"));
    let unknown = bkops(&["--demo", "why", "--stack", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("ci-linux, ci-windows, ci-arm64"), "{}", stderr(&unknown));
}

#[test]
fn links_planted_in_place_of_bkops_files_are_refused_and_nothing_is_done() {
    let home = tmp("planted");
    let own = home.join("state/bkops");
    std::fs::create_dir_all(&own).expect("dir");
    let victim = home.join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    for name in ["audit.jsonl", "bkops.log"] {
        std::os::unix::fs::symlink(&victim, own.join(name)).expect("link");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "scaling", "pause", "--stack", "ci-linux", "--yes"])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG")
        .output()
        .expect("runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("audit.jsonl is a symbolic link") && err.contains("nothing was done"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "precious", "never written through");
}

#[test]
fn nonsense_settings_and_files_that_are_not_files_are_refused_at_once_with_where() {
    let dir = tmp("nonsense");
    std::fs::create_dir_all(&dir).expect("dir");
    let file = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p.display().to_string()
    };
    let huge = file("huge.toml", "[aws]\nconnect_timeout = 18446744073709551615\n");
    let zero = file("zero.toml", "[refresh]\nqueue = 0\n");
    let many = file("many.toml", &"[[contexts]]\nregion = \"us-east-1\"\n".repeat(65));
    let fifo = dir.join("fifo.toml");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .expect("fifo");
    let fifo = fifo.display().to_string();
    for (args, said) in [
        (
            vec!["--demo", "--config", &huge, "status"],
            format!("{huge}:2:19: 18446744073709551615 is out of range: 1 to 3600"),
        ),
        (vec!["--demo", "--config", &zero, "status"], format!("{zero}:2:9: 0 is out of range: 1 to 86400")),
        (vec!["--demo", "--config", &many, "status"], "65 contexts: at most 64".to_string()),
        (vec!["--demo", "--config", "/dev/zero", "status"], "/dev/zero is not a regular file".to_string()),
        (vec!["--demo", "--config", &fifo, "status"], format!("{fifo} is not a regular file")),
        (vec!["--demo", "--theme", "/dev/zero", "status"], "/dev/zero is not a regular file".to_string()),
    ] {
        let out = bkops(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&said), "{args:?}: {}", stderr(&out));
    }
}

/// `bkops logs` with the environment `env` added.
fn bkops_env(env: &[(&str, &str)], args: &[&str]) -> Output {
    let home = tmp(&format!("env-{}", args.join("-").len()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bkops"));
    cmd.args(args)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("runs")
}

#[test]
fn logs_say_their_zone_local_by_default_and_utc_when_asked() {
    let id = demo_instance();
    let text = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let ny = bkops_env(&[("TZ", "America/New_York")], &["--demo", "logs", &id, "--since", "2h"]);
    assert!(ny.status.success(), "{}", stderr(&ny));
    let ny = text(&ny);
    // In December New York is five hours behind: each line's time says so.
    let times: Vec<&str> = ny.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(times.len() > 10, "{ny}");
    assert!(times.iter().all(|t| t.len() == 18 && t.ends_with("-05:00")), "{ny}");
    let utc = bkops_env(&[("TZ", "America/New_York")], &["--demo", "--utc", "logs", &id, "--since", "2h"]);
    let utc = text(&utc);
    let utc_times: Vec<&str> = utc.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(utc_times.iter().all(|t| t.len() == 13 && t.ends_with('Z')), "{utc}");
    // The same instants: 20:xx in New York is 01:xx in UTC.
    let hour = |t: &str| t[..2].parse::<i64>().expect("hour");
    assert_eq!((hour(times[0]) + 5) % 24, hour(utc_times[0]), "{} and {}", times[0], utc_times[0]);
    let json = bkops_env(
        &[("TZ", "America/New_York")],
        &["--demo", "logs", &id, "--since", "2h", "--format", "json"],
    );
    let first = json_lines(&json)[0]["timestamp"].as_str().expect("ts").to_string();
    assert!(first.ends_with('Z'), "JSON stays RFC 3339 in UTC: {first}");
}

#[test]
fn logs_are_as_written_unless_compact_is_asked_for() {
    let id = demo_instance();
    let raw = bkops(&["--demo", "logs", &id, "--since", "2h", "--group", "agent"]);
    let raw = String::from_utf8_lossy(&raw.stdout).into_owned();
    assert!(raw.lines().count() > 3 && raw.lines().all(|l| l.contains(" buildkite-agent[")), "{raw}");
    let compact = bkops(&["--demo", "logs", &id, "--since", "2h", "--group", "agent", "--compact"]);
    let compact = String::from_utf8_lossy(&compact.stdout).into_owned();
    assert_eq!(compact.lines().count(), raw.lines().count());
    assert!(!compact.contains("buildkite-agent[") && !compact.contains(" ip-10-"), "{compact}");
    assert!(
        compact
            .lines()
            .all(|l| l.split_whitespace().nth(2).is_some_and(|level| {
                ["INFO", "NOTICE", "WARN", "ERROR", "FATAL", "DEBUG"].contains(&level)
            })),
        "time, group, then the agent's level: {compact}"
    );
}

#[test]
fn man_gives_each_commands_page_and_writes_them_all_for_packagers() {
    let out = bkops(&["man", "scaling", "pause"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH bkops-scaling-pause 1"));
    let out = bkops(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("has no command \"nope\""), "{}", stderr(&out));
    let dir = tmp("man-dir");
    let out = bkops(&["man", "--dir", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&out.stdout).lines().count();
    let files = std::fs::read_dir(&dir).expect("dir").count();
    assert!(files >= 12 && listed == files, "{listed} listed, {files} written");
    assert!(dir.join("bkops-status.1").is_file() && dir.join("bkops.1").is_file());
}

/// `--version` says which commit the binary was built from, so that a bug report names it;
/// the JSON status says the same.
#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let out = bkops(&["--version"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(said.starts_with(&format!("bkops {}", env!("CARGO_PKG_VERSION"))), "{said}");
    let head = Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git runs");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert_eq!(head.len(), 7, "the tests run in the repository");
    assert!(said.contains(&format!("({head}")), "{said} does not name {head}");
    let status = bkops(&["--demo", "status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(json["bkops_version"].as_str(), Some(&said["bkops ".len()..]));
}

/// `bkops boot`: every boot of the window with its phases, the slowest named, and the summary;
/// without a stack, with an unknown one or a window it cannot read, it says so and exits 2.
#[test]
fn boot_lists_each_boots_phases_and_sums_them_up() {
    let out = bkops(&["--demo", "boot", "--stack", "ci-linux", "--since", "6h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ci-linux: ") && lines[0].contains(" boots since "), "{text}");
    assert!(
        lines[1].contains("READY") && lines[1].contains("BOOTSTRAP") && lines[1].contains("SLOWEST"),
        "{text}"
    );
    let rows: Vec<&&str> = lines.iter().filter(|l| l.starts_with("i-")).collect();
    assert!(rows.len() >= 5, "{text}");
    assert!(
        rows.iter().all(|r| r.ends_with("bootstrap") || r.ends_with("first job") || r.ends_with('-')),
        "{text}"
    );
    assert!(
        text.contains("launch to ready (median/p90): ") && text.contains("phases (median/p90): start "),
        "{text}"
    );

    for (args, says) in [
        (vec!["--demo", "boot"], "which stack?"),
        (vec!["--demo", "boot", "--stack", "nope"], "nope"),
        (vec!["--demo", "boot", "--stack", "ci-linux", "--since", "yesterday-ish"], "yesterday-ish"),
    ] {
        let out = bkops(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

/// `bkops status` gives each instance's boot milestones and the stack's boot summary, the
/// same as `bkops boot` gives them (one read, one truth), in JSON and a line of text.
#[test]
fn status_gives_each_instances_boot_and_the_stacks_summary_as_boot_does() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = bkops(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let status = json(&["--demo", "status", "--stack", "ci-linux", "--format", "json"]);
    let boot = json(&["--demo", "boot", "--stack", "ci-linux", "--format", "json"]);
    let stack = &status["stacks"][0];
    assert_eq!(stack["boot"], boot["summary"], "the stack's summary is boot's");
    assert!(stack["boot"]["boots"].as_u64().is_some_and(|n| n >= 5), "{}", stack["boot"]);

    // Each milestone as milliseconds after the launch (the two runs start a moment apart).
    let offsets = |m: &serde_json::Value| -> Vec<Option<i64>> {
        let at =
            |k: &str| m[k].as_str().map(|t| t.parse::<jiff::Timestamp>().expect("a time").as_millisecond());
        let launched = at("launched").expect("launched");
        ["first_line", "cloud_init_final", "bootstrap_done", "registered", "first_job"]
            .iter()
            .map(|k| at(k).map(|t| t - launched))
            .collect()
    };
    let instances = stack["auto_scaling"]["instances"].as_array().expect("instances");
    let mut compared = 0;
    for i in instances.iter().filter(|i| !i["boot"].is_null()) {
        let id = i["id"].as_str().expect("id");
        let theirs = boot["boots"].as_array().expect("boots").iter().find(|b| b["instance"] == id);
        let theirs = theirs.unwrap_or_else(|| panic!("{id} is not among boot's boots"));
        assert_eq!(offsets(&i["boot"]), offsets(&theirs["milestones"]), "{id}");
        compared += 1;
    }
    assert!(compared >= 5, "{compared} instances had a boot: {}", stack["auto_scaling"]);
    // An instance launched before the window has no boot, not a guessed one.
    assert!(instances.iter().any(|i| i["boot"].is_null()), "the demo's oldest instance predates the window");

    let text = bkops(&["--demo", "status", "--stack", "ci-linux"]);
    let text = String::from_utf8_lossy(&text.stdout);
    let line =
        text.lines().find(|l| l.trim_start().starts_with("boots:")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("in 6h, launch to ready ") && line.ends_with("(bkops boot --stack ci-linux)"),
        "{line}"
    );
}

/// `bkops events --follow --format json`: what was read, oldest first, one JSON document a
/// line, each event once; SIGINT ends it with exit 0 (following is ended by the operator).
#[test]
fn events_follow_prints_each_event_once_a_line_and_ends_on_sigint() {
    let home = tmp("events-follow");
    let shown = std::cell::RefCell::new(String::new());
    let args = ["events", "--stack", "ci-linux", "--since", "1d", "--follow", "--format", "json"];
    let (out, _) = signal_during_a_session(&home, &args, "-INT", |s| {
        *shown.borrow_mut() = s.to_string();
        s.contains("\"UPDATE_COMPLETE\"") && s.ends_with('\n')
    });
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> =
        shown.borrow().lines().map(|l| serde_json::from_str(l).expect("a JSON document a line")).collect();
    assert!(lines.len() >= 3, "{lines:?}");
    let times: Vec<&str> = lines.iter().map(|e| e["at"].as_str().expect("at")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");
    assert_eq!(lines[0]["status"], "UPDATE_IN_PROGRESS");
    assert_eq!(lines[0]["reason"], "User Initiated");
}
