//! The simulated instances' CloudWatch log streams, and the lines written to them in the
//! stack's real formats (syslog for the agent and dockerd, plain script output for
//! elastic-stack, logrus for lifecycled).

use std::collections::{HashMap, VecDeque};

use crate::domain::{LogEvent, Timestamp};

/// Events kept per stream; older ones are dropped, as a retention policy would.
const STREAM_CAPACITY: usize = 2_000;

#[derive(Debug, Default)]
pub struct LogStore {
    streams: HashMap<(String, String), VecDeque<LogEvent>>,
    next_event: u64,
}

impl LogStore {
    pub fn put(&mut self, group: &str, stream: &str, at: Timestamp, message: impl Into<String>) {
        self.next_event += 1;
        // CloudWatch event IDs are long decimal strings that sort by time within a stream.
        let event_id = format!("{:020}{:016}", at.millis(), self.next_event);
        let events = self.streams.entry((group.to_string(), stream.to_string())).or_default();
        if events.len() == STREAM_CAPACITY {
            events.pop_front();
        }
        events.push_back(LogEvent {
            timestamp: at,
            // The CloudWatch agent ships a few seconds after the line is written.
            ingestion_time: at.plus_secs(3),
            group: group.to_string(),
            stream: stream.to_string(),
            event_id,
            message: message.into(),
        });
    }

    /// Drops what is older than `cutoff`, as a log group's retention does, and the streams left
    /// empty (those of instances long gone): the demo's memory stays flat however long it runs.
    pub fn expire(&mut self, cutoff: Timestamp) {
        self.streams.retain(|_, events| {
            while events.front().is_some_and(|e| e.timestamp < cutoff) {
                events.pop_front();
            }
            !events.is_empty()
        });
    }

    /// Every group's name, once each, in order.
    pub fn group_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.streams.keys().map(|(g, _)| g.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// The groups that exist (the CloudWatch agent creates one when it first ships to it).
    pub fn has_group(&self, group: &str) -> bool {
        self.streams.keys().any(|(g, _)| g == group)
    }

    pub fn events(&self, group: &str, stream: &str) -> impl Iterator<Item = &LogEvent> {
        self.streams
            .get(&(group.to_string(), stream.to_string()))
            .into_iter()
            .flat_map(|events| events.iter())
    }

    /// Every message of a group, stream by stream (for tests and searches across instances).
    pub fn all_messages(&self, group: &str) -> Vec<String> {
        self.streams
            .iter()
            .filter(|((g, _), _)| g == group)
            .flat_map(|(_, events)| events.iter().map(|e| e.message.clone()))
            .collect()
    }

    /// Every event of a group since `since`, oldest first (all its streams merged).
    pub fn group_since(&self, group: &str, since: Timestamp) -> Vec<&LogEvent> {
        let mut out: Vec<&LogEvent> = self
            .streams
            .iter()
            .filter(|((g, _), _)| g == group)
            .flat_map(|(_, events)| events.iter().filter(|e| e.timestamp >= since))
            .collect();
        out.sort_by(|a, b| (a.timestamp, &a.event_id).cmp(&(b.timestamp, &b.event_id)));
        out
    }

    pub fn messages<'a>(&'a self, group: &str, stream: &str) -> impl Iterator<Item = &'a str> {
        self.events(group, stream).map(|e| e.message.as_str())
    }
}

/// Formats of the lines written by the stack's programs.
pub mod line {
    use super::Timestamp;

    /// rsyslog's traditional format: the day padded with a space (`Dec  7 02:10:48`).
    fn syslog_time(at: Timestamp) -> String {
        jiff::Timestamp::from_second(at.secs())
            .map(|t| t.strftime("%b %e %H:%M:%S").to_string())
            .unwrap_or_default()
    }

    fn agent_time(at: Timestamp) -> String {
        jiff::Timestamp::from_second(at.secs())
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    }

    /// A buildkite-agent line as rsyslog writes it to `/var/log/buildkite-agent`.
    pub fn agent(at: Timestamp, host: &str, pid: u32, level: &str, text: &str) -> String {
        format!("{} {host} buildkite-agent[{pid}]: {} {level:<6} {text}", syslog_time(at), agent_time(at))
    }

    /// A dockerd line as rsyslog writes it to `/var/log/docker`.
    pub fn dockerd(at: Timestamp, host: &str, pid: u32, text: &str) -> String {
        let rfc = jiff::Timestamp::from_second(at.secs())
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
            .unwrap_or_default();
        format!("{} {host} dockerd[{pid}]: time=\"{rfc}\" level=info msg=\"{text}\"", syslog_time(at))
    }

    /// A lifecycled line (logrus text format).
    pub fn lifecycled(at: Timestamp, text: &str, fields: &str) -> String {
        format!("time=\"{}\" level=info msg=\"{text}\" {fields}", at.rfc3339())
    }

    /// A cloud-init log line.
    /// A stage's first line in cloud-init-output.log, with the seconds since the kernel started.
    pub fn cloud_init_stage(at: Timestamp, stage: &str, up_secs: i64) -> String {
        let stamp = jiff::Timestamp::from_second(at.secs())
            .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
            .unwrap_or_default();
        format!(
            "Cloud-init v. 22.2.2 running '{stage}' at {stamp}. Up {up_secs}.{:02} seconds.",
            up_secs * 7 % 100
        )
    }

    pub fn cloud_init(at: Timestamp, text: &str) -> String {
        let t = jiff::Timestamp::from_second(at.secs())
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S,000").to_string())
            .unwrap_or_default();
        format!("{t} - {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::groups;

    #[test]
    fn streams_are_bounded_and_ordered() {
        let mut store = LogStore::default();
        for n in 0..(STREAM_CAPACITY + 5) {
            store.put(groups::ELASTIC_STACK, "i-1", Timestamp::from_secs(n as i64), format!("{n}"));
        }
        let msgs: Vec<&str> = store.messages(groups::ELASTIC_STACK, "i-1").collect();
        assert_eq!(msgs.len(), STREAM_CAPACITY);
        assert_eq!(msgs[0], "5");
        assert_eq!(store.messages(groups::ELASTIC_STACK, "i-2").count(), 0);
    }

    #[test]
    fn agent_lines_look_like_syslog() {
        let l = line::agent(Timestamp::from_secs(1_795_000_000), "ip-10-0-1-7", 1234, "INFO", "hello");
        assert_eq!(l, "Nov 18 11:06:40 ip-10-0-1-7 buildkite-agent[1234]: 2026-11-18 11:06:40 INFO   hello");
        let l = line::agent(Timestamp::from_secs(1_796_609_448), "ip-10-0-1-4", 1875, "INFO", "hello");
        assert_eq!(l, "Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-07 02:10:48 INFO   hello");
    }

    #[test]
    fn expiry_drops_old_events_and_the_streams_left_empty() {
        let mut store = LogStore::default();
        let t = Timestamp(1_795_000_000_000);
        store.put("/g", "i-gone", t, "old");
        store.put("/g", "i-here", t, "old");
        store.put("/g", "i-here", t.plus_secs(100), "new");
        store.expire(t.plus_secs(50));
        assert_eq!(store.events("/g", "i-gone").count(), 0);
        assert_eq!(store.events("/g", "i-here").map(|e| e.message.as_str()).collect::<Vec<_>>(), ["new"]);
        assert_eq!(store.streams.len(), 1, "the empty stream is gone, not kept empty");
    }
}
