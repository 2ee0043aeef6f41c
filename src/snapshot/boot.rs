//! The boots of one stack's instances since a moment, read: its launch activities and the
//! milestone lines of its instances (cloud-init's output, the bootstrap's, the agent's), each
//! group read once for every instance launched in the window, filtered by the server. Made
//! into boots by `analysis::boot`; used by `bkops boot`.

pub mod json;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::lines::log_lines;
use crate::analysis::boot::{Launch, boots, is_over, milestone};
use crate::analysis::timeline::activity_instance;
use crate::backend::{Backends, LogSource};
use crate::deadline::within;
use crate::domain::LogLine;
use crate::domain::boot::{Boot, Milestone};
use crate::domain::{ActivityStatus, Timestamp, groups};

/// The groups a boot's milestones are in, and the filter pattern that keeps only their lines
/// (CloudWatch's `?term` is "any of these").
pub const GROUPS: [(&str, &str); 3] = [
    (groups::CLOUD_INIT_OUTPUT, "\"Cloud-init v.\""),
    (
        groups::ELASTIC_STACK,
        "?\"bk-install-elastic-stack\" ?\"completed successfully\" ?\"errored with exit code\" ?\"Bootstrap previously failed\" ?\"Bootstrap status\"",
    ),
    (groups::BUILDKITE_AGENT, "?\"Successfully registered agent\" ?\"Starting job\""),
];

/// A stack's boots since a moment, oldest first, and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BootRead {
    pub boots: Vec<Boot>,
    pub unread: Vec<String>,
}

/// The instances Auto Scaling launched since `since`, from the activities (a launch that
/// failed started no instance).
pub fn launches(activities: &[crate::domain::ScalingActivity], since: Timestamp) -> Vec<Launch> {
    let mut out: Vec<Launch> = activities
        .iter()
        .filter(|a| a.start >= since && a.description.starts_with("Launching a new EC2 instance"))
        .filter(|a| !matches!(a.status, ActivityStatus::Failed | ActivityStatus::Cancelled))
        .filter_map(|a| {
            activity_instance(&a.description).map(|i| Launch { instance: i.to_string(), at: a.start })
        })
        .collect();
    out.sort_by_key(|l| l.at);
    out
}

/// Boots that are over (`is_over`), by instance: their milestones cannot change, so the
/// dashboard keeps them and never reads their lines again. Held by the runtime; pruned to the
/// window at each read, so it never holds more than the window's boots.
#[derive(Debug, Clone, Default)]
pub struct Known(Arc<Mutex<HashMap<String, Boot>>>);

impl Known {
    fn get(&self, instance: &str) -> Option<Boot> {
        self.0.lock().ok().and_then(|m| m.get(instance).cloned())
    }

    /// Keeps the boots that are over, and forgets those launched before `since`.
    fn keep(&self, fresh: &[Boot], since: Timestamp) {
        let Ok(mut m) = self.0.lock() else { return };
        m.retain(|_, b| b.when(Milestone::Launched).is_some_and(|t| t >= since));
        for b in fresh.iter().filter(|b| is_over(b)) {
            m.insert(b.instance.clone(), b.clone());
        }
    }

    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub async fn read(backends: &Backends, stack: &str, since: Timestamp, known: &Known) -> BootRead {
    let activities = match within(backends.stacks.activities(stack)).await {
        Ok(a) => a,
        Err(e) => return BootRead { boots: Vec::new(), unread: vec![format!("scaling activity: {e}")] },
    };
    of_activities(backends.logs.as_ref(), &activities, since, known).await
}

/// The boots of the launches among `activities` (already read) since `since`. A boot already
/// over is taken from `known`, and lines are read only for the boots still going, from the
/// first of their launches: a stack whose boots are all over costs no read of lines. A
/// one-shot command passes an empty `Known`.
pub async fn of_activities(
    logs: &dyn LogSource,
    activities: &[crate::domain::ScalingActivity],
    since: Timestamp,
    known: &Known,
) -> BootRead {
    let (mut out, mut going) = (Vec::new(), Vec::new());
    for launch in launches(activities, since) {
        match known.get(&launch.instance) {
            Some(b) => out.push(b),
            None => going.push(launch),
        }
    }
    let ids: Vec<String> = going.iter().map(|l| l.instance.clone()).collect();
    let from = going.iter().map(|l| l.at).min().unwrap_or(since);
    let (lines, unread) = milestone_lines(logs, &ids, from).await;
    let fresh = boots(&going, &lines);
    known.keep(&fresh, since);
    out.extend(fresh);
    out.sort_by_key(|b| (b.when(Milestone::Launched), b.instance.clone()));
    BootRead { boots: out, unread }
}

/// The milestone lines of these instances since `since` (and the clocks' allowance before
/// it), one read per group for them all; and the groups that could not be read.
pub async fn milestone_lines(
    logs: &dyn LogSource,
    ids: &[String],
    since: Timestamp,
) -> (Vec<LogLine>, Vec<String>) {
    let (mut lines, mut unread) = (Vec::new(), Vec::new());
    if ids.is_empty() {
        return (lines, unread);
    }
    for (group, pattern) in GROUPS {
        let keep = |m: &str| milestone(group, m).is_some();
        match within(log_lines(logs, group, Some(pattern), ids, since.plus_secs(-120), keep)).await {
            Ok(l) => lines.extend(l),
            Err(e) => unread.push(format!("{group}: {e}")),
        }
    }
    (lines, unread)
}

#[cfg(test)]
mod tests;
