//! The Buildkite agent metrics API, as the stack's scaler reads it:
//! `GET {AgentEndpoint}/metrics/queue?name=QUEUE` with `Authorization: Token <agent token>`.

use std::time::Duration;

use serde::Deserialize;

use super::http::{Api, get, seconds};
use super::trust::TrustedUrl;
use crate::domain::BackendError;
use crate::domain::QueueMetrics;
use crate::domain::Secret;

/// The header with which the API asks clients to poll no more often than every N seconds.
pub const POLL_DURATION_HEADER: &str = "Buildkite-Agent-Metrics-Poll-Duration";

#[derive(Debug, Deserialize)]
struct Org {
    slug: String,
}

#[derive(Debug, Deserialize)]
struct Jobs {
    scheduled: u32,
    running: u32,
    waiting: u32,
}

#[derive(Debug, Deserialize)]
struct Agents {
    idle: u32,
    busy: u32,
    total: u32,
}

#[derive(Debug, Deserialize)]
struct QueueResponse {
    organization: Org,
    jobs: Jobs,
    agents: Agents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueReading {
    pub metrics: QueueMetrics,
    pub org: String,
    /// Do not ask again before this much time has passed.
    pub poll_after: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct MetricsClient {
    http: reqwest::Client,
}

const API: Api = Api {
    service: "Buildkite agent metrics API",
    token: "the Buildkite agent token",
    fix: "check BUILDKITE_AGENT_TOKEN or the stack's agent token parameter",
};

impl MetricsClient {
    pub fn new() -> Result<Self, BackendError> {
        // No redirects: a token goes to the trusted URL it was built for, and nowhere an answer
        // points to.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("bkops/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| BackendError::Other(format!("cannot set up the Buildkite client: {e}")))?;
        Ok(Self { http })
    }

    /// The agent list of the REST API, with this client's connection pool.
    pub async fn agents(
        &self,
        api: &TrustedUrl,
        token: &Secret,
        org: &str,
    ) -> Result<Vec<super::Agent>, BackendError> {
        super::agents::list(&self.http, api, token, org).await
    }

    /// Asks an agent to stop once its job is done (REST API, scope `write_agents`).
    pub async fn stop_agent(
        &self,
        api: &TrustedUrl,
        token: &Secret,
        org: &str,
        id: &str,
    ) -> Result<(), BackendError> {
        super::agents::stop(&self.http, api, token, org, id).await
    }

    pub async fn queue(
        &self,
        endpoint: &TrustedUrl,
        token: &Secret,
        queue: &str,
    ) -> Result<QueueReading, BackendError> {
        let url = endpoint.join(&["metrics", "queue"], &[("name", queue)]).map_err(BackendError::Other)?;
        let (headers, body) = get(&self.http, &API, &url, format!("Token {}", token.expose())).await?;
        let parsed: QueueResponse = serde_json::from_str(&body).map_err(|e| {
            BackendError::Other(format!("Buildkite agent metrics API sent an unexpected answer: {e}"))
        })?;
        Ok(QueueReading {
            metrics: QueueMetrics {
                scheduled: parsed.jobs.scheduled,
                running: parsed.jobs.running,
                waiting: parsed.jobs.waiting,
                idle_agents: parsed.agents.idle,
                busy_agents: parsed.agents.busy,
                total_agents: parsed.agents.total,
            },
            org: parsed.organization.slug,
            poll_after: seconds(&headers, POLL_DURATION_HEADER),
        })
    }
}
