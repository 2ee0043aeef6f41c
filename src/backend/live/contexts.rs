//! The operator's AWS contexts (`[[contexts]]`), each read by a backend of its own: connected
//! the first time the fleet view reads it or the operator opens one of its stacks, then kept,
//! so that switching back and forth keeps what each has learnt.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;

use super::{AwsOptions, LiveBackend};
use crate::backend::buildkite::BuildkiteSettings;
use crate::backend::{Backends, ContextSource};
use crate::domain::{BackendError, Context};

/// How a context's backends are made.
pub type Connect = Arc<dyn Fn(Context) -> Pin<Box<dyn Future<Output = Backends> + Send>> + Send + Sync>;

pub struct Connector {
    contexts: Vec<Context>,
    connect: Connect,
    connected: tokio::sync::Mutex<HashMap<usize, Backends>>,
}

impl Connector {
    pub fn new(contexts: Vec<Context>, connect: Connect) -> Self {
        Self { contexts, connect, connected: Default::default() }
    }

    /// Contexts read through the AWS SDK: the command line's options (endpoint, timeouts,
    /// read-only, the discovery file), each context putting its own profile and region in.
    pub fn aws(contexts: Vec<Context>, options: AwsOptions, buildkite: BuildkiteSettings) -> Self {
        let connect: Connect = Arc::new(move |context: Context| {
            let options =
                AwsOptions { profile: context.profile, region: Some(context.region), ..options.clone() };
            let buildkite = buildkite.clone();
            Box::pin(async move { LiveBackend::connect(&options, buildkite).await.backends() })
        });
        Self::new(contexts, connect)
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
        let b = (self.connect)(context.clone()).await;
        connected.insert(index, b.clone());
        Ok(b)
    }
}
