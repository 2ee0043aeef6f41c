//! The simulated AWS account: its stacks, their log streams, and the incidents to come.

use super::logs::LogStore;
use super::rng::Rng;
use super::scenario::{self, Incident, StackSpec};
use super::stack::{Ctx, SimStack};
use crate::domain::{Lifecycle, Timestamp};

/// History simulated before the demo starts, so the chart has its last hour at once.
pub const WARM_UP_SECS: i64 = 3600;
/// A world never simulates more than this in one call (a sleeping laptop, `--demo-speed 1e9`).
const MAX_CATCH_UP_SECS: i64 = 6 * 3600;
/// Mean seconds between random incidents on a stack that has them.
const INCIDENT_MEAN_SECS: f64 = 1200.0;
/// How long a lingering full-disk instance stays before the group replaces it.
const LINGER_SECS: i64 = 10 * 60;
/// How long the demo's log groups keep events: the default two-hour timeline and a little
/// more. Kept short so that a long demo's memory levels off.
const LOG_RETENTION_SECS: i64 = 2 * 3600 + 600;

pub struct World {
    origin: Timestamp,
    now: Timestamp,
    rng: Rng,
    pub logs: LogStore,
    pub stacks: Vec<SimStack>,
    script: Vec<(Timestamp, String, Incident)>,
    /// The answers to the last disk check, by instance.
    pub disk_answers: std::collections::HashMap<String, crate::ops::port::DiskAnswer>,
    /// Change sets made and not yet executed or deleted, by stack and name.
    pub change_sets: std::collections::BTreeMap<(String, String), super::update::ChangeSet>,
}

impl World {
    /// A world at `start` holding `specs`, with nothing scripted.
    pub fn new(seed: u64, start: Timestamp, specs: Vec<StackSpec>) -> Self {
        let mut rng = Rng::new(seed);
        let mut logs = LogStore::default();
        let mut ctx = Ctx { now: start, elapsed: 0, rng: &mut rng, logs: &mut logs };
        let stacks = specs.into_iter().map(|spec| SimStack::new(spec, &mut ctx)).collect();
        Self {
            origin: start,
            now: start,
            rng,
            logs,
            stacks,
            script: Vec::new(),
            disk_answers: Default::default(),
            change_sets: Default::default(),
        }
    }

    /// The demo: its stacks with an hour of history behind `start`, and the incidents of its
    /// first minutes scripted around it.
    pub fn demo(seed: u64, start: Timestamp) -> Self {
        let mut world = Self::new(seed, start.plus_secs(-WARM_UP_SECS), scenario::demo_stacks());
        world.script = scenario::demo_script()
            .into_iter()
            .map(|(offset, stack, incident)| (start.plus_secs(offset), stack.to_string(), incident))
            .collect();
        world.advance_to(start);
        world
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn stack(&self, name: &str) -> Option<&SimStack> {
        self.stacks.iter().find(|s| s.spec.name == name)
    }

    /// A new ID from the world's generator (an operator's activity).
    pub fn uuid(&mut self) -> String {
        self.rng.uuid()
    }

    pub fn stack_mut(&mut self, name: &str) -> Option<&mut SimStack> {
        self.stacks.iter_mut().find(|s| s.spec.name == name)
    }

    /// Runs the world second by second up to `t`.
    pub fn advance_to(&mut self, t: Timestamp) {
        if t.secs() - self.now.secs() > MAX_CATCH_UP_SECS {
            self.now = t.plus_secs(-MAX_CATCH_UP_SECS);
        }
        while self.now.plus_secs(1) <= t {
            self.now = self.now.plus_secs(1);
            self.step();
        }
    }

    fn step(&mut self) {
        let now = self.now;
        if now.secs() % 60 == 0 {
            self.logs.expire(now.plus_secs(-LOG_RETENTION_SECS));
        }
        let due: Vec<(String, Incident)> = {
            let (due, later): (Vec<_>, Vec<_>) = self.script.drain(..).partition(|(at, _, _)| *at <= now);
            self.script = later;
            due.into_iter().map(|(_, s, i)| (s, i)).collect()
        };
        for (stack, incident) in due {
            self.trigger(&stack, incident);
        }
        for idx in 0..self.stacks.len() {
            if self.stacks[idx].spec.incidents && self.rng.chance(1.0 / INCIDENT_MEAN_SECS) {
                let incident = match self.rng.between(0, 2) {
                    0 => Incident::DiskFill,
                    1 => Incident::BootFailure,
                    _ => Incident::SpotInterruption,
                };
                let name = self.stacks[idx].spec.name.clone();
                self.trigger(&name, incident);
            }
            let elapsed = now.secs() - self.origin.secs();
            let mut ctx = Ctx { now, elapsed, rng: &mut self.rng, logs: &mut self.logs };
            self.stacks[idx].step(&mut ctx);
            self.stacks[idx].cfn.advance(now);
        }
    }

    /// Makes an incident happen now on a stack.
    pub fn trigger(&mut self, stack: &str, incident: Incident) {
        let now = self.now;
        let Some(idx) = self.stacks.iter().position(|s| s.spec.name == stack) else { return };
        let s = &mut self.stacks[idx];
        match incident {
            Incident::Burst(n) => s.jobs.add_burst(n, &s.spec.load, now, &mut self.rng),
            Incident::BootFailure => s.fail_next_boot = true,
            Incident::CapacityShortage => s.fail_next_launch = true,
            Incident::ScalingError => s.scaling_errors = 3,
            Incident::Zombie => s.fail_next_agent = true,
            Incident::SlowBoot => s.slow_next_boot = true,
            Incident::FailedUpdate => s.cfn.failed_update(&s.spec.name.clone(), "ami-0c0ffee1234567890", now),
            Incident::DiskFill | Incident::DiskFillLingers => {
                // The instance that has run the most jobs: the oldest serving one.
                if let Some(inst) = s
                    .instances
                    .iter_mut()
                    .filter(|i| i.is_serving() && i.os == crate::domain::Os::Linux)
                    .min_by_key(|i| i.launched_at)
                {
                    inst.disk_free_kb = u64::from(self.rng.between(2_600, 3_400)) * 1024;
                    inst.next_disk_check = now.plus_secs(5);
                    if incident == Incident::DiskFillLingers {
                        inst.replace_held_until = Some(now.plus_secs(LINGER_SECS));
                    }
                }
            }
            Incident::SpotInterruption => {
                let candidates: Vec<usize> = (0..s.instances.len())
                    .filter(|&i| {
                        let inst = &s.instances[i];
                        inst.spot && inst.is_serving() && inst.reclaim_at.is_none()
                    })
                    .collect();
                if !candidates.is_empty() {
                    let pick = candidates[self.rng.between(0, candidates.len() as u32 - 1) as usize];
                    s.instances[pick].interrupt(now, &mut self.logs);
                }
            }
        }
    }

    /// Disables or enables the scaler's `AutoscalingFunctionTimer` rule.
    pub fn set_rule_enabled(&mut self, stack: &str, enabled: bool) -> bool {
        match self.stack_mut(stack) {
            Some(s) if s.spec.scaler.is_some() => {
                s.rule_enabled = enabled;
                true
            }
            _ => false,
        }
    }

    pub fn count(&self, stack: &str, lifecycle: Lifecycle) -> usize {
        self.stack(stack).map_or(0, |s| s.instances.iter().filter(|i| i.lifecycle == lifecycle).count())
    }
}
