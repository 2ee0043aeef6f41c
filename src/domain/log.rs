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

/// One line of an instance's own log groups (its stream is named by the instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: Timestamp,
    pub group: String,
    pub instance: String,
    pub message: String,
}
