//! The mutating calls bkops can make, as data: a plan lists them, `--dry-run` prints them,
//! the audit log records them, and a backend's `execute` is the one place that makes them.

use serde::Serialize;

use super::stack_update::StackParameter;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "call")]
pub enum Call {
    /// Stops the scaler: its `AutoscalingFunctionTimer` rule no longer fires.
    DisableRule {
        rule: String,
    },
    EnableRule {
        rule: String,
    },
    /// UpdateAutoScalingGroup; only the sizes given change.
    UpdateGroup {
        group: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        desired: Option<u32>,
    },
    /// CreateOrUpdateTags on the group, not propagated to instances.
    TagGroup {
        group: String,
        tags: Vec<(String, String)>,
    },
    DeleteGroupTags {
        group: String,
        keys: Vec<String>,
    },
    /// TerminateInstanceInAutoScalingGroup: with `decrement` the group shrinks, without it the
    /// group launches a replacement.
    Terminate {
        group: String,
        instance: String,
        decrement: bool,
    },
    /// Buildkite's `PUT …/agents/{id}/stop` with `force: false`: the agent finishes its job
    /// and takes no other.
    StopAgent {
        org: String,
        agent_id: String,
        name: String,
    },
    /// SSM Run Command: the disk check's script on the instances (its answers are read with
    /// `Operations::disk_readings`).
    SendCommand {
        document: String,
        instances: Vec<String>,
    },
    /// Not a call: the plan waits until no agent on the instances runs a job, or gives up
    /// (and makes no later call) after the timeout.
    WaitForJobs {
        instances: Vec<String>,
        timeout_secs: u64,
    },
    /// CreateChangeSet (`ChangeSetType` UPDATE, the IAM and nested-stack capabilities): a
    /// preview of the update, which changes nothing until it is executed. Without a template
    /// URL it keeps the stack's template.
    CreateChangeSet {
        stack: String,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        template_url: Option<String>,
        parameters: Vec<StackParameter>,
    },
    /// ExecuteChangeSet: the update begins.
    ExecuteChangeSet {
        stack: String,
        name: String,
    },
    DeleteChangeSet {
        stack: String,
        name: String,
    },
    /// Not a call: the plan waits until the group has no instance left (a drain), or gives up
    /// (and makes no later call) after the timeout.
    WaitForEmpty {
        group: String,
        timeout_secs: u64,
    },
    /// Not a call: the plan follows the stack's events until its update ends. `external`: an
    /// update started elsewhere (for a Terraform stack, until its group's launch template
    /// changes). A failed update ends the run.
    WaitForUpdate {
        stack: String,
        external: bool,
        timeout_secs: u64,
    },
}

impl Call {
    /// The IAM action the call needs, as AWS names it.
    pub fn action(&self) -> &'static str {
        match self {
            Call::DisableRule { .. } => "events:DisableRule",
            Call::EnableRule { .. } => "events:EnableRule",
            Call::UpdateGroup { .. } => "autoscaling:UpdateAutoScalingGroup",
            Call::TagGroup { .. } => "autoscaling:CreateOrUpdateTags",
            Call::DeleteGroupTags { .. } => "autoscaling:DeleteTags",
            Call::Terminate { .. } => "autoscaling:TerminateInstanceInAutoScalingGroup",
            Call::StopAgent { .. } => "buildkite:StopAgent",
            Call::SendCommand { .. } => "ssm:SendCommand",
            Call::WaitForJobs { .. } => "bkops:WaitForJobs",
            Call::CreateChangeSet { .. } => "cloudformation:CreateChangeSet",
            Call::ExecuteChangeSet { .. } => "cloudformation:ExecuteChangeSet",
            Call::DeleteChangeSet { .. } => "cloudformation:DeleteChangeSet",
            Call::WaitForEmpty { .. } => "bkops:WaitForEmpty",
            Call::WaitForUpdate { .. } => "bkops:WaitForUpdate",
        }
    }

    /// Whether the call changes anything (everything but waiting does).
    pub fn mutates(&self) -> bool {
        !self.is_wait()
    }

    /// A wait: not sent anywhere, carried out by `apply` itself.
    pub fn is_wait(&self) -> bool {
        matches!(self, Call::WaitForJobs { .. } | Call::WaitForEmpty { .. } | Call::WaitForUpdate { .. })
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ", self.action())?;
        match self {
            Call::DisableRule { rule } | Call::EnableRule { rule } => write!(f, "Name={rule}"),
            Call::UpdateGroup { group, min, desired } => {
                write!(f, "AutoScalingGroupName={group}")?;
                if let Some(m) = min {
                    write!(f, " MinSize={m}")?;
                }
                if let Some(d) = desired {
                    write!(f, " DesiredCapacity={d}")?;
                }
                Ok(())
            }
            Call::TagGroup { group, tags } => {
                let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                write!(f, "AutoScalingGroupName={group} Tags={} PropagateAtLaunch=false", tags.join(","))
            }
            Call::DeleteGroupTags { group, keys } => {
                write!(f, "AutoScalingGroupName={group} Keys={}", keys.join(","))
            }
            Call::Terminate { instance, decrement, .. } => {
                write!(f, "InstanceId={instance} ShouldDecrementDesiredCapacity={decrement}")
            }
            Call::StopAgent { org, agent_id, name } => {
                write!(f, "PUT /organizations/{org}/agents/{agent_id}/stop force=false ({name})")
            }
            Call::SendCommand { document, instances } => {
                write!(f, "DocumentName={document} InstanceIds={} (the disk check)", instances.join(","))
            }
            Call::WaitForJobs { instances, timeout_secs } => write!(
                f,
                "until no job runs on {} (at most {}m; no terminate after that)",
                instances.join(" "),
                timeout_secs / 60
            ),
            Call::CreateChangeSet { stack, name, template_url, parameters } => {
                write!(f, "StackName={stack} ChangeSetName={name} ChangeSetType=UPDATE ")?;
                match template_url {
                    Some(url) => write!(f, "TemplateURL={url}")?,
                    None => write!(f, "UsePreviousTemplate=true")?,
                }
                let changed: Vec<String> = parameters
                    .iter()
                    .filter(|p| p.value.is_some())
                    .map(|p| format!("{}={}", p.key, p.shown()))
                    .collect();
                let kept = parameters.len() - changed.len();
                if !changed.is_empty() {
                    write!(f, " Parameters={}", changed.join(","))?;
                }
                write!(f, " (+{kept} UsePreviousValue)")
            }
            Call::ExecuteChangeSet { stack, name } | Call::DeleteChangeSet { stack, name } => {
                write!(f, "StackName={stack} ChangeSetName={name}")
            }
            Call::WaitForEmpty { group, timeout_secs } => write!(
                f,
                "until {group} has no instance (at most {}m; no update after that)",
                timeout_secs / 60
            ),
            Call::WaitForUpdate { stack, external, timeout_secs } => write!(
                f,
                "until {} of {stack}{} ends (at most {}m)",
                if *external { "an update" } else { "the update" },
                if *external { " made elsewhere" } else { "" },
                timeout_secs / 60
            ),
        }
    }
}

/// A Buildkite agent on one of a stack's instances, from the REST API, read fresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentRef {
    pub org: String,
    pub id: String,
    pub name: String,
    pub instance: String,
    pub busy: bool,
}

/// The agent's name is shown; its organization and ID go into REST URLs as they are (each
/// percent-encoded as one path segment there).
impl crate::domain::text::Sanitize for AgentRef {
    fn sanitize(&mut self) {
        self.name.sanitize();
    }
}

/// Where and as whom the calls are made: what the confirmation showed, the audit log records
/// and an abandoned action names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallContext {
    pub identity: Identity,
    /// The backend: `aws PROFILE REGION`, or `demo`.
    pub backend: String,
    pub stack: String,
}

/// Who is making the calls, from STS GetCallerIdentity (or the demo's stand-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub arn: String,
    pub account: String,
}
