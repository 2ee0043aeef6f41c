//! What a session on an instance needs from the world, owned here and implemented by each
//! backend: whether SSM can reach the instance, StartSession (refused in read-only mode: a
//! shell can change anything), ResumeSession, TerminateSession, and what the plugin and the
//! built-in client need for their own calls.

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use super::signing::UpgradeSigner;
use crate::domain::{BackendError, Secret};

/// What StartSession is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    pub target: String,
    /// `None`: the account's Session Manager preferences (SSM-SessionManagerRunShell).
    pub document: Option<String>,
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Shows up in CloudTrail: who opened the session, from bkops.
    pub reason: String,
}

impl SessionRequest {
    /// A shell, or a command such as `sudo -iu buildkite-agent` through
    /// AWS-StartInteractiveCommand.
    pub fn new(target: &str, document: Option<String>, command: Option<&str>, caller: &str) -> Self {
        let mut parameters = BTreeMap::new();
        let document = match (document, command) {
            (d, Some(c)) => {
                parameters.insert("command".to_string(), vec![c.to_string()]);
                Some(d.unwrap_or_else(|| "AWS-StartInteractiveCommand".into()))
            }
            (d, None) => d,
        };
        // The API takes at most 256 characters.
        let reason: String = format!("bkops: shell by {caller}").chars().take(256).collect();
        Self { target: target.to_string(), document, parameters, reason }
    }
}

/// StartSession's answer. The token is a secret: never shown or logged.
#[derive(Debug, Clone)]
pub struct Session {
    pub session_id: String,
    pub token: Secret,
    pub stream_url: String,
    /// The demo's simulated agent: its StreamUrl is `ws://127.0.0.1:…`, which no AWS session
    /// may use.
    pub local_agent: bool,
}

/// SSM's view of an instance (DescribeInstanceInformation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// PingStatus Online.
    Online,
    /// Registered, but ConnectionLost or Inactive.
    Offline(String),
    NotRegistered,
}

/// What the plugin's own AWS calls need (ResumeSession, TerminateSession, KMS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PluginContext {
    pub region: String,
    /// The `--profile` given to bkops; empty when there is none.
    pub profile: String,
    /// The SSM endpoint bkops uses.
    pub endpoint: String,
    /// Resolved credentials for the child's environment when there is no profile to name
    /// (environment, SSO cache, an assumed role).
    pub credentials_env: Vec<(String, String)>,
}

/// Session Manager, as a session uses it.
#[async_trait]
pub trait Sessions: Send + Sync {
    /// Whether SSM can reach the instance (DescribeInstanceInformation).
    async fn registration(&self, instance: &str) -> Result<Registration, BackendError>;

    /// StartSession. Refused in read-only mode.
    async fn start_session(&self, request: &SessionRequest) -> Result<Session, BackendError>;

    /// ResumeSession: a new token and stream URL for a session whose connection broke.
    async fn resume_session(&self, session_id: &str) -> Result<Session, BackendError> {
        let _ = session_id;
        Err(BackendError::Other("sessions cannot be resumed here".into()))
    }

    async fn terminate_session(&self, session_id: &str) -> Result<(), BackendError>;

    /// What `session-manager-plugin` needs for its own calls.
    async fn plugin_context(&self) -> Result<PluginContext, BackendError>;

    /// Who signs the built-in client's WebSocket upgrade; `None` leaves it unsigned.
    async fn upgrade_signer(&self) -> Option<UpgradeSigner> {
        None
    }
}
