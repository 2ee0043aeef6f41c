//! CloudWatch Logs for the tail engine: FilterLogEvents on one group, for the streams named
//! by instance IDs.

use async_trait::async_trait;

use super::LiveBackend;
use super::errors::Checked;
use crate::backend::{FilterQuery, LiveQuery, LiveSession, LogPage, LogSource};
use crate::domain::BackendError;
use crate::domain::{LogEvent, Timestamp};

#[async_trait]
impl LogSource for LiveBackend {
    async fn filter_log_events(&self, q: &FilterQuery) -> Result<LogPage, BackendError> {
        self.logs_limit.acquire().await;
        let page = super::logpage::KeepPage::default();
        let out = self
            .clients
            .cwl
            .filter_log_events()
            .log_group_name(&q.group)
            .set_log_stream_names(Some(q.streams.clone()))
            .set_start_time(q.start.map(Timestamp::millis))
            .set_end_time(q.end.map(Timestamp::millis))
            .set_filter_pattern(q.pattern.clone())
            .set_next_token(q.next_token.clone())
            .customize()
            .interceptor(page.clone())
            .send()
            .await
            .checked(self, super::ACCOUNT, "logs:FilterLogEvents")
            .map_err(|e| match e {
                BackendError::NotFound { .. } => {
                    BackendError::NotFound { what: format!("log group {}", q.group) }
                }
                other => other,
            })?;
        if let Some(bytes) = page.take() {
            let (events, next_token) =
                super::logpage::parse(&bytes, &q.group).map_err(BackendError::Other)?;
            return Ok(LogPage { events, next_token });
        }
        // The SDK parsed it (an answer that was not kept: none is expected).
        let next_token = out.next_token;
        let events = out
            .events
            .unwrap_or_default()
            .into_iter()
            .map(|e| LogEvent {
                timestamp: Timestamp(e.timestamp.unwrap_or_default()),
                ingestion_time: Timestamp(e.ingestion_time.unwrap_or_default()),
                group: q.group.clone(),
                stream: e.log_stream_name.unwrap_or_default(),
                event_id: e.event_id.unwrap_or_default(),
                message: e.message.unwrap_or_default(),
            })
            .collect();
        Ok(LogPage { events, next_token })
    }

    async fn log_groups(
        &self,
        prefixes: &[String],
    ) -> Result<Vec<crate::domain::groups::LogGroup>, BackendError> {
        let mut out = Vec::new();
        for prefix in prefixes {
            let mut pages =
                self.clients.cwl.describe_log_groups().log_group_name_prefix(prefix).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.checked(self, super::ACCOUNT, "logs:DescribeLogGroups")?;
                out.extend(page.log_groups().iter().filter_map(|g| {
                    Some(crate::domain::groups::LogGroup {
                        name: crate::domain::text::sanitize(g.log_group_name()?).into_owned(),
                        retention_days: g.retention_in_days().and_then(|d| u32::try_from(d).ok()),
                    })
                }));
            }
        }
        Ok(out)
    }

    async fn live_tail(&self, q: &LiveQuery) -> Result<Box<dyn LiveSession>, BackendError> {
        Ok(Box::new(self.start_live_tail(q).await?))
    }
}
