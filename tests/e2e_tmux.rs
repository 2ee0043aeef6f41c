//! The real binary in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads
//! the screen. The terminal's modes are compared before and after.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    fn start(tag: &str) -> Self {
        let socket = format!("bkops-e2e-{tag}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&socket);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let t = Self { socket, dir };
        let ok = t.cmd(&["new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "sh"]).status.success();
        assert!(ok, "tmux must be installed (.ci/run installs it)");
        t
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn type_text(&self, text: &str) {
        assert!(self.cmd(&["send-keys", "-t", "e2e", "-l", text]).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_file(&self, name: &str) -> String {
        let path = self.dir.join(name);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(s) = std::fs::read_to_string(&path)
                && s.ends_with('\n')
            {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {}; screen:\n{}",
                path.display(),
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs bkops in the shell, recording the terminal modes around it and its exit status.
    fn run_bkops(&self, args: &str) {
        let d = self.dir.display();
        let bin = env!("CARGO_BIN_EXE_bkops");
        let line = format!(
            "export XDG_STATE_HOME={d}/state XDG_CONFIG_HOME={d}/config; stty -g > {d}/before; \
             sh -c 'echo $$ > {d}/pid; exec {bin} {args}'; echo \"exit=$?\" > {d}/exit; stty -g > {d}/after; stty -a > {d}/after-a; clear"
        );
        self.type_text(&line);
        self.keys(&["Enter"]);
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn assert_restored(t: &Tmux) {
    assert_eq!(t.read("before"), t.read("after"), "terminal modes differ after bkops");
    let modes = t.read("after-a");
    assert!(modes.split_whitespace().any(|w| w == "icanon"), "cooked mode: {modes}");
    assert!(modes.split_whitespace().any(|w| w == "echo"), "echo: {modes}");
    let after = t.wait_for("the shell back", |s| !s.contains("Stacks"));
    assert!(!after.contains("Auto Scaling"), "the alternate screen was left:\n{after}");
}

#[test]
fn start_switch_panes_help_filter_quit() {
    let t = Tmux::start("keys");
    t.run_bkops("--demo --demo-seed 3");
    let s = t.wait_for("the dashboard with data", |s| s.contains("ci-linux") && s.contains("InService"));
    assert!(s.contains("Stacks") && s.contains("Queue default") && s.contains("Scaling activity"), "{s}");
    assert!(s.contains("┏3 Auto Scaling"), "instances focused first:\n{s}");

    t.keys(&["Tab"]);
    t.wait_for("the activity pane focused", |s| s.contains("┏4 Scaling activity"));
    t.keys(&["BTab"]);
    t.wait_for("back on the instances", |s| s.contains("┏3 Auto Scaling"));

    t.keys(&["?"]);
    let help = t.wait_for("help", |s| s.contains("Show this help"));
    assert!(help.contains("Ctrl-C") && help.contains("Command mode"), "{help}");
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Show this help"));

    t.keys(&["/"]);
    t.type_text("Pending|Terminating|zzz");
    t.wait_for("the filter prompt", |s| s.contains("/Pending|Terminating|zzz▏"));
    t.keys(&["Enter"]);
    let filtered =
        t.wait_for("the filter applied", |s| s.contains("/Pending|Terminating|zzz ") && !s.contains("▏"));
    let rows_in_service =
        filtered.lines().filter(|l| l.starts_with("┃i-") && l.contains(" InService ")).count();
    assert_eq!(rows_in_service, 0, "only Pending or Terminating rows remain:\n{filtered}");

    t.keys(&[":"]);
    t.type_text("stack ci-windows");
    t.keys(&["Enter"]);
    t.wait_for("the Windows stack", |s| s.contains("Queue windows"));

    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = Tmux::start("term");
    t.run_bkops("--demo");
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
    let pid = t.wait_file("pid");
    let ok = Command::new("kill").args(["-TERM", pid.trim()]).status().expect("kill").success();
    assert!(ok);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn a_small_terminal_gets_a_message_not_a_crash() {
    let t = Tmux::start("small");
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "60", "-y", "20"]).status.success());
    t.run_bkops("--demo");
    t.wait_for("the size message", |s| s.contains("bkops needs a terminal of at least"));
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]).status.success());
    t.wait_for("the dashboard after enlarging", |s| s.contains("Scaling activity"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert!(Path::new(&t.dir).exists());
}
