//! The simulated stacks' CloudFormation side: each stack's status and its events, as
//! DescribeStackEvents gives them. Each demo stack was last updated a few hours before the
//! demo starts (a MaxSize change, which updates the group in place: its instances stay); one
//! is updated during the demo with an AMI that does not exist, and rolls back.

use crate::domain::stack_event::STACK_TYPE;
use crate::domain::{StackEvent, Timestamp};

#[derive(Debug, Clone)]
pub struct Cfn {
    pub status: String,
    /// Oldest first.
    pub events: Vec<StackEvent>,
    /// Events still to come (an update under way), oldest first.
    pending: Vec<StackEvent>,
}

/// How long before the world begins (an hour before the demo starts) its stacks' last update
/// began.
const LAST_UPDATE_SECS: i64 = 2 * 3600 + 10 * 60;

/// One event of a scripted change: seconds after its start, the logical ID, the physical ID,
/// the resource type, the status and CloudFormation's reason.
type Step<'a> = (i64, &'a str, &'a str, &'a str, &'a str, Option<&'a str>);

impl Cfn {
    pub fn deployed(stack: &str, asg: &str, now: Timestamp) -> Self {
        let group = "AWS::AutoScaling::AutoScalingGroup";
        let steps: [Step; 5] = [
            (0, stack, stack, STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            (4, "AgentAutoScaleGroup", asg, group, "UPDATE_IN_PROGRESS", None),
            (6, "AgentAutoScaleGroup", asg, group, "UPDATE_COMPLETE", None),
            (9, stack, stack, STACK_TYPE, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None),
            (11, stack, stack, STACK_TYPE, "UPDATE_COMPLETE", None),
        ];
        let mut cfn = Cfn { status: String::new(), events: Vec::new(), pending: Vec::new() };
        for e in events(stack, now.plus_secs(-LAST_UPDATE_SECS), &steps) {
            cfn.land(e);
        }
        cfn
    }

    fn land(&mut self, e: StackEvent) {
        if e.is_of_stack() {
            self.status = e.status.clone();
        }
        self.events.push(e);
    }

    /// An update that fails: its launch template names an AMI that does not exist, the
    /// nested scaler stack's update is cancelled, and the stack rolls back over two minutes
    /// and a half.
    pub fn failed_update(&mut self, stack: &str, ami: &str, now: Timestamp) {
        let lt = ("AgentLaunchTemplate", "lt-0c0ffee0ddba11f00", "AWS::EC2::LaunchTemplate");
        let nested = format!(
            "arn:aws:cloudformation:us-east-1:123456789012:stack/{stack}-Autoscaling-1XKQ7ZB3M2P9W/5d1f"
        );
        let bad_ami = format!(
            "Resource handler returned message: \"The image id '[{ami}]' does not exist (Service: Ec2, Status Code: 400)\" (HandlerErrorCode: InvalidRequest)"
        );
        let failed = "The following resource(s) failed to update: [AgentLaunchTemplate, Autoscaling].";
        let steps: [Step; 8] = [
            (0, stack, stack, STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            (4, lt.0, lt.1, lt.2, "UPDATE_IN_PROGRESS", None),
            (5, "Autoscaling", &nested, STACK_TYPE, "UPDATE_IN_PROGRESS", None),
            (9, lt.0, lt.1, lt.2, "UPDATE_FAILED", Some(&bad_ami)),
            (11, "Autoscaling", &nested, STACK_TYPE, "UPDATE_FAILED", Some("Resource update cancelled")),
            (12, stack, stack, STACK_TYPE, "UPDATE_ROLLBACK_IN_PROGRESS", Some(failed)),
            (140, stack, stack, STACK_TYPE, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", None),
            (150, stack, stack, STACK_TYPE, "UPDATE_ROLLBACK_COMPLETE", None),
        ];
        self.pending.extend(events(stack, now, &steps));
    }

    /// An update that succeeds: a new launch template version, the group updated to it (the
    /// demo updates its group in place, where the real stack replaces it), over half a minute.
    pub fn updated(&mut self, stack: &str, asg: &str, now: Timestamp) {
        let lt = ("AgentLaunchTemplate", "lt-0c0ffee0ddba11f00", "AWS::EC2::LaunchTemplate");
        let group = "AWS::AutoScaling::AutoScalingGroup";
        let steps: [Step; 7] = [
            (0, stack, stack, STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            (4, lt.0, lt.1, lt.2, "UPDATE_IN_PROGRESS", None),
            (8, lt.0, lt.1, lt.2, "UPDATE_COMPLETE", None),
            (10, "AgentAutoScaleGroup", asg, group, "UPDATE_IN_PROGRESS", None),
            (24, "AgentAutoScaleGroup", asg, group, "UPDATE_COMPLETE", None),
            (28, stack, stack, STACK_TYPE, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None),
            (32, stack, stack, STACK_TYPE, "UPDATE_COMPLETE", None),
        ];
        self.pending.extend(events(stack, now, &steps));
    }

    /// The events of an update under way that are due by `now`.
    pub fn advance(&mut self, now: Timestamp) {
        let due = self.pending.iter().take_while(|e| e.at <= now).count();
        let landed: Vec<StackEvent> = self.pending.drain(..due).collect();
        for e in landed {
            self.land(e);
        }
    }

    /// The events since `since`, newest first.
    pub fn since(&self, since: Timestamp) -> Vec<StackEvent> {
        self.events.iter().rev().filter(|e| e.at >= since).cloned().collect()
    }
}

/// The events of `steps`, counted from `start`.
fn events(stack: &str, start: Timestamp, steps: &[Step]) -> Vec<StackEvent> {
    steps
        .iter()
        .map(|&(secs, logical, physical, kind, status, reason)| {
            let at = start.plus_secs(secs);
            StackEvent {
                at,
                stack: stack.to_string(),
                logical_id: logical.to_string(),
                physical_id: physical.to_string(),
                resource_type: kind.to_string(),
                status: status.to_string(),
                reason: reason.map(str::to_string),
                event_id: format!("{logical}-{status}-{}", at.millis()),
            }
        })
        .collect()
}
