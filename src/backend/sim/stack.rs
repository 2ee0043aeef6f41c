//! One simulated stack per second: jobs arrive, agents take them, the scaler sets the desired
//! capacity, the Auto Scaling group launches and terminates instances, and every step leaves
//! the activities and log lines the real stack leaves.

use std::collections::VecDeque;

mod scaler_run;

use super::activity;
use super::instance::{Boot, RunningJob, SimInstance};
use super::jobs::JobQueue;
use super::logs::LogStore;
use super::rng::Rng;
use super::scenario::StackSpec;
use crate::domain::{Health, Lifecycle, Os, QueueMetrics, QueueSample, ScalingActivity, Timestamp};

const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ACTIVITY_CAPACITY: usize = 1_000;
const HISTORY_CAPACITY: usize = 24 * 60;
/// How long the Auto Scaling group takes to act on an Unhealthy instance.
const HEALTH_CHECK_DELAY_SECS: i64 = 10;
/// How much longer a slow boot's bootstrap takes (`Incident::SlowBoot`).
const SLOW_BOOT_SECS: i64 = 240;

/// Everything a stack's step may touch outside the stack itself.
pub struct Ctx<'a> {
    pub now: Timestamp,
    /// Seconds since the world began: the scaler's cadence counts from it, so that a seed
    /// gives the same world whatever the wall clock said when it started.
    pub elapsed: i64,
    pub rng: &'a mut Rng,
    pub logs: &'a mut LogStore,
}

#[derive(Debug)]
pub struct SimStack {
    pub spec: StackSpec,
    pub asg_name: String,
    pub scaler_log_group: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub rule_enabled: bool,
    pub instances: Vec<SimInstance>,
    pub jobs: JobQueue,
    pub activities: VecDeque<ScalingActivity>,
    pub history: VecDeque<QueueSample>,
    minute_sum: (f64, f64, f64, u32),
    last_scale_out: Option<Timestamp>,
    last_scale_in: Option<Timestamp>,
    /// The last SetDesiredCapacity, quoted in the causes of the launches it leads to.
    set_desired: Option<(Timestamp, u32, u32)>,
    next_az: usize,
    pub fail_next_boot: bool,
    /// The next instance launched boots slowly (`Incident::SlowBoot`).
    pub slow_next_boot: bool,
    pub fail_next_launch: bool,
    /// The next launch's agent cannot register.
    pub fail_next_agent: bool,
    /// Scaler runs left whose SetDesiredCapacity fails.
    pub scaling_errors: u32,
    /// The group's tags (bkops records a pause in them).
    pub tags: std::collections::BTreeMap<String, String>,
    /// Its CloudFormation status and events.
    pub cfn: super::cfn::Cfn,
    /// The group's launch template version; an update makes a new one.
    pub template_version: u32,
}

impl SimStack {
    pub fn new(spec: StackSpec, ctx: &mut Ctx<'_>) -> Self {
        let suffix = ctx.rng.hex(12).to_uppercase();
        let asg_name = format!("{}-AgentAutoScaleGroup-{suffix}", spec.name);
        let mut stack = Self {
            cfn: super::cfn::Cfn::deployed(&spec.name, &asg_name, ctx.now),
            asg_name,
            scaler_log_group: format!(
                "/aws/lambda/{}-Autoscaling-AutoscalingFunction-{}",
                spec.name,
                ctx.rng.hex(12)
            ),
            desired: spec.initial,
            min: spec.min,
            max: spec.max,
            rule_enabled: !spec.paused,
            instances: Vec::new(),
            jobs: JobQueue::default(),
            activities: VecDeque::new(),
            history: VecDeque::new(),
            minute_sum: (0.0, 0.0, 0.0, 0),
            last_scale_out: None,
            last_scale_in: None,
            set_desired: None,
            next_az: 0,
            fail_next_boot: false,
            slow_next_boot: false,
            fail_next_launch: false,
            fail_next_agent: false,
            scaling_errors: 0,
            tags: std::collections::BTreeMap::new(),
            template_version: 1,
            spec,
        };
        // Instances that have been up for a while: launched hours ago, long since bootstrapped.
        for _ in 0..stack.spec.initial {
            let age = i64::from(ctx.rng.between(2 * 3600, 20 * 3600));
            let at = ctx.now.plus_secs(-age);
            let mut inst = stack.new_instance(ctx.rng, at, false);
            inst.log_launch(ctx.logs);
            inst.lifecycle = Lifecycle::InService;
            inst.state_until = None;
            inst.finish_boot(
                &stack.spec.name,
                &stack.spec.queue,
                stack.per_instance(),
                at.plus_secs(90),
                ctx.logs,
            );
            inst.check_disk(at.plus_secs(85), ctx.rng, ctx.logs);
            // Spread the hourly checks over the hour.
            inst.next_disk_check = ctx.now.plus_secs(i64::from(ctx.rng.between(60, 3600)));
            for agent in &mut inst.agents {
                agent.idle_since = ctx.now;
            }
            stack.instances.push(inst);
        }
        stack
    }

    pub(super) fn per_instance(&self) -> u32 {
        self.spec.scaler.as_ref().map_or(1, |p| p.agents_per_instance.max(1))
    }

    fn new_instance(&mut self, rng: &mut Rng, at: Timestamp, boot_fails: bool) -> SimInstance {
        let az = AZS[self.next_az % AZS.len()];
        self.next_az += 1;
        let types = &self.spec.instance_types;
        let instance_type = types.get(rng.between(0, types.len().saturating_sub(1) as u32) as usize);
        let instance_type = instance_type.map_or("t3.large", String::as_str);
        let mut launched =
            SimInstance::launch(rng, self.spec.os, instance_type, az, self.spec.spot, at, boot_fails);
        launched.template_version = self.template_version;
        launched
    }

    pub(super) fn record(&mut self, activity: ScalingActivity) {
        if self.activities.len() == ACTIVITY_CAPACITY {
            self.activities.pop_front();
        }
        self.activities.push_back(activity);
    }

    fn finish_activity(&mut self, id: &str, at: Timestamp) {
        if let Some(a) = self.activities.iter_mut().rev().find(|a| a.id == id) {
            a.status = crate::domain::ActivityStatus::Successful;
            a.end = Some(at);
        }
    }

    pub fn step(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        self.jobs.arrive(&self.spec.load, now, ctx.rng);
        self.advance_instances(ctx);
        self.assign_jobs(ctx);
        self.scale_in_idle(ctx);
        self.replace_unhealthy(ctx);
        self.reconcile(ctx);
        let t = ctx.elapsed;
        if self.rule_enabled && self.spec.scaler.is_some() && t % 60 < 50 && t % 10 == 0 {
            self.run_scaler(ctx);
        }
        self.sample(now);
    }

    fn advance_instances(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let (name, queue, per) = (self.spec.name.clone(), self.spec.queue.clone(), self.per_instance());
        let mut finished_activities = Vec::new();
        for inst in &mut self.instances {
            match inst.lifecycle {
                Lifecycle::Pending if inst.state_until.is_some_and(|t| t <= now) => {
                    inst.lifecycle = Lifecycle::InService;
                    inst.state_until = None;
                    if let Some(id) = inst.launch_activity.take() {
                        finished_activities.push(id);
                    }
                }
                Lifecycle::Terminating if inst.state_until.is_some_and(|t| t <= now) => {
                    inst.lifecycle = Lifecycle::Terminated;
                    if let Some(id) = inst.terminate_activity.take() {
                        finished_activities.push(id);
                    }
                }
                _ => {}
            }
            if let Boot::Running { done_at, .. } = inst.boot
                && done_at <= now
            {
                inst.finish_boot(&name, &queue, per, now, ctx.logs);
            }
            if inst.lifecycle == Lifecycle::InService {
                inst.finish_jobs(now, ctx.rng, ctx.logs);
                if inst.next_disk_check <= now && inst.health == Health::Healthy {
                    inst.check_disk(now, ctx.rng, ctx.logs);
                }
            }
        }
        for id in finished_activities {
            self.finish_activity(&id, now);
        }
        self.instances.retain(|i| i.lifecycle != Lifecycle::Terminated);
    }

    fn assign_jobs(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        for inst in self.instances.iter_mut().filter(|i| i.is_serving() && i.reclaim_at.is_none()) {
            for slot in 0..inst.agents.len() {
                if inst.agents[slot].job.is_some() {
                    continue;
                }
                let Some(job) = self.jobs.scheduled.pop_front() else { return };
                let build_url = super::jobs::build_url(&job.id);
                let running =
                    RunningJob { id: job.id, ends_at: now.plus_secs(i64::from(job.secs)), build_url };
                inst.start_job(slot, running, now, ctx.logs);
            }
        }
    }

    /// Agents idle for ScaleInIdlePeriod disconnect, and `terminate-instance` runs.
    fn scale_in_idle(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let idle = self.spec.scale_in_idle_period;
        let Some(pos) = self.instances.iter().position(|i| {
            i.is_serving() && i.all_idle_since().is_some_and(|t| now.secs_since(t) >= i64::from(idle))
        }) else {
            return;
        };
        self.instances[pos].log_idle_disconnect(idle, now, ctx.logs);
        if self.desired > self.min {
            let (from, to) = (self.desired, self.desired - 1);
            self.desired = to;
            let id = ctx.rng.uuid();
            let cause = activity::self_terminate_cause(now, &self.instances[pos].id, from, to);
            self.record(activity::terminate(id.clone(), &self.instances[pos].id, now, cause));
            self.instances[pos].begin_terminating(now, id);
        } else if self.spec.os == Os::Windows {
            self.instances[pos].restart_agents(now, ctx.logs);
        } else {
            // Decrementing below MinSize fails; the script falls back to SetInstanceHealth.
            let inst = &mut self.instances[pos];
            inst.health = Health::Unhealthy;
            inst.unhealthy_since = Some(now);
        }
    }

    /// The group terminates Unhealthy and reclaimed instances; it launches replacements later.
    fn replace_unhealthy(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        for pos in 0..self.instances.len() {
            let inst = &self.instances[pos];
            if !inst.is_active() {
                continue;
            }
            let cause = if inst.reclaim_at.is_some_and(|t| t <= now) {
                activity::ec2_terminated_cause(now)
            } else if inst.unhealthy_since.is_some_and(|t| now.secs_since(t) >= HEALTH_CHECK_DELAY_SECS)
                && inst.replace_held_until.is_none_or(|t| t <= now)
            {
                activity::health_check_cause(now)
            } else {
                continue;
            };
            let id = ctx.rng.uuid();
            let instance_id = inst.id.clone();
            self.record(activity::terminate(id.clone(), &instance_id, now, cause));
            self.instances[pos].begin_terminating(now, id);
        }
    }

    /// Launch instances until the group has its desired capacity.
    fn reconcile(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let active = self.instances.iter().filter(|i| i.is_active()).count() as u32;
        if active >= self.desired {
            return;
        }
        let cause = activity::launch_cause(now, self.set_desired.take(), active, self.desired);
        for _ in active..self.desired {
            if self.fail_next_launch {
                self.fail_next_launch = false;
                let az = AZS[self.next_az % AZS.len()];
                self.next_az += 1;
                let others: Vec<&str> = AZS.iter().copied().filter(|a| *a != az).collect();
                let itype = self.spec.instance_types.first().map_or("t3.large", String::as_str).to_string();
                let id = ctx.rng.uuid();
                let failed = activity::launch_failed(id, &itype, az, &others.join(", "), now, cause.clone());
                self.record(failed);
                return; // The group tries again on its next pass.
            }
            let fails = std::mem::take(&mut self.fail_next_boot);
            let mut inst = self.new_instance(ctx.rng, now, fails);
            inst.agent_fails = std::mem::take(&mut self.fail_next_agent);
            if std::mem::take(&mut self.slow_next_boot) {
                inst.slow_boot(SLOW_BOOT_SECS);
            }
            inst.log_launch(ctx.logs);
            let id = ctx.rng.uuid();
            self.record(activity::launch(id.clone(), &inst.id, now, cause.clone()));
            inst.launch_activity = Some(id);
            self.instances.push(inst);
        }
    }

    pub(super) fn metrics(&self) -> QueueMetrics {
        let connected: Vec<_> =
            self.instances.iter().filter(|i| i.is_connected()).flat_map(|i| &i.agents).collect();
        let busy = connected.iter().filter(|a| a.job.is_some()).count() as u32;
        // A job runs on a busy agent: one on an instance whose agent is gone is not counted
        // as running (Buildkite shows it once the agent is back, or as lost), so Running
        // never exceeds Busy.
        let running = busy;
        // Agents of no stack on the queue are Buildkite's to count too.
        let total = connected.len() as u32 + self.spec.strangers.len() as u32;
        QueueMetrics {
            scheduled: self.jobs.scheduled.len() as u32,
            running,
            waiting: self.jobs.waiting.len() as u32,
            idle_agents: total - busy,
            busy_agents: busy,
            total_agents: total,
        }
    }

    /// Queue history as the scaler's CloudWatch metrics give it: a 1-minute average.
    fn sample(&mut self, now: Timestamp) {
        if now.secs() % 10 == 0 {
            let m = self.metrics();
            let s = &mut self.minute_sum;
            s.0 += f64::from(m.scheduled);
            s.1 += f64::from(m.running);
            s.2 += f64::from(m.waiting);
            s.3 += 1;
        }
        if now.secs() % 60 == 0 && self.minute_sum.3 > 0 {
            let (a, b, c, n) = std::mem::take(&mut self.minute_sum);
            let n = f64::from(n);
            if self.history.len() == HISTORY_CAPACITY {
                self.history.pop_front();
            }
            self.history.push_back(QueueSample {
                at: now.plus_secs(-60),
                scheduled: a / n,
                running: b / n,
                waiting: c / n,
            });
        }
    }
}
