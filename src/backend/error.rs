use std::time::Duration;

/// What can go wrong when bkops reads AWS or Buildkite. Each variant is shown to the operator
/// in its own words; none of them ends the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    #[error("throttled by {service}; retrying in {}s", retry_after.as_secs())]
    Throttled { service: String, retry_after: Duration },
    #[error("credentials missing or expired: {hint}")]
    Credentials { hint: String },
    #[error("permission denied: {action}")]
    PermissionDenied { action: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("temporary failure: {0}")]
    Transient(String),
    #[error("read-only: bkops does not call {action}")]
    ReadOnly { action: String },
    #[error("{0}")]
    Other(String),
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
            BackendError::ReadOnly { .. } => "read-only",
            BackendError::Other(_) => "error",
        }
    }
}
