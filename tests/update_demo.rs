//! `bkops update` on the demo's stacks, through the binary: the whole run in order (pause,
//! execute, the events, resume, capacity), an update that rolls back (its cause named, scaling
//! resumed once the rollback completes), a change set with no changes, a secret never shown or
//! logged, and a run with no terminal to confirm on leaving no change set behind.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bkops-update-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn update(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "--demo-speed", "20", "--stack", "ci-linux", "update"])
        .args(args)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG")
        .output()
        .expect("runs")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Where each of `needles` first appears in `hay`, in order; panics naming the one missing.
fn in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        let at = hay[from..].find(n).unwrap_or_else(|| panic!("{n:?} missing after byte {from}:\n{hay}"));
        from += at + n.len();
    }
}

#[test]
fn an_update_pauses_executes_follows_its_events_resumes_and_keeps_the_secret() {
    let h = home("ok");
    let out = update(&h, &["-p", "MaxSize=12", "-p", "BuildkiteAgentToken=bkua_s3cr3t_value", "--yes"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    in_order(
        &stderr,
        &[
            "parameter   BuildkiteAgentToken: **** → ****",
            "parameter   MaxSize: 10 → 12",
            "done    events:DisableRule",
            "done    cloudformation:ExecuteChangeSet",
            "AgentAutoScaleGroup UPDATE_COMPLETE",
            "ci-linux UPDATE_COMPLETE",
            "done    events:EnableRule",
            "capacity:",
        ],
    );
    let audit = std::fs::read_to_string(h.join("state/bkops/audit.jsonl")).expect("audit log");
    assert!(
        audit.contains("cloudformation:CreateChangeSet") && audit.contains("cloudformation:ExecuteChangeSet")
    );
    for (what, t) in [("stdout", &stdout), ("stderr", &stderr), ("the audit log", &audit)] {
        assert!(!t.contains("bkua_s3cr3t_value"), "the token reached {what}");
    }
}

#[test]
fn an_update_that_rolls_back_names_its_cause_and_resumes_once_the_rollback_completes() {
    let h = home("rollback");
    let out = update(&h, &["-p", "ImageId=ami-0123456789abcdef0", "--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    in_order(
        &stderr,
        &[
            "done    cloudformation:ExecuteChangeSet",
            "AgentLaunchTemplate UPDATE_FAILED",
            "ci-linux UPDATE_ROLLBACK_COMPLETE",
            "FAILED  bkops:WaitForUpdate",
            "the cause: AgentLaunchTemplate UPDATE_FAILED",
            "done    events:EnableRule",
        ],
    );
}

#[test]
fn no_changes_no_terminal_and_a_dry_run_leave_nothing_behind() {
    let h = home("none");
    let out = update(&h, &["-p", "MaxSize=10", "--yes"]);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("ci-linux: no changes"), "{stderr}");
    in_order(&stderr, &["done    cloudformation:CreateChangeSet", "done    cloudformation:DeleteChangeSet"]);
    assert!(!stderr.contains("DisableRule"), "{stderr}");

    // No terminal and no --yes: refused (exit 2), its change set deleted.
    let out = update(&h, &["-p", "MaxSize=12"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no terminal to confirm on"), "{stderr}");
    in_order(&stderr, &["done    cloudformation:CreateChangeSet", "done    cloudformation:DeleteChangeSet"]);
    assert!(!stderr.contains("done    cloudformation:ExecuteChangeSet"), "{stderr}");

    // A dry run prints the plan on stdout and deletes its change set.
    let out = update(&h, &["-p", "MaxSize=12", "--latest", "--dry-run"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("Preview of the update of ci-linux: v6.71.1 → v6.75.0"), "{stdout}");
    assert!(stdout.contains("resource    Modify Autoscaling (AWS::CloudFormation::Stack)"), "{stdout}");
    assert!(stderr.contains("done    cloudformation:DeleteChangeSet"), "{stderr}");
    assert!(!stderr.contains("done    events:DisableRule"), "{stderr}");
}

/// In a real terminal: the question is asked there, and Ctrl-C at it cancels the update (exit
/// 130) and deletes its change set, rather than being swallowed while the question waits.
#[test]
fn ctrl_c_at_the_question_cancels_and_deletes_the_change_set() {
    let t = support::tmux::Tmux::start("update-ctrl-c");
    t.run_bkops("--demo --stack ci-linux update -p MaxSize=12");
    t.wait_for("the question", |s| s.contains("Type the stack's name (ci-linux) to update it:"));
    t.keys(&["C-c"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=130");
    let audit = t.read("state/bkops/audit.jsonl");
    let actions: Vec<&str> =
        audit.lines().filter_map(|l| l.split("\"action\":\"").nth(1)?.split('"').next()).collect();
    assert_eq!(
        actions,
        ["intent", "cloudformation:CreateChangeSet", "intent", "cloudformation:DeleteChangeSet"]
    );
}
