//! Live Tail feeds for the follower: each group's session is read on its own task into a
//! channel the follower drains on every round, and recently shown lines are remembered so that
//! what both Live Tail and a catch-up read deliver is shown once.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::backend::{LiveSession, LiveUpdate};

use crate::domain::BackendError;
use crate::domain::LogEvent;

pub(super) enum FeedMsg {
    Update(LiveUpdate),
    /// The session ended: after its 3 hours (`None`), or with an error.
    Ended(Option<BackendError>),
}

/// One group's open session. Dropping it stops the session, which CloudWatch bills by the
/// minute.
pub(super) struct Feed {
    pub rx: mpsc::UnboundedReceiver<FeedMsg>,
    /// The first round after going live reads the group once more, for what was written
    /// between the range read and the session's start.
    pub caught_up: bool,
    pub said_sampled: bool,
    task: JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads a session into a feed; `arrived` is told of each message, so that whoever follows
/// can show it now rather than at its next round.
pub(super) fn spawn(mut session: Box<dyn LiveSession>, arrived: std::sync::Arc<tokio::sync::Notify>) -> Feed {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let msg = match session.next().await {
                Ok(Some(update)) => FeedMsg::Update(update),
                Ok(None) => FeedMsg::Ended(None),
                Err(e) => FeedMsg::Ended(Some(e)),
            };
            let end = matches!(msg, FeedMsg::Ended(_));
            let sent = tx.send(msg).is_ok();
            arrived.notify_one();
            if !sent || end {
                return;
            }
        }
    });
    Feed { rx, caught_up: false, said_sampled: false, task }
}

/// Live Tail sends no event IDs, so a line is known by its group, time and text. The last
/// 10,000 are remembered (as awslogs does with event IDs).
pub(super) struct Recent {
    seen: HashSet<(u64, i64)>,
    order: VecDeque<(u64, i64)>,
    capacity: usize,
}

impl Recent {
    pub fn new(capacity: usize) -> Self {
        Self { seen: HashSet::new(), order: VecDeque::new(), capacity }
    }

    /// True the first time a line is offered.
    pub fn first_time(&mut self, e: &LogEvent) -> bool {
        let mut h = DefaultHasher::new();
        e.group.hash(&mut h);
        e.message.hash(&mut h);
        let key = (h.finish(), e.timestamp.millis());
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back(key);
        if self.order.len() > self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn ev(group: &str, ms: i64, msg: &str) -> LogEvent {
        LogEvent {
            timestamp: Timestamp(ms),
            ingestion_time: Timestamp(ms),
            group: group.into(),
            stream: "i-0aaaaaaaaaaaaaaa1".into(),
            event_id: String::new(),
            message: msg.into(),
        }
    }

    #[test]
    fn a_line_is_known_by_group_time_and_text_and_forgotten_past_capacity() {
        let mut r = Recent::new(2);
        assert!(r.first_time(&ev("a", 1, "x")));
        assert!(!r.first_time(&ev("a", 1, "x")), "the same line again");
        assert!(r.first_time(&ev("b", 1, "x")), "another group");
        assert!(r.first_time(&ev("a", 2, "x")), "another time; the first is forgotten");
        assert!(r.first_time(&ev("a", 1, "x")), "forgotten past capacity");
    }
}
