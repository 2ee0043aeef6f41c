//! FilterLogEvents' answers, parsed by bkops rather than by the SDK's generic parser: a page
//! holds up to 10,000 events, and the generic parser (a token at a time, every string copied
//! twice) was most of what `bkops logs` spent its CPU on. An interceptor swaps in, for one
//! call, a response parser that keeps a successful answer's bytes and hands the SDK an empty
//! output; bkops then parses the bytes itself with serde_json, borrowing what it can. Error
//! answers are parsed by the SDK's own parser, as always.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, Error, Output,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_types::config_bag::ConfigBag;
use serde::Deserialize;

use crate::domain::{LogEvent, Timestamp};

/// Where a successful answer's bytes are left for the caller.
type Slot = Arc<Mutex<Option<Vec<u8>>>>;

/// Installed on one FilterLogEvents call: see the module's comment.
#[derive(Debug, Clone, Default)]
pub(super) struct KeepPage(Slot);

impl KeepPage {
    /// The bytes of the last successful answer, if this call had one.
    pub(super) fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl Intercept for KeepPage {
    fn name(&self) -> &'static str {
        "KeepPage"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Only a success: an error answer is the SDK's to parse (throttling, a missing group).
        if context.response().status().is_success() {
            cfg.interceptor_state().store_put(SharedResponseDeserializer::new(Keeper(self.0.clone())));
        }
        Ok(())
    }
}

/// Keeps a successful answer's bytes and gives the SDK an empty output.
#[derive(Debug)]
struct Keeper(Slot);

impl DeserializeResponse for Keeper {
    fn deserialize_nonstreaming_with_config(
        &self,
        response: &HttpResponse,
        _: &ConfigBag,
    ) -> Result<Output, OrchestratorError<Error>> {
        let bytes = response
            .body()
            .bytes()
            .ok_or_else(|| OrchestratorError::other("FilterLogEvents' answer was not read whole"))?;
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(bytes.to_vec());
        Ok(Output::erase(FilterLogEventsOutput::builder().build()))
    }
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(default, borrow)]
    events: Vec<Event<'a>>,
    #[serde(rename = "nextToken")]
    next_token: Option<String>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "logStreamName", borrow)]
    stream: Option<Cow<'a, str>>,
    timestamp: Option<i64>,
    #[serde(rename = "ingestionTime")]
    ingestion_time: Option<i64>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(rename = "eventId", borrow)]
    event_id: Option<Cow<'a, str>>,
}

/// A FilterLogEvents answer's events (of `group`) and its next token.
pub(super) fn parse(bytes: &[u8], group: &str) -> Result<(Vec<LogEvent>, Option<String>), String> {
    let page: Page = serde_json::from_slice(bytes).map_err(|e| format!("FilterLogEvents' answer: {e}"))?;
    let text = |s: Option<Cow<str>>| s.map(Cow::into_owned).unwrap_or_default();
    let events = page
        .events
        .into_iter()
        .map(|e| LogEvent {
            timestamp: Timestamp(e.timestamp.unwrap_or_default()),
            ingestion_time: Timestamp(e.ingestion_time.unwrap_or_default()),
            group: group.to_string(),
            stream: text(e.stream),
            event_id: text(e.event_id),
            message: text(e.message),
        })
        .collect();
    Ok((events, page.next_token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_as_the_api_documents_it() {
        let body = br#"{"events":[{"logStreamName":"i-0abc","timestamp":1795000000123,"message":"Disk \"full\"\n\u001b[31m","ingestionTime":1795000000200,"eventId":"3791"}],"searchedLogStreams":[],"nextToken":"tok"}"#;
        let (events, next) = parse(body, "/buildkite/elastic-stack").expect("parsed");
        assert_eq!(next.as_deref(), Some("tok"));
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!((e.timestamp.millis(), e.ingestion_time.millis()), (1_795_000_000_123, 1_795_000_000_200));
        assert_eq!(
            (e.group.as_str(), e.stream.as_str(), e.event_id.as_str()),
            ("/buildkite/elastic-stack", "i-0abc", "3791")
        );
        assert_eq!(
            e.message, "Disk \"full\"\n\u{1b}[31m",
            "escapes decoded; sanitizing is the printer's job"
        );
        let (none, end) = parse(br#"{"searchedLogStreams":[]}"#, "g").expect("an empty page");
        assert!(none.is_empty() && end.is_none());
        assert!(parse(b"<html>", "g").is_err(), "not JSON: an error, not an empty page");
    }
}
