//! A queue's jobs: waiting on earlier steps, scheduled (waiting for an agent), running.

use std::collections::VecDeque;

use super::rng::Rng;
use super::scenario::Load;
use crate::domain::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    pub id: String,
    pub secs: u32,
}

#[derive(Debug, Default)]
pub struct JobQueue {
    pub scheduled: VecDeque<JobSpec>,
    /// Jobs behind a `wait` step, with the time they become scheduled.
    pub waiting: Vec<(Timestamp, JobSpec)>,
}

/// The demo's pipelines, in the organization its queue numbers name.
const PIPELINES: [&str; 4] = ["acme/app", "acme/api", "acme/web", "acme/infra"];

/// A job's build, made from its ID rather than the world's random numbers (so that the demo
/// stays the same world): `https://buildkite.com/acme/app/builds/1234`.
pub fn build_url(job: &str) -> String {
    let n = job.chars().filter_map(|c| c.to_digit(16)).take(6).fold(0, |n, d| n * 16 + d);
    let pipeline = PIPELINES[(n as usize) % PIPELINES.len()];
    format!("https://buildkite.com/{pipeline}/builds/{}", 1000 + n % 9000)
}

impl JobQueue {
    /// Adds `count` jobs now, each lasting a duration drawn from the load.
    pub fn add_burst(&mut self, count: u32, load: &Load, now: Timestamp, rng: &mut Rng) {
        for _ in 0..count {
            let job = JobSpec { id: rng.uuid(), secs: rng.between(load.job_secs.0, load.job_secs.1) };
            if rng.chance(load.waiting_share) {
                self.waiting.push((now.plus_secs(i64::from(rng.between(30, 240))), job));
            } else {
                self.scheduled.push_back(job);
            }
        }
    }

    /// One second of arrivals: a burst arrives with the load's hourly rate.
    pub fn arrive(&mut self, load: &Load, now: Timestamp, rng: &mut Rng) {
        if load.bursts_per_hour > 0.0 && rng.chance(load.bursts_per_hour / 3600.0) {
            let size = rng.between(load.burst_size.0, load.burst_size.1);
            self.add_burst(size, load, now, rng);
        }
        let (ready, still): (Vec<_>, Vec<_>) = self.waiting.drain(..).partition(|(at, _)| *at <= now);
        self.waiting = still;
        self.scheduled.extend(ready.into_iter().map(|(_, job)| job));
    }
}
