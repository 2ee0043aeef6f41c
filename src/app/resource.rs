//! What the dashboard reads (each resource, on its own interval) and what it keeps about each
//! read: the data, its age, whether a read is under way, the last error, and the back-off.

use crate::domain::{BackendError, Timestamp};

/// Something the dashboard reads from a backend, refreshed on its own interval.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    Stacks,
    Queue(String),
    History(String),
    Fleet(String),
    Activities(String),
    /// The scaler's log group, read back.
    Scaler(String),
    /// The incident timeline of the last so many seconds, read while it is shown.
    Timeline(String, i64),
    /// Every stack of the `n`-th context, a line each, read while the fleet view shows.
    Context(usize),
    /// The retention of the stack's log groups (the instances' shared ones and its scaler's),
    /// for `bkops doctor`'s checks: they rarely change, so they are read every 10 minutes.
    LogGroups(String),
    /// The boots of the stack's instances launched in the last `BOOTS_WINDOW_SECS`: their
    /// milestones from their own lines (`bkops boot`'s read).
    Boots(String),
    /// The stack's CloudFormation events of the last `EVENTS_WINDOW_SECS`, read while their
    /// window shows: every `EVENTS_SECS` while the stack changes, once while it is stable.
    StackEvents(String),
    /// The latest published release (`[updates]`): its source reads the template at most
    /// once a day and keeps it; the dashboard asks it hourly.
    Latest,
}

/// Seconds between reads of a stack's log groups' retention.
pub const LOG_GROUPS_SECS: u32 = 600;

/// Seconds between reads of a stack's boots: a boot takes minutes.
pub const BOOTS_SECS: u32 = 60;

pub use crate::domain::boot::WINDOW_SECS as BOOTS_WINDOW_SECS;

/// Seconds between reads of the stack's events while it changes.
pub const EVENTS_SECS: u32 = 5;

/// How far back the events window reads.
pub const EVENTS_WINDOW_SECS: i64 = 24 * 3600;

/// A group whose read gives the answer it gave last time (and nothing on its way) is read this
/// many times less often, whatever its health; any change brings it back to its interval.
pub const SETTLED_FACTOR: i64 = 3;

/// One kind of read, with what scheduling it needs: a new kind of read is a `Resource`
/// variant, its row here, and its arm where it is fetched and where its answer is kept.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// How the operator hears of it (in errors and the log).
    pub label: &'static str,
    /// Seconds between reads, from the `[refresh]` intervals.
    pub interval: fn(&RefreshIntervals) -> u32,
    /// The read of a stack's panes: made while the stack is shown (and its panes are not
    /// covered), dropped when another is; `None` for reads of the account or of a window.
    pub of_stack: Option<fn(&str) -> Resource>,
    /// Read `SETTLED_FACTOR` times less often while its answer does not change.
    pub settles: bool,
}

static STACKS: Kind = Kind { label: "stacks", interval: |r| r.stacks, of_stack: None, settles: false };
static QUEUE: Kind = Kind {
    label: "queue",
    interval: |r| r.queue,
    of_stack: Some(|s| Resource::Queue(s.into())),
    settles: false,
};
static HISTORY: Kind = Kind {
    label: "queue history",
    interval: |r| r.history,
    of_stack: Some(|s| Resource::History(s.into())),
    settles: false,
};
static FLEET: Kind = Kind {
    label: "auto scaling group",
    interval: |r| r.fleet,
    of_stack: Some(|s| Resource::Fleet(s.into())),
    settles: true,
};
static ACTIVITIES: Kind = Kind {
    label: "scaling activity",
    interval: |r| r.activity,
    of_stack: Some(|s| Resource::Activities(s.into())),
    settles: true,
};
static SCALER: Kind = Kind {
    label: "scaler log",
    interval: |r| r.scaler,
    of_stack: Some(|s| Resource::Scaler(s.into())),
    settles: false,
};
static TIMELINE: Kind = Kind { label: "timeline", interval: |r| r.timeline, of_stack: None, settles: false };
static CONTEXT: Kind = Kind { label: "context", interval: |r| r.stacks, of_stack: None, settles: false };
static LOG_GROUPS: Kind = Kind {
    label: "log groups",
    interval: |_| LOG_GROUPS_SECS,
    of_stack: Some(|s| Resource::LogGroups(s.into())),
    settles: false,
};

static BOOTS: Kind = Kind {
    label: "boots",
    interval: |_| BOOTS_SECS,
    of_stack: Some(|s| Resource::Boots(s.into())),
    settles: false,
};

static LATEST: Kind = Kind { label: "latest release", interval: |_| 3600, of_stack: None, settles: false };
static STACK_EVENTS: Kind =
    Kind { label: "stack events", interval: |_| EVENTS_SECS, of_stack: None, settles: false };

/// Every kind of read, in one table.
pub static KINDS: [&Kind; 12] = [
    &STACKS,
    &QUEUE,
    &HISTORY,
    &FLEET,
    &ACTIVITIES,
    &SCALER,
    &TIMELINE,
    &CONTEXT,
    &LOG_GROUPS,
    &BOOTS,
    &STACK_EVENTS,
    &LATEST,
];

impl Resource {
    /// Its row in `KINDS`.
    pub fn kind(&self) -> &'static Kind {
        match self {
            Resource::Stacks => &STACKS,
            Resource::Queue(_) => &QUEUE,
            Resource::History(_) => &HISTORY,
            Resource::Fleet(_) => &FLEET,
            Resource::Activities(_) => &ACTIVITIES,
            Resource::Scaler(_) => &SCALER,
            Resource::Timeline(..) => &TIMELINE,
            Resource::Context(_) => &CONTEXT,
            Resource::LogGroups(_) => &LOG_GROUPS,
            Resource::Boots(_) => &BOOTS,
            Resource::StackEvents(_) => &STACK_EVENTS,
            Resource::Latest => &LATEST,
        }
    }

    /// The stack it is read for, if it is read for one.
    pub fn stack(&self) -> Option<&str> {
        match self {
            Resource::Stacks | Resource::Context(_) | Resource::Latest => None,
            Resource::Queue(s)
            | Resource::History(s)
            | Resource::Fleet(s)
            | Resource::Activities(s)
            | Resource::Scaler(s)
            | Resource::Timeline(s, _)
            | Resource::LogGroups(s)
            | Resource::Boots(s)
            | Resource::StackEvents(s) => Some(s),
        }
    }

    pub fn label(&self) -> &'static str {
        self.kind().label
    }

    /// The reads of one stack's panes, in the table's order.
    pub fn of_stack(stack: &str) -> Vec<Resource> {
        KINDS.iter().filter_map(|k| k.of_stack).map(|make| make(stack)).collect()
    }
}

/// Seconds between refreshes of each resource (`[refresh]` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshIntervals {
    pub stacks: u32,
    pub queue: u32,
    pub history: u32,
    pub fleet: u32,
    pub activity: u32,
    /// The scaler's log: it runs once a minute.
    pub scaler: u32,
    /// The timeline, while it is shown: it reads several log groups.
    pub timeline: u32,
}

impl Default for RefreshIntervals {
    fn default() -> Self {
        Self { stacks: 60, queue: 5, history: 60, fleet: 5, activity: 10, scaler: 60, timeline: 30 }
    }
}

impl RefreshIntervals {
    pub fn of(&self, r: &Resource) -> i64 {
        i64::from((r.kind().interval)(self).max(1))
    }
}

/// A value read from a backend, with what the operator needs to trust it: its age, whether a
/// read is under way, and the last error (the last good data is kept through errors).
#[derive(Debug, Clone, PartialEq)]
pub struct Loadable<T> {
    pub data: Option<T>,
    pub fetched_at: Option<Timestamp>,
    pub error: Option<BackendError>,
    pub loading: bool,
    /// When the next refresh is due; later after errors (back-off).
    pub next_due: Option<Timestamp>,
    pub failures: u32,
}

impl<T> Default for Loadable<T> {
    fn default() -> Self {
        Self { data: None, fetched_at: None, error: None, loading: false, next_due: None, failures: 0 }
    }
}

/// The bookkeeping every read resource has whatever its data: `update` schedules, starts and
/// fails them all alike.
pub trait Tracked {
    fn is_due(&self, now: Timestamp) -> bool;
    /// A read is under way.
    fn start(&mut self);
    /// Read again at the next tick (`r`, after an action).
    fn make_due(&mut self);
    /// The read failed: the last good data is kept, and the next read backs off.
    fn fail(&mut self, err: BackendError, at: Timestamp, interval: i64);
}

impl<T> Tracked for Loadable<T> {
    fn is_due(&self, now: Timestamp) -> bool {
        !self.loading && self.next_due.is_none_or(|t| t <= now)
    }

    fn start(&mut self) {
        self.loading = true;
    }

    fn make_due(&mut self) {
        self.next_due = None;
    }

    fn fail(&mut self, err: BackendError, at: Timestamp, interval: i64) {
        self.set(Err(err), at, interval);
    }
}

impl<T> Loadable<T> {
    pub fn is_due(&self, now: Timestamp) -> bool {
        Tracked::is_due(self, now)
    }

    pub fn set(&mut self, result: Result<T, BackendError>, at: Timestamp, interval: i64) {
        self.loading = false;
        match result {
            Ok(data) => {
                self.data = Some(data);
                self.fetched_at = Some(at);
                self.error = None;
                self.failures = 0;
                self.next_due = Some(at.plus_secs(interval));
            }
            Err(err) => {
                self.failures += 1;
                // Back off: the interval doubled per failure up to 2 minutes, or what AWS asked.
                let backoff = (interval << self.failures.min(5)).min(120);
                let wait = match &err {
                    BackendError::Throttled { retry_after, .. } => {
                        (retry_after.as_secs() as i64).max(backoff)
                    }
                    _ => backoff,
                };
                // Jitter of up to a quarter, so that panes throttled together do not retry
                // together; taken from the clock's milliseconds to keep `update` pure.
                let jitter_ms = wait * 1000 * at.millis().rem_euclid(1000) / 4000;
                self.next_due = Some(Timestamp(at.plus_secs(wait).millis() + jitter_ms));
                self.error = Some(err);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_resource() -> Vec<Resource> {
        let mut all = vec![
            Resource::Stacks,
            Resource::Context(0),
            Resource::Timeline("ci".into(), 3600),
            Resource::StackEvents("ci".into()),
            Resource::Latest,
        ];
        all.extend(Resource::of_stack("ci"));
        all
    }

    #[test]
    fn every_kind_of_read_has_its_own_row_and_the_table_holds_them_all() {
        let labels: Vec<&str> = every_resource().iter().map(|r| r.label()).collect();
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");
        assert_eq!(KINDS.len(), labels.len());
        for r in every_resource() {
            assert!(KINDS.iter().any(|k| std::ptr::eq(*k, r.kind())), "{r:?} has no row in KINDS");
        }
    }

    #[test]
    fn a_stacks_panes_read_each_of_its_resources_for_it_and_only_the_group_settles() {
        let reads = Resource::of_stack("ci-linux");
        let names: Vec<String> = reads.iter().map(|r| format!("{r:?}")).collect();
        assert_eq!(
            names,
            [
                "Queue(\"ci-linux\")",
                "History(\"ci-linux\")",
                "Fleet(\"ci-linux\")",
                "Activities(\"ci-linux\")",
                "Scaler(\"ci-linux\")",
                "LogGroups(\"ci-linux\")",
                "Boots(\"ci-linux\")"
            ]
        );
        let settling: Vec<&str> =
            every_resource().iter().filter(|r| r.kind().settles).map(|r| r.label()).collect();
        assert_eq!(settling, ["auto scaling group", "scaling activity"]);
    }

    #[test]
    fn each_read_is_made_at_its_own_configured_interval() {
        let refresh = RefreshIntervals {
            stacks: 1,
            queue: 2,
            history: 3,
            fleet: 4,
            activity: 5,
            scaler: 6,
            timeline: 7,
        };
        let of = |r: Resource| refresh.of(&r);
        let s = || "ci".to_string();
        assert_eq!(
            [
                of(Resource::Stacks),
                of(Resource::Queue(s())),
                of(Resource::History(s())),
                of(Resource::Fleet(s())),
                of(Resource::Activities(s())),
                of(Resource::Scaler(s())),
                of(Resource::Timeline(s(), 60)),
                of(Resource::Context(2)),
                of(Resource::LogGroups(s())),
                of(Resource::Boots(s())),
            ],
            [1, 2, 3, 4, 5, 6, 7, 1, 600, 60]
        );
        // A zero in the config file is read as once a second, not a busy loop.
        assert_eq!(RefreshIntervals { queue: 0, ..refresh }.of(&Resource::Queue(s())), 1);
    }
}
