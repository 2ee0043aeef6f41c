//! Switching to another AWS profile, region or context: the new backends are connected on a
//! task (the dashboard stays live, and Esc cancels it), and taken over when they are ready.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::Msg;
use crate::backend::{Backends, ContextSource};

/// Builds the backend again for another AWS profile and/or region (`:profile`, `:region`).
pub type Reconnect =
    Box<dyn FnMut(Option<String>, Option<String>) -> Pin<Box<dyn Future<Output = Backends> + Send>> + Send>;

/// The switch under way, if any, and how to connect one.
#[derive(Default)]
pub struct Switcher {
    /// `None` in the demo, which has no profile or region to switch to.
    reconnect: Option<Reconnect>,
    task: Option<JoinHandle<Result<Backends, String>>>,
}

impl Switcher {
    pub fn new(reconnect: Option<Reconnect>) -> Self {
        Self { reconnect, task: None }
    }

    /// Starts connecting another profile and/or region; a switch already under way is dropped.
    /// The contexts the fleet view reads stay the same.
    pub fn start_aws(
        &mut self,
        profile: Option<String>,
        region: Option<String>,
        contexts: Option<std::sync::Arc<dyn ContextSource>>,
        tx: &UnboundedSender<Msg>,
    ) {
        let Some(connect) = self.reconnect.as_mut() else {
            let _ = tx.send(Msg::SwitchFailed(crate::app::command::NO_SWITCH_IN_DEMO.into()));
            return;
        };
        let connecting = connect(profile, region);
        self.track(tokio::spawn(async move {
            let mut backends = connecting.await;
            backends.contexts = contexts;
            Ok(backends)
        }));
    }

    /// Starts connecting context `n` of the configured contexts.
    pub fn start_context(&mut self, n: usize, contexts: std::sync::Arc<dyn ContextSource>) {
        self.track(tokio::spawn(async move {
            let mut backends = contexts.backends(n).await.map_err(|e| e.to_string())?;
            backends.contexts = Some(contexts);
            Ok(backends)
        }));
    }

    fn track(&mut self, task: JoinHandle<Result<Backends, String>>) {
        if let Some(old) = self.task.replace(task) {
            old.abort();
        }
    }

    pub fn cancel(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// The backends a switch connected, when it is done (never, without one).
    pub async fn done(&mut self) -> Result<Backends, String> {
        let result = match &mut self.task {
            Some(t) => t.await.unwrap_or_else(|e| Err(format!("the switch failed: {e}"))),
            None => std::future::pending().await,
        };
        self.task = None;
        result
    }
}

/// Asks whose credentials these are, for the status bar; a failure is left to the panes, which
/// say it in their own words.
pub fn learn_account(backends: &Backends, tx: &UnboundedSender<Msg>) {
    let (ops, backend, tx) = (backends.ops.clone(), backends.label.to_string(), tx.clone());
    tokio::spawn(async move {
        if let Ok(who) = ops.identity().await {
            let _ = tx.send(Msg::Account { backend, account: who.account });
        }
    });
}
