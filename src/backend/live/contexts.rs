//! The operator's AWS contexts (`[[contexts]]`), each read by a backend of its own: connected
//! the first time the fleet view reads it or the operator opens one of its stacks, then kept,
//! so that switching back and forth keeps what each has learnt.

use std::collections::HashMap;

use async_trait::async_trait;

use super::{AwsOptions, LiveBackend};
use crate::backend::buildkite::BuildkiteSettings;
use crate::backend::{Backends, ContextSource};
use crate::domain::{BackendError, Context};

pub struct Connector {
    contexts: Vec<Context>,
    /// The command line's options (endpoint, timeouts, read-only, the discovery file); each
    /// context puts its own profile and region in.
    options: AwsOptions,
    buildkite: BuildkiteSettings,
    connected: tokio::sync::Mutex<HashMap<usize, Backends>>,
}

impl Connector {
    pub fn new(contexts: Vec<Context>, options: AwsOptions, buildkite: BuildkiteSettings) -> Self {
        Self { contexts, options, buildkite, connected: Default::default() }
    }
}

#[async_trait]
impl ContextSource for Connector {
    fn contexts(&self) -> &[Context] {
        &self.contexts
    }

    async fn backends(&self, index: usize) -> Result<Backends, BackendError> {
        let context = self
            .contexts
            .get(index)
            .ok_or_else(|| BackendError::NotFound { what: format!("context number {}", index + 1) })?;
        let mut connected = self.connected.lock().await;
        if let Some(b) = connected.get(&index) {
            return Ok(b.clone());
        }
        let options = AwsOptions {
            profile: context.profile.clone(),
            region: Some(context.region.clone()),
            ..self.options.clone()
        };
        let b = LiveBackend::connect(&options, self.buildkite.clone()).await.backends();
        connected.insert(index, b.clone());
        Ok(b)
    }
}
