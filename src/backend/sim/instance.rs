//! One simulated EC2 instance of a stack: its Auto Scaling state, its bootstrap, its agents
//! and its disk, and the log lines each of them writes.

use super::logs::{LogStore, line};
use super::rng::Rng;
use crate::domain::{AgentState, AgentSummary, Health, Lifecycle, Os, Timestamp, groups};

/// Where the bootstrap (`bk-install-elastic-stack.sh`) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boot {
    Running { done_at: Timestamp, fails: bool },
    Ready,
    Failed,
}

#[derive(Debug, Clone)]
pub struct RunningJob {
    pub id: String,
    pub ends_at: Timestamp,
    /// `BUILDKITE_BUILD_URL`, as the agent logs it.
    pub build_url: String,
}

#[derive(Debug, Clone)]
pub struct SimAgent {
    pub name: String,
    pub job: Option<RunningJob>,
    pub idle_since: Timestamp,
}

#[derive(Debug, Clone)]
pub struct SimInstance {
    pub id: String,
    pub host: String,
    pub os: Os,
    pub instance_type: String,
    pub az: String,
    pub spot: bool,
    pub launched_at: Timestamp,
    pub lifecycle: Lifecycle,
    pub health: Health,
    /// When the current lifecycle state ends on its own (Pending → InService, Terminating → gone).
    pub state_until: Option<Timestamp>,
    pub boot: Boot,
    pub agents: Vec<SimAgent>,
    pub agent_pid: u32,
    pub disk_free_kb: u64,
    pub next_disk_check: Timestamp,
    /// Set by a spot interruption notice: when EC2 takes the instance away.
    pub reclaim_at: Option<Timestamp>,
    pub unhealthy_since: Option<Timestamp>,
    pub launch_activity: Option<String>,
    pub terminate_activity: Option<String>,
    /// Its agent cannot register (a token the agent API refuses): it boots, and serves no job.
    pub agent_fails: bool,
    /// The group does not replace it while Unhealthy before this (as when its ReplaceUnhealthy
    /// process is suspended): it lingers, its agent still connected and idle.
    pub replace_held_until: Option<Timestamp>,
    /// The launch template version it was launched from.
    pub template_version: u32,
}

pub const DISK_CUTOFF_KB: u64 = 5_242_880;

impl SimInstance {
    pub fn launch(
        rng: &mut Rng,
        os: Os,
        instance_type: &str,
        az: &str,
        spot: bool,
        at: Timestamp,
        boot_fails: bool,
    ) -> Self {
        let id = rng.instance_id();
        let host = format!("ip-10-0-{}-{}", rng.between(0, 31), rng.between(2, 254));
        let pending = i64::from(rng.between(20, 40));
        let boot = i64::from(rng.between(60, 100));
        Self {
            id,
            host,
            os,
            instance_type: instance_type.to_string(),
            az: az.to_string(),
            spot,
            launched_at: at,
            lifecycle: Lifecycle::Pending,
            health: Health::Healthy,
            state_until: Some(at.plus_secs(pending)),
            boot: Boot::Running { done_at: at.plus_secs(boot), fails: boot_fails },
            agents: Vec::new(),
            agent_pid: rng.between(900, 4000),
            disk_free_kb: u64::from(rng.between(180, 235)) * 1024 * 1024,
            next_disk_check: at.plus_secs(boot - 5),
            reclaim_at: None,
            unhealthy_since: None,
            launch_activity: None,
            terminate_activity: None,
            agent_fails: false,
            replace_held_until: None,
            template_version: 1,
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self.lifecycle, Lifecycle::Pending | Lifecycle::InService)
    }

    /// InService, healthy, bootstrapped: its agents may take jobs.
    pub fn is_serving(&self) -> bool {
        self.lifecycle == Lifecycle::InService && self.health == Health::Healthy && self.boot == Boot::Ready
    }

    /// An Unhealthy instance whose replacement is held: its agent stays connected and idle,
    /// and Buildkite counts it, though each job it took would fail on the full disk (the demo
    /// gives it none).
    pub fn lingers(&self) -> bool {
        self.lifecycle == Lifecycle::InService
            && self.health == Health::Unhealthy
            && self.boot == Boot::Ready
            && self.replace_held_until.is_some()
    }

    /// Its agents are connected to Buildkite: serving, or lingering.
    pub fn is_connected(&self) -> bool {
        (self.is_serving() || self.lingers()) && self.reclaim_at.is_none()
    }

    pub fn all_idle_since(&self) -> Option<Timestamp> {
        if self.agents.is_empty() || self.agents.iter().any(|a| a.job.is_some()) {
            return None;
        }
        self.agents.iter().map(|a| a.idle_since).max()
    }

    pub fn agent_summary(&self) -> AgentSummary {
        let total = self.agents.len() as u32;
        let busy = self.agents.iter().filter(|a| a.job.is_some()).count() as u32;
        let state = match (self.lifecycle, total, busy) {
            (_, 0, _) => AgentState::None,
            (Lifecycle::Terminating, _, _) => AgentState::Stopping,
            _ if self.health == Health::Unhealthy && !self.lingers() => AgentState::Lost,
            _ if self.reclaim_at.is_some() => AgentState::Stopping,
            (_, _, 0) => AgentState::Idle,
            _ => AgentState::Busy,
        };
        let job = self.agents.iter().find_map(|a| a.job.as_ref().map(|j| j.id.clone()));
        AgentSummary { state, busy, total, job }
    }

    fn agent_log(&self, logs: &mut LogStore, at: Timestamp, level: &str, text: &str) {
        let msg = line::agent(at, &self.host, self.agent_pid, level, text);
        logs.put(groups::BUILDKITE_AGENT, &self.id, at, msg);
    }

    fn stack_log(&self, logs: &mut LogStore, at: Timestamp, text: &str) {
        logs.put(groups::ELASTIC_STACK, &self.id, at, text);
        // The bootstrap tees its output to the console, hence to cloud-init's output log.
        if matches!(self.boot, Boot::Running { .. }) {
            let group = match self.os {
                Os::Linux => groups::CLOUD_INIT_OUTPUT,
                Os::Windows => groups::EC2LAUNCH_USERDATA,
            };
            logs.put(group, &self.id, at, text);
        }
    }

    /// Its bootstrap takes `secs` more (images pulled slowly): it is ready, and checks its
    /// disk, that much later.
    pub fn slow_boot(&mut self, secs: i64) {
        if let Boot::Running { done_at, .. } = &mut self.boot {
            *done_at = done_at.plus_secs(secs);
            self.next_disk_check = self.next_disk_check.plus_secs(secs);
        }
    }

    /// The first lines of a boot, written when the instance starts.
    pub fn log_launch(&self, logs: &mut LogStore) {
        let at = self.launched_at.plus_secs(8);
        if self.os == Os::Linux {
            logs.put(
                groups::CLOUD_INIT,
                &self.id,
                at,
                line::cloud_init(at, "util.py[DEBUG]: Cloud-init v. 22.2.2 running 'init' at boot"),
            );
            // cloud-init-output.log: each stage as it starts.
            for (after, stage) in [(0, "init"), (5, "modules:config"), (7, "modules:final")] {
                let t = at.plus_secs(after);
                logs.put(groups::CLOUD_INIT_OUTPUT, &self.id, t, line::cloud_init_stage(t, stage, 6 + after));
            }
            logs.put(
                groups::DOCKER_DAEMON,
                &self.id,
                at.plus_secs(4),
                line::dockerd(at.plus_secs(4), &self.host, 812, "API listen on /run/docker.sock"),
            );
        }
        let script = match self.os {
            Os::Linux => "/usr/local/bin/bk-install-elastic-stack.sh",
            Os::Windows => "C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1",
        };
        self.stack_log(logs, at.plus_secs(10), &format!("Starting {script}..."));
        self.stack_log(logs, at.plus_secs(10), &format!("Detected INSTANCE_ID={}", self.id));
    }

    /// The bootstrap finishes: agents register, or the script fails and marks itself Unhealthy.
    pub fn finish_boot(
        &mut self,
        stack: &str,
        queue: &str,
        per_instance: u32,
        at: Timestamp,
        logs: &mut LogStore,
    ) {
        let Boot::Running { fails, .. } = self.boot else { return };
        if fails {
            let role = format!("{stack}-Role");
            self.stack_log(
                logs,
                at,
                &format!(
                    "An error occurred (AccessDeniedException) when calling the GetParameter operation: User: \
arn:aws:sts::123456789012:assumed-role/{role}/{id} is not authorized to perform: ssm:GetParameter on resource: \
arn:aws:ssm:us-east-1:123456789012:parameter/{stack}/buildkite/agent-token because no identity-based policy allows the ssm:GetParameter action",
                    id = self.id
                ),
            );
            self.stack_log(
                logs,
                at,
                "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 254 on line 219.",
            );
            if self.os == Os::Linux {
                logs.put(
                    groups::CLOUD_INIT_OUTPUT,
                    &self.id,
                    at.plus_secs(1),
                    line::cloud_init(
                        at.plus_secs(1),
                        "util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [254]",
                    ),
                );
            }
            self.boot = Boot::Failed;
            self.health = Health::Unhealthy;
            self.unhealthy_since = Some(at);
            return;
        }
        self.stack_log(logs, at, "Bootstrap script completed successfully.");
        self.boot = Boot::Ready;
        self.agent_log(
            logs,
            at,
            "NOTICE",
            &format!("Starting buildkite-agent v3.110.0 with PID: {}", self.agent_pid),
        );
        self.agent_log(logs, at, "INFO", "Registering agent with Buildkite...");
        if self.agent_fails {
            self.agent_log(
                logs,
                at,
                "FATAL",
                "Failed to register agent: POST https://agent-edge.buildkite.com/v3/register: 401 Unauthorized: Invalid token",
            );
            return;
        }
        self.agents = (1..=per_instance)
            .map(|n| SimAgent { name: format!("{stack}-{}-{n}", self.id), job: None, idle_since: at })
            .collect();
        for agent in &self.agents {
            let text = format!(
                "Successfully registered agent \"{}\" with tags [queue={queue}, stack={stack}, aws:instance-id={}]",
                agent.name, self.id
            );
            self.agent_log(logs, at, "INFO", &text);
            self.agent_log(logs, at, "INFO", &format!("{} Waiting for instructions...", agent.name));
        }
    }

    pub fn start_job(&mut self, slot: usize, job: RunningJob, at: Timestamp, logs: &mut LogStore) {
        let Some(agent) = self.agents.get_mut(slot) else { return };
        let text = format!("{} Assigned job {}. Accepting...", agent.name, job.id);
        let starting = format!("{} Starting job {} for build at {}", agent.name, job.id, job.build_url);
        agent.job = Some(job);
        self.agent_log(logs, at, "INFO", &text);
        self.agent_log(logs, at, "INFO", &starting);
    }

    /// Jobs that ended by `at`; each fills some disk with images and build output.
    pub fn finish_jobs(&mut self, at: Timestamp, rng: &mut Rng, logs: &mut LogStore) -> u32 {
        let mut finished = Vec::new();
        for agent in &mut self.agents {
            if agent.job.as_ref().is_some_and(|j| j.ends_at <= at)
                && let Some(job) = agent.job.take()
            {
                agent.idle_since = at;
                finished
                    .push(format!("{} Finished job {} for build at {}", agent.name, job.id, job.build_url));
            }
        }
        for text in &finished {
            self.disk_free_kb = self.disk_free_kb.saturating_sub(u64::from(rng.between(200, 2_000)) * 1024);
            self.agent_log(logs, at, "INFO", text);
        }
        finished.len() as u32
    }

    /// The hourly `docker-low-disk-gc` run. Returns true when it gave up on the instance.
    pub fn check_disk(&mut self, at: Timestamp, rng: &mut Rng, logs: &mut LogStore) -> bool {
        self.next_disk_check = at.plus_secs(3600);
        if self.os == Os::Windows {
            return false; // The Windows AMI has no disk check.
        }
        if self.disk_free_kb >= DISK_CUTOFF_KB {
            let free = format!("Disk space free: {}G", self.disk_free_kb / 1024 / 1024);
            self.stack_log(logs, at, &free);
            self.stack_log(logs, at, &format!("Inodes free: {}M", rng.between(9, 15)));
            return false;
        }
        let short = |kb: u64| {
            format!(
                "Not enough disk space free: {:.1}G ({kb}KB) available, cutoff is 5.0GiB ({DISK_CUTOFF_KB}KB) 🚨",
                kb as f64 / 1024.0 / 1024.0
            )
        };
        self.stack_log(logs, at, &short(self.disk_free_kb));
        self.stack_log(logs, at, "Cleaning up docker resources older than 4h to free disk space");
        let reclaimed = u64::from(rng.between(100, 600)) * 1024;
        self.stack_log(logs, at, &format!("Total reclaimed space: {:.1}MB", reclaimed as f64 / 1024.0));
        self.disk_free_kb += reclaimed;
        if self.disk_free_kb >= DISK_CUTOFF_KB {
            return false;
        }
        let later = at.plus_secs(2);
        self.stack_log(logs, later, &short(self.disk_free_kb));
        self.stack_log(logs, later, "Insufficient disk space after cleanup.");
        // The ERR trap: cancel the running jobs, then SetInstanceHealth Unhealthy.
        for agent in &mut self.agents {
            agent.job = None;
        }
        self.agent_log(logs, later, "NOTICE", "Received signal `SIGQUIT`, stopping agents forcefully");
        self.stack_log(logs, later.plus_secs(1), "Marking instance as unhealthy");
        self.health = Health::Unhealthy;
        self.unhealthy_since = Some(later.plus_secs(1));
        true
    }

    /// A spot interruption notice: lifecycled stops the agents, EC2 reclaims in two minutes.
    pub fn interrupt(&mut self, at: Timestamp, logs: &mut LogStore) {
        self.reclaim_at = Some(at.plus_secs(120));
        let fields = format!("instanceId={} notice=spot", self.id);
        logs.put(
            groups::LIFECYCLED,
            &self.id,
            at,
            line::lifecycled(at, "Received termination notice", &fields),
        );
        let handler = "handler=/usr/local/bin/stop-agent-gracefully";
        logs.put(
            groups::LIFECYCLED,
            &self.id,
            at,
            line::lifecycled(at, "Executing handler", &format!("{fields} {handler}")),
        );
        self.agent_log(logs, at, "NOTICE", "Received signal `SIGTERM`, stopping agents gracefully");
    }

    /// Idle agents disconnect (`disconnect-after-idle-timeout`).
    pub fn log_idle_disconnect(&self, idle_secs: u32, at: Timestamp, logs: &mut LogStore) {
        for agent in &self.agents {
            let text =
                format!("{} All agents have been idle for {idle_secs} seconds. Disconnecting...", agent.name);
            self.agent_log(logs, at, "INFO", &text);
        }
    }

    /// The Windows `terminate-instance.ps1` could not decrement: the agent is started again.
    pub fn restart_agents(&mut self, at: Timestamp, logs: &mut LogStore) {
        for agent in &mut self.agents {
            agent.idle_since = at;
        }
        self.agent_log(
            logs,
            at,
            "NOTICE",
            &format!("Starting buildkite-agent v3.110.0 with PID: {}", self.agent_pid + 1),
        );
        self.agent_pid += 1;
    }

    pub fn begin_terminating(&mut self, at: Timestamp, activity: String) {
        self.lifecycle = Lifecycle::Terminating;
        self.state_until = Some(at.plus_secs(40));
        self.terminate_activity = Some(activity);
        for agent in &mut self.agents {
            agent.job = None;
        }
    }
}
