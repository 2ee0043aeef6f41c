//! The demo's shell on a simulated instance: what a Session Manager session on an Elastic CI
//! Stack instance looks like (ssm-user's `sh` in /usr/bin, `sudo -iu buildkite-agent`), with
//! a terminal's line discipline (echo, backspace, Ctrl-C, Ctrl-D) and a few read-only commands
//! that answer from the simulated instance. Pure: bytes in, bytes out.

use crate::domain::Os;

/// What the shell knows about its instance, taken when the session starts.
#[derive(Debug, Clone)]
pub struct Facts {
    pub instance: String,
    pub host: String,
    pub os: Os,
    pub instance_type: String,
    pub az: String,
    pub uptime_secs: i64,
    pub disk_free_kb: u64,
    pub disk_total_kb: u64,
    /// Agent names, and the job each one runs.
    pub agents: Vec<(String, Option<String>)>,
    /// `date`'s answer.
    pub date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum User {
    SsmUser,
    BuildkiteAgent,
}

/// Where the line discipline is in an escape sequence (arrow keys and the like are dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Start,
    Csi,
    Ss3,
}

pub struct SimShell {
    facts: Facts,
    user: User,
    /// `sudo -iu buildkite-agent` from ssm-user's shell: `exit` goes back to it.
    nested: bool,
    line: Vec<u8>,
    escape: Escape,
    size: (u16, u16),
}

/// What one input produced: bytes for the terminal, and whether the session is over.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
    pub output: Vec<u8>,
    pub exit: bool,
    /// A command run for the session (`--command`): its exit status, which the agent reports.
    pub status: Option<i32>,
}

fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}

/// `sudo -iu buildkite-agent` and the other ways on-call engineers become the agent's user.
fn becomes_agent(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["sudo", "-iu", "buildkite-agent"]
            | ["sudo", "-i", "-u", "buildkite-agent"]
            | ["sudo", "su", "-", "buildkite-agent"]
            | ["sudo", "-u", "buildkite-agent", "-i"]
    )
}

impl SimShell {
    /// A shell, or with `command` what AWS-StartInteractiveCommand runs: the session ends when
    /// the command does.
    pub fn start(facts: Facts, command: Option<&str>) -> (Self, Step) {
        let mut shell = Self {
            facts,
            user: User::SsmUser,
            nested: false,
            line: Vec::new(),
            escape: Escape::None,
            size: (80, 24),
        };
        let step = match command {
            None => Step { output: shell.prompt().into_bytes(), ..Step::default() },
            Some(c) if becomes_agent(c) && shell.facts.os == Os::Linux => {
                shell.user = User::BuildkiteAgent;
                Step { output: shell.prompt().into_bytes(), ..Step::default() }
            }
            Some(c) => {
                let out = shell.run(c.trim());
                // As a shell would: `exit N` is N, a command it cannot find 127, a refusal 1.
                let status = match (c.split_whitespace().collect::<Vec<_>>().as_slice(), &out) {
                    (["exit", n], _) => n.parse().unwrap_or(2),
                    (_, Some(t)) if t.contains("command not found") || t.contains("is not recognized") => 127,
                    (_, Some(t)) if t.contains("permission denied") => 1,
                    _ => 0,
                };
                Step { output: crlf(&out.unwrap_or_default()), exit: true, status: Some(status) }
            }
        };
        (shell, step)
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.size = (cols, rows);
    }

    fn prompt(&self) -> String {
        match (self.facts.os, self.user) {
            (Os::Windows, _) => "PS C:\\Windows\\system32> ".into(),
            (_, User::SsmUser) => "sh-5.2$ ".into(),
            (_, User::BuildkiteAgent) => format!("[buildkite-agent@{} ~]$ ", self.facts.host),
        }
    }

    /// Keystrokes, as a terminal in cooked mode on the instance would take them.
    pub fn input(&mut self, bytes: &[u8]) -> Step {
        let mut out = Vec::new();
        for &b in bytes {
            match (self.escape, b) {
                (Escape::None, 0x1b) => self.escape = Escape::Start,
                (Escape::Start, b'[') => self.escape = Escape::Csi,
                (Escape::Start, b'O') => self.escape = Escape::Ss3,
                (Escape::Start, _) | (Escape::Ss3, _) => self.escape = Escape::None,
                (Escape::Csi, 0x40..=0x7e) => self.escape = Escape::None,
                (Escape::Csi, _) => {}
                (Escape::None, b'\r' | b'\n') => {
                    out.extend_from_slice(b"\r\n");
                    let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
                    match self.run(line.trim()) {
                        None => return Step { output: out, exit: true, status: None },
                        Some(text) => out.extend(crlf(&text)),
                    }
                    out.extend(self.prompt().into_bytes());
                }
                (Escape::None, 0x03) => {
                    self.line.clear();
                    out.extend_from_slice(b"^C\r\n");
                    out.extend(self.prompt().into_bytes());
                }
                (Escape::None, 0x04) if self.line.is_empty() => match self.run("exit") {
                    None => return Step { output: out, exit: true, status: None },
                    Some(text) => {
                        out.extend(crlf(&text));
                        out.extend(self.prompt().into_bytes());
                    }
                },
                (Escape::None, 0x7f | 0x08) => {
                    // One character, which may be several UTF-8 bytes.
                    while let Some(last) = self.line.pop() {
                        if last & 0xc0 != 0x80 {
                            out.extend_from_slice(b"\x08 \x08");
                            break;
                        }
                    }
                }
                (Escape::None, 0x15) => {
                    for _ in String::from_utf8_lossy(&self.line).chars() {
                        out.extend_from_slice(b"\x08 \x08");
                    }
                    self.line.clear();
                }
                (Escape::None, 0x0c) => {
                    out.extend_from_slice(b"\x1b[H\x1b[2J");
                    out.extend(self.prompt().into_bytes());
                    out.extend_from_slice(&self.line);
                }
                (Escape::None, b) if b >= 0x20 && b != 0x7f => {
                    self.line.push(b);
                    out.push(b);
                }
                (Escape::None, _) => {}
            }
        }
        Step { output: out, ..Step::default() }
    }

    fn df(&self) -> String {
        let total = self.facts.disk_total_kb;
        let free = self.facts.disk_free_kb.min(total);
        let used = total - free;
        let pct = (used * 100).div_ceil(total.max(1));
        let g = |kb: u64| format!("{}G", kb / (1024 * 1024));
        format!(
            "Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1  {:>4}  {:>4}  {:>4}  {:>3}% /\n",
            g(total),
            g(used),
            g(free),
            pct
        )
    }

    fn docker_ps(&self) -> String {
        let row = |id: &str, image: &str, status: &str, name: &str| {
            format!("{id:<14} {image:<39} {status:<15} {name}\n")
        };
        let mut out = row("CONTAINER ID", "IMAGE", "STATUS", "NAMES");
        for (i, (name, job)) in self.facts.agents.iter().enumerate() {
            if let Some(job) = job {
                let short: String = job.chars().filter(|c| c.is_ascii_hexdigit()).take(12).collect();
                let status = format!("Up {} minutes", 2 + i);
                let container = format!("buildkite_{}_{}", name.replace(['-', '.'], "_"), i + 1);
                out.push_str(&row(&short, "public.ecr.aws/docker/library/node:22", &status, &container));
            }
        }
        out
    }

    fn systemctl(&self) -> String {
        let busy = self.facts.agents.iter().filter(|(_, j)| j.is_some()).count();
        format!(
            "● buildkite-agent.service - Buildkite Agent\n     Loaded: loaded (/etc/systemd/system/buildkite-agent.service; enabled)\n     Active: active (running) for {}\n   Main PID: 2741 (buildkite-agent)\n     Status: \"{} agents, {} running a job\"\n",
            crate::domain::format_age(self.facts.uptime_secs),
            self.facts.agents.len(),
            busy
        )
    }

    fn help(&self) -> String {
        "A simulated instance (bkops --demo). Commands: hostname, whoami, id, pwd, uname -a, uptime, date,\n\
         ec2-metadata, df -h, docker ps, systemctl status buildkite-agent, buildkite-agent --version, stty size,\n\
         echo, clear, sudo -iu buildkite-agent, exit.\n"
            .into()
    }

    /// Runs one command line; `None` when it ends the session.
    fn run(&mut self, line: &str) -> Option<String> {
        if self.facts.os == Os::Windows {
            return self.run_powershell(line);
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let text = match words.as_slice() {
            [] => String::new(),
            ["exit" | "logout", ..] => {
                if self.nested {
                    self.nested = false;
                    self.user = User::SsmUser;
                    return Some("logout\n".into());
                }
                return None;
            }
            ["help"] => self.help(),
            ["hostname"] => format!("{}\n", self.facts.host),
            ["whoami"] => match self.user {
                User::SsmUser => "ssm-user\n".into(),
                User::BuildkiteAgent => "buildkite-agent\n".into(),
            },
            ["id"] => match self.user {
                User::SsmUser => "uid=1001(ssm-user) gid=1001(ssm-user) groups=1001(ssm-user)\n".into(),
                User::BuildkiteAgent => {
                    "uid=2000(buildkite-agent) gid=2000(buildkite-agent) groups=2000(buildkite-agent),992(docker)\n"
                        .into()
                }
            },
            ["pwd"] => match self.user {
                User::SsmUser => "/usr/bin\n".into(),
                User::BuildkiteAgent => "/var/lib/buildkite-agent\n".into(),
            },
            ["uname", ..] => format!(
                "Linux {} 6.1.158-180.294.amzn2023.x86_64 #1 SMP x86_64 GNU/Linux\n",
                self.facts.host
            ),
            ["uptime"] => {
                format!(" up {},  0 users,  load average: 0.52, 0.41, 0.33\n", crate::domain::format_age(self.facts.uptime_secs))
            }
            ["date"] => format!("{}\n", self.facts.date),
            ["ec2-metadata", ..] => format!(
                "instance-id: {}\ninstance-type: {}\nplacement: {}\n",
                self.facts.instance, self.facts.instance_type, self.facts.az
            ),
            ["df", ..] => self.df(),
            ["docker", "ps", ..] if self.user == User::BuildkiteAgent => self.docker_ps(),
            ["docker", ..] => "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\n".into(),
            ["sudo", "docker", "ps", ..] => self.docker_ps(),
            ["systemctl", "status", "buildkite-agent", ..] | ["sudo", "systemctl", "status", "buildkite-agent", ..] => {
                self.systemctl()
            }
            ["buildkite-agent", "--version"] => "buildkite-agent version 3.110.0, build 12197\n".into(),
            ["stty", "size"] => format!("{} {}\n", self.size.1, self.size.0),
            ["echo", rest @ ..] => format!("{}\n", rest.join(" ")),
            ["clear"] => "\x1b[H\x1b[2J".into(),
            _ if becomes_agent(line) => {
                if self.user == User::SsmUser {
                    self.user = User::BuildkiteAgent;
                    self.nested = true;
                }
                String::new()
            }
            [cmd, ..] => {
                let shell = if self.user == User::SsmUser { "sh" } else { "-bash" };
                format!("{shell}: {cmd}: command not found\n")
            }
        };
        Some(text)
    }

    fn run_powershell(&mut self, line: &str) -> Option<String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        Some(match words.as_slice() {
            [] => String::new(),
            ["exit", ..] => return None,
            ["hostname"] => format!("{}\n", self.facts.host),
            ["whoami"] => format!("{}\\ssm-user\n", self.facts.host.to_lowercase()),
            ["help"] => {
                "A simulated Windows instance (bkops --demo). Commands: hostname, whoami, exit.\n".into()
            }
            [cmd, ..] => format!(
                "{cmd} : The term '{cmd}' is not recognized as the name of a cmdlet, function, script file, or operable program.\n"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            instance: "i-0a1b2c3d4e5f60718".into(),
            host: "ip-10-0-1-23".into(),
            os: Os::Linux,
            instance_type: "c7i.2xlarge".into(),
            az: "us-east-1a".into(),
            uptime_secs: 5_000,
            disk_free_kb: 50 * 1024 * 1024,
            disk_total_kb: 250 * 1024 * 1024,
            agents: vec![
                ("ci-prod-i-0a1b-1".into(), Some("0190a1b2-c3d4".into())),
                ("ci-prod-i-0a1b-2".into(), None),
            ],
            date: "Tue Nov 24 03:12:00 UTC 2026".into(),
        }
    }

    fn typed(shell: &mut SimShell, text: &str) -> String {
        let step = shell.input(text.as_bytes());
        assert!(!step.exit, "{text:?} ended the session");
        String::from_utf8_lossy(&step.output).into_owned()
    }

    #[test]
    fn echoes_runs_and_prompts() {
        let (mut sh, first) = SimShell::start(facts(), None);
        assert_eq!(first.output, b"sh-5.2$ ");
        assert_eq!(typed(&mut sh, "hostname\r"), "hostname\r\nip-10-0-1-23\r\nsh-5.2$ ");
        assert_eq!(typed(&mut sh, "nope\r"), "nope\r\nsh: nope: command not found\r\nsh-5.2$ ");
        assert!(typed(&mut sh, "df -h\r").contains("200G   50G   80% /"));
    }

    #[test]
    fn line_editing_and_control_keys() {
        let (mut sh, _) = SimShell::start(facts(), None);
        assert_eq!(typed(&mut sh, "whoamx\x7fi"), "whoamx\x08 \x08i");
        assert_eq!(typed(&mut sh, "\x1b[A\x1bOB\r"), "\r\nssm-user\r\nsh-5.2$ ", "arrow keys are dropped");
        assert_eq!(typed(&mut sh, "sleep 100\x03"), "sleep 100^C\r\nsh-5.2$ ");
        sh.resize(132, 43);
        assert!(typed(&mut sh, "stty size\r").contains("43 132\r\n"));
        assert!(sh.input(b"\x04").exit, "Ctrl-D on an empty line ends the session");
    }

    #[test]
    fn sudo_to_the_agent_user_and_back() {
        let (mut sh, _) = SimShell::start(facts(), None);
        let out = typed(&mut sh, "sudo -iu buildkite-agent\r");
        assert!(out.ends_with("[buildkite-agent@ip-10-0-1-23 ~]$ "), "{out:?}");
        assert!(typed(&mut sh, "docker ps\r").contains("buildkite_ci_prod_i_0a1b_1_1"));
        assert_eq!(typed(&mut sh, "exit\r"), "exit\r\nlogout\r\nsh-5.2$ ");
        assert!(sh.input(b"exit\r").exit);
    }

    #[test]
    fn an_interactive_command_ends_the_session_when_it_does() {
        let (mut sh, first) = SimShell::start(facts(), Some("sudo -iu buildkite-agent"));
        assert_eq!(first.output, b"[buildkite-agent@ip-10-0-1-23 ~]$ ");
        assert!(sh.input(b"exit\r").exit, "not back to ssm-user: the command was the session");
        let (_, once) = SimShell::start(facts(), Some("hostname"));
        assert_eq!((once.output, once.exit), (b"ip-10-0-1-23\r\n".to_vec(), true));
    }
}
