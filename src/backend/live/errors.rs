//! AWS SDK errors, classified into what an operator can act on.

use std::time::Duration;

use aws_sdk_autoscaling::error::ProvideErrorMetadata;
use aws_sdk_autoscaling::error::SdkError;

use crate::domain::BackendError;

/// How long to wait after AWS throttled a call the SDK had already retried.
const THROTTLE_WAIT: Duration = Duration::from_secs(10);

const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
    "PriorRequestNotComplete",
];
const CREDENTIALS: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestExpired",
    "MissingAuthenticationToken",
];
const DENIED: &[&str] =
    &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"];

/// What fixes missing or expired credentials, for the profile in use.
pub fn credentials_hint(profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!("run `aws sso login --profile {p}` (or refresh profile {p}'s credentials)"),
        None => "set AWS_PROFILE, or run `aws sso login` / `aws configure`".into(),
    }
}

/// The error and its causes in words ("dispatch failure: io error: … Connection refused"),
/// without the debug dump the SDK's own context printer appends.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

fn looks_like_credentials(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("credential") || t.contains("sso") && t.contains("token") || t.contains("expired")
}

/// An AWS answer, checked: the call is counted against its stack, and an error is said in the
/// operator's words (what failed, and what to do about credentials or permissions). Every
/// AWS call the backend makes ends in this.
pub trait Checked<T> {
    fn checked(
        self,
        backend: &super::LiveBackend,
        stack: &str,
        action: &'static str,
    ) -> Result<T, BackendError>;
}

impl<T, E, R> Checked<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    fn checked(
        self,
        backend: &super::LiveBackend,
        stack: &str,
        action: &'static str,
    ) -> Result<T, BackendError> {
        backend.calls.record(stack, action);
        self.map_err(|e| classify(&e, action, backend.profile()))
    }
}

/// Classifies an SDK error from `action` (an IAM action such as `autoscaling:DescribeAutoScalingGroups`).
pub fn classify<E, R>(err: &SdkError<E, R>, action: &str, profile: Option<&str>) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    crate::domain::text::sanitized(classify_raw(err, action, profile))
}

fn classify_raw<E, R>(err: &SdkError<E, R>, action: &str, profile: Option<&str>) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let detail = chain(err);
    let service = action.split(':').next().unwrap_or(action).to_string();
    match err {
        SdkError::ServiceError(_) => {
            let code = err.code().unwrap_or_default();
            let message = err.message().unwrap_or_default();
            if THROTTLED.contains(&code) {
                BackendError::Throttled { service, retry_after: THROTTLE_WAIT }
            } else if CREDENTIALS.contains(&code) {
                BackendError::Credentials { hint: format!("{code}: {}", credentials_hint(profile)) }
            } else if DENIED.contains(&code) {
                BackendError::PermissionDenied { action: action.to_string() }
            } else if code.ends_with("NotFound")
                || code.ends_with("NotFoundException")
                || message.contains("does not exist")
            {
                BackendError::NotFound {
                    what: if message.is_empty() { code.to_string() } else { message.to_string() },
                }
            } else if code.is_empty() {
                BackendError::Transient(format!("{action}: {detail}"))
            } else {
                BackendError::Other(format!("{action}: {code}: {message}"))
            }
        }
        _ if looks_like_credentials(&detail) => BackendError::Credentials { hint: credentials_hint(profile) },
        SdkError::TimeoutError(_) => BackendError::TimedOut(format!("{action}: no answer in time")),
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            BackendError::TimedOut(format!("{action}: no answer in time"))
        }
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            BackendError::Transient(format!("{action}: {detail}"))
        }
        _ => BackendError::Other(format!("{action}: {detail}")),
    }
}
