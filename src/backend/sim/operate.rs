//! Operator actions in the demo: the same calls as on AWS, applied to the simulated stack,
//! with Auto Scaling's own refusals (below MinSize, an instance not in the group).

use async_trait::async_trait;

use super::stack::SimStack;
use super::{SimBackend, World, activity, update};
use crate::domain::BackendError;
use crate::domain::Timestamp;
use crate::ops::port::disk::DiskReading;
use crate::ops::port::{Call, ChangeSetView, Identity, ScalingTarget, StackProgress, UpdateSource};

/// The timer rule's name, shaped like the nested stack's physical IDs.
pub fn rule_name(s: &SimStack) -> Option<String> {
    let suffix = s.asg_name.rsplit('-').next().unwrap_or("1");
    s.spec
        .scaler
        .as_ref()
        .map(|_| format!("{}-Autoscaling-{suffix}-AutoscalingFunctionTimer-{suffix}", s.spec.name))
}

fn validation(message: String) -> BackendError {
    BackendError::Other(format!("ValidationError: {message}"))
}

fn group_mut<'a>(world: &'a mut World, group: &str) -> Result<&'a mut SimStack, BackendError> {
    let name = world
        .stacks
        .iter()
        .find(|s| s.asg_name == group)
        .map(|s| s.spec.name.clone())
        .ok_or_else(|| BackendError::NotFound { what: format!("Auto Scaling group {group}") })?;
    world
        .stack_mut(&name)
        .ok_or_else(|| BackendError::NotFound { what: format!("Auto Scaling group {group}") })
}

fn apply(world: &mut World, call: &Call) -> Result<(), BackendError> {
    let now = world.now();
    match call {
        Call::DisableRule { rule } | Call::EnableRule { rule } => {
            let name = world
                .stacks
                .iter()
                .find(|s| rule_name(s).as_deref() == Some(rule.as_str()))
                .map(|s| s.spec.name.clone())
                .ok_or_else(|| BackendError::NotFound { what: format!("rule {rule}") })?;
            world.set_rule_enabled(&name, matches!(call, Call::EnableRule { .. }));
        }
        Call::UpdateGroup { group, min, desired } => {
            let s = group_mut(world, group)?;
            let min = min.unwrap_or(s.min);
            let desired = desired.unwrap_or(s.desired.max(min));
            if min > s.max || desired < min || desired > s.max {
                return Err(validation(format!(
                    "Desired capacity:{desired} must be between the specified min size:{min} and max size:{}",
                    s.max
                )));
            }
            s.min = min;
            s.desired = desired;
        }
        Call::TagGroup { group, tags } => {
            group_mut(world, group)?.tags.extend(tags.iter().cloned());
        }
        Call::DeleteGroupTags { group, keys } => {
            let s = group_mut(world, group)?;
            keys.iter().for_each(|k| {
                s.tags.remove(k);
            });
        }
        Call::StopAgent { .. } => {
            return Err(BackendError::Other("the demo has no Buildkite API to stop agents through".into()));
        }
        Call::WaitForJobs { .. } | Call::WaitForEmpty { .. } | Call::WaitForUpdate { .. } => {}
        Call::CreateChangeSet { stack, name, template_url, parameters } => {
            update::create(world, stack, name, template_url.is_some(), parameters)?;
        }
        Call::ExecuteChangeSet { stack, name } => update::execute(world, stack, name)?,
        Call::DeleteChangeSet { stack, name } => update::delete(world, stack, name)?,
        Call::SendCommand { instances, .. } => {
            let answers: Vec<crate::ops::port::DiskAnswer> =
                instances.iter().map(|id| disk_answer(world, id)).collect();
            world.disk_answers = answers.into_iter().map(|a| (a.0.clone(), a)).collect();
        }
        Call::Terminate { group, instance, decrement } => {
            let id = world.uuid();
            let s = group_mut(world, group)?;
            let Some(pos) = s.instances.iter().position(|i| i.id == *instance && i.is_active()) else {
                return Err(validation(format!(
                    "Instance Id not found - No managed instance found for instance ID: {instance}"
                )));
            };
            let shrink = if *decrement {
                if s.desired <= s.min {
                    return Err(validation(format!(
                        "Currently, desiredSize equals minSize ({}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
                        s.min
                    )));
                }
                s.desired -= 1;
                Some((s.desired + 1, s.desired))
            } else {
                None
            };
            let cause = activity::user_terminate_cause(now, instance, shrink);
            s.record(activity::terminate(id.clone(), instance, now, cause));
            s.instances[pos].begin_terminating(now, id);
        }
    }
    Ok(())
}

/// The demo's disks: 250 GiB, of which the instance's simulated free space is left.
pub(super) const DISK_TOTAL_KB: u64 = 250 * 1024 * 1024;

fn disk_answer(world: &World, id: &str) -> crate::ops::port::DiskAnswer {
    let found = world.stacks.iter().flat_map(|s| &s.instances).find(|i| i.id == id && i.is_active());
    let reading = match found {
        None => Err("InvalidInstanceId: the instance is not running or not managed by SSM".to_string()),
        Some(i) => {
            let free = i.disk_free_kb.min(DISK_TOTAL_KB);
            let used_pct = (100 - free * 100 / DISK_TOTAL_KB) as u8;
            let mount = if i.os == crate::domain::Os::Windows { "C:" } else { "/var/lib/docker" };
            Ok(DiskReading { used_pct, free_kb: free, mount: mount.into(), inodes_used_pct: None })
        }
    };
    (id.to_string(), reading)
}

#[async_trait]
impl crate::ops::port::Operations for SimBackend {
    async fn scaling_target(&self, stack: &str) -> Result<ScalingTarget, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| super::unknown_stack(stack))?;
        Ok(ScalingTarget {
            stack: stack.to_string(),
            group: s.asg_name.clone(),
            rule: rule_name(s),
            rule_enabled: s.spec.scaler.as_ref().map(|_| s.rule_enabled),
            min: s.min,
            max: s.max,
            desired: s.desired,
            tags: s.tags.clone(),
            scheduled: Vec::new(),
            instances: s.instances.iter().filter(|i| i.is_active()).map(|i| i.id.clone()).collect(),
            terraform: false,
            template_version: Some(s.template_version.to_string()),
        })
    }

    async fn identity(&self) -> Result<Identity, BackendError> {
        Ok(Identity {
            arn: "arn:aws:sts::000000000000:assumed-role/demo/operator".into(),
            account: "000000000000".into(),
        })
    }

    async fn execute(&self, call: &Call) -> Result<(), BackendError> {
        if self.read_only {
            return Err(BackendError::ReadOnly { action: call.action().to_string() });
        }
        apply(&mut self.world(), call)
    }

    async fn disk_readings(
        &self,
        instances: &[String],
    ) -> Result<Vec<crate::ops::port::DiskAnswer>, BackendError> {
        let world = self.world();
        Ok(instances
            .iter()
            .map(|id| {
                world
                    .disk_answers
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| (id.clone(), Err("no disk check was sent".into())))
            })
            .collect())
    }

    async fn update_source(
        &self,
        stack: &str,
        template_url: Option<&str>,
    ) -> Result<UpdateSource, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| super::unknown_stack(stack))?;
        Ok(update::source(s, template_url.is_some()))
    }

    async fn change_set(&self, stack: &str, name: &str) -> Result<ChangeSetView, BackendError> {
        update::describe(&self.world(), stack, name)
    }

    async fn stack_progress(&self, stack: &str, since: Timestamp) -> Result<StackProgress, BackendError> {
        let world = self.world();
        let s = world.stack(stack).ok_or_else(|| super::unknown_stack(stack))?;
        Ok(StackProgress { status: s.cfn.status.clone(), events: s.cfn.since(since) })
    }
}

#[async_trait]
impl crate::ssm::port::Sessions for SimBackend {
    async fn registration(&self, instance: &str) -> Result<crate::ssm::port::Registration, BackendError> {
        Ok(self.sim_registration(instance))
    }

    async fn start_session(
        &self,
        request: &crate::ssm::port::SessionRequest,
    ) -> Result<crate::ssm::port::Session, BackendError> {
        self.sim_start_session(request).await
    }

    async fn resume_session(&self, _: &str) -> Result<crate::ssm::port::Session, BackendError> {
        Err(BackendError::Other("the demo's sessions cannot be resumed".into()))
    }

    async fn terminate_session(&self, session_id: &str) -> Result<(), BackendError> {
        self.sim_terminate_session(session_id);
        Ok(())
    }

    /// The demo has no AWS credentials to hand on: a plugin run against it gets the region only.
    async fn plugin_context(&self) -> Result<crate::ssm::port::PluginContext, BackendError> {
        Ok(crate::ssm::port::PluginContext { region: "us-east-1".into(), ..Default::default() })
    }
}
