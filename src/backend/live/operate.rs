//! The AWS side of operator actions: what a plan needs to know (read fresh, never from a
//! cache), who is calling (STS), and `execute`, the one function that changes anything. In
//! read-only mode `execute` refuses every call, and the clients themselves refuse any operation
//! that is not a read (see `ReadOnlyGuard`), so no code path in bkops can mutate AWS.

use std::collections::BTreeMap;

use aws_sdk_autoscaling::types::Tag;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::errors::Checked;
use super::{ACCOUNT, LiveBackend};
use crate::domain::text::sanitized;
use crate::domain::{BackendError, Timestamp};
use crate::ops::port::{AgentRef, Call, ChangeSetView, Identity, ScalingTarget, StackProgress, UpdateSource};

/// Refuses, before anything is sent, every operation whose name is not a read.
#[derive(Debug)]
pub struct ReadOnlyGuard;

/// Reads by name, plus the two reads whose names do not say so.
pub fn is_read(operation: &str) -> bool {
    ["Describe", "List", "Get", "Filter"].iter().any(|p| operation.starts_with(p))
        || operation == "StartLiveTail"
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "ReadOnlyGuard"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's own
    // configuration (and its name) is in the bag.
    fn read_before_serialization(
        &self,
        _: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match cfg.load::<Metadata>() {
            Some(m) if is_read(m.name()) => Ok(()),
            Some(m) => Err(format!("read-only: bkops does not call {}:{}", m.service(), m.name()).into()),
            None => Err("read-only: an operation without a name is refused".into()),
        }
    }
}

impl LiveBackend {
    pub(super) async fn read_target(&self, stack: &str) -> Result<ScalingTarget, BackendError> {
        // Sizes, tags and the rule's state are read now: a decision to change production is not
        // made on a cached size. The names (group, rule) come from discovery's cache and are
        // checked against AWS now; a stack found by tags alone is refused.
        let known = self.known(stack).await?;
        if let Err(e) = self.vouch(stack, &known).await {
            self.forget(stack);
            return Err(e);
        }
        let groups = self.describe_groups(std::slice::from_ref(&known.asg), stack).await?;
        let group = groups
            .first()
            .ok_or_else(|| BackendError::NotFound { what: format!("Auto Scaling group {}", known.asg) })?;
        let rule_enabled = match &known.rule {
            None => None,
            Some(rule) => {
                let r = self.clients.events.describe_rule().name(rule).send().await.checked(
                    self,
                    stack,
                    "events:DescribeRule",
                )?;
                Some(r.state().map(|s| s.as_str()) != Some("DISABLED"))
            }
        };
        let tags: BTreeMap<String, String> = group
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
            .filter(|(k, _)| k.starts_with("bkops:"))
            .collect();
        let scheduled = self
            .scheduled_actions(stack, &known.asg)
            .await?
            .into_iter()
            .filter_map(|a| a.min.map(|m| format!("{} (MinSize {m})", a.name)))
            .collect();
        let size = |v: Option<i32>| v.unwrap_or(0).max(0) as u32;
        Ok(ScalingTarget {
            stack: stack.to_string(),
            group: known.asg.clone(),
            rule: known.rule.clone(),
            rule_enabled,
            min: size(group.min_size()),
            max: size(group.max_size()),
            desired: size(group.desired_capacity()),
            tags,
            scheduled,
            instances: group.instances().iter().filter_map(|i| i.instance_id().map(str::to_string)).collect(),
            terraform: known.terraform,
            template_version: super::fleet::template_version(group),
        })
    }

    /// The agents on `instances`, read fresh from the REST API (a drain must not wait on a
    /// 30 s old list).
    pub(super) async fn agents_of(
        &self,
        stack: &str,
        instances: &[String],
    ) -> Result<Vec<AgentRef>, BackendError> {
        let (Some(token), Some(client)) =
            (self.buildkite.settings.api_token.as_ref(), self.buildkite.client.as_ref())
        else {
            return Err(BackendError::Unconfigured(
                "set BUILDKITE_API_TOKEN (scopes read_agents, write_agents) to drain agents".into(),
            ));
        };
        let org = match self.org_of(stack) {
            Some(org) => org,
            None => {
                self.read_queue(stack).await?;
                self.org_of(stack).ok_or_else(|| {
                    BackendError::Other(format!("the Buildkite organization of {stack} is unknown"))
                })?
            }
        };
        self.calls.record(stack, "buildkite:GET /agents");
        let list = client.agents(&self.buildkite.settings.destinations.api(), token, &org).await?;
        Ok(list
            .iter()
            .filter_map(|a| {
                let instance = a.instance_id().filter(|i| instances.iter().any(|x| x == i))?;
                Some(AgentRef {
                    org: org.clone(),
                    id: a.id.clone(),
                    name: a.name.clone(),
                    instance: instance.to_string(),
                    busy: a.busy(),
                })
            })
            .collect())
    }

    pub(super) async fn caller(&self) -> Result<Identity, BackendError> {
        let out = self.clients.sts.get_caller_identity().send().await.checked(
            self,
            ACCOUNT,
            "sts:GetCallerIdentity",
        )?;
        Ok(Identity {
            arn: out.arn().unwrap_or("?").to_string(),
            account: out.account().unwrap_or("?").to_string(),
        })
    }

    pub(super) async fn make(&self, call: &Call) -> Result<(), BackendError> {
        // What was read before a change no longer stands in for a read after it.
        self.groups.described.clear();
        self.groups.prepared_activities.clear();
        if self.account.read_only {
            return Err(BackendError::ReadOnly { action: call.action().to_string() });
        }
        let action = call.action();
        // Every call ends the same way: the answer is not needed, an error is classified.
        macro_rules! send {
            ($request:expr) => {
                $request.send().await.map(drop).checked(self, ACCOUNT, action)
            };
        }
        let tag = |group: &str, key: &str| {
            Tag::builder().resource_id(group).resource_type("auto-scaling-group").key(key)
        };
        match call {
            Call::DisableRule { rule } => send!(self.clients.events.disable_rule().name(rule)),
            Call::EnableRule { rule } => send!(self.clients.events.enable_rule().name(rule)),
            Call::UpdateGroup { group, min, desired } => send!(
                self.clients
                    .asg
                    .update_auto_scaling_group()
                    .auto_scaling_group_name(group)
                    .set_min_size(min.map(|m| m as i32))
                    .set_desired_capacity(desired.map(|d| d as i32))
            ),
            Call::TagGroup { group, tags } => {
                let tags =
                    tags.iter().map(|(k, v)| tag(group, k).value(v).propagate_at_launch(false).build());
                send!(self.clients.asg.create_or_update_tags().set_tags(Some(tags.collect())))
            }
            Call::DeleteGroupTags { group, keys } => {
                let tags = keys.iter().map(|k| tag(group, k).build());
                send!(self.clients.asg.delete_tags().set_tags(Some(tags.collect())))
            }
            Call::StopAgent { org, agent_id, .. } => {
                let (Some(token), Some(client)) =
                    (self.buildkite.settings.api_token.as_ref(), self.buildkite.client.as_ref())
                else {
                    return Err(BackendError::Other("stopping an agent needs BUILDKITE_API_TOKEN".into()));
                };
                client.stop_agent(&self.buildkite.settings.destinations.api(), token, org, agent_id).await
            }
            Call::SendCommand { document, instances } => self.send_disk_check(document, instances).await,
            // Waiting is not a call; `apply` does it.
            Call::WaitForJobs { .. } | Call::WaitForEmpty { .. } | Call::WaitForUpdate { .. } => Ok(()),
            Call::CreateChangeSet { .. } | Call::ExecuteChangeSet { .. } | Call::DeleteChangeSet { .. } => {
                self.change_set_call(call).await
            }
            Call::Terminate { instance, decrement, .. } => send!(
                self.clients
                    .asg
                    .terminate_instance_in_auto_scaling_group()
                    .instance_id(instance)
                    .should_decrement_desired_capacity(*decrement)
            ),
        }
    }
}

#[async_trait::async_trait]
impl crate::ops::port::Operations for LiveBackend {
    async fn scaling_target(&self, stack: &str) -> Result<ScalingTarget, BackendError> {
        self.read_target(stack).await.map(sanitized)
    }

    async fn identity(&self) -> Result<Identity, BackendError> {
        self.caller().await
    }

    async fn execute(&self, call: &Call) -> Result<(), BackendError> {
        self.make(call).await
    }

    async fn agents_on(&self, stack: &str, instances: &[String]) -> Result<Vec<AgentRef>, BackendError> {
        self.agents_of(stack, instances).await.map(sanitized)
    }

    async fn disk_readings(
        &self,
        instances: &[String],
    ) -> Result<Vec<crate::ops::port::DiskAnswer>, BackendError> {
        self.read_disk_answers(instances).await
    }

    async fn update_source(
        &self,
        stack: &str,
        template_url: Option<&str>,
    ) -> Result<UpdateSource, BackendError> {
        self.read_update_source(stack, template_url).await.map(sanitized)
    }

    async fn change_set(&self, stack: &str, name: &str) -> Result<ChangeSetView, BackendError> {
        self.read_change_set(stack, name).await.map(sanitized)
    }

    async fn stack_progress(&self, stack: &str, since: Timestamp) -> Result<StackProgress, BackendError> {
        self.read_progress(stack, since).await.map(sanitized)
    }
}

#[cfg(test)]
mod tests {
    use super::is_read;

    #[test]
    fn only_reads_pass_the_guard() {
        for op in ["DescribeStacks", "ListStackResources", "GetParameter", "FilterLogEvents", "StartLiveTail"]
        {
            assert!(is_read(op), "{op}");
        }
        for op in [
            "DisableRule",
            "EnableRule",
            "UpdateAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup",
            "CreateOrUpdateTags",
            "DeleteTags",
            "SetDesiredCapacity",
            "SendCommand",
            "StartSession",
            "PutLogEvents",
        ] {
            assert!(!is_read(op), "{op}");
        }
    }
}
