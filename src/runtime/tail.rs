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
    // Sessions opening are one line, not one per group.
    let (live, notices): (Vec<Notice>, Vec<Notice>) =
        notices.into_iter().partition(|n| matches!(n, Notice::Live(_)));
    if !live.is_empty() {
        let text = format!("following {} groups with Live Tail", live.len());
        let _ = tx.send(Msg::LogNotice { instance: instance.to_string(), text });
    }
    for n in notices {
        let _ = tx.send(Msg::LogNotice { instance: instance.to_string(), text: n.to_string() });
    }
}

pub fn spawn(
    backends: Backends,
    tx: UnboundedSender<Msg>,
    instance: String,
    groups: Vec<String>,
    from: Option<crate::domain::Timestamp>,
    live: bool,
) -> CancellationToken {
    let token = CancellationToken::new();
    let stop = token.clone();
    tokio::spawn(async move {
        let last_hour = backends.clock.now().plus_secs(-BACKFILL_SECS);
        let start = from.map_or(last_hour, |f| f.min(last_hour));
        let spec =
            TailSpec { instance: instance.clone(), groups, start: Some(start), end: None, pattern: None };
        let (lines, notices) = tokio::select! {
            biased;
            _ = stop.cancelled() => return,
            r = read_range(backends.logs.as_ref(), &spec) => r,
        };
        let mut follower = Follower::after(spec, &lines, &notices);
        follower.pace_by_quiet(&lines, backends.clock.now());
        let _ = tx.send(Msg::LogLines { instance: instance.clone(), lines });
        say(&tx, &instance, notices);
        if live {
            let opened = tokio::select! {
                biased;
                _ = stop.cancelled() => return,
                n = follower.go_live(backends.logs.clone()) => n,
            };
            say(&tx, &instance, opened);
        }
        let arrived = follower.arrivals();
        loop {
            // A round every 2 s (what it reads is paced per group), or as soon as Live Tail
            // delivers.
            tokio::select! {
                biased;
                _ = stop.cancelled() => return,
                _ = arrived.notified() => {}
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
