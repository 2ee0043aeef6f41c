//! Live queue numbers: the Buildkite agent metrics API with the stack's own agent token, read
//! from its SSM parameter (or `BUILDKITE_AGENT_TOKEN`), no more often than the API asks.

use std::collections::HashMap;

use super::LiveBackend;
use super::errors::Checked;
use super::known::KnownStack;
use crate::backend::buildkite::QueueReading;
use crate::backend::buildkite::trust::token_parameter_ok;
use crate::domain::BackendError;
use crate::domain::QueueMetrics;
use crate::domain::Secret;
use crate::domain::text::sanitized;

#[derive(Default)]
pub struct Cache {
    tokens: std::sync::Mutex<HashMap<String, Secret>>,
    /// Stack → its last reading.
    readings: super::ttl::TtlCache<String, QueueReading>,
    /// Stack → its turn: one read of its queue (and of its token) at a time, so that the
    /// panes, the chart and the agent list starting together make one read, not three.
    turns: std::sync::Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

/// `GetParameters` takes at most ten names.
const PARAMETERS_A_CALL: usize = 10;

/// A reading this young answers whoever waited for it.
const JUST_READ: std::time::Duration = std::time::Duration::from_secs(1);

impl LiveBackend {
    /// The organization slug the metrics API named for this stack's queue.
    pub(super) fn org_of(&self, stack: &str) -> Option<String> {
        self.queues.readings.last(&stack.to_string()).map(|(r, _)| r.org)
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.queues.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The agent token for a stack: `BUILDKITE_AGENT_TOKEN`, or the stack's parameter when it
    /// is one bkops may read with the operator's credentials (see `trust`).
    async fn agent_token(&self, stack: &str, known: &KnownStack) -> Result<Secret, BackendError> {
        if let Some(t) = &self.buildkite.settings.agent_token {
            return Ok(t.clone());
        }
        if let Some(t) = self.tokens().get(stack).cloned() {
            return Ok(t);
        }
        let parameter = known.token_parameter.as_str();
        token_parameter_ok(
            stack,
            parameter,
            known.own_token_parameter.as_deref(),
            &self.buildkite.settings.trusted_token_parameters,
        )
        .map_err(|e| sanitized(BackendError::Untrusted(e)))?;
        let out = self
            .clients.ssm
            .get_parameter()
            .name(parameter)
            .with_decryption(true)
            .send()
            .await
            .checked(self, stack, "ssm:GetParameter")
            .map_err(|e| match e {
                BackendError::NotFound { .. } => BackendError::NotFound {
                    what: format!("the agent token parameter {parameter} (set BUILDKITE_AGENT_TOKEN to use another token)"),
                },
                other => other,
            })?;
        let value = out.parameter().and_then(|p| p.value()).unwrap_or_default();
        let token = Secret::new(value);
        self.tokens().insert(stack.to_string(), token.clone());
        Ok(token)
    }

    /// The agent tokens of many stacks at once, ten parameters a `GetParameters` call, for
    /// those whose parameter bkops may read (the same trust check as one stack's read). What
    /// this cannot read (a missing parameter, a denied call) is left to each stack's own read,
    /// which asks and says why.
    pub(super) async fn prepare_tokens(&self, stacks: &[String]) {
        if self.buildkite.settings.agent_token.is_some() {
            return;
        }
        let mut by_parameter: HashMap<String, Vec<String>> = HashMap::new();
        for stack in stacks.iter().filter(|s| !self.tokens().contains_key(*s)) {
            let Ok(known) = self.known(stack).await else { continue };
            let parameter = known.token_parameter.clone();
            let trusted = token_parameter_ok(
                stack,
                &parameter,
                known.own_token_parameter.as_deref(),
                &self.buildkite.settings.trusted_token_parameters,
            );
            if trusted.is_ok() {
                by_parameter.entry(parameter).or_default().push(stack.clone());
            }
        }
        let names: Vec<String> = by_parameter.keys().cloned().collect();
        for chunk in names.chunks(PARAMETERS_A_CALL) {
            let Ok(out) = self
                .clients
                .ssm
                .get_parameters()
                .set_names(Some(chunk.to_vec()))
                .with_decryption(true)
                .send()
                .await
                .checked(self, super::ACCOUNT, "ssm:GetParameters")
            else {
                return;
            };
            for p in out.parameters() {
                let (Some(name), Some(value)) = (p.name(), p.value()) else { continue };
                for stack in by_parameter.get(name).into_iter().flatten() {
                    self.tokens().insert(stack.clone(), Secret::new(value));
                }
            }
        }
    }

    pub(super) async fn read_queue(&self, stack: &str) -> Result<QueueMetrics, BackendError> {
        let turn = {
            let mut turns = self.queues.turns.lock().unwrap_or_else(|p| p.into_inner());
            turns.entry(stack.to_string()).or_default().clone()
        };
        let _turn = turn.lock().await;
        // The API says how often it may be asked; until then the last answer stands. A read
        // that finished while this one waited its turn is that answer too.
        if let Some((reading, age)) = self.queues.readings.last(&stack.to_string())
            && (age < JUST_READ || reading.poll_after.is_some_and(|wait| age < wait))
        {
            return Ok(reading.metrics);
        }
        let known = self.known(stack).await?;
        let client = self.buildkite.client.as_ref().ok_or_else(|| {
            BackendError::Other("the Buildkite client could not be set up (see the log)".into())
        })?;
        // Where the token would go is decided before the token is read.
        let endpoint = self
            .buildkite
            .settings
            .destinations
            .agent_endpoint(known.agent_endpoint.as_deref())
            .map_err(|e| sanitized(BackendError::Untrusted(e)))?;
        let queue = known.queue_name(stack)?;
        let token = self.agent_token(stack, &known).await?;
        self.calls.record(stack, "buildkite:GET /metrics/queue");
        match client.queue(&endpoint, &token, queue).await {
            Ok(reading) => {
                let metrics = reading.metrics;
                self.queues.readings.put(stack.to_string(), reading);
                Ok(metrics)
            }
            Err(e) => {
                if matches!(e, BackendError::Credentials { .. }) {
                    // Perhaps the token was rotated: read the parameter again next time.
                    self.tokens().remove(stack);
                }
                Err(e)
            }
        }
    }
}
