use super::filter::Filter;
use crate::domain::BackendError;
use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

/// Something the dashboard reads from a backend, refreshed on its own interval.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    Stacks,
    Queue(String),
    History(String),
    Fleet(String),
    Activities(String),
}

impl Resource {
    pub fn stack(&self) -> Option<&str> {
        match self {
            Resource::Stacks => None,
            Resource::Queue(s) | Resource::History(s) | Resource::Fleet(s) | Resource::Activities(s) => {
                Some(s)
            }
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Resource::Stacks => "stacks",
            Resource::Queue(_) => "queue",
            Resource::History(_) => "queue history",
            Resource::Fleet(_) => "auto scaling group",
            Resource::Activities(_) => "scaling activity",
        }
    }

    /// The resources one stack's panes read.
    pub fn of_stack(stack: &str) -> [Resource; 4] {
        [
            Resource::Queue(stack.to_string()),
            Resource::History(stack.to_string()),
            Resource::Fleet(stack.to_string()),
            Resource::Activities(stack.to_string()),
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
}

impl Default for RefreshIntervals {
    fn default() -> Self {
        Self { stacks: 30, queue: 5, history: 60, fleet: 5, activity: 10 }
    }
}

impl RefreshIntervals {
    pub fn of(&self, r: &Resource) -> i64 {
        i64::from(
            match r {
                Resource::Stacks => self.stacks,
                Resource::Queue(_) => self.queue,
                Resource::History(_) => self.history,
                Resource::Fleet(_) => self.fleet,
                Resource::Activities(_) => self.activity,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Stacks,
    Queue,
    Instances,
    Activity,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Stacks, Pane::Queue, Pane::Instances, Pane::Activity];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Stacks => "Stacks",
            Pane::Queue => "Queue",
            Pane::Instances => "Auto Scaling",
            Pane::Activity => "Activity",
        }
    }

    pub fn next(self) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ALL[(i + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ALL[(i + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }

    /// Panes whose rows can be filtered and selected.
    pub fn is_list(self) -> bool {
        self != Pane::Queue
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Instance(String),
    Activity(String),
    /// Every error the panes hold, in full: the status line has room for the first one only.
    Errors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter(Pane),
    /// The log view's filter.
    LogFilter,
    /// The log view's search.
    LogSearch,
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceColumn {
    Id,
    Lifecycle,
    Health,
    Type,
    Az,
    Age,
    Agent,
    Disk,
}

impl InstanceColumn {
    pub const ALL: [InstanceColumn; 8] = [
        InstanceColumn::Id,
        InstanceColumn::Lifecycle,
        InstanceColumn::Health,
        InstanceColumn::Type,
        InstanceColumn::Az,
        InstanceColumn::Age,
        InstanceColumn::Agent,
        InstanceColumn::Disk,
    ];

    pub fn header(self) -> &'static str {
        match self {
            InstanceColumn::Id => "INSTANCE",
            InstanceColumn::Lifecycle => "LIFECYCLE",
            InstanceColumn::Health => "HEALTH",
            InstanceColumn::Type => "TYPE",
            InstanceColumn::Az => "AZ",
            InstanceColumn::Age => "AGE",
            InstanceColumn::Agent => "AGENT",
            InstanceColumn::Disk => "DISK",
        }
    }

    pub fn parse(name: &str) -> Option<InstanceColumn> {
        let name = name.to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| {
            let h = c.header().to_ascii_lowercase();
            h == name
                || (name == "id" && *c == InstanceColumn::Id)
                || (name == "state" && *c == InstanceColumn::Lifecycle)
        })
    }

    pub fn next(self) -> InstanceColumn {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: InstanceColumn,
    pub descending: bool,
}

/// A list pane's selected row and filter.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub sel: usize,
    pub filter: Option<Filter>,
}

/// The three list panes.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub stacks: ListState,
    pub instances: ListState,
    pub activity: ListState,
}

impl Lists {
    pub fn of(&self, pane: Pane) -> Option<&ListState> {
        match pane {
            Pane::Stacks => Some(&self.stacks),
            Pane::Instances => Some(&self.instances),
            Pane::Activity => Some(&self.activity),
            Pane::Queue => None,
        }
    }

    pub fn of_mut(&mut self, pane: Pane) -> Option<&mut ListState> {
        match pane {
            Pane::Stacks => Some(&mut self.stacks),
            Pane::Instances => Some(&mut self.instances),
            Pane::Activity => Some(&mut self.activity),
            Pane::Queue => None,
        }
    }
}

/// What the operator chose for this run: kept when the backend changes (`:profile`,
/// `:region`), when everything read so far is dropped.
#[derive(Debug, Clone)]
pub struct Settings {
    pub refresh: RefreshIntervals,
    pub theme: String,
    pub sort: Sort,
    /// Lines a log view keeps.
    pub log_capacity: usize,
    /// Whether log views follow with Live Tail.
    pub log_live: bool,
    /// The AWS profiles on this machine, for completing `:profile`; empty in the demo.
    pub profiles: Vec<String>,
    /// Whether the backend is AWS (profile and region can be switched).
    pub aws: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh: RefreshIntervals::default(),
            theme: "dark".into(),
            sort: Sort { column: InstanceColumn::Age, descending: false },
            log_capacity: super::logview::DEFAULT_CAPACITY,
            log_live: false,
            profiles: Vec::new(),
            aws: false,
        }
    }
}

/// How long a status-bar message stays.
const FLASH_SECS: i64 = 5;

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub is_error: bool,
    pub until: Timestamp,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub backend: String,
    /// The AWS account the calls are made in, once known.
    pub account: Option<String>,
    pub now: Timestamp,
    pub size: (u16, u16),
    pub settings: Settings,
    pub stacks: Loadable<Vec<StackSummary>>,
    /// The stack the panes show.
    pub stack: Option<String>,
    /// `--stack`, checked once the stacks are known.
    pub wanted_stack: Option<String>,
    pub queue: Loadable<QueueMetrics>,
    pub history: Loadable<Vec<QueueSample>>,
    pub fleet: Loadable<Fleet>,
    pub activities: Loadable<Vec<ScalingActivity>>,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    pub prompt: Option<Prompt>,
    /// An operator action waiting for the operator's yes.
    pub confirm: Option<super::confirm::Confirm>,
    /// Instances marked (Space) for an action on several at once.
    pub marked: std::collections::BTreeSet<String>,
    /// Live disk checks (`D`): percent used of each instance's fullest disk.
    pub disk_checks: std::collections::HashMap<String, u8>,
    pub lists: Lists,
    pub flash: Option<Flash>,
    /// When Ctrl-C was first pressed: a second press soon after quits.
    pub interrupt_at: Option<Timestamp>,
    /// The log view, when open: it takes the screen above the status bar.
    pub logs: Option<super::logview::LogView>,
    /// The instance a session is being opened on (the checks and StartSession), until it
    /// starts, fails or is cancelled.
    pub opening_shell: Option<String>,
    pub dirty: bool,
    pub quit: bool,
    /// The operator action under way (its title), from the moment it is confirmed until it
    /// reports: quitting then asks whether to let it finish or abandon it.
    pub writing: Option<String>,
    /// The question "an action is running: finish it or abandon it?" is on screen.
    pub leaving: bool,
    /// Quit once the running action reports.
    pub quit_when_done: bool,
    /// Quit now and abandon the running action (recorded in the audit log).
    pub abandon: bool,
}

impl AppState {
    pub fn new(backend: impl Into<String>, now: Timestamp, size: (u16, u16)) -> Self {
        Self {
            backend: backend.into(),
            account: None,
            now,
            size,
            settings: Settings::default(),
            stacks: Loadable::default(),
            stack: None,
            wanted_stack: None,
            queue: Loadable::default(),
            history: Loadable::default(),
            fleet: Loadable::default(),
            activities: Loadable::default(),
            focus: Pane::Instances,
            overlay: None,
            prompt: None,
            confirm: None,
            marked: Default::default(),
            disk_checks: Default::default(),
            lists: Lists::default(),
            flash: None,
            interrupt_at: None,
            logs: None,
            opening_shell: None,
            dirty: true,
            quit: false,
            writing: None,
            leaving: false,
            quit_when_done: false,
            abandon: false,
        }
    }

    pub fn stack_summary(&self) -> Option<&StackSummary> {
        let name = self.stack.as_deref()?;
        self.stacks.data.as_ref()?.iter().find(|s| s.name == name)
    }

    pub fn filter_of(&self, pane: Pane) -> Option<&Filter> {
        self.lists.of(pane)?.filter.as_ref()
    }

    pub fn selection_mut(&mut self, pane: Pane) -> Option<&mut usize> {
        self.lists.of_mut(pane).map(|l| &mut l.sel)
    }

    /// The bookkeeping of one resource.
    pub fn tracked_mut(&mut self, r: &Resource) -> &mut dyn Tracked {
        match r {
            Resource::Stacks => &mut self.stacks,
            Resource::Queue(_) => &mut self.queue,
            Resource::History(_) => &mut self.history,
            Resource::Fleet(_) => &mut self.fleet,
            Resource::Activities(_) => &mut self.activities,
        }
    }

    pub fn all_tracked_mut(&mut self) -> [&mut dyn Tracked; 5] {
        [&mut self.stacks, &mut self.queue, &mut self.history, &mut self.fleet, &mut self.activities]
    }

    /// Says something in the status bar for a few seconds.
    pub fn flash(&mut self, text: impl Into<String>, is_error: bool) {
        self.flash = Some(Flash { text: text.into(), is_error, until: self.now.plus_secs(FLASH_SECS) });
    }

    /// Quits, unless an operator action is under way: then asks whether to let it finish or
    /// to abandon it, since quitting between two of its calls would leave the stack
    /// half-changed. Asked again even after "let it finish".
    pub fn quit_or_ask(&mut self) {
        if self.writing.is_some() {
            self.leaving = true;
            return;
        }
        self.quit = true;
    }

    /// The oldest successful read among the live panes of the stack on screen (queue, group,
    /// activity), for "data Ns old".
    pub fn data_age_secs(&self) -> Option<i64> {
        let times = [self.queue.fetched_at, self.fleet.fetched_at, self.activities.fetched_at];
        let oldest = times.into_iter().flatten().min()?;
        Some(self.now.secs_since(oldest))
    }

    /// Every error the panes hold now, with what was being read and when it last worked.
    pub fn errors(&self) -> Vec<(&'static str, String, Option<Timestamp>)> {
        let mut out: Vec<(&'static str, String, Option<Timestamp>)> = [
            ("stacks", self.stacks.error.as_ref(), self.stacks.fetched_at),
            ("queue", self.queue.error.as_ref(), self.queue.fetched_at),
            ("queue history", self.history.error.as_ref(), self.history.fetched_at),
            ("auto scaling group", self.fleet.error.as_ref(), self.fleet.fetched_at),
            ("scaling activity", self.activities.error.as_ref(), self.activities.fetched_at),
        ]
        .into_iter()
        .filter_map(|(what, e, at)| e.map(|e| (what, e.to_string(), at)))
        .collect();
        if let Some(e) = self.fleet.data.as_ref().and_then(|f| f.agents_error.clone()) {
            out.push(("agents", e, None));
        }
        out
    }

    /// The first error among the resources, with what it was reading, for the status line.
    pub fn last_error(&self) -> Option<(&'static str, String)> {
        self.errors().into_iter().next().map(|(what, e, _)| (what, e))
    }
}
