//! What a failed Buildkite API answer means, for both APIs bkops reads.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::POLL_DURATION_HEADER;
use super::trust::TrustedUrl;
use crate::domain::BackendError;

#[derive(Debug, Deserialize)]
struct ErrorBody {
    message: String,
}

/// Which API answered, and what to tell the operator when it refuses the token.
pub struct Api {
    pub service: &'static str,
    /// e.g. "the Buildkite agent token"
    pub token: &'static str,
    /// e.g. "check BUILDKITE_AGENT_TOKEN or the stack's agent token parameter"
    pub fix: &'static str,
}

/// The longest an API may make bkops wait: Buildkite's rate-limit windows are a minute long,
/// so a bigger value is a mistake, not a reason to stop asking for hours.
const LONGEST_WAIT: Duration = Duration::from_secs(300);

/// A header's whole seconds, at most `LONGEST_WAIT`.
pub fn seconds(headers: &HeaderMap, name: &str) -> Option<Duration> {
    let raw = headers.get(name)?.to_str().ok()?.trim();
    // A number too big for u64 is still a number: the longest wait, not no wait at all.
    let secs =
        raw.parse::<u64>().ok().or_else(|| raw.bytes().all(|b| b.is_ascii_digit()).then_some(u64::MAX))?;
    Some(Duration::from_secs(secs).min(LONGEST_WAIT))
}

/// What a failed answer means; the API's own message is quoted, cleaned.
pub fn error_for(api: &Api, status: StatusCode, headers: &HeaderMap, body: &str) -> BackendError {
    crate::domain::text::sanitized(raw_error_for(api, status, headers, body))
}

fn raw_error_for(api: &Api, status: StatusCode, headers: &HeaderMap, body: &str) -> BackendError {
    let message = serde_json::from_str::<ErrorBody>(body).map(|b| b.message).unwrap_or_default();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => BackendError::Credentials {
            hint: format!(
                "{} was refused (HTTP {}{}); {}",
                api.token,
                status.as_u16(),
                if message.is_empty() { String::new() } else { format!(": {message}") },
                api.fix
            ),
        },
        StatusCode::TOO_MANY_REQUESTS => BackendError::Throttled {
            service: api.service.into(),
            retry_after: seconds(headers, "RateLimit-Reset")
                .or_else(|| seconds(headers, "Retry-After"))
                .or_else(|| seconds(headers, POLL_DURATION_HEADER))
                .unwrap_or(Duration::from_secs(60)),
        },
        s if s.is_server_error() => BackendError::Transient(
            format!("{}: HTTP {} {message}", api.service, s.as_u16()).trim().to_string(),
        ),
        s => {
            BackendError::Other(format!("{}: HTTP {} {message}", api.service, s.as_u16()).trim().to_string())
        }
    }
}

/// The most of an answer bkops reads: an agent page of 100 is about 100 KB; anything this
/// big is not an answer bkops can use, and reading on would only grow memory.
const MAX_BODY: usize = 8 << 20;

/// Sends a request; a failed answer becomes the API's error. Returns the answer's headers and
/// body.
async fn send(api: &Api, request: reqwest::RequestBuilder) -> Result<(HeaderMap, String), BackendError> {
    let transient =
        |e: String| crate::domain::text::sanitized(BackendError::Transient(format!("{}: {e}", api.service)));
    let mut response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            BackendError::TimedOut(format!("{}: no answer in time", api.service))
        } else {
            transient(e.to_string())
        }
    })?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transient(e.to_string()))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(BackendError::Other(format!(
                "{}: the answer is over {} MB; not read",
                api.service,
                MAX_BODY >> 20
            )));
        }
        body.extend_from_slice(&chunk);
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    if !status.is_success() {
        return Err(error_for(api, status, &headers, &body));
    }
    Ok((headers, body))
}

/// PUTs a JSON body with a token, to a URL the token may go to.
pub async fn put_json(
    http: &reqwest::Client,
    api: &Api,
    url: &TrustedUrl,
    authorization: String,
    body: String,
) -> Result<(), BackendError> {
    let request = http
        .put(url.url().clone())
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .body(body);
    send(api, request).await.map(drop)
}

/// GETs with a token, from a URL the token may go to.
pub async fn get(
    http: &reqwest::Client,
    api: &Api,
    url: &TrustedUrl,
    authorization: String,
) -> Result<(HeaderMap, String), BackendError> {
    send(api, http.get(url.url().clone()).header("Authorization", authorization)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_wait_is_bounded_whatever_the_header_says() {
        let api = Api { service: "Buildkite REST API", token: "BUILDKITE_API_TOKEN", fix: "" };
        for (reset, wait) in [("30", 30), ("9223372036854775807", 300), ("99999999999999999999999", 300)] {
            let mut h = HeaderMap::new();
            h.insert("RateLimit-Reset", reset.parse().unwrap());
            match error_for(&api, StatusCode::TOO_MANY_REQUESTS, &h, "") {
                BackendError::Throttled { retry_after, .. } => {
                    assert_eq!(retry_after.as_secs(), wait, "{reset}")
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
