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
            .filter(|e| q.start.is_none_or(|s| e.timestamp >= s) && q.end.is_none_or(|t| e.timestamp <= t))
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
async fn a_view_opened_on_a_quiet_instance_costs_what_following_it_does() {
    use std::sync::atomic::Ordering;
    let src = Scripted::default();
    let opened = 3_600_000;
    // A wrote a line 5 s before the view opened; B wrote nothing in the hour read.
    let seen = [ev(A, ME, opened - 5_000, "recent")];
    src.events.lock().expect("lock").extend(seen.iter().cloned());
    let mut f = Follower::after(spec(&[A, B]), &seen, &[]);
    f.pace_by_quiet(&seen, Timestamp(opened));
    let reads = || src.reads.load(Ordering::Relaxed);
    for s in (2..60).step_by(2) {
        f.poll(&src, Timestamp(opened + s * 1000)).await;
    }
    // A, quiet for 5 s: read at 6, 16 and 36 s (5, 10, 20 s apart); B, quiet the whole hour:
    // at 30 s. Unpaced, each would be read at 2, 4, 8, 16 and 32 s: 10 reads.
    assert_eq!(reads(), 4, "two quiet groups' first minute");
    // A line in the quiet group is still shown within the longest wait.
    src.events.lock().expect("lock").push(ev(B, ME, opened + 61_000, "late"));
    let mut shown = false;
    for s in (62..100).step_by(2) {
        let (lines, _) = f.poll(&src, Timestamp(opened + s * 1000)).await;
        if ids(&lines).contains(&"late") {
            shown = s <= 92;
            break;
        }
    }
    assert!(shown, "a quiet group's new line is shown within 30 s");
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
    tokio::time::timeout(Duration::from_secs(5), arrived.notified()).await.expect("told of the live lines");
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
