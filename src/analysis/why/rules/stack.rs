//! The stack in CloudFormation's hands: an update replacing its group, a rollback undoing
//! one, or a stack CloudFormation gave up on. While it holds, it explains waiting jobs before
//! anything the scaler does: the group the scaler sizes may be on its way out.

use super::{Seen, reason};
use crate::analysis::why::Reason;
use crate::domain::StackState;

pub(in crate::analysis::why) fn stack_changing(seen: &Seen<'_>) -> Option<Reason> {
    let stack = seen.f.stack;
    let (code, headline, what) = match stack.state() {
        StackState::Updating => (
            "stack_updating",
            "the stack is updating",
            "CloudFormation is updating the stack: an update that changes the launch template replaces its Auto Scaling group, and jobs wait while the new group's instances boot",
        ),
        StackState::RollingBack => (
            "stack_rolling_back",
            "the stack is rolling back",
            "an update failed and CloudFormation is undoing it: the group may be replaced again before capacity is back",
        ),
        StackState::Failed => (
            "stack_failed",
            "the stack's update failed",
            "CloudFormation gave up on the stack: no update can run, and what failed stays as it is, until an operator acts (bkops doctor says what to run)",
        ),
        _ => return None,
    };
    Some(reason(
        code,
        format!("{headline} ({})", stack.status),
        vec![
            what.to_string(),
            format!(
                "bkops events --stack {} shows what CloudFormation is doing, and why a change failed",
                stack.name
            ),
        ],
    ))
}
