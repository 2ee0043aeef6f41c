//! The DISK column on AWS: the stack publishes no disk metric, so the signal is read from the
//! disk check's own lines in `/buildkite/elastic-stack` (the same lines the demo writes), for
//! all of a group's instances in one FilterLogEvents call, at most once a minute.

use std::collections::HashMap;
use std::time::Duration;

use super::LiveBackend;
use crate::backend::{FilterQuery, LogSource};
use crate::domain::log_signals as signals;
use crate::domain::{DiskSignal, Fleet, groups};

const TTL: Duration = Duration::from_secs(60);
/// The hourly check's lines, with room for one missed run.
const LOOK_BACK_SECS: i64 = 2 * 3600;
/// FilterLogEvents takes at most 100 stream names.
const STREAMS_PER_CALL: usize = 100;

/// What an instance's elastic-stack lines say: its disk, and whether its bootstrap failed.
pub type Signals = HashMap<String, (DiskSignal, bool)>;

impl LiveBackend {
    async fn read_disk_signals(&self, instances: &[String]) -> Signals {
        let now = crate::clock::Clock::System.now();
        let mut lines: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for chunk in instances.chunks(STREAMS_PER_CALL) {
            let mut q = FilterQuery {
                group: groups::ELASTIC_STACK.to_string(),
                streams: chunk.to_vec(),
                start: Some(now.plus_secs(-LOOK_BACK_SECS)),
                ..FilterQuery::default()
            };
            // Only the disk check's lines matter; the rest is skipped cheaply by classifying.
            loop {
                let Ok(page) = self.filter_log_events(&q).await else { break };
                for e in page.events {
                    if signals::disk_line(&e.message).is_some() || signals::is_boot_failure(&e.message) {
                        lines.entry(e.stream).or_default().push((e.timestamp.millis(), e.message));
                    }
                }
                match page.next_token {
                    Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
                    _ => break,
                }
            }
        }
        lines
            .into_iter()
            .map(|(stream, mut l)| {
                l.sort();
                let disk = signals::disk_signal(l.iter().map(|(_, m)| m.as_str()));
                let boot = l.iter().any(|(_, m)| signals::is_boot_failure(m));
                (stream, (disk, boot))
            })
            .collect()
    }

    pub(super) async fn join_disk(&self, asg: &str, fleet: &mut Fleet) {
        let signals = match self.groups.disk.fresh(&asg.to_string(), TTL) {
            Some(s) => s,
            None => {
                let ids: Vec<String> = fleet.instances.iter().map(|i| i.id.clone()).collect();
                let s = self.read_disk_signals(&ids).await;
                self.groups.disk.put(asg.to_string(), s.clone());
                s
            }
        };
        for i in &mut fleet.instances {
            let (disk, boot) = signals.get(&i.id).copied().unwrap_or((DiskSignal::Unknown, false));
            i.disk = disk;
            i.boot_failed = boot;
        }
    }
}
