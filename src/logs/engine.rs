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
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use async_trait::async_trait;

    use super::*;
    use crate::backend::{LiveSession, LiveUpdate, LogPage};

    /// A scripted CloudWatch Logs: two events a page, groups that exist or not, an error
    /// to answer once, and Live Tail sessions that push their updates and then end with an error.
    #[derive(Default)]
    struct Scripted {
        events: Mutex<Vec<LogEvent>>,
        fail_once: Mutex<Option<BackendError>>,
        live: Mutex<HashMap<String, Vec<LiveUpdate>>>,
        /// FilterLogEvents calls answered.
        reads: std::sync::atomic::AtomicUsize,
    }

    struct ScriptedSession(Vec<LiveUpdate>);

    #[async_trait]
    impl LiveSession for ScriptedSession {
        async fn next(&mut self) -> Result<Option<LiveUpdate>, BackendError> {
            if self.0.is_empty() {
                return Err(BackendError::Transient("connection reset".into()));
            }
            Ok(Some(self.0.remove(0)))
        }
    }

    fn ev(group: &str, stream: &str, ms: i64, id: &str) -> LogEvent {
        LogEvent {
            timestamp: Timestamp(ms),
            ingestion_time: Timestamp(ms),
            group: group.into(),
            stream: stream.into(),
            event_id: id.into(),
            message: format!("{group} {id}"),
        }
    }

    #[async_trait]
    impl LogSource for Scripted {
        async fn filter_log_events(&self, q: &FilterQuery) -> Result<LogPage, BackendError> {
            self.reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(e) = self.fail_once.lock().expect("lock").take() {
                return Err(e);
            }
            if q.group == "/buildkite/missing" {
                return Err(BackendError::NotFound { what: q.group.clone() });
            }
            let mut all: Vec<LogEvent> = self
                .events
                .lock()
                .expect("lock")
                .iter()
                .filter(|e| e.group == q.group && q.streams.contains(&e.stream))
                .filter(|e| {
                    q.start.is_none_or(|s| e.timestamp >= s) && q.end.is_none_or(|t| e.timestamp <= t)
                })
                .cloned()
                .collect();
            all.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.event_id.cmp(&b.event_id)));
            let skip: usize = q.next_token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
            let events: Vec<LogEvent> = all.iter().skip(skip).take(2).cloned().collect();
            let next = skip + events.len();
            Ok(LogPage { next_token: (next < all.len()).then(|| next.to_string()), events })
        }

        async fn live_tail(&self, q: &LiveQuery) -> Result<Box<dyn LiveSession>, BackendError> {
            match self.live.lock().expect("lock").remove(&q.group) {
                Some(updates) => Ok(Box::new(ScriptedSession(updates))),
                None => Err(BackendError::PermissionDenied { action: "logs:StartLiveTail".into() }),
            }
        }
    }

    const A: &str = "/buildkite/elastic-stack";
    const B: &str = "/buildkite/buildkite-agent";
    const ME: &str = "i-0aaaaaaaaaaaaaaa1";

    fn spec(groups: &[&str]) -> TailSpec {
        TailSpec {
            instance: ME.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            start: Some(Timestamp(0)),
            end: None,
            pattern: None,
        }
    }

    fn ids(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_id.as_str()).collect()
    }

    #[tokio::test]
    async fn an_idle_instance_is_polled_ever_less_often_and_a_new_line_brings_it_back() {
        use std::sync::atomic::Ordering;
        let src = Scripted::default();
        let mut f = Follower::after(spec(&[A, B]), &[], &[]);
        let reads = || src.reads.load(Ordering::Relaxed);
        // Ten idle minutes, a round every 2 s as the tail runs them.
        let mut minute_reads = Vec::new();
        for s in (0..600).step_by(2) {
            let before = reads();
            f.poll(&src, Timestamp(s * 1000)).await;
            if s % 60 == 0 {
                minute_reads.push(0);
            }
            *minute_reads.last_mut().expect("a minute") += reads() - before;
        }
        // Both groups: 2, 6, 14, 30 s, then every 30 s: 5 reads each in the first minute, 2 after.
        assert_eq!(minute_reads[0], 10, "{minute_reads:?}");
        assert!(minute_reads[1..].iter().all(|&n| n <= 4), "{minute_reads:?}");
        // A line arrives: read within 30 s, and the group is read every 2 s again.
        src.events.lock().expect("lock").push(ev(A, ME, 600_500, "new"));
        let mut shown_at = None;
        for s in (600..640).step_by(2) {
            let (lines, _) = f.poll(&src, Timestamp(s * 1000)).await;
            if !lines.is_empty() {
                shown_at = Some(s);
                break;
            }
        }
        let shown_at = shown_at.expect("the new line is shown");
        assert!(shown_at <= 632, "within a slow round: {shown_at}");
        let before = reads();
        f.poll(&src, Timestamp((shown_at + 2) * 1000)).await;
        assert_eq!(reads() - before, 1, "its group is read again 2 s later; the idle one is not");
    }

    #[tokio::test]
    async fn groups_merge_in_time_order_across_pages() {
        let src = Scripted::default();
        *src.events.lock().expect("lock") = vec![
            ev(A, ME, 10, "a1"),
            ev(B, ME, 11, "b1"),
            ev(A, ME, 12, "a2"),
            ev(A, ME, 12, "a3"),
            ev(B, ME, 12, "b2"),
            ev(A, ME, 30, "a4"),
            ev(A, "i-0other000000000001", 15, "theirs"),
        ];
        let (events, notices) = read_range(&src, &spec(&[A, B, "/buildkite/missing"])).await;
        // Same millisecond: the agent group sorts before elastic-stack.
        assert_eq!(
            ids(&events),
            ["a1", "b1", "b2", "a2", "a3", "a4"],
            "every page, in order, no one else's stream"
        );
        assert_eq!(notices, [Notice::MissingGroup("/buildkite/missing".into())]);
    }

    #[tokio::test]
    async fn following_picks_up_new_events_once_and_in_order() {
        let src = Scripted::default();
        *src.events.lock().expect("lock") = vec![ev(A, ME, 100, "a1"), ev(A, ME, 100, "a2")];
        let s = spec(&[A, B, "/buildkite/missing"]);
        let (first, notices) = read_range(&src, &s).await;
        let mut f = Follower::after(s, &first, &notices);
        f.reorder_ms = 0;
        // A third event at the same millisecond as the last seen, and newer ones in both groups.
        src.events.lock().expect("lock").extend([
            ev(A, ME, 100, "a3"),
            ev(B, ME, 150, "b1"),
            ev(A, ME, 160, "a4"),
        ]);
        let (new, notices) = f.poll(&src, Timestamp(10_000)).await;
        assert_eq!(ids(&new), ["a3", "b1", "a4"], "the boundary millisecond is re-read without duplicates");
        assert!(notices.is_empty(), "the missing group was reported by the range read already");
        let (again, _) = f.poll(&src, Timestamp(10_000)).await;
        assert!(again.is_empty());
    }

    #[tokio::test]
    async fn late_lines_wait_in_the_reorder_window() {
        let src = Scripted::default();
        let s = spec(&[A, B]);
        let mut f = Follower::after(s, &[], &[]);
        src.events.lock().expect("lock").push(ev(A, ME, 9_500, "a1"));
        let (ready, _) = f.poll(&src, Timestamp(10_000)).await;
        assert!(ready.is_empty(), "younger than 2 s: held");
        // The other group's older line arrives late (ingestion lag).
        src.events.lock().expect("lock").push(ev(B, ME, 9_000, "b1"));
        let (ready, _) = f.poll(&src, Timestamp(12_000)).await;
        assert_eq!(ids(&ready), ["b1", "a1"], "printed in time order despite arriving later");
    }

    #[tokio::test]
    async fn throttling_never_ends_a_follow() {
        let src = Scripted::default();
        let mut f = Follower::after(spec(&[A]), &[], &[]);
        f.reorder_ms = 0;
        *src.fail_once.lock().expect("lock") =
            Some(BackendError::Throttled { service: "logs".into(), retry_after: Duration::from_secs(1) });
        src.events.lock().expect("lock").push(ev(A, ME, 5, "a1"));
        let (none, notices) = f.poll(&src, Timestamp(10_000)).await;
        assert!(none.is_empty());
        assert!(matches!(notices.as_slice(), [Notice::Failed { .. }]));
        // Its next round (2 s on: a group is not read more often).
        let (events, _) = f.poll(&src, Timestamp(12_000)).await;
        assert_eq!(ids(&events), ["a1"], "the next poll carries on");
    }

    #[tokio::test]
    async fn live_lines_are_shown_once_in_order_and_a_failed_session_falls_back_to_polling() {
        let src = Arc::new(Scripted::default());
        *src.events.lock().expect("lock") = vec![ev(A, ME, 100, "a1")];
        let s = spec(&[A, B]);
        let (first, notices) = read_range(src.as_ref(), &s).await;
        let mut f = Follower::after(s, &first, &notices);
        f.reorder_ms = 0;
        // Live Tail replays the shown line, sends a new one (no event ID), one from before
        // the range, and the same new line again; the catch-up read has the new line too.
        let live_a2 = LogEvent { event_id: String::new(), ..ev(A, ME, 120, "a2") };
        let polled_a2 = ev(A, ME, 120, "a2");
        src.events.lock().expect("lock").push(polled_a2);
        src.live.lock().expect("lock").insert(
            A.into(),
            vec![LiveUpdate {
                events: vec![
                    LogEvent { event_id: String::new(), ..ev(A, ME, 100, "a1") },
                    live_a2.clone(),
                    LogEvent { event_id: String::new(), ..ev(A, ME, -5, "old") },
                    live_a2,
                ],
                sampled: true,
            }],
        );
        let arrived = f.arrivals();
        let opened = f.go_live(src.clone()).await;
        // The follower is told as soon as the session delivers, without waiting for a round.
        tokio::time::timeout(Duration::from_secs(5), arrived.notified())
            .await
            .expect("told of the live lines");
        assert_eq!(
            opened,
            [
                Notice::Live(A.into()),
                Notice::LivePolling { group: B.into(), why: "permission denied: logs:StartLiveTail".into() }
            ]
        );
        assert!(f.is_live(A) && !f.is_live(B));
        tokio::time::sleep(Duration::from_millis(20)).await;
        src.events.lock().expect("lock").push(ev(B, ME, 110, "b1"));
        let (new, notices) = f.poll(src.as_ref(), Timestamp(10_000)).await;
        let messages: Vec<String> = new.iter().map(|e| e.message.clone()).collect();
        assert_eq!(messages, [format!("{B} b1"), format!("{A} a2")], "each line once, in time order");
        assert_eq!(
            notices,
            [
                Notice::LiveSampled(A.into()),
                Notice::LivePolling { group: A.into(), why: "temporary failure: connection reset".into() }
            ]
        );
        assert!(!f.is_live(A), "polled from now on");
        src.events.lock().expect("lock").push(ev(A, ME, 130, "a3"));
        let (new, _) = f.poll(src.as_ref(), Timestamp(12_000)).await;
        assert_eq!(ids(&new), ["a3"], "and what the session had shown is not read again");
    }
}
