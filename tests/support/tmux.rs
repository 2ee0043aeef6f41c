//! The real binary in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads
//! the screen.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub dir: PathBuf,
    socket: String,
}

impl Tmux {
    pub fn start(tag: &str) -> Self {
        let socket = format!("bkops-e2e-{tag}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&socket);
        // Nothing an earlier run with the same process ID left (an exit file, an audit log).
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let t = Self { socket, dir };
        // The shell works in the test's own directory: whatever it writes is removed with it.
        let cwd = t.dir.to_string_lossy().into_owned();
        let ok = t
            .cmd(&["new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "-c", &cwd, "sh"])
            .status
            .success();
        assert!(ok, "tmux must be installed (.ci/run installs it)");
        t
    }

    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs")
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    pub fn type_text(&self, text: &str) {
        assert!(self.cmd(&["send-keys", "-t", "e2e", "-l", text]).status.success());
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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

    pub fn wait_file(&self, name: &str) -> String {
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
    pub fn run_bkops(&self, args: &str) {
        self.run_bkops_with("", args);
    }

    /// Like `run_bkops`, with `env` (`K=V ...`) exported first.
    pub fn run_bkops_with(&self, env: &str, args: &str) {
        let d = self.dir.display();
        let bin = env!("CARGO_BIN_EXE_bkops");
        let line = format!(
            "export {env} XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache XDG_CONFIG_HOME={d}/config; stty -g > {d}/before; \
             sh -c 'echo $$ > {d}/pid; exec {bin} {args}'; echo \"exit=$?\" > {d}/exit; stty -g > {d}/after; stty -a > {d}/after-a; clear"
        );
        self.type_text(&line);
        self.keys(&["Enter"]);
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
