//! Live Tail for `bkops logs --live`: StartLiveTail on one group, filtered to one stream, read
//! from its event stream.

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::errors::Checked;
use super::{ACCOUNT, LiveBackend};
use crate::backend::{LiveQuery, LiveSession, LiveUpdate};
use crate::domain::BackendError;
use crate::domain::{LogEvent, Timestamp};

/// StartLiveTail is served from `streaming-logs.<region>.amazonaws.com`: the SDK puts
/// `streaming-` in front of the host. An endpoint given with `--endpoint-url` names one host
/// for every API (a local server, a proxy), so the prefix is taken off again, as botocore's
/// `inject_host_prefix = false` does.
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let uri = request.uri().replacen("://streaming-", "://", 1);
        request.set_uri(uri.as_str())?;
        Ok(())
    }
}

pub struct AwsLiveSession {
    group: String,
    stream: String,
    rx: EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>,
    profile: Option<String>,
}

impl LiveBackend {
    /// StartLiveTail names groups by ARN; DescribeLogGroups gives it, and says whether the
    /// group exists at all.
    async fn log_group_arn(&self, group: &str) -> Result<String, BackendError> {
        let out = self.clients.cwl.describe_log_groups().log_group_name_prefix(group).send().await.checked(
            self,
            ACCOUNT,
            "logs:DescribeLogGroups",
        )?;
        out.log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(group))
            .and_then(|g| {
                g.log_group_arn()
                    .map(str::to_string)
                    .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
            })
            .ok_or_else(|| BackendError::NotFound { what: format!("log group {group}") })
    }

    pub(super) async fn start_live_tail(&self, q: &LiveQuery) -> Result<AwsLiveSession, BackendError> {
        let arn = self.log_group_arn(&q.group).await?;
        let request = self
            .clients
            .cwl
            .start_live_tail()
            .log_group_identifiers(arn)
            .log_stream_names(&q.stream)
            .set_log_event_filter_pattern(q.pattern.clone());
        let sent = if self.account.endpoint_override {
            request.customize().interceptor(NoHostPrefix).send().await
        } else {
            request.send().await
        };
        let out = sent.checked(self, ACCOUNT, "logs:StartLiveTail")?;
        Ok(AwsLiveSession {
            group: q.group.clone(),
            stream: q.stream.clone(),
            rx: out.response_stream,
            profile: self.account.profile.clone(),
        })
    }
}

#[async_trait]
impl LiveSession for AwsLiveSession {
    async fn next(&mut self) -> Result<Option<LiveUpdate>, BackendError> {
        loop {
            let event =
                self.rx.recv().await.map_err(|e| {
                    super::errors::classify(&e, "logs:StartLiveTail", self.profile.as_deref())
                })?;
            match event {
                None => return Ok(None),
                Some(StartLiveTailResponseStream::SessionUpdate(u)) => {
                    let events = u
                        .session_results()
                        .iter()
                        // The session was asked for one stream; checked again, because a
                        // line from another instance must never show up as this one's.
                        .filter(|e| e.log_stream_name() == Some(self.stream.as_str()))
                        .map(|e| LogEvent {
                            timestamp: Timestamp(e.timestamp().unwrap_or_default()),
                            ingestion_time: Timestamp(e.ingestion_time().unwrap_or_default()),
                            group: self.group.clone(),
                            stream: self.stream.clone(),
                            event_id: String::new(),
                            message: e.message().unwrap_or_default().to_string(),
                        })
                        .collect();
                    let sampled = u.session_metadata().is_some_and(|m| m.sampled());
                    return Ok(Some(LiveUpdate { events, sampled }));
                }
                // The session's start, and event types newer than this SDK: nothing to show.
                Some(_) => continue,
            }
        }
    }
}
