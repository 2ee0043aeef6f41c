//! The Auto Scaling group: sizes and instances (DescribeAutoScalingGroups), and its scaling
//! activities (DescribeScalingActivities), fetched incrementally.

use aws_sdk_autoscaling::types::{Activity, AutoScalingGroup, ScheduledUpdateGroupAction};

use super::LiveBackend;
use super::errors::Checked;
use crate::domain::BackendError;
use crate::domain::{
    ActivityStatus, AgentSummary, DiskSignal, Fleet, Health, Instance, Lifecycle, ScalingActivity,
    ScheduledAction, Timestamp,
};

/// Activities kept per group (Auto Scaling keeps six weeks of them).
const ACTIVITY_CAPACITY: usize = 5_000;
/// Pages read on the first fetch of a group's activities; later fetches stop at known ones.
const FIRST_FETCH_PAGES: usize = 10;

pub fn lifecycle(state: &str) -> Lifecycle {
    match state {
        s if s.starts_with("Pending") || s.starts_with("Warmed") => Lifecycle::Pending,
        "InService" => Lifecycle::InService,
        s if s.starts_with("Terminating") => Lifecycle::Terminating,
        "Terminated" => Lifecycle::Terminated,
        s if s.contains("Standby") => Lifecycle::Standby,
        _ => Lifecycle::Detaching,
    }
}

pub fn status(code: &str) -> ActivityStatus {
    match code {
        "PendingSpotBidPlacement" => ActivityStatus::PendingSpotBidPlacement,
        "WaitingForSpotInstanceRequestId" => ActivityStatus::WaitingForSpotInstanceRequestId,
        "WaitingForSpotInstanceId" => ActivityStatus::WaitingForSpotInstanceId,
        "WaitingForInstanceId" => ActivityStatus::WaitingForInstanceId,
        "PreInService" => ActivityStatus::PreInService,
        "InProgress" => ActivityStatus::InProgress,
        "WaitingForELBConnectionDraining" => ActivityStatus::WaitingForELBConnectionDraining,
        "MidLifecycleAction" => ActivityStatus::MidLifecycleAction,
        "WaitingForInstanceWarmup" => ActivityStatus::WaitingForInstanceWarmup,
        "Successful" => ActivityStatus::Successful,
        "Failed" => ActivityStatus::Failed,
        "Cancelled" => ActivityStatus::Cancelled,
        _ => ActivityStatus::InProgress,
    }
}

fn millis(t: Option<&aws_sdk_autoscaling::primitives::DateTime>) -> Option<Timestamp> {
    t.and_then(|t| t.to_millis().ok()).map(Timestamp)
}

pub fn activity(a: &Activity) -> ScalingActivity {
    ScalingActivity {
        id: a.activity_id().unwrap_or_default().to_string(),
        description: a.description().unwrap_or_default().to_string(),
        cause: a.cause().unwrap_or_default().to_string(),
        status: a.status_code().map_or(ActivityStatus::InProgress, |c| status(c.as_str())),
        status_message: a.status_message().map(str::to_string),
        start: millis(a.start_time()).unwrap_or_default(),
        end: millis(a.end_time()),
    }
}

pub fn scheduled_action(a: &ScheduledUpdateGroupAction) -> ScheduledAction {
    let size = |v: Option<i32>| v.map(|v| v.max(0) as u32);
    ScheduledAction {
        name: a.scheduled_action_name().unwrap_or_default().to_string(),
        recurrence: a.recurrence().map(str::to_string),
        time_zone: a.time_zone().map(str::to_string),
        min: size(a.min_size()),
        max: size(a.max_size()),
        desired: size(a.desired_capacity()),
    }
}

/// When each instance was launched, from its "Launching a new EC2 instance: i-…" activity.
fn launch_time(activities: &[ScalingActivity], instance: &str) -> Option<Timestamp> {
    activities
        .iter()
        .find(|a| a.description.strip_prefix("Launching a new EC2 instance: ") == Some(instance))
        .map(|a| a.start)
}

pub fn fleet(group: &AutoScalingGroup, activities: &[ScalingActivity]) -> Fleet {
    let size = |v: Option<i32>| v.unwrap_or(0).max(0) as u32;
    let instances = group
        .instances()
        .iter()
        .map(|i| {
            let id = i.instance_id().unwrap_or_default().to_string();
            Instance {
                lifecycle: i.lifecycle_state().map_or(Lifecycle::Pending, |s| lifecycle(s.as_str())),
                health: if i.health_status() == Some("Unhealthy") {
                    Health::Unhealthy
                } else {
                    Health::Healthy
                },
                instance_type: i.instance_type().unwrap_or("?").to_string(),
                availability_zone: i.availability_zone().unwrap_or("?").to_string(),
                launched_at: launch_time(activities, &id),
                protected_from_scale_in: i.protected_from_scale_in().unwrap_or(false),
                spot: None,
                agents: AgentSummary::unknown(),
                disk: DiskSignal::Unknown,
                boot_failed: false,
                spot_notice: false,
                disk_used_pct: None,
                launch_template_version: i.launch_template().and_then(|t| t.version()).map(str::to_string),
                id,
            }
        })
        .collect();
    let tag = |key: &str| {
        group.tags().iter().find(|t| t.key() == Some(key)).and_then(|t| t.value().map(str::to_string))
    };
    Fleet {
        asg_name: group.auto_scaling_group_name().unwrap_or_default().to_string(),
        desired: size(group.desired_capacity()),
        min: size(group.min_size()),
        max: size(group.max_size()),
        instances,
        agents_note: None,
        agents_error: None,
        scheduled: Vec::new(),
        paused_by: tag(crate::domain::tags::PAUSED_BY),
        strangers: Vec::new(),
        launch_template_version: template_version(group),
        paused_at: tag(crate::domain::tags::PAUSED_AT).and_then(|t| crate::domain::tags::time(&t)),
    }
}

/// Merges a fresh page (newest first) into the known list. Returns true when the page reached
/// activities already known and finished, so older pages need not be read.
pub fn merge(known: &mut Vec<ScalingActivity>, page: Vec<ScalingActivity>) -> bool {
    let mut reached_known = false;
    let mut fresh = Vec::new();
    for a in page {
        match known.iter_mut().find(|k| k.id == a.id) {
            Some(k) => {
                let was_finished = k.end.is_some();
                *k = a;
                if was_finished {
                    reached_known = true;
                }
            }
            None => fresh.push(a),
        }
    }
    known.extend(fresh);
    known.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| b.id.cmp(&a.id)));
    known.truncate(ACTIVITY_CAPACITY);
    reached_known
}

/// What is kept per Auto Scaling group between reads.
#[derive(Default)]
pub struct Cache {
    /// Group → its scaling activities, newest first (only new ones are read each time).
    pub activities: std::sync::Mutex<std::collections::HashMap<String, Vec<crate::domain::ScalingActivity>>>,
    /// Group → its scheduled actions.
    pub scheduled: super::ttl::TtlCache<String, Vec<ScheduledAction>>,
    /// Group → its instances' disk signals.
    pub disk: super::ttl::TtlCache<String, super::disk::Signals>,
    /// Group → what the stack list's DescribeAutoScalingGroups said of it: the one fleet read
    /// right after (`bkops status`, a stack just chosen) uses it rather than asking again;
    /// every later read asks. Any change bkops makes clears it.
    pub described: super::ttl::TtlCache<String, AutoScalingGroup>,
    /// Groups whose activities an account-wide read (`batch.rs`) has just told in full: the
    /// one activities read right after uses them rather than asking again.
    pub prepared_activities: super::ttl::TtlCache<String, ()>,
}

/// How long what an account-wide read (`batch.rs`) told of a group serves its own read
/// that follows (used once).
pub const PREPARED_REUSE: std::time::Duration = std::time::Duration::from_secs(30);

/// How long the stack list's answer for a group serves its fleet read.
pub const DESCRIBED_REUSE: std::time::Duration = std::time::Duration::from_secs(5);

impl LiveBackend {
    /// The stack's group and instances, with their agents, scheduled actions and disks.
    pub(super) async fn read_fleet(&self, stack: &str) -> Result<Fleet, BackendError> {
        let asg = self.asg_of(stack).await?;
        let group = match self.groups.described.take_fresh(&asg, DESCRIBED_REUSE) {
            Some(g) => g,
            None => self
                .describe_groups(std::slice::from_ref(&asg), stack)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| BackendError::NotFound { what: format!("Auto Scaling group {asg}") })?,
        };
        let mut fleet = fleet(&group, &self.activities_of(&asg));
        self.join_agents(stack, &mut fleet).await;
        fleet.scheduled = self.scheduled_actions(stack, &asg).await?;
        self.join_disk(&asg, &mut fleet).await;
        Ok(fleet)
    }

    /// The group's scheduled actions; they rarely change, so they are read every 5 minutes.
    pub(super) async fn scheduled_actions(
        &self,
        stack: &str,
        asg: &str,
    ) -> Result<Vec<ScheduledAction>, BackendError> {
        const TTL: std::time::Duration = std::time::Duration::from_secs(300);
        if let Some(list) = self.groups.scheduled.fresh(&asg.to_string(), TTL) {
            return Ok(list);
        }
        let mut out = Vec::new();
        let mut pages = self
            .clients
            .asg
            .describe_scheduled_actions()
            .auto_scaling_group_name(asg)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, stack, "autoscaling:DescribeScheduledActions")?;
            out.extend(page.scheduled_update_group_actions().iter().map(scheduled_action));
        }
        self.groups.scheduled.put(asg.to_string(), out.clone());
        Ok(out)
    }

    pub(super) async fn describe_groups(
        &self,
        names: &[String],
        stack: &str,
    ) -> Result<Vec<AutoScalingGroup>, BackendError> {
        let mut out = Vec::new();
        for chunk in names.chunks(50) {
            let mut pages = self
                .clients
                .asg
                .describe_auto_scaling_groups()
                .set_auto_scaling_group_names(Some(chunk.to_vec()))
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.checked(self, stack, "autoscaling:DescribeAutoScalingGroups")?;
                out.extend(page.auto_scaling_groups().iter().cloned());
            }
        }
        Ok(out)
    }

    /// Reads new activities until it meets finished ones it already has.
    pub(super) async fn refresh_activities(
        &self,
        stack: &str,
        asg: &str,
    ) -> Result<Vec<ScalingActivity>, BackendError> {
        let mut known = self.activities_of(asg);
        if self.groups.prepared_activities.take_fresh(&asg.to_string(), PREPARED_REUSE).is_some() {
            return Ok(known);
        }
        let first = known.is_empty();
        let mut pages = self
            .clients
            .asg
            .describe_scaling_activities()
            .auto_scaling_group_name(asg)
            .max_records(100)
            .into_paginator()
            .send();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = page.checked(self, stack, "autoscaling:DescribeScalingActivities")?;
            read += 1;
            let reached = merge(&mut known, page.activities().iter().map(activity).collect());
            if reached || (first && read >= FIRST_FETCH_PAGES) {
                break;
            }
        }
        self.store_activities(asg, known.clone());
        Ok(known)
    }
}

/// The group's launch template version, whether it names the template itself or through its
/// mixed instances policy.
pub(super) fn template_version(group: &aws_sdk_autoscaling::types::AutoScalingGroup) -> Option<String> {
    group
        .launch_template()
        .or_else(|| {
            group
                .mixed_instances_policy()
                .and_then(|p| p.launch_template())
                .and_then(|t| t.launch_template_specification())
        })
        .and_then(|t| t.version())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: &str, start: i64, end: Option<i64>) -> ScalingActivity {
        ScalingActivity {
            id: id.into(),
            description: String::new(),
            cause: String::new(),
            status: if end.is_some() { ActivityStatus::Successful } else { ActivityStatus::InProgress },
            status_message: None,
            start: Timestamp(start),
            end: end.map(Timestamp),
        }
    }

    #[test]
    fn merging_updates_in_progress_ones_and_stops_at_finished_ones() {
        let mut known = vec![a("b", 2, None), a("a", 1, Some(5))];
        // b finished, c is new; a was already finished: older pages are known.
        assert!(merge(&mut known, vec![a("c", 3, None), a("b", 2, Some(4)), a("a", 1, Some(5))]));
        let ids: Vec<&str> = known.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(known[1].end, Some(Timestamp(4)));
        // A page of only unfinished or new ones does not stop the reading.
        assert!(!merge(&mut known, vec![a("d", 4, None), a("c", 3, None)]));
    }

    #[test]
    fn lifecycle_states_map() {
        assert_eq!(lifecycle("Pending:Wait"), Lifecycle::Pending);
        assert_eq!(lifecycle("Terminating:Proceed"), Lifecycle::Terminating);
        assert_eq!(lifecycle("InService"), Lifecycle::InService);
        assert_eq!(lifecycle("EnteringStandby"), Lifecycle::Standby);
        assert_eq!(lifecycle("Detached"), Lifecycle::Detaching);
    }
}
