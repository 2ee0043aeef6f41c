//! Buildkite's hosted APIs. bkops reads queue numbers from the agent metrics API, the one the
//! stack's scaler polls, with the stack's own agent token.

pub mod agents;
mod http;
mod metrics;
mod secret;

pub use agents::{Agent, DEFAULT_API_ENDPOINT};
pub use metrics::{MetricsClient, POLL_DURATION_HEADER, QueueReading};
pub use secret::Secret;

/// Where the API is when neither `BUILDKITE_AGENT_ENDPOINT` nor the stack says otherwise.
pub const DEFAULT_AGENT_ENDPOINT: &str = "https://agent.buildkite.com/v3";

/// Overrides an operator may set in the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildkiteSettings {
    /// `BUILDKITE_AGENT_TOKEN`: used instead of the stack's SSM parameter.
    pub agent_token: Option<Secret>,
    /// `BUILDKITE_AGENT_ENDPOINT`: used instead of the stack's `AgentEndpoint`.
    pub agent_endpoint: Option<String>,
    /// `BUILDKITE_API_TOKEN` (scope `read_agents`): agents per instance.
    pub api_token: Option<Secret>,
    /// `BUILDKITE_API_ENDPOINT`: the REST API, `https://api.buildkite.com/v2` by default.
    pub api_endpoint: Option<String>,
}

impl BuildkiteSettings {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            agent_token: var("BUILDKITE_AGENT_TOKEN").map(Secret::new),
            agent_endpoint: var("BUILDKITE_AGENT_ENDPOINT"),
            api_token: var("BUILDKITE_API_TOKEN").map(Secret::new),
            api_endpoint: var("BUILDKITE_API_ENDPOINT"),
        }
    }
}
