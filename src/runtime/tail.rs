//! The log view's reader: the tail engine on a task, sending lines to `update` until the view
//! closes.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::Msg;
use crate::backend::Backends;
use crate::logs::{Follower, Notice, TailSpec, read_range};

/// What the view starts with: the last hour.
const BACKFILL_SECS: i64 = 3600;
const POLL: Duration = Duration::from_secs(2);

fn say(tx: &UnboundedSender<Msg>, instance: &str, notices: Vec<Notice>) {
    for n in notices {
        let text = match n {
            Notice::MissingGroup(g) => format!("log group {g} does not exist here"),
            Notice::Failed { group, error } => format!("{group}: {error}"),
        };
        let _ = tx.send(Msg::LogNotice { instance: instance.to_string(), text });
    }
}

pub fn spawn(
    backends: Backends,
    tx: UnboundedSender<Msg>,
    instance: String,
    groups: Vec<String>,
) -> CancellationToken {
    let token = CancellationToken::new();
    let stop = token.clone();
    tokio::spawn(async move {
        let start = backends.clock.now().plus_secs(-BACKFILL_SECS);
        let spec =
            TailSpec { instance: instance.clone(), groups, start: Some(start), end: None, pattern: None };
        let (lines, notices) = tokio::select! {
            biased;
            _ = stop.cancelled() => return,
            r = read_range(backends.logs.as_ref(), &spec) => r,
        };
        let mut follower = Follower::after(spec, &lines, &notices);
        let _ = tx.send(Msg::LogLines { instance: instance.clone(), lines });
        say(&tx, &instance, notices);
        loop {
            tokio::select! {
                biased;
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(POLL) => {}
            }
            let (lines, notices) = tokio::select! {
                biased;
                _ = stop.cancelled() => return,
                r = follower.poll(backends.logs.as_ref(), backends.clock.now()) => r,
            };
            if !lines.is_empty() {
                let _ = tx.send(Msg::LogLines { instance: instance.clone(), lines });
            }
            say(&tx, &instance, notices);
        }
    });
    token
}
