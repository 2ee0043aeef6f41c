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
}

/// Seconds between reads of a stack's log groups' retention.
pub const LOG_GROUPS_SECS: u32 = 600;

impl Resource {
    pub fn stack(&self) -> Option<&str> {
        match self {
            Resource::Stacks | Resource::Context(_) => None,
            Resource::Queue(s)
            | Resource::History(s)
            | Resource::Fleet(s)
            | Resource::Activities(s)
            | Resource::Scaler(s)
            | Resource::Timeline(s, _)
            | Resource::LogGroups(s) => Some(s),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Resource::Stacks => "stacks",
            Resource::Queue(_) => "queue",
            Resource::History(_) => "queue history",
            Resource::Fleet(_) => "auto scaling group",
            Resource::Activities(_) => "scaling activity",
            Resource::Scaler(_) => "scaler log",
            Resource::Timeline(..) => "timeline",
            Resource::Context(_) => "context",
            Resource::LogGroups(_) => "log groups",
        }
    }

    /// The resources one stack's panes read.
    pub fn of_stack(stack: &str) -> [Resource; 5] {
        [
            Resource::Queue(stack.to_string()),
            Resource::History(stack.to_string()),
            Resource::Fleet(stack.to_string()),
            Resource::Activities(stack.to_string()),
            Resource::Scaler(stack.to_string()),
        ]
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

/// A group whose read gives the answer it gave last time (and nothing on its way) is read this
/// many times less often, whatever its health; any change brings it back to its interval.
pub const SETTLED_FACTOR: i64 = 3;

impl RefreshIntervals {
    pub fn of(&self, r: &Resource) -> i64 {
        i64::from(
            match r {
                Resource::Stacks | Resource::Context(_) => self.stacks,
                Resource::Queue(_) => self.queue,
                Resource::History(_) => self.history,
                Resource::Fleet(_) => self.fleet,
                Resource::Activities(_) => self.activity,
                Resource::Scaler(_) => self.scaler,
                Resource::Timeline(..) => self.timeline,
                Resource::LogGroups(_) => LOG_GROUPS_SECS,
            }
            .max(1),
        )
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
