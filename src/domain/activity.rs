use serde::{Deserialize, Serialize};

use super::Timestamp;
use super::text::Sanitize;

/// Auto Scaling `StatusCode` of a scaling activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityStatus {
    PendingSpotBidPlacement,
    WaitingForSpotInstanceRequestId,
    WaitingForSpotInstanceId,
    WaitingForInstanceId,
    PreInService,
    InProgress,
    WaitingForELBConnectionDraining,
    MidLifecycleAction,
    WaitingForInstanceWarmup,
    Successful,
    Failed,
    Cancelled,
}

impl ActivityStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingSpotBidPlacement => "PendingSpotBidPlacement",
            Self::WaitingForSpotInstanceRequestId => "WaitingForSpotInstanceRequestId",
            Self::WaitingForSpotInstanceId => "WaitingForSpotInstanceId",
            Self::WaitingForInstanceId => "WaitingForInstanceId",
            Self::PreInService => "PreInService",
            Self::InProgress => "InProgress",
            Self::WaitingForELBConnectionDraining => "WaitingForELBConnectionDraining",
            Self::MidLifecycleAction => "MidLifecycleAction",
            Self::WaitingForInstanceWarmup => "WaitingForInstanceWarmup",
            Self::Successful => "Successful",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
        }
    }
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::Cancelled)
    }
}

/// One entry of DescribeScalingActivities, with AWS's own wording kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingActivity {
    pub id: String,
    pub description: String,
    pub cause: String,
    pub status: ActivityStatus,
    pub status_message: Option<String>,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
}

impl Sanitize for ScalingActivity {
    fn sanitize(&mut self) {
        for s in [&mut self.id, &mut self.description, &mut self.cause] {
            s.sanitize();
        }
        self.status_message.sanitize();
    }
}
