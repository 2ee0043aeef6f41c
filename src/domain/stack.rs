use super::text::Sanitize;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
}

impl Os {
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
        }
    }
}

/// Whether the stack's scaler runs. The scaler is the `AutoscalingFunction` Lambda, triggered
/// by the `AutoscalingFunctionTimer` rule; pausing disables that rule. Fixed-size stacks
/// (MinSize = MaxSize) are created without any scaler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ScalingState {
    Enabled {
        schedule: String,
    },
    Paused {
        schedule: String,
    },
    FixedSize,
    /// The scaler's rule could not be read (the reason says why).
    Unknown {
        reason: String,
    },
}

impl ScalingState {
    pub fn label(&self) -> &'static str {
        match self {
            ScalingState::Enabled { .. } => "enabled",
            ScalingState::Paused { .. } => "PAUSED",
            ScalingState::FixedSize => "fixed size",
            ScalingState::Unknown { .. } => "unknown",
        }
    }
    pub fn is_paused(&self) -> bool {
        matches!(self, ScalingState::Paused { .. })
    }
}

/// One Elastic CI Stack, as found among the account's CloudFormation stacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackSummary {
    pub name: String,
    /// `BuildkiteQueue` parameter.
    pub queue: String,
    /// From the stack description `Buildkite stack vX.Y.Z`.
    pub version: String,
    pub os: Os,
    /// CloudFormation status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    pub asg_name: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub agents_per_instance: u32,
    /// `ScaleInIdlePeriod`, seconds.
    pub scale_in_idle_period: u32,
    pub scaling: ScalingState,
    /// The scaler's parameters (ScaleOutFactor, InstanceBuffer, cooldowns, …); `None` for a
    /// stack without a scaler.
    pub scaler_params: Option<super::scaler::ScalerParams>,
    /// What the stack launches: its instance types, Spot share, and whether instances leave
    /// after one job (`bkops doctor` checks them).
    #[serde(default)]
    pub launch: LaunchSettings,
}

/// The stack's launch parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchSettings {
    /// `InstanceTypes`, in order.
    pub instance_types: Vec<String>,
    /// `OnDemandPercentage`: the share above the base on-demand; 0 is all Spot.
    pub on_demand_percentage: Option<u32>,
    /// `BuildkiteTerminateInstanceAfterJob`.
    pub terminate_after_job: bool,
}

impl StackSummary {
    /// What its CloudFormation status means for its builds.
    pub fn state(&self) -> super::StackState {
        super::StackState::of(&self.status)
    }
}

impl Sanitize for ScalingState {
    fn sanitize(&mut self) {
        match self {
            ScalingState::Enabled { schedule } | ScalingState::Paused { schedule } => schedule.sanitize(),
            ScalingState::Unknown { reason } => reason.sanitize(),
            ScalingState::FixedSize => {}
        }
    }
}

impl Sanitize for StackSummary {
    fn sanitize(&mut self) {
        for s in [&mut self.name, &mut self.queue, &mut self.version, &mut self.status, &mut self.asg_name] {
            s.sanitize();
        }
        for t in &mut self.launch.instance_types {
            t.sanitize();
        }
        self.scaling.sanitize();
    }
}
