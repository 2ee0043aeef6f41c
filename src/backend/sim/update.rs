//! Stack updates in the demo: the stack's parameters as CloudFormation would list them, change
//! sets that preview what the demo changes, and their execution. The demo has no AMIs: an
//! update that names one fails on the launch template and rolls back, as a bad AMI does on
//! AWS. It updates its group in place (the real stack replaces it), so its rollover is the
//! old instances leaving as the scaler scales in.

use std::collections::BTreeMap;

use super::stack::SimStack;
use super::{DEMO_LATEST, World};
use crate::domain::{BackendError, Os};
use crate::ops::port::stack_update::{
    ChangeSetView, MASK, ParamDecl, ResourceChange, StackParameter, UpdateSource,
};

/// A change set made and not executed: what it would set.
#[derive(Debug, Clone)]
pub struct ChangeSet {
    pub view: ChangeSetView,
    pub values: BTreeMap<String, String>,
    pub latest: bool,
}

/// The parameters the demo's template declares, with its allowed values.
pub fn declared() -> Vec<ParamDecl> {
    let decl = |key: &str, default: &str, allowed: &[&str]| ParamDecl {
        key: key.into(),
        default: Some(default.into()),
        no_echo: key == "BuildkiteAgentToken",
        allowed: allowed.iter().map(|a| a.to_string()).collect(),
    };
    vec![
        decl("BuildkiteAgentToken", "", &[]),
        decl("BuildkiteQueue", "default", &[]),
        decl("InstanceOperatingSystem", "linux", &["linux", "windows"]),
        decl("InstanceTypes", "t3.large", &[]),
        decl("ImageId", "", &[]),
        decl("MinSize", "0", &[]),
        decl("MaxSize", "10", &[]),
        decl("ScaleInIdlePeriod", "600", &[]),
        decl("BuildkiteAgentEnableGracefulShutdown", "false", &["true", "false"]),
    ]
}

/// The stack's parameters as DescribeStacks gives them (the token masked).
pub fn parameters(s: &SimStack) -> BTreeMap<String, String> {
    let os = if s.spec.os == Os::Windows { "windows" } else { "linux" };
    [
        ("BuildkiteAgentToken", MASK.to_string()),
        ("BuildkiteQueue", s.spec.queue.clone()),
        ("InstanceOperatingSystem", os.to_string()),
        ("InstanceTypes", s.spec.instance_types.join(",")),
        ("ImageId", String::new()),
        ("MinSize", s.spec.min.to_string()),
        ("MaxSize", s.spec.max.to_string()),
        ("ScaleInIdlePeriod", s.spec.scale_in_idle_period.to_string()),
        ("BuildkiteAgentEnableGracefulShutdown", "false".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub fn source(s: &SimStack, latest: bool) -> UpdateSource {
    UpdateSource {
        stack: s.spec.name.clone(),
        status: s.cfn.status.clone(),
        parameters: parameters(s),
        declared: declared(),
        version: Some(s.spec.version.clone()),
        template_version: Some(if latest { DEMO_LATEST.to_string() } else { s.spec.version.clone() }),
        terraform: false,
    }
}

fn change(id: &str, kind: &str, replacement: &str) -> ResourceChange {
    ResourceChange {
        action: "Modify".into(),
        logical_id: id.into(),
        resource_type: kind.into(),
        replacement: Some(replacement.into()),
    }
}

/// CreateChangeSet: what the parameters given change, as DescribeChangeSet would list it.
pub fn create(
    world: &mut World,
    stack: &str,
    name: &str,
    latest: bool,
    given: &[StackParameter],
) -> Result<(), BackendError> {
    let s = world.stack(stack).ok_or_else(|| super::unknown_stack(stack))?;
    let now = parameters(s);
    let values: BTreeMap<String, String> = given
        .iter()
        .filter_map(|p| p.value.clone().map(|v| (p.key.clone(), v)))
        .filter(|(k, v)| k == "BuildkiteAgentToken" || now.get(k) != Some(v))
        .collect();
    let latest = latest && s.spec.version != DEMO_LATEST;
    let view = if values.is_empty() && !latest {
        ChangeSetView {
            status: "FAILED".into(),
            reason: Some(
                "The submitted information didn't contain changes. Submit different information to create a change set."
                    .into(),
            ),
            changes: Vec::new(),
        }
    } else {
        let mut changes = vec![
            change("AgentLaunchTemplate", "AWS::EC2::LaunchTemplate", "False"),
            change("AgentAutoScaleGroup", "AWS::AutoScaling::AutoScalingGroup", "False"),
        ];
        if latest {
            changes.push(change("Autoscaling", "AWS::CloudFormation::Stack", "False"));
        }
        ChangeSetView { status: "CREATE_COMPLETE".into(), reason: None, changes }
    };
    world.change_sets.insert((stack.to_string(), name.to_string()), ChangeSet { view, values, latest });
    Ok(())
}

fn not_found(name: &str) -> BackendError {
    BackendError::Other(format!("ChangeSetNotFound: ChangeSet [{name}] does not exist"))
}

pub fn describe(world: &World, stack: &str, name: &str) -> Result<ChangeSetView, BackendError> {
    world
        .change_sets
        .get(&(stack.to_string(), name.to_string()))
        .map(|c| c.view.clone())
        .ok_or_else(|| not_found(name))
}

pub fn delete(world: &mut World, stack: &str, name: &str) -> Result<(), BackendError> {
    world.change_sets.remove(&(stack.to_string(), name.to_string())).map(drop).ok_or_else(|| not_found(name))
}

/// ExecuteChangeSet: an AMI fails the update (the demo has none); anything else updates the
/// stack, its new launch template taking effect for the instances launched from now on.
pub fn execute(world: &mut World, stack: &str, name: &str) -> Result<(), BackendError> {
    let key = (stack.to_string(), name.to_string());
    let set = world.change_sets.get(&key).cloned().ok_or_else(|| not_found(name))?;
    if set.view.status != "CREATE_COMPLETE" {
        return Err(BackendError::Other(format!(
            "InvalidChangeSetStatus: ChangeSet [{name}] cannot be executed in its current status of [{}]",
            set.view.status
        )));
    }
    let now = world.now();
    let s = world.stack_mut(stack).ok_or_else(|| super::unknown_stack(stack))?;
    if crate::domain::StackState::of(&s.cfn.status).is_changing() {
        return Err(BackendError::Other(format!(
            "ValidationError: Stack:{stack} is in {} state and can not be updated.",
            s.cfn.status
        )));
    }
    world.change_sets.retain(|(st, _), _| st != stack);
    let s = world.stack_mut(stack).ok_or_else(|| super::unknown_stack(stack))?;
    if let Some(ami) = set.values.get("ImageId").filter(|a| !a.is_empty()) {
        s.cfn.failed_update(stack, ami, now);
        s.cfn.advance(now);
        return Ok(());
    }
    let asg = s.asg_name.clone();
    s.cfn.updated(stack, &asg, now);
    s.cfn.advance(now);
    apply_values(s, &set.values);
    if set.latest {
        s.spec.version = DEMO_LATEST.to_string();
    }
    s.template_version += 1;
    Ok(())
}

fn apply_values(s: &mut SimStack, values: &BTreeMap<String, String>) {
    let number = |k: &str| values.get(k).and_then(|v| v.trim().parse::<u32>().ok());
    if let Some(types) = values.get("InstanceTypes") {
        s.spec.instance_types =
            types.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    }
    if let Some(idle) = number("ScaleInIdlePeriod") {
        s.spec.scale_in_idle_period = idle;
    }
    if let Some(max) = number("MaxSize") {
        s.spec.max = max;
        s.max = max;
    }
    if let Some(min) = number("MinSize") {
        s.spec.min = min;
        s.min = min.min(s.max);
    }
    s.desired = s.desired.clamp(s.min, s.max);
}
