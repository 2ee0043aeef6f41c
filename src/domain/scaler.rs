//! The buildkite-agent-scaler's parameters, as the stack passes them; its decision is
//! `analysis::scaler_decision`.

use serde::{Deserialize, Serialize};

/// The scaler's parameters, as the stack passes them (its CloudFormation parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalerParams {
    pub agents_per_instance: u32,
    pub scale_out_factor: f64,
    pub instance_buffer: u32,
    /// `ScaleOutForWaitingJobs`.
    pub include_waiting: bool,
    pub disable_scale_in: bool,
    pub scale_out_cooldown_secs: i64,
    pub scale_in_cooldown_secs: i64,
    /// `AVAILABILITY_THRESHOLD`, 0.5 in the scaler's template.
    pub availability_threshold: f64,
}

impl Default for ScalerParams {
    /// The stack's defaults.
    fn default() -> Self {
        Self {
            agents_per_instance: 1,
            scale_out_factor: 1.0,
            instance_buffer: 0,
            include_waiting: false,
            disable_scale_in: true,
            scale_out_cooldown_secs: 300,
            scale_in_cooldown_secs: 3600,
            availability_threshold: 0.5,
        }
    }
}
