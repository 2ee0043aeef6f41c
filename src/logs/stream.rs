//! A range read that prints as it goes: each group is read a page at a time and the pages are
//! merged in time order, so the first line shows as soon as every group's first page is in, and
//! memory holds one page per group whatever the range (as `aws logs tail` prints page by page).

use std::collections::VecDeque;

use futures::future::join_all;

use super::engine::{Notice, TailSpec, order};
use crate::backend::{FilterQuery, LogSource};
use crate::domain::BackendError;
use crate::domain::LogEvent;

/// One group's pages, read on demand.
struct Pager {
    query: FilterQuery,
    buffered: VecDeque<LogEvent>,
    /// No more pages: the last one had no next token (or the group failed).
    done: bool,
}

impl Pager {
    fn needs_page(&self) -> bool {
        self.buffered.is_empty() && !self.done
    }

    async fn fetch(&mut self, src: &dyn LogSource) -> Result<(), BackendError> {
        let page = src.filter_log_events(&self.query).await?;
        let mut events = page.events;
        order(&mut events);
        self.buffered.extend(events);
        match page.next_token {
            Some(t) if Some(&t) != self.query.next_token.as_ref() => self.query.next_token = Some(t),
            _ => self.done = true,
        }
        Ok(())
    }
}

pub struct RangeStream {
    pagers: Vec<Pager>,
    notices: Vec<Notice>,
}

/// The merge order of `order`: time, then group, then event ID.
fn key(e: &LogEvent) -> (crate::domain::Timestamp, &str, &str) {
    (e.timestamp, e.group.as_str(), e.event_id.as_str())
}

impl RangeStream {
    pub fn new(spec: &TailSpec) -> Self {
        let pagers = spec
            .groups
            .iter()
            .map(|g| Pager {
                query: FilterQuery {
                    group: g.clone(),
                    streams: vec![spec.instance.clone()],
                    start: spec.start,
                    end: spec.end,
                    pattern: spec.pattern.clone(),
                    next_token: None,
                },
                buffered: VecDeque::new(),
                done: false,
            })
            .collect();
        Self { pagers, notices: Vec::new() }
    }

    /// The next lines in time order, or an empty batch at the end. Groups that need a page
    /// are read concurrently; a group that fails is reported once and left out.
    pub async fn next_batch(&mut self, src: &dyn LogSource) -> Vec<LogEvent> {
        let mut out = Vec::new();
        loop {
            let reads = self.pagers.iter_mut().filter(|p| p.needs_page()).map(|p| async move {
                let r = p.fetch(src).await;
                if r.is_err() {
                    p.done = true;
                }
                (p.query.group.clone(), r)
            });
            for (group, r) in join_all(reads).await {
                match r {
                    Ok(()) => {}
                    Err(BackendError::NotFound { .. }) => self.notices.push(Notice::MissingGroup(group)),
                    Err(error) => self.notices.push(Notice::Failed { group, error }),
                }
            }
            // Emit while every group still being read has a line to compare: the smallest
            // head is then the next line overall.
            while self.pagers.iter().all(|p| !p.needs_page()) {
                let Some(next) = self
                    .pagers
                    .iter_mut()
                    .filter(|p| !p.buffered.is_empty())
                    .min_by(|a, b| key(&a.buffered[0]).cmp(&key(&b.buffered[0])))
                else {
                    return out;
                };
                if let Some(e) = next.buffered.pop_front() {
                    out.push(e);
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
    }

    /// What happened to the groups so far (missing, failed).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::backend::LogPage;
    use crate::domain::Timestamp;

    /// Pages of `per_page` events per group, and a record of every request.
    struct Paged {
        groups: Vec<(String, Vec<i64>)>,
        per_page: usize,
        asked: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl LogSource for Paged {
        async fn filter_log_events(&self, q: &FilterQuery) -> Result<LogPage, BackendError> {
            self.asked.lock().unwrap().push(format!("{} {:?}", q.group, q.next_token));
            let Some((_, times)) = self.groups.iter().find(|(g, _)| *g == q.group) else {
                return Err(BackendError::NotFound { what: q.group.clone() });
            };
            let from: usize = q.next_token.as_deref().map_or(0, |t| t.parse().unwrap());
            let events = times
                .iter()
                .skip(from)
                .take(self.per_page)
                .map(|t| LogEvent {
                    timestamp: Timestamp(*t),
                    ingestion_time: Timestamp(*t),
                    group: q.group.clone(),
                    stream: "i-1".into(),
                    event_id: format!("{t:08}"),
                    message: format!("{} {t}", q.group),
                })
                .collect();
            let next = from + self.per_page;
            Ok(LogPage { events, next_token: (next < times.len()).then(|| next.to_string()) })
        }
    }

    #[tokio::test]
    async fn pages_are_merged_in_time_order_as_they_come() {
        let src = Paged {
            groups: vec![
                ("/a".into(), (0..10).map(|n| n * 2).collect()),
                ("/b".into(), (0..10).map(|n| n * 2 + 1).collect()),
            ],
            per_page: 3,
            asked: Mutex::default(),
        };
        let spec = TailSpec {
            instance: "i-1".into(),
            groups: vec!["/a".into(), "/b".into(), "/missing".into()],
            start: None,
            end: None,
            pattern: None,
        };
        let mut stream = RangeStream::new(&spec);
        let first = stream.next_batch(&src).await;
        assert!(
            !first.is_empty() && first.len() < 20,
            "the first lines before every page is read: {}",
            first.len()
        );
        assert_eq!(src.asked.lock().unwrap().len(), 3, "one page of each group so far");
        let mut all = first;
        loop {
            let b = stream.next_batch(&src).await;
            if b.is_empty() {
                break;
            }
            all.extend(b);
        }
        let times: Vec<i64> = all.iter().map(|e| e.timestamp.millis()).collect();
        assert_eq!(times, (0..20).collect::<Vec<_>>(), "every line once, in time order");
        assert_eq!(stream.notices(), [Notice::MissingGroup("/missing".into())]);
    }
}
