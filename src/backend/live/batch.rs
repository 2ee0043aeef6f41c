//! Reads for many stacks at once (`bkops status`, and anything else that is about to read
//! every stack): what Auto Scaling and CloudWatch Logs can answer for a whole account and
//! region in one call is asked once, and each stack's own read right after uses it. What
//! this cannot read is left to each stack's own read, which asks and reports as always.

use super::LiveBackend;
use super::errors::Checked;
use super::fleet::{activity, merge};
use crate::domain::{ScalingActivity, ScheduledAction, Timestamp};
use std::collections::{HashMap, HashSet};

/// Account-wide activity pages read at most (100 activities each).
const ACTIVITY_PAGES: usize = 10;
/// How far back a group's activities must reach for its reads: the last scale-out (the
/// scaler's cooldown) and failed launches are looked for within the last half hour; an hour
/// leaves room.
const ACTIVITY_REACH_SECS: i64 = 3600;

/// The groups the account-wide activities read so far tell in full: every group when the
/// pages ran out; otherwise each group whose every instance's launch was read, once the pages
/// reach back past `since` (in progress first, then newest first, as Auto Scaling lists them).
pub fn covered<'a>(
    wanted: &'a HashMap<String, Vec<String>>,
    read: &HashMap<String, Vec<ScalingActivity>>,
    oldest: Option<Timestamp>,
    since: Timestamp,
    ended: bool,
) -> HashSet<&'a str> {
    let reaches = ended || oldest.is_some_and(|t| t <= since);
    wanted
        .iter()
        .filter(|(group, instances)| {
            ended
                || reaches && {
                    let list = read.get(*group).map(Vec::as_slice).unwrap_or_default();
                    instances.iter().all(|i| {
                        list.iter().any(|a| {
                            a.description.strip_prefix("Launching a new EC2 instance: ") == Some(i.as_str())
                        })
                    })
                }
        })
        .map(|(group, _)| group.as_str())
        .collect()
}

impl LiveBackend {
    /// Group → its instances, for the stacks named, from the stack list's answer; and the
    /// groups whose instances may be Spot.
    fn groups_of(&self, stacks: &[String]) -> (HashMap<String, Vec<String>>, HashSet<String>) {
        let cache = self.cache();
        let mut spot = HashSet::new();
        let wanted = stacks
            .iter()
            .filter_map(|s| cache.known.get(s))
            .map(|k| {
                let described = self.groups.described.last(&k.asg).map(|(g, _)| g);
                if described.as_ref().is_none_or(may_run_spot) {
                    spot.insert(k.asg.clone());
                }
                let instances = described.map_or_else(Vec::new, |g| {
                    g.instances().iter().filter_map(|i| i.instance_id().map(str::to_string)).collect()
                });
                (k.asg.clone(), instances)
            })
            .collect();
        (wanted, spot)
    }

    pub(super) async fn prepare_stacks(&self, stacks: &[String]) {
        // One stack reads its own: an account-wide read would cost as much or more.
        if stacks.len() < 2 {
            return;
        }
        let (wanted, spot) = self.groups_of(stacks);
        tokio::join!(
            self.prepare_activities(&wanted),
            self.prepare_scheduled(&wanted),
            self.prepare_disk(&wanted, &spot),
            self.prepare_tokens(stacks)
        );
    }

    /// Every group's activities from the account's own list, as far as they reach.
    async fn prepare_activities(&self, wanted: &HashMap<String, Vec<String>>) {
        let since = crate::clock::Clock::System.now().plus_secs(-ACTIVITY_REACH_SECS);
        let mut read: HashMap<String, Vec<ScalingActivity>> = HashMap::new();
        let (mut oldest, mut ended, mut pages) = (None, false, 0);
        let mut paginator =
            self.clients.asg.describe_scaling_activities().max_records(100).into_paginator().send();
        while let Some(page) = paginator.next().await {
            let Ok(page) = page.checked(self, super::ACCOUNT, "autoscaling:DescribeScalingActivities") else {
                return;
            };
            pages += 1;
            for a in page.activities() {
                let one = activity(a);
                oldest = Some(oldest.map_or(one.start, |o: Timestamp| o.min(one.start)));
                if let Some(group) = a.auto_scaling_group_name().filter(|g| wanted.contains_key(*g)) {
                    read.entry(group.to_string()).or_default().push(one);
                }
            }
            ended = page.next_token().is_none();
            if ended
                || pages >= ACTIVITY_PAGES
                || covered(wanted, &read, oldest, since, false).len() == wanted.len()
            {
                break;
            }
        }
        for group in covered(wanted, &read, oldest, since, ended) {
            let mut known = self.activities_of(group);
            merge(&mut known, read.remove(group).unwrap_or_default());
            self.store_activities(group, known);
            self.groups.prepared_activities.put(group.to_string(), ());
        }
    }

    /// Every group's scheduled actions from one account-wide list.
    async fn prepare_scheduled(&self, wanted: &HashMap<String, Vec<String>>) {
        let mut by_group: HashMap<&str, Vec<ScheduledAction>> =
            wanted.keys().map(|g| (g.as_str(), Vec::new())).collect();
        let mut paginator =
            self.clients.asg.describe_scheduled_actions().max_records(100).into_paginator().send();
        while let Some(page) = paginator.next().await {
            let Ok(page) = page.checked(self, super::ACCOUNT, "autoscaling:DescribeScheduledActions") else {
                return;
            };
            for a in page.scheduled_update_group_actions() {
                if let Some(list) = a.auto_scaling_group_name().and_then(|g| by_group.get_mut(g)) {
                    list.push(super::fleet::scheduled_action(a));
                }
            }
        }
        for (group, list) in by_group {
            self.groups.scheduled.put(group.to_string(), list);
        }
    }

    /// Every group's disk signals, 100 instances a call across groups, and the Spot notices
    /// of the groups that may run Spot.
    async fn prepare_disk(&self, wanted: &HashMap<String, Vec<String>>, spot: &HashSet<String>) {
        let all: Vec<String> = wanted.values().flatten().cloned().collect();
        let on_spot: Vec<String> =
            wanted.iter().filter(|(g, _)| spot.contains(*g)).flat_map(|(_, i)| i.iter().cloned()).collect();
        let signals = self.read_disk_signals(&all, &on_spot).await;
        for (group, instances) in wanted {
            let own = instances.iter().filter_map(|i| signals.get(i).map(|s| (i.clone(), *s))).collect();
            self.groups.disk.put(group.clone(), own);
        }
    }
}

/// Whether a group may run Spot instances: its mixed instances policy puts some capacity above
/// the on-demand base on Spot (the stack's `OnDemandPercentage` below 100).
fn may_run_spot(group: &aws_sdk_autoscaling::types::AutoScalingGroup) -> bool {
    group
        .mixed_instances_policy()
        .and_then(|p| p.instances_distribution())
        .is_some_and(|d| d.on_demand_percentage_above_base_capacity().unwrap_or(100) < 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ActivityStatus;

    fn launch(instance: &str, start: i64) -> ScalingActivity {
        ScalingActivity {
            id: format!("a-{instance}"),
            description: format!("Launching a new EC2 instance: {instance}"),
            cause: String::new(),
            status: ActivityStatus::Successful,
            status_message: None,
            start: Timestamp(start),
            end: Some(Timestamp(start + 60_000)),
        }
    }

    fn wanted() -> HashMap<String, Vec<String>> {
        HashMap::from([
            ("busy".to_string(), vec!["i-1".to_string(), "i-2".to_string()]),
            ("empty".to_string(), Vec::new()),
        ])
    }

    #[test]
    fn a_group_may_run_spot_only_when_some_capacity_above_the_base_is_spot() {
        use aws_sdk_autoscaling::types::{AutoScalingGroup, InstancesDistribution, MixedInstancesPolicy};
        let with = |percent: Option<i32>| {
            let d = InstancesDistribution::builder()
                .set_on_demand_percentage_above_base_capacity(percent)
                .build();
            AutoScalingGroup::builder()
                .mixed_instances_policy(MixedInstancesPolicy::builder().instances_distribution(d).build())
                .build()
        };
        assert!(may_run_spot(&with(Some(0))) && may_run_spot(&with(Some(70))));
        assert!(!may_run_spot(&with(Some(100))) && !may_run_spot(&with(None)));
        assert!(!may_run_spot(&AutoScalingGroup::builder().build()), "no mixed instances policy");
    }

    #[test]
    fn every_group_is_told_in_full_when_the_pages_run_out() {
        let w = wanted();
        let got = covered(&w, &HashMap::new(), None, Timestamp(1_000), true);
        assert_eq!(got, HashSet::from(["busy", "empty"]));
    }

    #[test]
    fn a_group_is_told_when_the_pages_reach_back_far_enough_and_hold_every_launch() {
        let w = wanted();
        let read = HashMap::from([("busy".to_string(), vec![launch("i-2", 5_000), launch("i-1", 4_000)])]);
        // Not back far enough yet: nothing is told, not even the group with no instances.
        assert!(covered(&w, &read, Some(Timestamp(4_000)), Timestamp(1_000), false).is_empty());
        // Far enough: both.
        let got = covered(&w, &read, Some(Timestamp(900)), Timestamp(1_000), false);
        assert_eq!(got, HashSet::from(["busy", "empty"]));
        // An instance whose launch was not read leaves its group to its own read.
        let one = HashMap::from([("busy".to_string(), vec![launch("i-2", 5_000)])]);
        let got = covered(&w, &one, Some(Timestamp(900)), Timestamp(1_000), false);
        assert_eq!(got, HashSet::from(["empty"]));
    }
}
