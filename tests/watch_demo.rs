//! `bkops watch` on the demo, through the binary: incidents open and resolve once each, go to
//! stdout, a webhook that fails every other request (nothing lost, nothing repeated, no
//! secret or control character in a body) and a command; SIGTERM ends it at once with exit 0;
//! `--once` exits 1 with incidents open.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn home(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bkops-watch-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn bkops(home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bkops"));
    c.env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG");
    c
}

fn key(v: &serde_json::Value) -> String {
    format!("{} {} {}", v["stack"], v["kind"], v["subject"])
}

#[test]
fn incidents_open_and_resolve_once_each_everywhere_and_sigterm_ends_it() {
    let h = home("run");
    let hook = support::hooks::Hook::start(2);
    let recorded = h.join("exec.jsonl");
    let child = bkops(&h)
        .args(["--demo", "--demo-speed", "60", "watch", "--interval", "5s", "--format", "json"])
        .args(["--webhook", &hook.url, "--exec", &format!("cat >> {}", recorded.display())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Long enough at speed 60 for the demo's disk to fill and its instance to be replaced.
    std::thread::sleep(Duration::from_secs(40));
    let pid = child.id().to_string();
    let asked = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let out = child.wait_with_output().expect("ends");
    assert!(asked.elapsed() < Duration::from_secs(3), "promptly: {:?}", asked.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON document a line"))
        .collect();
    for e in &events {
        support::schema::assert_valid("watch_event", e);
    }
    let opened: Vec<String> = events.iter().filter(|e| e["event"] == "opened").map(key).collect();
    let resolved: Vec<String> = events.iter().filter(|e| e["event"] == "resolved").map(key).collect();
    assert!(!opened.is_empty() && !resolved.is_empty(), "{events:?}");
    assert!(resolved.iter().all(|r| opened.contains(r)), "a resolution follows its opening");
    let mut unique = opened.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), opened.len(), "no incident opens twice without resolving: {opened:?}");

    // The webhook failed every other request and still got each event, once, in order.
    let deadline = Instant::now() + Duration::from_secs(5);
    while hook.bodies().len() < events.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let bodies = hook.bodies();
    let posted: Vec<&serde_json::Value> = bodies.iter().map(|b| &b["bkops"]).collect();
    assert_eq!(posted.len(), events.len(), "every event, despite the failures");
    assert!(posted.iter().zip(&events).all(|(p, e)| *p == e), "once each, in order");
    for b in &bodies {
        let text = b["text"].as_str().expect("Slack's text");
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(!b.to_string().contains("secretpath"), "the hook's URL is not in the body");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("HTTP 500") && !stderr.contains("secretpath"), "{stderr}");

    let exec: Vec<serde_json::Value> = std::fs::read_to_string(&recorded)
        .expect("the command ran")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(exec, events, "the command got every event, in the order said");
}

#[test]
fn once_prints_the_incidents_open_and_exits_1_and_bad_flags_exit_2() {
    let h = home("once");
    let out = bkops(&h).args(["--demo", "watch", "--once", "--format", "json"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("watch_once", &doc);
    let kinds: Vec<&str> =
        doc["incidents"].as_array().expect("list").iter().filter_map(|i| i["kind"].as_str()).collect();
    assert!(kinds.contains(&"jobs_stuck"), "ci-arm64 is paused with jobs waiting: {kinds:?}");
    for (args, says) in [
        (vec!["watch", "--interval", "1s"], "at least 5s"),
        (vec!["watch", "--interval", "soon"], "--interval"),
        (vec!["watch", "--webhook", "http://example.com/hook"], "plain http"),
    ] {
        let out = bkops(&h).arg("--demo").args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{args:?}");
    }
}

#[test]
fn several_stacks_are_watched_by_name_and_a_name_not_there_exits_2() {
    let h = home("stacks");
    let stacks = |args: &[&str]| {
        let out = bkops(&h)
            .args(["--demo", "watch", "--once", "--format", "json"])
            .args(args)
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let mut names: Vec<String> = doc["incidents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["stack"].as_str().map(str::to_string))
            .collect();
        names.dedup();
        (out.status.code(), names, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, all, _) = stacks(&[]);
    assert_eq!(code, Some(1));
    assert!(all.contains(&"ci-windows".to_string()) && all.contains(&"ci-arm64".to_string()), "{all:?}");
    let (code, named, _) = stacks(&["--stack", "ci-arm64", "--stack", "ci-linux"]);
    assert_eq!((code, named), (Some(1), vec!["ci-arm64".to_string()]), "ci-windows is not watched");
    let (code, _, err) = stacks(&["--stack", "ci-arm64", "--stack", "ci-linx"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no stack named 'ci-linx'"), "{err}");
    // One stack is what the other commands take.
    let out = bkops(&h)
        .args(["--demo", "why", "--stack", "ci-arm64", "--stack", "ci-linux"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--stack is given 2 times"));
    // `bkops status` takes several too.
    let args = ["--demo", "status", "--format", "json", "--stack", "ci-arm64", "--stack", "ci-windows"];
    let out = bkops(&h).args(args).output().expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let names: Vec<&str> =
        doc["stacks"].as_array().expect("stacks").iter().filter_map(|s| s["name"].as_str()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["ci-arm64", "ci-windows"], "those two alone");
}

#[test]
fn sighup_reads_the_config_again_and_a_broken_one_leaves_the_last_standing() {
    let h = home("hup");
    let config = h.join("config.toml");
    std::fs::write(&config, "[watch]\noff = [\"unreadable\"]\n").expect("config");
    let child = bkops(&h)
        .env("BKOPS_CONFIG", &config)
        .args(["--demo", "watch", "--interval", "5s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let pid = child.id().to_string();
    let signal = |s: &str| assert!(Command::new("kill").args([s, &pid]).status().expect("kill").success());
    std::thread::sleep(Duration::from_secs(2));
    signal("-HUP");
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&config, "[watch]\noff = [\"no_such_kind\"]\n").expect("config");
    signal("-HUP");
    std::thread::sleep(Duration::from_millis(500));
    signal("-TERM");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SIGHUP: the config file was read again"), "{stderr}");
    assert!(
        stderr.contains("SIGHUP: the config file was not taken") && stderr.contains("no_such_kind"),
        "{stderr}"
    );
}
