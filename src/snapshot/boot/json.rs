//! A boot and a summary of boots as the JSON outputs give them (`bkops boot`, and each
//! instance and stack in `bkops status`): times in RFC 3339 to the millisecond, lengths in
//! seconds, `null` for what is not known.

use serde::Serialize;

use crate::analysis::boot::{Stat, Summary, is_booting, phases, ready_secs, slowest};
use crate::domain::Timestamp;
use crate::domain::boot::{Boot, Milestone};
use crate::domain::text::sanitize;

/// Each milestone as an RFC 3339 time, in the order a boot reaches them; `null` while not seen.
#[derive(Debug, Serialize)]
pub struct Milestones {
    pub launched: Option<String>,
    pub first_line: Option<String>,
    pub cloud_init_final: Option<String>,
    pub bootstrap_done: Option<String>,
    pub bootstrap_failed: Option<String>,
    pub registered: Option<String>,
    pub first_job: Option<String>,
}

/// One value per phase, in `PHASES`' order.
#[derive(Debug, Serialize)]
pub struct Phases<T> {
    pub start: T,
    pub cloud_init: T,
    pub bootstrap: T,
    pub agent: T,
    pub first_job: T,
}

impl<T> Phases<T> {
    pub fn of(mut v: Vec<T>) -> Option<Self> {
        let first_job = v.pop()?;
        let agent = v.pop()?;
        let bootstrap = v.pop()?;
        let cloud_init = v.pop()?;
        let start = v.pop()?;
        Some(Phases { start, cloud_init, bootstrap, agent, first_job })
    }
}

#[derive(Debug, Serialize)]
pub struct BootJson {
    pub instance: String,
    pub milestones: Milestones,
    /// Each phase's seconds; `null` while unknown.
    pub phases: Option<Phases<Option<i64>>>,
    pub ready_seconds: Option<i64>,
    pub slowest: Option<&'static str>,
    pub booting: bool,
    pub failure: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StatJson {
    pub median_seconds: i64,
    pub p90_seconds: i64,
    pub boots: usize,
}

#[derive(Debug, Serialize)]
pub struct SummaryJson {
    pub boots: usize,
    pub failed: usize,
    pub booting: usize,
    pub ready: Option<StatJson>,
    pub phases: Option<Phases<Option<StatJson>>>,
}

pub fn stat_json(s: Option<Stat>) -> Option<StatJson> {
    s.map(|s| StatJson { median_seconds: s.median, p90_seconds: s.p90, boots: s.n })
}

pub fn milestones(b: &Boot) -> Milestones {
    let at = |m| b.when(m).map(|t: Timestamp| t.rfc3339_millis());
    Milestones {
        launched: at(Milestone::Launched),
        first_line: at(Milestone::FirstLine),
        cloud_init_final: at(Milestone::CloudInitFinal),
        bootstrap_done: at(Milestone::BootstrapDone),
        bootstrap_failed: at(Milestone::BootstrapFailed),
        registered: at(Milestone::Registered),
        first_job: at(Milestone::FirstJob),
    }
}

pub fn boot_json(b: &Boot) -> BootJson {
    BootJson {
        instance: b.instance.clone(),
        milestones: milestones(b),
        phases: Phases::of(phases(b).into_iter().map(|(_, s)| s).collect()),
        ready_seconds: ready_secs(b),
        slowest: slowest(b),
        booting: is_booting(b),
        failure: b.failure.as_deref().map(|f| sanitize(f).into_owned()),
    }
}

pub fn summary_json(s: &Summary) -> SummaryJson {
    SummaryJson {
        boots: s.boots,
        failed: s.failed,
        booting: s.booting,
        ready: stat_json(s.ready),
        phases: Phases::of(s.phases.iter().map(|&(_, st)| stat_json(st)).collect()),
    }
}
