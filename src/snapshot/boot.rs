//! The boots of one stack's instances since a moment, read: its launch activities and the
//! milestone lines of its instances (cloud-init's output, the bootstrap's, the agent's), each
//! group read once for every instance launched in the window, filtered by the server. Made
//! into boots by `analysis::boot`; used by `bkops boot`.

use super::lines::log_lines;
use crate::analysis::boot::{Launch, boots, milestone};
use crate::analysis::timeline::activity_instance;
use crate::backend::{Backends, LogSource};
use crate::deadline::within;
use crate::domain::LogLine;
use crate::domain::boot::Boot;
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

/// How far back `bkops doctor` reads boots.
pub const DOCTOR_WINDOW_SECS: i64 = 6 * 3600;

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

pub async fn read(backends: &Backends, stack: &str, since: Timestamp) -> BootRead {
    let activities = match within(backends.stacks.activities(stack)).await {
        Ok(a) => a,
        Err(e) => return BootRead { boots: Vec::new(), unread: vec![format!("scaling activity: {e}")] },
    };
    of_activities(backends.logs.as_ref(), &activities, since).await
}

/// The boots of the launches among `activities` (already read) since `since`.
pub async fn of_activities(
    logs: &dyn LogSource,
    activities: &[crate::domain::ScalingActivity],
    since: Timestamp,
) -> BootRead {
    let launched = launches(activities, since);
    let ids: Vec<String> = launched.iter().map(|l| l.instance.clone()).collect();
    let (lines, unread) = milestone_lines(logs, &ids, since).await;
    BootRead { boots: boots(&launched, &lines), unread }
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
