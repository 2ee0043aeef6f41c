//! Shells on instances through AWS Systems Manager Session Manager: StartSession, then
//! `session-manager-plugin` with the terminal handed to it, or bkops' own client of the data
//! channel, and TerminateSession when the session cannot start or fails.

pub mod channel;
pub mod cmd;
mod console;
pub mod frame;
pub(crate) mod ids;
pub mod native;
pub mod plugin;
pub mod session;
pub mod signing;
pub mod tty;

use std::collections::BTreeMap;

use crate::backend::buildkite::Secret;

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
