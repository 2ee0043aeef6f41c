//! The core without a terminal: tests and the benchmark drive `update` with it, through the
//! same executor as the dashboard.

use std::time::Duration;

use tokio::sync::mpsc::unbounded_channel;

use super::Executor;
use crate::app::{AppState, Effect, Msg, update_at};
use crate::backend::Backends;
use crate::ssm::session::{ClientChoice, ClientSettings};

/// Longer than any read or action takes against the simulator or the local AWS API server.
const NEVER: Duration = Duration::from_secs(300);

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
        // The virtual clock is the operator's clock too.
        for effect in update_at(state, msg, backends.clock.now()) {
            match effect {
                e @ (Effect::StartTail { .. }
                | Effect::StopTail
                | Effect::OpenShell { .. }
                | Effect::CancelShell
                | Effect::SaveLogs { .. }
                | Effect::SetTheme(_)
                | Effect::Bell
                | Effect::SwitchAws { .. }
                | Effect::SwitchContext(_)
                | Effect::CancelSwitch) => other.push(e),
                e => {
                    executor.run(e);
                }
            }
        }
        next = match rx.try_recv() {
            Ok(m) => Some(m),
            // A task that panicked never reports: say so rather than wait for ever (the
            // caller's assertions then fail on what is missing).
            Err(_) if executor.busy() => match tokio::time::timeout(NEVER, rx.recv()).await {
                Ok(m) => m,
                Err(_) => {
                    crate::output::err("bkops: settle: a read or an action never reported; stopped waiting");
                    None
                }
            },
            Err(_) => None,
        };
    }
    other
}
