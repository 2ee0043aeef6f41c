//! An incident timeline of one stack, read: its activities, its scaler's log, its
//! instances' own log signals, its agents, the queue's history and bkops' audit log, all
//! since one moment, made into events by `domain::timeline`. Used by the dashboard's `T`
//! and by `bkops timeline`.

use std::collections::BTreeSet;

use crate::backend::{Backends, FilterQuery};
use crate::domain::timeline::{Inputs, LogLine, Timeline, build};
use crate::domain::why::ScalerRead;
use crate::domain::{AgentState, BackendError, Timestamp, groups, log_signals};

/// FilterLogEvents takes at most 100 stream names.
const STREAMS_PER_CALL: usize = 100;
/// Pages read per group and call at most: the timeline is a look back, not an archive.
const MAX_PAGES: usize = 10;

/// The timeline of `stack` since `since`; what operators did comes from the backends' audit
/// log.
pub async fn read(backends: &Backends, stack: &str, since: Timestamp) -> Timeline {
    let now = backends.clock.now();
    let b = &backends.stacks;
    let (fleet, activities, scaler, queue) = tokio::join!(
        b.fleet(stack),
        b.activities(stack),
        b.scaler_log(stack, since),
        backends.queues.queue_history(stack, since)
    );
    let mut unread = Vec::new();
    let mut keep = |what: &str, e: BackendError| unread.push(format!("{what}: {e}"));
    let fleet = fleet.map_err(|e| keep("auto scaling group", e)).ok();
    let activities = activities.map_err(|e| keep("scaling activity", e)).unwrap_or_default();
    let queue = queue.map_err(|e| keep("queue history", e)).unwrap_or_default();
    let scaler = match scaler {
        Ok(ScalerRead::Read(log)) => Some(log),
        Ok(ScalerRead::Missing { group }) => {
            unread.push(format!("scaler: {group} holds nothing since {}", since.rfc3339()));
            None
        }
        Ok(ScalerRead::Unreadable { text }) => {
            unread.push(format!("scaler: {text}"));
            None
        }
        Ok(ScalerRead::None) => None,
        Err(e) => {
            unread.push(format!("scaler: {e}"));
            None
        }
    };
    // The instances there are now, and those that came and went since.
    let mut ids: BTreeSet<String> =
        fleet.iter().flat_map(|f| f.instances.iter().map(|i| i.id.clone())).collect();
    ids.extend(
        activities
            .iter()
            .filter(|a| a.start >= since)
            .filter_map(|a| crate::domain::timeline::activity_instance(&a.description).map(str::to_string)),
    );
    let ids: Vec<String> = ids.into_iter().collect();
    let mut lines = Vec::new();
    let signal = |m: &str| log_signals::disk_line(m).is_some() || log_signals::is_boot_failure(m);
    match log_lines(backends, groups::ELASTIC_STACK, None, &ids, since, signal).await {
        Ok(l) => lines.extend(l),
        Err(e) => unread.push(format!("{}: {e}", groups::ELASTIC_STACK)),
    }
    let notice = format!("\"{}\"", log_signals::SPOT_NOTICE);
    match log_lines(backends, groups::LIFECYCLED, Some(&notice), &ids, since, log_signals::is_spot_notice)
        .await
    {
        Ok(l) => lines.extend(l),
        Err(e) => unread.push(format!("{}: {e}", groups::LIFECYCLED)),
    }
    let lost: Vec<String> = fleet
        .iter()
        .flat_map(|f| f.instances.iter())
        .filter(|i| i.agents.state == AgentState::Lost)
        .map(|i| i.id.clone())
        .collect();
    let zombies: Vec<(String, Timestamp)> = fleet
        .iter()
        .flat_map(|f| f.instances.iter())
        .filter(|i| crate::domain::why::is_zombie(i, now))
        .filter_map(|i| Some((i.id.clone(), i.launched_at?)))
        .collect();
    let operated = match backends.audit_log.as_deref() {
        Some(path) => crate::ops::audit_read::operated(path, &backends.label.to_string(), stack, since)
            .unwrap_or_else(|e| {
                unread.push(format!("audit log {}: {e}", path.display()));
                Vec::new()
            }),
        None => Vec::new(),
    };
    let paused = fleet.as_ref().and_then(|f| Some((f.paused_by.as_deref()?, f.paused_at?)));
    let events = build(&Inputs {
        now,
        since,
        activities: &activities,
        scaler: scaler.as_ref(),
        lines: &lines,
        lost: &lost,
        zombies: &zombies,
        operated: &operated,
        paused,
        queue: &queue,
    });
    Timeline { events, unread }
}

/// The lines of `group` in the instances' streams since `since` that `keep` wants; a group
/// that does not exist has none.
async fn log_lines(
    backends: &Backends,
    group: &str,
    pattern: Option<&str>,
    instances: &[String],
    since: Timestamp,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<LogLine>, BackendError> {
    let mut out = Vec::new();
    for chunk in instances.chunks(STREAMS_PER_CALL) {
        let mut q = FilterQuery {
            group: group.to_string(),
            streams: chunk.to_vec(),
            start: Some(since),
            pattern: pattern.map(str::to_string),
            ..FilterQuery::default()
        };
        for _ in 0..MAX_PAGES {
            let page = match backends.logs.filter_log_events(&q).await {
                Ok(p) => p,
                Err(BackendError::NotFound { .. }) => return Ok(out),
                Err(e) => return Err(e),
            };
            out.extend(page.events.into_iter().filter(|e| keep(&e.message)).map(|e| LogLine {
                at: e.timestamp,
                group: group.to_string(),
                instance: e.stream,
                message: e.message,
            }));
            match page.next_token {
                Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
                _ => break,
            }
        }
    }
    Ok(out)
}
