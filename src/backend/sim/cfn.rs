//! The simulated stacks' CloudFormation side: each stack's status and its events, as
//! DescribeStackEvents gives them. Each demo stack was last updated a few hours before the
//! demo starts (a MaxSize change, which updates the group in place: its instances stay).

use crate::domain::stack_event::STACK_TYPE;
use crate::domain::{StackEvent, Timestamp};

#[derive(Debug, Clone)]
pub struct Cfn {
    pub status: String,
    /// Oldest first.
    pub events: Vec<StackEvent>,
}

/// How long before the world begins (an hour before the demo starts) its stacks' last update
/// began.
const LAST_UPDATE_SECS: i64 = 2 * 3600 + 10 * 60;

impl Cfn {
    pub fn deployed(stack: &str, asg: &str, now: Timestamp) -> Self {
        let t = now.plus_secs(-LAST_UPDATE_SECS);
        let group = "AWS::AutoScaling::AutoScalingGroup";
        let mut cfn = Cfn { status: String::new(), events: Vec::new() };
        cfn.push(stack, t, stack, stack, STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated"));
        cfn.push(stack, t.plus_secs(4), "AgentAutoScaleGroup", asg, group, "UPDATE_IN_PROGRESS", None);
        cfn.push(stack, t.plus_secs(6), "AgentAutoScaleGroup", asg, group, "UPDATE_COMPLETE", None);
        cfn.push(
            stack,
            t.plus_secs(9),
            stack,
            stack,
            STACK_TYPE,
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            None,
        );
        cfn.push(stack, t.plus_secs(11), stack, stack, STACK_TYPE, "UPDATE_COMPLETE", None);
        cfn
    }

    /// An event of the stack; one of the stack itself sets its status.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        stack: &str,
        at: Timestamp,
        logical: &str,
        physical: &str,
        kind: &str,
        status: &str,
        reason: Option<&str>,
    ) {
        if kind == STACK_TYPE && logical == stack {
            self.status = status.to_string();
        }
        self.events.push(StackEvent {
            at,
            stack: stack.to_string(),
            logical_id: logical.to_string(),
            physical_id: physical.to_string(),
            resource_type: kind.to_string(),
            status: status.to_string(),
            reason: reason.map(str::to_string),
            event_id: format!("{logical}-{status}-{}", at.millis()),
        });
    }

    /// The events since `since`, newest first.
    pub fn since(&self, since: Timestamp) -> Vec<StackEvent> {
        self.events.iter().rev().filter(|e| e.at >= since).cloned().collect()
    }
}
