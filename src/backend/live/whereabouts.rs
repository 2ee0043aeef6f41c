//! Which stack an instance belongs to, for a reader that needs that alone (`bkops logs`
//! chooses its default groups by the stack's operating system): the instance's group, the
//! group's stack, and nothing else of either.

use super::LiveBackend;
use super::calls::ACCOUNT;
use super::errors::Checked;
use crate::domain::{BackendError, Os};

/// The tag CloudFormation puts on every group it creates.
const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";

impl LiveBackend {
    /// The operating system of the stack whose group has the instance; `None` when the
    /// instance is in no group. Three calls (its group, the group's tags, the stack); a group
    /// without CloudFormation's tag is looked up among the stacks found (kept between runs).
    pub(super) async fn instance_os(&self, instance: &str) -> Result<Option<Os>, BackendError> {
        let out =
            self.clients.asg.describe_auto_scaling_instances().instance_ids(instance).send().await.checked(
                self,
                ACCOUNT,
                "autoscaling:DescribeAutoScalingInstances",
            )?;
        let Some(group) = out.auto_scaling_instances().first().and_then(|i| i.auto_scaling_group_name())
        else {
            return Ok(None);
        };
        let out = self
            .clients
            .asg
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(group)
            .send()
            .await
            .checked(self, ACCOUNT, "autoscaling:DescribeAutoScalingGroups")?;
        let tagged = out
            .auto_scaling_groups()
            .first()
            .and_then(|g| g.tags().iter().find(|t| t.key() == Some(STACK_NAME_TAG)).and_then(|t| t.value()));
        if let Some(stack) = tagged {
            let out = self.clients.cfn.describe_stacks().stack_name(stack).send().await.checked(
                self,
                ACCOUNT,
                "cloudformation:DescribeStacks",
            )?;
            return Ok(Some(out.stacks().first().map_or(Os::Linux, super::cfn_stack::os_of)));
        }
        let stacks = self.discover().await?;
        Ok(stacks.into_iter().find(|s| s.asg_name == group).map(|s| s.os))
    }
}
