use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::backend::{FilterQuery, LogPage};
use crate::domain::{ActivityStatus, BackendError, LogEvent, ScalingActivity};

const T0: i64 = 1_796_000_000;
const I1: &str = "i-0a1b2c3d4e5f60001";
const I2: &str = "i-0a1b2c3d4e5f60002";

/// A log source that serves lines per (group, instance) and records what it was asked.
#[derive(Default)]
struct Lines {
    lines: Vec<(&'static str, &'static str, i64, &'static str)>,
    asked: Mutex<Vec<FilterQuery>>,
}

#[async_trait]
impl LogSource for Lines {
    async fn filter_log_events(&self, q: &FilterQuery) -> Result<LogPage, BackendError> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(q.clone());
        }
        let events = self
            .lines
            .iter()
            .filter(|(g, i, at, _)| {
                *g == q.group
                    && q.streams.iter().any(|s| s == i)
                    && q.start.is_none_or(|s| Timestamp::from_secs(T0 + at) >= s)
            })
            .map(|&(g, i, at, m)| LogEvent {
                timestamp: Timestamp::from_secs(T0 + at),
                ingestion_time: Timestamp::from_secs(T0 + at),
                group: g.into(),
                stream: i.into(),
                event_id: format!("{i}{at}"),
                message: m.into(),
            })
            .collect();
        Ok(LogPage { events, next_token: None })
    }
}

impl Lines {
    fn asked(&self) -> Vec<FilterQuery> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

fn launched(instance: &str, at: i64) -> ScalingActivity {
    ScalingActivity {
        id: format!("a-{instance}"),
        description: format!("Launching a new EC2 instance: {instance}"),
        cause: "an instance was started in response to a difference between desired and actual capacity"
            .into(),
        status: ActivityStatus::Successful,
        status_message: None,
        start: Timestamp::from_secs(T0 + at),
        end: None,
    }
}

const REGISTERED: &str =
    "2026-12-07 16:31:40 INFO   Successfully registered agent \"ci-i-1\" with tags [queue=default]";
const STARTED: &str =
    "2026-12-07 16:31:44 INFO   ci-i-1 Starting job 0190a1 for build at https://buildkite.com/a/b/builds/7";

fn source() -> Lines {
    Lines {
        lines: vec![
            (groups::BUILDKITE_AGENT, I1, 60, REGISTERED),
            (groups::BUILDKITE_AGENT, I1, 70, STARTED),
            // i-2 has registered but not yet taken a job: its boot is not over.
            (groups::BUILDKITE_AGENT, I2, 400, REGISTERED),
        ],
        ..Lines::default()
    }
}

#[tokio::test]
async fn a_boot_that_is_over_is_kept_and_its_lines_are_never_read_again() {
    let logs = source();
    let activities = [launched(I1, 0), launched(I2, 300)];
    let since = Timestamp::from_secs(T0 - 3600);
    let known = Known::default();

    let first = of_activities(&logs, &activities, since, &known).await;
    assert_eq!(first.boots.len(), 2);
    assert_eq!(known.len(), 1, "i-1 ran its first job: its boot is over and kept");
    let asked = logs.asked();
    assert_eq!(asked.len(), GROUPS.len(), "one read per group for both instances");
    assert!(asked.iter().all(|q| q.streams == [I1, I2]));

    let second = of_activities(&logs, &activities, since, &known).await;
    assert_eq!(second, first, "the kept boot is the same boot");
    let again = &logs.asked()[GROUPS.len()..];
    assert_eq!(again.len(), GROUPS.len());
    assert!(again.iter().all(|q| q.streams == [I2]), "only the boot still going is read: {again:?}");
    // From its own launch (less the clocks' allowance), not from the window's start.
    assert!(again.iter().all(|q| q.start == Some(Timestamp::from_secs(T0 + 300 - 120))));
}

#[tokio::test]
async fn when_every_boot_is_over_no_line_is_read_and_boots_outside_the_window_are_forgotten() {
    let logs = Lines { lines: source().lines[..2].to_vec(), ..Lines::default() };
    let activities = [launched(I1, 0)];
    let known = Known::default();
    of_activities(&logs, &activities, Timestamp::from_secs(T0 - 60), &known).await;
    let before = logs.asked().len();
    let read = of_activities(&logs, &activities, Timestamp::from_secs(T0 - 60), &known).await;
    assert_eq!(read.boots.len(), 1);
    assert_eq!(logs.asked().len(), before, "no read of lines for a stack whose boots are over");

    // The window moves past its launch: it is no longer a boot of the window, nor kept.
    let later = of_activities(&logs, &activities, Timestamp::from_secs(T0 + 10), &known).await;
    assert!(later.boots.is_empty());
    assert!(known.is_empty());
}
