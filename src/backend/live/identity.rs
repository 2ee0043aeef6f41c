//! What a change acts on is read fresh and must be vouched for: the names discovery keeps (in
//! memory and in `~/.cache/bkops/discovery.json`) say where to look, never what to change. A
//! CloudFormation stack's group and rule are its resources now (DescribeStackResource); a
//! Terraform-deployed stack's group is the one its scaler function manages now (`ASG_NAME`);
//! a group that only has the module's tags is never changed.

use super::LiveBackend;
use super::discovery::{ASG_LOGICAL_ID, RULE_LOGICAL_ID};
use super::errors::Checked;
use super::known::KnownStack;
use crate::domain::BackendError;

impl LiveBackend {
    /// Refuses a change unless the stack's group and rule, as kept, are what AWS says now.
    pub(super) async fn vouch(&self, stack: &str, known: &KnownStack) -> Result<(), BackendError> {
        if let Some(why) = &known.tags_only {
            return Err(BackendError::Untrusted(format!(
                "{stack} was found by tags only ({why}): bkops changes a group only when its CloudFormation stack or its scaler function names it"
            )));
        }
        if known.terraform {
            let Some(function) = &known.scaler_function else {
                return Err(BackendError::Untrusted(format!(
                    "{stack} has no scaler function to vouch for its group"
                )));
            };
            let config = self
                .clients
                .lambda
                .get_function_configuration()
                .function_name(function)
                .send()
                .await
                .checked(self, stack, "lambda:GetFunctionConfiguration")?;
            let named = config.environment().and_then(|e| e.variables()).and_then(|v| v.get("ASG_NAME"));
            return same(stack, "group", &known.asg, named.map(String::as_str));
        }
        let group = self.resource(stack, stack, ASG_LOGICAL_ID).await?;
        same(stack, "group", &known.asg, group.as_deref())?;
        if let (Some(rule), Some(scaler)) = (&known.rule, &known.scaler_stack) {
            let now = self.resource(stack, scaler, RULE_LOGICAL_ID).await?;
            same(stack, "scaler rule", rule, now.as_deref())?;
        }
        Ok(())
    }

    /// A CloudFormation stack's resource's physical ID, read now.
    pub(super) async fn resource(
        &self,
        stack: &str,
        of: &str,
        logical: &str,
    ) -> Result<Option<String>, BackendError> {
        let out = self
            .clients
            .cfn
            .describe_stack_resource()
            .stack_name(of)
            .logical_resource_id(logical)
            .send()
            .await
            .checked(self, stack, "cloudformation:DescribeStackResource")?;
        Ok(out.stack_resource_detail().and_then(|d| d.physical_resource_id()).map(str::to_string))
    }
}

/// The name kept against the name read now: a difference stops the change, and the kept
/// names are forgotten so that the next read learns them again.
fn same(stack: &str, what: &str, kept: &str, now: Option<&str>) -> Result<(), BackendError> {
    match now {
        Some(n) if n == kept => Ok(()),
        now => Err(BackendError::Untrusted(format!(
            "the {what} bkops knew for {stack} ({kept}) is not its {what} now ({}): nothing was changed; refresh (r) and try again",
            now.unwrap_or("none")
        ))),
    }
}
