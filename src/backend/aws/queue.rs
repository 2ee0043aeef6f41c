//! Live queue numbers: the Buildkite agent metrics API with the stack's own agent token, read
//! from its SSM parameter (or `BUILDKITE_AGENT_TOKEN`), no more often than the API asks.

use std::collections::HashMap;
use std::time::Instant;

use super::{AwsBackend, errors::classify};
use crate::backend::BackendError;
use crate::backend::buildkite::{DEFAULT_AGENT_ENDPOINT, QueueReading, Secret};
use crate::domain::QueueMetrics;

#[derive(Debug, Default)]
pub struct Cache {
    tokens: HashMap<String, Secret>,
    readings: HashMap<String, (QueueReading, Instant)>,
}

impl AwsBackend {
    /// The organization slug the metrics API named for this stack's queue.
    pub(super) fn org_of(&self, stack: &str) -> Option<String> {
        self.queues().readings.get(stack).map(|(r, _)| r.org.clone())
    }

    fn queues(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.queues.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn agent_token(&self, stack: &str, parameter: &str) -> Result<Secret, BackendError> {
        if let Some(t) = &self.buildkite.agent_token {
            return Ok(t.clone());
        }
        if let Some(t) = self.queues().tokens.get(stack).cloned() {
            return Ok(t);
        }
        self.calls.record(stack, "ssm:GetParameter");
        let out = self.ssm.get_parameter().name(parameter).with_decryption(true).send().await.map_err(|e| {
            match classify(&e, "ssm:GetParameter", self.profile()) {
                BackendError::NotFound { .. } => BackendError::NotFound {
                    what: format!("the agent token parameter {parameter} (set BUILDKITE_AGENT_TOKEN to use another token)"),
                },
                other => other,
            }
        })?;
        let value = out.parameter().and_then(|p| p.value()).unwrap_or_default();
        let token = Secret::new(value);
        self.queues().tokens.insert(stack.to_string(), token.clone());
        Ok(token)
    }

    pub(super) async fn read_queue(&self, stack: &str) -> Result<QueueMetrics, BackendError> {
        // The API says how often it may be asked; until then the last answer stands.
        if let Some((reading, at)) = self.queues().readings.get(stack)
            && reading.poll_after.is_some_and(|wait| at.elapsed() < wait)
        {
            return Ok(reading.metrics);
        }
        let known = self.known(stack).await?;
        let client = self.metrics.as_ref().ok_or_else(|| {
            BackendError::Other("the Buildkite client could not be set up (see the log)".into())
        })?;
        let token = self.agent_token(stack, &known.token_parameter).await?;
        let endpoint = self
            .buildkite
            .agent_endpoint
            .clone()
            .or(known.agent_endpoint)
            .unwrap_or_else(|| DEFAULT_AGENT_ENDPOINT.to_string());
        self.calls.record(stack, "buildkite:GET /metrics/queue");
        match client.queue(&endpoint, &token, &known.queue).await {
            Ok(reading) => {
                let metrics = reading.metrics;
                self.queues().readings.insert(stack.to_string(), (reading, Instant::now()));
                Ok(metrics)
            }
            Err(e) => {
                if matches!(e, BackendError::Credentials { .. }) {
                    // Perhaps the token was rotated: read the parameter again next time.
                    self.queues().tokens.remove(stack);
                }
                Err(e)
            }
        }
    }
}
