use std::time::Duration;

/// What can go wrong when bkops reads AWS or Buildkite. Each variant is shown to the operator
/// in its own words; none of them ends the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    #[error("throttled by {service}: asked to wait {} s", retry_after.as_secs())]
    Throttled { service: String, retry_after: Duration },
    #[error("credentials missing or expired: {hint}")]
    Credentials { hint: String },
    #[error("permission denied: {action}")]
    PermissionDenied { action: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("temporary failure: {0}")]
    Transient(String),
    /// No answer in time. For a write, whether it took effect is not known from the call.
    #[error("{0}")]
    TimedOut(String),
    #[error("read-only: bkops does not call {action}")]
    ReadOnly { action: String },
    /// Something read from the account or from Buildkite would have sent a secret somewhere
    /// the operator did not choose; nothing was sent, and this says why.
    #[error("{0}")]
    Untrusted(String),
    /// What this needs was not set up (an API token, a Buildkite API at all): the text says
    /// what to set.
    #[error("{0}")]
    Unconfigured(String),
    #[error("{0}")]
    Other(String),
}

/// An error's text can quote what AWS or Buildkite sent (a message, a name): cleaned where
/// the error is made.
impl crate::domain::text::Sanitize for BackendError {
    fn sanitize(&mut self) {
        match self {
            BackendError::Throttled { service: s, .. }
            | BackendError::Credentials { hint: s }
            | BackendError::PermissionDenied { action: s }
            | BackendError::NotFound { what: s }
            | BackendError::Transient(s)
            | BackendError::TimedOut(s)
            | BackendError::ReadOnly { action: s }
            | BackendError::Untrusted(s)
            | BackendError::Unconfigured(s)
            | BackendError::Other(s) => s.sanitize(),
        }
    }
}

impl BackendError {
    /// A short label for the status bar.
    pub fn kind(&self) -> &'static str {
        match self {
            BackendError::Throttled { .. } => "throttled",
            BackendError::Credentials { .. } => "credentials",
            BackendError::PermissionDenied { .. } => "permission",
            BackendError::NotFound { .. } => "not found",
            BackendError::Transient(_) => "transient",
            BackendError::TimedOut(_) => "timeout",
            BackendError::ReadOnly { .. } => "read-only",
            BackendError::Untrusted(_) => "untrusted",
            BackendError::Unconfigured(_) => "not set up",
            BackendError::Other(_) => "error",
        }
    }
}
