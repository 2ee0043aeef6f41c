//! What an Elastic CI Stack's CloudFormation stack says of itself: its parameters (with the
//! template's defaults), its version, and the summary and the facts bkops keeps of it once its
//! resources are known.

use aws_sdk_autoscaling::types::AutoScalingGroup;
use aws_sdk_cloudformation::types::Stack;

use super::known::{KnownStack, Resources};
use crate::domain::{BackendError, Os, ScalingState, StackSummary};

/// The stack's `InstanceOperatingSystem`.
pub(crate) fn os_of(stack: &Stack) -> Os {
    if param(stack, "InstanceOperatingSystem") == Some("windows") { Os::Windows } else { Os::Linux }
}

pub(super) fn param<'a>(stack: &'a Stack, key: &str) -> Option<&'a str> {
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

/// What the stack launches, from its parameters (with the template's defaults).
fn launch_settings(stack: &Stack) -> crate::domain::LaunchSettings {
    crate::domain::LaunchSettings {
        instance_types: param(stack, "InstanceTypes")
            .unwrap_or("t3.large")
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        on_demand_percentage: param_u32(stack, "OnDemandPercentage").or(Some(100)),
        terminate_after_job: param(stack, "BuildkiteTerminateInstanceAfterJob")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
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

/// The stack's summary, from its parameters, its group as read and its scaling state.
pub(super) fn summary(
    stack: &Stack,
    asg: &str,
    resources: &Resources,
    group: Option<&AutoScalingGroup>,
    scaling: ScalingState,
) -> StackSummary {
    let size = |v: Option<i32>, param: &str| {
        v.map(|v| v.max(0) as u32).or_else(|| param_u32(stack, param)).unwrap_or(0)
    };
    StackSummary {
        queue: param(stack, "BuildkiteQueue").unwrap_or("default").to_string(),
        version: version_of(stack.description()),
        os: os_of(stack),
        status: stack.stack_status().map_or("?", |s| s.as_str()).to_string(),
        desired: size(group.and_then(|g| g.desired_capacity()), "MinSize"),
        min: size(group.and_then(|g| g.min_size()), "MinSize"),
        max: size(group.and_then(|g| g.max_size()), "MaxSize"),
        agents_per_instance: param_u32(stack, "AgentsPerInstance").unwrap_or(1),
        scale_in_idle_period: param_u32(stack, "ScaleInIdlePeriod").unwrap_or(600),
        asg_name: asg.to_string(),
        scaler_params: resources.rule_name.as_ref().map(|_| scaler_params(stack)),
        launch: launch_settings(stack),
        scaling,
        name: stack.stack_name().unwrap_or_default().to_string(),
    }
}

/// What bkops keeps of the stack between reads: where its queue, token, rule and scaler are.
pub(super) fn known(stack: &Stack, asg: String, resources: Resources) -> KnownStack {
    let name = stack.stack_name().unwrap_or_default();
    let token_parameter = param(stack, "BuildkiteAgentTokenParameterStorePath")
        .filter(|p| !p.trim().is_empty())
        .map_or_else(|| format!("/{name}/buildkite/agent-token"), str::to_string);
    KnownStack {
        asg,
        queue: Some(param(stack, "BuildkiteQueue").unwrap_or("default").to_string()),
        agent_endpoint: param(stack, "AgentEndpoint").filter(|e| !e.trim().is_empty()).map(str::to_string),
        token_parameter,
        own_token_parameter: resources.token_parameter,
        rule: resources.rule_name,
        scaler_stack: resources.scaler_stack,
        scaler_function: resources.scaler_function,
        terraform: false,
        tags_only: None,
        publishes_metrics: true,
    }
}

/// A stack whose resources could not be read: its name, its parameters' sizes, and why its
/// scaling is unknown.
pub(super) fn unreadable_stack(stack: &Stack, e: &BackendError) -> StackSummary {
    StackSummary {
        name: stack.stack_name().unwrap_or_default().to_string(),
        queue: param(stack, "BuildkiteQueue").unwrap_or("default").to_string(),
        version: version_of(stack.description()),
        os: os_of(stack),
        status: stack.stack_status().map_or("?", |s| s.as_str()).to_string(),
        asg_name: String::new(),
        desired: param_u32(stack, "MinSize").unwrap_or(0),
        min: param_u32(stack, "MinSize").unwrap_or(0),
        max: param_u32(stack, "MaxSize").unwrap_or(0),
        agents_per_instance: param_u32(stack, "AgentsPerInstance").unwrap_or(1),
        scale_in_idle_period: param_u32(stack, "ScaleInIdlePeriod").unwrap_or(600),
        scaling: ScalingState::Unknown { reason: format!("its resources could not be read: {e}") },
        scaler_params: None,
        launch: launch_settings(stack),
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
