//! The tail engine, shared by `bkops logs` and the dashboard's log view: an instance's
//! stream in several groups, read concurrently, merged in time order, and followed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::future::join_all;

use super::live::{self, Feed, FeedMsg, Recent};
use crate::backend::{FilterQuery, LiveQuery, LogSource};
use crate::domain::BackendError;
use crate::domain::{LogEvent, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailSpec {
    pub instance: String,
    pub groups: Vec<String>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub pattern: Option<String>,
}

/// Something to tell the operator once, beside the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The group does not exist in this account and region.
    MissingGroup(String),
    /// A read failed; following goes on.
    Failed { group: String, error: BackendError },
    /// The group is followed through a Live Tail session.
    Live(String),
    /// Live Tail could not start, or its session ended: the group is polled instead.
    LivePolling { group: String, why: String },
    /// CloudWatch is sampling the group's Live Tail (over 500 lines a second): some lines are
    /// not shown.
    LiveSampled(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::MissingGroup(g) => write!(f, "log group {g} does not exist here; skipping it"),
            Notice::Failed { group, error } => write!(f, "{group}: {error}"),
            Notice::Live(g) => write!(f, "{g}: following with Live Tail"),
            Notice::LivePolling { group, why } => write!(f, "{group}: no Live Tail ({why}); polling"),
            Notice::LiveSampled(g) => {
                write!(f, "{g}: Live Tail is sampling (over 500 lines/s); some lines are not shown")
            }
        }
    }
}

/// Events in display order: time, then group, then CloudWatch's event ID.
pub fn order(events: &mut [LogEvent]) {
    events.sort_by(|a, b| {
        a.timestamp
            .cmp(&b.timestamp)
            .then_with(|| a.group.cmp(&b.group))
            .then_with(|| a.event_id.cmp(&b.event_id))
    });
}

/// Every page of one group from `start`.
async fn read_group(
    src: &dyn LogSource,
    spec: &TailSpec,
    group: &str,
    start: Option<Timestamp>,
) -> Result<Vec<LogEvent>, BackendError> {
    let mut q = FilterQuery {
        group: group.to_string(),
        streams: vec![spec.instance.clone()],
        start,
        end: spec.end,
        pattern: spec.pattern.clone(),
        next_token: None,
    };
    let mut out = Vec::new();
    loop {
        let page = src.filter_log_events(&q).await?;
        out.extend(page.events);
        match page.next_token {
            Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
            _ => return Ok(out),
        }
    }
}

/// The events of every group in the spec's range, merged; groups are read concurrently.
pub async fn read_range(src: &dyn LogSource, spec: &TailSpec) -> (Vec<LogEvent>, Vec<Notice>) {
    let reads =
        spec.groups.iter().map(|g| async move { (g.clone(), read_group(src, spec, g, spec.start).await) });
    let mut events = Vec::new();
    let mut notices = Vec::new();
    for (group, result) in join_all(reads).await {
        match result {
            Ok(e) => events.extend(e),
            Err(BackendError::NotFound { .. }) => notices.push(Notice::MissingGroup(group)),
            Err(error) => notices.push(Notice::Failed { group, error }),
        }
    }
    order(&mut events);
    (events, notices)
}

/// Where a group's next read starts: its newest timestamp, and the events already seen there
/// (the API's paging is by time, so the newest millisecond is read again and deduplicated).
#[derive(Debug, Clone, Default)]
struct Cursor {
    from: Option<Timestamp>,
    seen_at_from: HashSet<String>,
}

impl Cursor {
    fn advance(&mut self, e: &LogEvent) {
        if self.from.is_none_or(|f| e.timestamp > f) {
            self.from = Some(e.timestamp);
            self.seen_at_from.clear();
        }
        self.seen_at_from.insert(e.event_id.clone());
    }

    fn is_new(&self, e: &LogEvent) -> bool {
        match self.from {
            None => true,
            Some(f) => e.timestamp > f || (e.timestamp == f && !self.seen_at_from.contains(&e.event_id)),
        }
    }
}

/// Follows the groups after a range read.
pub struct Follower {
    spec: TailSpec,
    cursors: HashMap<String, Cursor>,
    held: Vec<LogEvent>,
    reported: HashSet<String>,
    /// Groups followed through Live Tail rather than polled.
    live: HashMap<String, Feed>,
    /// The last lines shown, known by their text: Live Tail sends no event IDs, and may send
    /// again what a read already showed. Consulted only once something is live.
    recent: Recent,
    dedupe_text: bool,
    /// Events younger than this are held back, so that a group whose lines arrive late
    /// (ingestion lag) does not print them out of order.
    pub reorder_ms: i64,
    /// When each polled group is read next, and how long it waits after an empty read.
    pacing: HashMap<String, Pace>,
    /// The shortest wait between two reads of a polled group (`bkops logs --poll`).
    pub min_wait_ms: i64,
    /// Told when a Live Tail session delivers: wait on it to show live lines as they come.
    arrived: Arc<tokio::sync::Notify>,
}

/// A polled group's pace: read every `POLL_MIN_MS` while lines arrive, twice as far apart
/// after each empty read up to `POLL_MAX_MS`, and back to the fastest on a new line. An idle
/// instance's four groups cost 8 FilterLogEvents a minute rather than 120.
#[derive(Debug, Clone, Copy)]
struct Pace {
    next: Timestamp,
    wait_ms: i64,
}

pub const POLL_MIN_MS: i64 = 2_000;
pub const POLL_MAX_MS: i64 = 30_000;

impl Pace {
    fn after(self, now: Timestamp, found: bool, min_ms: i64) -> Pace {
        let wait_ms = if found { min_ms } else { (self.wait_ms * 2).clamp(min_ms, POLL_MAX_MS.max(min_ms)) };
        Pace { next: Timestamp(now.millis() + wait_ms), wait_ms }
    }
}

impl Follower {
    /// Starts after what the range read returned.
    pub fn after(spec: TailSpec, seen: &[LogEvent], notices: &[Notice]) -> Self {
        let mut cursors: HashMap<String, Cursor> =
            spec.groups.iter().map(|g| (g.clone(), Cursor::default())).collect();
        let mut recent = Recent::new(10_000);
        for e in seen {
            if let Some(c) = cursors.get_mut(&e.group) {
                c.advance(e);
            }
            recent.first_time(e);
        }
        for c in cursors.values_mut() {
            if c.from.is_none() {
                c.from = spec.start;
            }
        }
        let reported = notices
            .iter()
            .filter_map(|n| match n {
                Notice::MissingGroup(g) => Some(g.clone()),
                _ => None,
            })
            .collect();
        Self {
            spec,
            cursors,
            held: Vec::new(),
            reported,
            live: HashMap::new(),
            recent,
            dedupe_text: false,
            reorder_ms: 2_000,
            pacing: HashMap::new(),
            min_wait_ms: POLL_MIN_MS,
            arrived: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Paces each group by how long it has been quiet, as the range read saw it: a group
    /// whose newest line is older than the longest wait, or that had none, is first read
    /// after that wait, as if it had been read empty all along; one that wrote lately, at
    /// once. Opening the view then costs what following it does (an idle instance's four
    /// groups, 8 reads a minute) rather than a burst of fast rounds that find nothing.
    pub fn pace_by_quiet(&mut self, seen: &[LogEvent], now: Timestamp) {
        let mut newest: HashMap<&str, Timestamp> = HashMap::new();
        for e in seen {
            let t = newest.entry(e.group.as_str()).or_insert(e.timestamp);
            *t = (*t).max(e.timestamp);
        }
        let longest = POLL_MAX_MS.max(self.min_wait_ms);
        for g in &self.spec.groups {
            let quiet_ms =
                newest.get(g.as_str()).map_or(i64::MAX, |t| now.millis().saturating_sub(t.millis()));
            let wait_ms = quiet_ms.clamp(self.min_wait_ms, longest);
            if wait_ms > self.min_wait_ms {
                self.pacing.insert(g.clone(), Pace { next: Timestamp(now.millis() + wait_ms), wait_ms });
            }
        }
    }

    /// Opens a Live Tail session for every group that exists; those that cannot have one stay
    /// polled. Says which is which.
    pub async fn go_live(&mut self, src: Arc<dyn LogSource>) -> Vec<Notice> {
        self.dedupe_text = true;
        let groups: Vec<String> =
            self.spec.groups.iter().filter(|g| !self.reported.contains(*g)).cloned().collect();
        let opens = groups.into_iter().map(|group| {
            let q = LiveQuery {
                group: group.clone(),
                stream: self.spec.instance.clone(),
                pattern: self.spec.pattern.clone(),
            };
            let src = src.clone();
            async move { (group, src.live_tail(&q).await) }
        });
        let mut notices = Vec::new();
        for (group, opened) in join_all(opens).await {
            match opened {
                Ok(session) => {
                    self.live.insert(group.clone(), live::spawn(session, self.arrived.clone()));
                    notices.push(Notice::Live(group));
                }
                Err(e) => notices.push(Notice::LivePolling { group, why: e.to_string() }),
            }
        }
        notices
    }

    /// Resolves when a Live Tail session has delivered since the last call: a follower's loop
    /// waits on this or its next round, whichever comes first.
    pub fn arrivals(&self) -> Arc<tokio::sync::Notify> {
        self.arrived.clone()
    }

    /// Whether a group is read through Live Tail now.
    pub fn is_live(&self, group: &str) -> bool {
        self.live.contains_key(group)
    }

    /// Takes what the Live Tail sessions pushed since the last round; ended sessions hand
    /// their group back to polling.
    fn drain_live(&mut self, notices: &mut Vec<Notice>) {
        let mut ended = Vec::new();
        for (group, feed) in &mut self.live {
            while let Ok(msg) = feed.rx.try_recv() {
                match msg {
                    FeedMsg::Update(update) => {
                        if update.sampled && !feed.said_sampled {
                            feed.said_sampled = true;
                            notices.push(Notice::LiveSampled(group.clone()));
                        }
                        let cursor = self.cursors.entry(group.clone()).or_default();
                        for e in update.events {
                            let in_range = self.spec.start.is_none_or(|s| e.timestamp >= s)
                                && self.spec.end.is_none_or(|t| e.timestamp <= t);
                            if in_range && self.recent.first_time(&e) {
                                if cursor.from.is_none_or(|f| e.timestamp > f) {
                                    cursor.from = Some(e.timestamp);
                                    cursor.seen_at_from.clear();
                                }
                                self.held.push(e);
                            }
                        }
                    }
                    FeedMsg::Ended(why) => {
                        let why = why.map_or_else(|| "the session ended".to_string(), |e| e.to_string());
                        ended.push((group.clone(), why));
                        break;
                    }
                }
            }
        }
        for (group, why) in ended {
            self.live.remove(&group);
            notices.push(Notice::LivePolling { group, why });
        }
    }

    /// One round: new events of every group, in order, those older than the reorder window;
    /// and what went wrong (each missing group once; failures every time, but never fatal).
    pub async fn poll(&mut self, src: &dyn LogSource, now: Timestamp) -> (Vec<LogEvent>, Vec<Notice>) {
        let mut notices = Vec::new();
        self.drain_live(&mut notices);
        let mut groups: Vec<(String, Option<Timestamp>)> = Vec::new();
        for g in &self.spec.groups {
            // A live group is read once more, to catch up to its session's start.
            let read = match self.live.get_mut(g) {
                None => self.pacing.get(g).is_none_or(|p| p.next <= now),
                Some(feed) => !std::mem::replace(&mut feed.caught_up, true),
            };
            if read {
                groups.push((g.clone(), self.cursors.get(g).and_then(|c| c.from)));
            }
        }
        let spec = &self.spec;
        let reads = groups.into_iter().map(|(g, from)| async move {
            let r = read_group(src, spec, &g, from).await;
            (g, r)
        });
        for (group, result) in join_all(reads).await {
            let found = result.as_ref().is_ok_and(|events| {
                let cursor = self.cursors.get(&group);
                events.iter().any(|e| cursor.is_none_or(|c| c.is_new(e)))
            });
            let pace = self.pacing.get(&group).copied().unwrap_or(Pace { next: now, wait_ms: 0 });
            self.pacing.insert(group.clone(), pace.after(now, found, self.min_wait_ms));
            match result {
                Ok(events) => {
                    let cursor = self.cursors.entry(group).or_default();
                    for e in events {
                        if cursor.is_new(&e) {
                            cursor.advance(&e);
                            if self.recent.first_time(&e) || !self.dedupe_text {
                                self.held.push(e);
                            }
                        }
                    }
                }
                Err(BackendError::NotFound { .. }) => {
                    if self.reported.insert(group.clone()) {
                        notices.push(Notice::MissingGroup(group));
                    }
                }
                Err(error) => notices.push(Notice::Failed { group, error }),
            }
        }
        let cutoff = now.millis() - self.reorder_ms;
        let (ready, held): (Vec<_>, Vec<_>) =
            self.held.drain(..).partition(|e| e.timestamp.millis() <= cutoff);
        self.held = held;
        let mut ready = ready;
        order(&mut ready);
        (ready, notices)
    }
}

#[cfg(test)]
mod tests;
