use serde::{Deserialize, Serialize};

use super::Timestamp;

/// One CloudWatch Logs event, shaped like FilterLogEvents returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    pub timestamp: Timestamp,
    pub ingestion_time: Timestamp,
    pub group: String,
    pub stream: String,
    pub event_id: String,
    pub message: String,
}

/// The stack's log groups (`amazon-cloudwatch-agent.json`); every stream is named by the
/// bare instance ID, and the groups are shared by every stack in the region.
pub mod groups {
    pub const BUILDKITE_AGENT: &str = "/buildkite/buildkite-agent";
    pub const ELASTIC_STACK: &str = "/buildkite/elastic-stack";
    pub const DOCKER_DAEMON: &str = "/buildkite/docker-daemon";
    pub const CLOUD_INIT_OUTPUT: &str = "/buildkite/cloud-init/output";
    pub const CLOUD_INIT: &str = "/buildkite/cloud-init";
    pub const CFN_INIT: &str = "/buildkite/cfn-init";
    pub const SYSTEM: &str = "/buildkite/system";
    pub const AUTH: &str = "/buildkite/auth";
    pub const LIFECYCLED: &str = "/buildkite/lifecycled";
    pub const EC2LAUNCH_USERDATA: &str = "/buildkite/EC2Launch/UserdataExecution";
}
