//! Buildkite's hosted APIs. bkops reads queue numbers from the agent metrics API, the one the
//! stack's scaler polls, with the stack's own agent token.

pub mod agents;
mod http;
mod metrics;
pub mod trust;

use crate::domain::Secret;
pub use agents::Agent;
pub use metrics::{MetricsClient, POLL_DURATION_HEADER, QueueReading};
pub use trust::{DEFAULT_AGENT_ENDPOINT, DEFAULT_API_ENDPOINT, Destinations, TrustedUrl};

/// The tokens an operator gave, and where they may go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildkiteSettings {
    /// `BUILDKITE_AGENT_TOKEN`: used instead of each stack's SSM parameter.
    pub agent_token: Option<Secret>,
    /// `BUILDKITE_API_TOKEN` (scope `read_agents`): agents per instance.
    pub api_token: Option<Secret>,
    /// `BUILDKITE_AGENT_ENDPOINT`, `BUILDKITE_API_ENDPOINT` and `[buildkite] trusted_endpoints`:
    /// the only places a token is sent.
    pub destinations: Destinations,
    /// `[buildkite] trusted_token_parameters`: agent token parameters the operator lets bkops
    /// read although they are not under the stack's own name.
    pub trusted_token_parameters: Vec<String>,
}

impl BuildkiteSettings {
    /// The environment's tokens and endpoints with the config file's trust lists. An endpoint
    /// that cannot be trusted (plain http to another host, a URL with a password) is refused
    /// here, before anything is sent.
    pub fn from_env(
        trusted_endpoints: &[String],
        trusted_token_parameters: &[String],
    ) -> Result<Self, String> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Ok(Self {
            agent_token: var("BUILDKITE_AGENT_TOKEN").map(Secret::new),
            api_token: var("BUILDKITE_API_TOKEN").map(Secret::new),
            destinations: Destinations::new(
                var("BUILDKITE_AGENT_ENDPOINT").as_deref(),
                var("BUILDKITE_API_ENDPOINT").as_deref(),
                trusted_endpoints,
            )?,
            trusted_token_parameters: trusted_token_parameters.to_vec(),
        })
    }
}
