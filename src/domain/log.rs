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
