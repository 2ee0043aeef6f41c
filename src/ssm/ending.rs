//! How a session ends, whichever client ran it.

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The agent closed the channel (the shell exited), with its last words if any.
    Closed(String),
    /// The plugin exited with this status (0: the shell exited).
    Exit(i32),
    /// A signal ended the plugin.
    Signal,
    /// The remote command ended with this status, as the agent reported it (the session then
    /// closed).
    Command(i32),
}
