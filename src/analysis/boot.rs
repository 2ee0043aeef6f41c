//! Time to capacity: each boot's milestones read from the instance's own lines (cloud-init's
//! stages, the stack's bootstrap, its agent) and its launch activity, the phases between them,
//! and their median and 90th percentile over a stack's boots.

use crate::analysis::log_signals::is_boot_failure;
use crate::domain::LogLine;
use crate::domain::Timestamp;
use crate::domain::boot::{Boot, Milestone};
use crate::domain::groups;

/// A line may carry a time a little before its launch activity's start (the instance's clock
/// against Auto Scaling's): lines this much earlier still count.
const CLOCK_SKEW_SECS: i64 = 120;

/// The phases of a boot, each named for what runs in it and ending at a milestone. A phase
/// runs from the latest milestone before it that is known: Windows has no cloud-init, so its
/// bootstrap runs from its first line.
pub const PHASES: [(&str, Milestone); 5] = [
    // EC2 places the instance and its operating system starts.
    ("start", Milestone::FirstLine),
    ("cloud-init", Milestone::CloudInitFinal),
    ("bootstrap", Milestone::BootstrapDone),
    ("agent", Milestone::Registered),
    ("first job", Milestone::FirstJob),
];

/// The phases up to the agent registered: the boot itself. The first job, after it, waits on
/// the queue, not on the boot, so it is never "the slowest phase".
pub const TO_READY: usize = 4;

/// The milestone a line marks, if it marks one.
pub fn milestone(group: &str, message: &str) -> Option<Milestone> {
    match group {
        groups::CLOUD_INIT_OUTPUT | groups::CLOUD_INIT if message.contains("Cloud-init v.") => {
            if message.contains("running 'modules:final'") {
                Some(Milestone::CloudInitFinal)
            } else {
                message.contains(" running '").then_some(Milestone::FirstLine)
            }
        }
        groups::ELASTIC_STACK | groups::EC2LAUNCH_USERDATA => {
            if is_boot_failure(message) {
                Some(Milestone::BootstrapFailed)
            } else if message.contains("completed successfully")
                || message.contains("Bootstrap status: Completed")
            {
                Some(Milestone::BootstrapDone)
            } else {
                (message.starts_with("Starting ") && message.contains("bk-install-elastic-stack"))
                    .then_some(Milestone::FirstLine)
            }
        }
        groups::BUILDKITE_AGENT => {
            if message.contains("Successfully registered agent") {
                Some(Milestone::Registered)
            } else {
                message.contains("Starting job").then_some(Milestone::FirstJob)
            }
        }
        _ => None,
    }
}

/// An instance Auto Scaling launched, and when (its activity's start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub instance: String,
    pub at: Timestamp,
}

/// Each launch's boot from the lines read: each milestone at the first line that marks it,
/// whatever order the lines came in; lines of an instance from before its launch are not its.
pub fn boots(launches: &[Launch], lines: &[LogLine]) -> Vec<Boot> {
    launches
        .iter()
        .map(|launch| {
            let mut boot = Boot { instance: launch.instance.clone(), ..Boot::default() };
            boot.at.insert(Milestone::Launched, launch.at);
            let mut failed_at = None;
            let own = lines
                .iter()
                .filter(|l| l.instance == launch.instance && l.at >= launch.at.plus_secs(-CLOCK_SKEW_SECS));
            for line in own {
                let Some(m) = milestone(&line.group, &line.message) else { continue };
                let at = boot.at.entry(m).or_insert(line.at);
                *at = (*at).min(line.at);
                if m == Milestone::BootstrapFailed && failed_at.is_none_or(|t| line.at < t) {
                    failed_at = Some(line.at);
                    boot.failure = Some(line.message.clone());
                }
            }
            boot
        })
        .collect()
}

/// Each phase's length in seconds, in `PHASES`' order: `None` when its end is not known, or
/// when the lines put its end before its start (a clock that jumped): never negative. A
/// failed bootstrap's phase ends at its failure.
pub fn phases(boot: &Boot) -> Vec<(&'static str, Option<i64>)> {
    let mut last = boot.when(Milestone::Launched);
    PHASES
        .iter()
        .map(|&(name, end)| {
            let reached = match end {
                Milestone::BootstrapDone => boot.when(end).or_else(|| boot.when(Milestone::BootstrapFailed)),
                _ => boot.when(end),
            };
            let secs = match (last, reached) {
                (Some(from), Some(to)) if to >= from => Some(to.secs_since(from)),
                _ => None,
            };
            if reached.is_some() {
                last = reached;
            }
            (name, secs)
        })
        .collect()
}

/// Launch to the agent registered: when the instance could take a job.
pub fn ready_secs(boot: &Boot) -> Option<i64> {
    match (boot.when(Milestone::Launched), boot.when(Milestone::Registered)) {
        (Some(from), Some(to)) if to >= from => Some(to.secs_since(from)),
        _ => None,
    }
}

/// The phase that took longest, of those known.
pub fn slowest(boot: &Boot) -> Option<&'static str> {
    phases(boot)
        .into_iter()
        .take(TO_READY)
        .filter_map(|(name, s)| s.map(|s| (s, name)))
        .max_by_key(|&(s, _)| s)
        .map(|(_, n)| n)
}

/// Neither ready nor failed yet.
pub fn is_booting(boot: &Boot) -> bool {
    boot.when(Milestone::Registered).is_none() && boot.when(Milestone::BootstrapFailed).is_none()
}

/// Its milestones can no longer change: its first job started, or its bootstrap failed.
pub fn is_over(boot: &Boot) -> bool {
    boot.when(Milestone::FirstJob).is_some() || boot.when(Milestone::BootstrapFailed).is_some()
}

/// The median and the 90th percentile (nearest rank) of some lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub median: i64,
    pub p90: i64,
    pub n: usize,
}

pub fn stat(mut values: Vec<i64>) -> Option<Stat> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = |p: usize| values[(values.len() * p).div_ceil(100).max(1) - 1];
    Some(Stat { median: rank(50), p90: rank(90), n: values.len() })
}

/// A stack's boots summed up: how many, how many failed, launch to ready, and each phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub boots: usize,
    pub failed: usize,
    pub booting: usize,
    pub ready: Option<Stat>,
    pub phases: Vec<(&'static str, Option<Stat>)>,
}

/// The boot phase (not the first job) with the longest median, and that median.
pub fn slowest_median(phases: &[(&'static str, Option<Stat>)]) -> Option<(&'static str, i64)> {
    phases
        .iter()
        .take(TO_READY)
        .filter_map(|(name, s)| s.map(|s| (s.median, *name)))
        .max()
        .map(|(m, n)| (n, m))
}

pub fn summary(boots: &[Boot]) -> Summary {
    let each: Vec<Vec<(&'static str, Option<i64>)>> = boots.iter().map(phases).collect();
    Summary {
        boots: boots.len(),
        failed: boots.iter().filter(|b| b.when(Milestone::BootstrapFailed).is_some()).count(),
        booting: boots.iter().filter(|b| is_booting(b)).count(),
        ready: stat(boots.iter().filter_map(ready_secs).collect()),
        phases: PHASES
            .iter()
            .enumerate()
            .map(|(i, &(name, _))| (name, stat(each.iter().filter_map(|p| p[i].1).collect())))
            .collect(),
    }
}

/// Boots are slower than the stack's own: those launched in the last `RECENT_SECS` take at
/// least half as long again as the earlier ones, and one phase grew the most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slower {
    pub recent: i64,
    pub before: i64,
    pub phase: &'static str,
    pub phase_before: i64,
    pub phase_recent: i64,
}

/// What counts as recent, against the rest of the boots read.
pub const RECENT_SECS: i64 = 3600;

/// Whether the boots of the last hour are slower than the earlier ones (three of each at
/// least), and which phase grew most.
pub fn slower(boots: &[Boot], now: Timestamp) -> Option<Slower> {
    let cut = now.plus_secs(-RECENT_SECS);
    let (recent, before): (Vec<Boot>, Vec<Boot>) =
        boots.iter().cloned().partition(|b| b.when(Milestone::Launched).is_some_and(|t| t >= cut));
    let (r, b) = (summary(&recent), summary(&before));
    let (rs, bs) = (r.ready?, b.ready?);
    if rs.n < 3 || bs.n < 3 || rs.median * 2 < bs.median * 3 {
        return None;
    }
    let grew =
        r.phases.iter().zip(&b.phases).take(TO_READY).filter_map(|((name, rp), (_, bp))| match (rp, bp) {
            (Some(rp), Some(bp)) => Some((rp.median - bp.median, *name, bp.median, rp.median)),
            _ => None,
        });
    let (_, phase, phase_before, phase_recent) = grew.max()?;
    Some(Slower { recent: rs.median, before: bs.median, phase, phase_before, phase_recent })
}

#[cfg(test)]
mod tests;
