//! What discovery learns of a stack and keeps: its resources (learnt once per stack version)
//! and what the other reads of it need.

use crate::domain::BackendError;

/// What a stack's resources say, learnt once per stack version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resources {
    /// `None`: not an Elastic CI Stack.
    pub asg_name: Option<String>,
    /// The `AutoscalingFunctionTimer` rule's name; `None` for a fixed-size stack.
    pub rule_name: Option<String>,
    /// The `BuildkiteAgentTokenParameter` resource's name, when the stack made one.
    pub token_parameter: Option<String>,
    /// The nested scaler stack (`Autoscaling` or `AutoscalingArm64`).
    pub scaler_stack: Option<String>,
    /// The scaler's Lambda function (`AutoscalingFunction` in the nested stack); files kept
    /// before it was learnt have none, and it is then looked up when first needed.
    #[serde(default)]
    pub scaler_function: Option<String>,
}

/// What the other reads of a stack need, from its last discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownStack {
    pub asg: String,
    /// `None` when the stack names none (a fixed-size Terraform-deployed stack has no scaler
    /// to say it).
    pub queue: Option<String>,
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
    /// The scaler's function, when discovery learnt it.
    pub scaler_function: Option<String>,
    /// Deployed with the Terraform module rather than CloudFormation.
    pub terraform: bool,
    /// Why only a group's tags say it is a stack: every change is refused.
    pub tags_only: Option<String>,
    /// Its scaler publishes the `Buildkite` CloudWatch metrics the chart is drawn from (the
    /// Terraform module can turn them off).
    pub publishes_metrics: bool,
}

impl KnownStack {
    /// The queue the stack's queue reads ask for; none to ask for is said, not guessed.
    pub fn queue_name(&self, stack: &str) -> Result<&str, BackendError> {
        self.queue.as_deref().ok_or_else(|| {
            BackendError::Unconfigured(format!(
                "the queue of {stack} is not known: it was deployed with Terraform without a scaler, which is where its queue is named"
            ))
        })
    }
}
