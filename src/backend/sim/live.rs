//! Live Tail in the demo: like CloudWatch's, a push each second of the lines written since the
//! last one, for one group and stream, without event IDs.

use std::time::Duration;

use async_trait::async_trait;

use super::{SimBackend, pattern_matches};
use crate::backend::{LiveQuery, LiveSession, LiveUpdate};
use crate::domain::BackendError;
use crate::domain::{LogEvent, Timestamp};

pub struct SimLiveSession {
    sim: SimBackend,
    query: LiveQuery,
    since: Timestamp,
}

impl SimBackend {
    pub(super) fn start_live_tail(&self, query: &LiveQuery) -> Result<SimLiveSession, BackendError> {
        if !self.world().logs.has_group(&query.group) {
            return Err(BackendError::NotFound { what: format!("log group {}", query.group) });
        }
        Ok(SimLiveSession { sim: self.clone(), query: query.clone(), since: self.clock.now() })
    }
}

#[async_trait]
impl LiveSession for SimLiveSession {
    async fn next(&mut self) -> Result<Option<LiveUpdate>, BackendError> {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = self.sim.clock.now();
        let world = self.sim.world();
        let q = &self.query;
        let events: Vec<LogEvent> = world
            .logs
            .events(&q.group, &q.stream)
            .filter(|e| e.timestamp > self.since && e.timestamp <= now)
            .filter(|e| q.pattern.as_deref().is_none_or(|p| pattern_matches(p, &e.message)))
            .map(|e| LogEvent { event_id: String::new(), ..e.clone() })
            .collect();
        self.since = now;
        Ok(Some(LiveUpdate { events, sampled: false }))
    }
}
