//! The core without a terminal: tests and the benchmark drive `update` with it, through the
//! same executor as the dashboard.

use tokio::sync::mpsc::unbounded_channel;

use super::Executor;
use crate::app::{AppState, Effect, Msg, update};
use crate::backend::Backends;
use crate::ssm::session::{ClientChoice, ClientSettings};

/// Applies `msg`, then runs each read and operator action it asks for to completion and feeds
/// what they report back, until nothing more is asked. The effects that follow rather than
/// settle (a log view's reader, a session, a theme, another AWS profile) are not run but
/// returned.
pub async fn settle(state: &mut AppState, backends: &Backends, msg: Msg) -> Vec<Effect> {
    let (tx, mut rx) = unbounded_channel();
    let ssm = ClientSettings { choice: ClientChoice::Native, plugin: None };
    let mut executor = Executor::new(backends.clone(), tx, ssm);
    let mut other = Vec::new();
    let mut next = Some(msg);
    while let Some(msg) = next.take() {
        executor.observe(&msg);
        for effect in update(state, msg) {
            match effect {
                e @ (Effect::StartTail { .. }
                | Effect::StopTail
                | Effect::OpenShell { .. }
                | Effect::CancelShell
                | Effect::SaveLogs { .. }
                | Effect::SetTheme(_)
                | Effect::SwitchAws { .. }) => other.push(e),
                e => {
                    executor.run(e);
                }
            }
        }
        next = match rx.try_recv() {
            Ok(m) => Some(m),
            Err(_) if executor.busy() => rx.recv().await,
            Err(_) => None,
        };
    }
    other
}
