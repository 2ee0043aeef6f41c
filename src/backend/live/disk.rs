//! The DISK column on AWS: the stack publishes no disk metric, so the signal is read from the
//! disk check's own lines in `/buildkite/elastic-stack` (the same lines the demo writes), for
//! all of a group's instances in one FilterLogEvents call, at most once a minute.

use std::collections::HashMap;
use std::time::Duration;

use super::LiveBackend;
use crate::analysis::log_signals as signals;
use crate::backend::{FilterQuery, LogSource};
use crate::domain::{DiskSignal, Fleet, groups};

const TTL: Duration = Duration::from_secs(60);
/// The hourly check's lines, with room for one missed run.
const LOOK_BACK_SECS: i64 = 2 * 3600;
/// FilterLogEvents takes at most 100 stream names.
const STREAMS_PER_CALL: usize = 100;

/// What an instance's elastic-stack lines say: its disk, and whether its bootstrap failed.
/// What an instance's own lines say about it: its disk, whether its bootstrap failed, and
/// whether lifecycled received a Spot interruption notice.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstanceSignals {
    pub disk: Option<DiskSignal>,
    pub boot_failed: bool,
    pub spot_notice: bool,
}

pub type Signals = HashMap<String, InstanceSignals>;

impl LiveBackend {
    /// The lines of `group` that `keep` wants, per instance, oldest first: one call per 100
    /// instances (and per page), with the server filtering by `pattern` when given.
    async fn lines_of(
        &self,
        group: &str,
        pattern: Option<&str>,
        instances: &[String],
        keep: fn(&str) -> bool,
    ) -> HashMap<String, Vec<(i64, String)>> {
        let now = crate::clock::Clock::System.now();
        let mut lines: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for chunk in instances.chunks(STREAMS_PER_CALL) {
            let mut q = FilterQuery {
                group: group.to_string(),
                streams: chunk.to_vec(),
                start: Some(now.plus_secs(-LOOK_BACK_SECS)),
                pattern: pattern.map(str::to_string),
                ..FilterQuery::default()
            };
            loop {
                let Ok(page) = self.filter_log_events(&q).await else { break };
                for e in page.events.into_iter().filter(|e| keep(&e.message)) {
                    lines.entry(e.stream).or_default().push((e.timestamp.millis(), e.message));
                }
                match page.next_token {
                    Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
                    _ => break,
                }
            }
        }
        for l in lines.values_mut() {
            l.sort();
        }
        lines
    }

    /// The disk check's and the bootstrap's lines (elastic-stack), and for the instances that
    /// may be Spot the interruption notices (lifecycled, filtered by the server).
    pub(super) async fn read_disk_signals(&self, instances: &[String], on_spot: &[String]) -> Signals {
        let keep = |m: &str| signals::disk_line(m).is_some() || signals::is_boot_failure(m);
        let mut out = Signals::new();
        for (stream, l) in self.lines_of(groups::ELASTIC_STACK, None, instances, keep).await {
            let s = out.entry(stream).or_default();
            s.disk = Some(signals::disk_signal(l.iter().map(|(_, m)| m.as_str())));
            s.boot_failed = l.iter().any(|(_, m)| signals::is_boot_failure(m));
        }
        if !on_spot.is_empty() {
            let pattern = format!("\"{}\"", signals::SPOT_NOTICE);
            for (stream, _) in
                self.lines_of(groups::LIFECYCLED, Some(&pattern), on_spot, signals::is_spot_notice).await
            {
                out.entry(stream).or_default().spot_notice = true;
            }
        }
        out
    }

    pub(super) async fn join_disk(&self, asg: &str, fleet: &mut Fleet) {
        let signals = match self.groups.disk.fresh(&asg.to_string(), TTL) {
            Some(s) => s,
            None => {
                let ids: Vec<String> = fleet.instances.iter().map(|i| i.id.clone()).collect();
                let spot = fleet.instances.iter().any(|i| i.spot == Some(true));
                let s = self.read_disk_signals(&ids, if spot { &ids } else { &[] }).await;
                self.groups.disk.put(asg.to_string(), s.clone());
                s
            }
        };
        for i in &mut fleet.instances {
            let s = signals.get(&i.id).copied().unwrap_or_default();
            i.disk = s.disk.unwrap_or(DiskSignal::Unknown);
            i.boot_failed = s.boot_failed;
            i.spot_notice = s.spot_notice;
        }
    }
}
