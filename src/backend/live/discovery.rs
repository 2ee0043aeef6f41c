//! Finding the Elastic CI Stacks among an account's CloudFormation stacks, by their resources
//! (an `AgentAutoScaleGroup` of type `AWS::AutoScaling::AutoScalingGroup`), never by name.
//!
//! A stack's resources only change when the stack is updated, so what was learnt about each
//! stack is kept, keyed by its ID and last update time: a refresh of an unchanged account costs
//! one DescribeStacks, one DescribeAutoScalingGroups, and one DescribeRule per scaler.

use std::collections::HashMap;

use aws_sdk_cloudformation::types::Stack;

use super::LiveBackend;
use super::calls::ACCOUNT;
use super::errors::Checked;
use crate::domain::BackendError;
use crate::domain::{Os, ScalingState, StackSummary};

pub const ASG_LOGICAL_ID: &str = "AgentAutoScaleGroup";
pub const ASG_TYPE: &str = "AWS::AutoScaling::AutoScalingGroup";
/// The nested scaler stack (`AWS::Serverless::Application`, deployed as a nested stack).
pub const SCALER_LOGICAL_IDS: [&str; 2] = ["Autoscaling", "AutoscalingArm64"];
pub const RULE_LOGICAL_ID: &str = "AutoscalingFunctionTimer";
/// The stack's own agent token parameter (`/<stack>/buildkite/agent-token`), when the stack
/// was given a token rather than a parameter path.
pub const TOKEN_PARAMETER_LOGICAL_ID: &str = "BuildkiteAgentTokenParameter";

/// What a stack's resources say, learnt once per stack version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    /// `None`: not an Elastic CI Stack.
    pub asg_name: Option<String>,
    /// The `AutoscalingFunctionTimer` rule's name; `None` for a fixed-size stack.
    pub rule_name: Option<String>,
    /// The `BuildkiteAgentTokenParameter` resource's name, when the stack made one.
    pub token_parameter: Option<String>,
    /// The nested scaler stack (`Autoscaling` or `AutoscalingArm64`).
    pub scaler_stack: Option<String>,
}

/// What the other reads of a stack need, from its last discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownStack {
    pub asg: String,
    pub queue: String,
    /// The `AgentEndpoint` parameter.
    pub agent_endpoint: Option<String>,
    /// The SSM parameter that holds the agent token, as the stack's parameters name it.
    pub token_parameter: String,
    /// The stack's own `BuildkiteAgentTokenParameter` resource, if it made one.
    pub own_token_parameter: Option<String>,
    /// The scaler's `AutoscalingFunctionTimer` rule; `None` for a fixed-size stack.
    pub rule: Option<String>,
    /// The nested scaler stack, where its function is found.
    pub scaler_stack: Option<String>,
}

#[derive(Debug, Default)]
pub struct Cache {
    /// Stack ID → (version key, resources).
    resources: HashMap<String, (String, Resources)>,
    /// Stack name → what its other reads need.
    pub known: HashMap<String, KnownStack>,
}

fn param<'a>(stack: &'a Stack, key: &str) -> Option<&'a str> {
    stack.parameters().iter().find(|p| p.parameter_key() == Some(key)).and_then(|p| p.parameter_value())
}

fn param_u32(stack: &Stack, key: &str) -> Option<u32> {
    param(stack, key).and_then(|v| v.trim().parse().ok())
}

/// The scaler's parameters as the stack passes them, with the stack's defaults.
fn scaler_params(stack: &Stack) -> crate::domain::scaler::ScalerParams {
    let d = crate::domain::scaler::ScalerParams::default();
    let flag = |key: &str, default: bool| {
        param(stack, key).map_or(default, |v| v.trim().eq_ignore_ascii_case("true"))
    };
    let secs =
        |key: &str, default: i64| param(stack, key).and_then(|v| v.trim().parse().ok()).unwrap_or(default);
    crate::domain::scaler::ScalerParams {
        agents_per_instance: param_u32(stack, "AgentsPerInstance").unwrap_or(d.agents_per_instance),
        scale_out_factor: param(stack, "ScaleOutFactor")
            .and_then(|v| v.trim().parse().ok())
            .filter(|f: &f64| f.is_finite() && *f > 0.0)
            .unwrap_or(d.scale_out_factor),
        instance_buffer: param_u32(stack, "InstanceBuffer").unwrap_or(d.instance_buffer),
        include_waiting: flag("ScaleOutForWaitingJobs", d.include_waiting),
        disable_scale_in: flag("DisableScaleIn", d.disable_scale_in),
        scale_out_cooldown_secs: secs("ScaleOutCooldownPeriod", d.scale_out_cooldown_secs),
        scale_in_cooldown_secs: secs("ScaleInCooldownPeriod", d.scale_in_cooldown_secs),
        availability_threshold: d.availability_threshold,
    }
}

/// `Buildkite stack v6.71.1` → `v6.71.1`.
pub fn version_of(description: Option<&str>) -> String {
    description
        .and_then(|d| {
            d.split_whitespace()
                .find(|w| w.starts_with('v') && w[1..].starts_with(|c: char| c.is_ascii_digit()))
        })
        .unwrap_or("?")
        .to_string()
}

fn version_key(stack: &Stack) -> String {
    let t = stack.last_updated_time().or(stack.creation_time());
    format!("{}", t.map_or(0, |t| t.secs()))
}

impl LiveBackend {
    async fn root_stacks(&self) -> Result<Vec<Stack>, BackendError> {
        let mut out = Vec::new();
        let mut pages = self.clients.cfn.describe_stacks().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, ACCOUNT, "cloudformation:DescribeStacks")?;
            out.extend(page.stacks().iter().filter(|s| s.parent_id().is_none()).cloned());
        }
        out.retain(|s| !s.stack_status().is_some_and(|st| st.as_str().starts_with("DELETE_COMPLETE")));
        Ok(out)
    }

    async fn learn_resources(&self, stack: &Stack) -> Result<Resources, BackendError> {
        let id = stack.stack_id().or(stack.stack_name()).unwrap_or_default();
        let name = stack.stack_name().unwrap_or_default();
        let mut asg_name = None;
        let mut scaler_stack = None;
        let mut token_parameter = None;
        let mut pages = self.clients.cfn.list_stack_resources().stack_name(id).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, name, "cloudformation:ListStackResources")?;
            for r in page.stack_resource_summaries() {
                let logical = r.logical_resource_id().unwrap_or_default();
                if logical == ASG_LOGICAL_ID && r.resource_type() == Some(ASG_TYPE) {
                    asg_name = r.physical_resource_id().map(str::to_string);
                }
                if logical == TOKEN_PARAMETER_LOGICAL_ID {
                    token_parameter = r.physical_resource_id().map(str::to_string);
                }
                if SCALER_LOGICAL_IDS.contains(&logical) {
                    scaler_stack = r.physical_resource_id().map(str::to_string);
                }
            }
        }
        let mut rule_name = None;
        if let (Some(_), Some(nested)) = (&asg_name, scaler_stack.clone()) {
            let rule = self
                .clients
                .cfn
                .describe_stack_resource()
                .stack_name(nested)
                .logical_resource_id(RULE_LOGICAL_ID)
                .send()
                .await
                .checked(self, name, "cloudformation:DescribeStackResource")?;
            rule_name =
                rule.stack_resource_detail().and_then(|d| d.physical_resource_id()).map(str::to_string);
        }
        Ok(Resources { asg_name, rule_name, token_parameter, scaler_stack })
    }

    async fn scaling_state(&self, stack: &str, rule: Option<&str>) -> ScalingState {
        let Some(rule) = rule else { return ScalingState::FixedSize };
        match self.clients.events.describe_rule().name(rule).send().await.checked(
            self,
            stack,
            "events:DescribeRule",
        ) {
            Ok(r) => {
                let schedule = r.schedule_expression().unwrap_or("?").to_string();
                match r.state().map(|s| s.as_str()) {
                    Some("DISABLED") => ScalingState::Paused { schedule },
                    _ => ScalingState::Enabled { schedule },
                }
            }
            Err(e) => ScalingState::Unknown { reason: e.to_string() },
        }
    }

    pub(super) async fn discover(&self) -> Result<Vec<StackSummary>, BackendError> {
        let stacks = self.root_stacks().await?;
        let mut found = Vec::new();
        for stack in &stacks {
            let id = stack.stack_id().unwrap_or_default().to_string();
            let key = version_key(stack);
            let known = self.cache().resources.get(&id).filter(|(k, _)| *k == key).map(|(_, r)| r.clone());
            let resources = match known {
                Some(r) => r,
                None => {
                    let r = self.learn_resources(stack).await?;
                    self.cache().resources.insert(id, (key, r.clone()));
                    r
                }
            };
            if let Some(asg) = resources.asg_name.clone() {
                found.push((
                    stack,
                    asg,
                    resources.rule_name,
                    resources.token_parameter,
                    resources.scaler_stack,
                ));
            }
        }
        let names: Vec<String> = found.iter().map(|(_, asg, ..)| asg.clone()).collect();
        let groups = self.describe_groups(&names, ACCOUNT).await?;
        let mut out = Vec::new();
        for (stack, asg, rule, own_token_parameter, scaler_stack) in found {
            let name = stack.stack_name().unwrap_or_default().to_string();
            let group = groups.iter().find(|g| g.auto_scaling_group_name() == Some(asg.as_str()));
            let size = |v: Option<i32>, param: &str| {
                v.map(|v| v.max(0) as u32).or_else(|| param_u32(stack, param)).unwrap_or(0)
            };
            let scaling = self.scaling_state(&name, rule.as_deref()).await;
            out.push(StackSummary {
                queue: param(stack, "BuildkiteQueue").unwrap_or("default").to_string(),
                version: version_of(stack.description()),
                os: if param(stack, "InstanceOperatingSystem") == Some("windows") {
                    Os::Windows
                } else {
                    Os::Linux
                },
                status: stack.stack_status().map_or("?", |s| s.as_str()).to_string(),
                desired: size(group.and_then(|g| g.desired_capacity()), "MinSize"),
                min: size(group.and_then(|g| g.min_size()), "MinSize"),
                max: size(group.and_then(|g| g.max_size()), "MaxSize"),
                agents_per_instance: param_u32(stack, "AgentsPerInstance").unwrap_or(1),
                scale_in_idle_period: param_u32(stack, "ScaleInIdlePeriod").unwrap_or(600),
                asg_name: asg.clone(),
                scaler_params: rule.as_ref().map(|_| scaler_params(stack)),
                scaling,
                name: name.clone(),
            });
            let token_parameter = param(stack, "BuildkiteAgentTokenParameterStorePath")
                .filter(|p| !p.trim().is_empty())
                .map_or_else(|| format!("/{name}/buildkite/agent-token"), str::to_string);
            let known = KnownStack {
                asg,
                queue: param(stack, "BuildkiteQueue").unwrap_or("default").to_string(),
                agent_endpoint: param(stack, "AgentEndpoint")
                    .filter(|e| !e.trim().is_empty())
                    .map(str::to_string),
                token_parameter,
                own_token_parameter,
                rule: rule.clone(),
                scaler_stack,
            };
            self.cache().known.insert(name, known);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_the_description() {
        assert_eq!(version_of(Some("Buildkite stack v6.71.1")), "v6.71.1");
        assert_eq!(version_of(Some("Buildkite stack %v")), "?");
        assert_eq!(version_of(None), "?");
    }
}
