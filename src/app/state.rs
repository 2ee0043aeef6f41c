//! The dashboard's whole state: what was read, what is on screen, and what the operator chose.

use super::filter::Filter;
use super::panes::{InstanceColumn, Lists, Overlay, Pane, Prompt, Scope, Sort};
use super::resource::{Loadable, RefreshIntervals, Resource, Tracked};
use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

/// What the findings are worked out from: the stack, how many answers had been read, and the
/// moment (the checks count a day back from it).
pub type FindingsKey = (Option<String>, u64, Timestamp);

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
    /// Started with `--read-only` (or `read_only = true`): shown on the status bar and in
    /// every confirmation; the code that calls AWS refuses the writes.
    pub read_only: bool,
    /// The zone the dashboard's times are shown in: the operator's own, or UTC (`--utc`,
    /// `time = "utc"`). Named once on the status bar.
    pub zone: jiff::tz::TimeZone,
    /// The keys in effect: the built-in keymap with the config file's `[keys]`.
    pub keymap: std::sync::Arc<super::rebind::Keymap>,
    /// `[[theme_rules]]`: a theme by profile, region, account or stack.
    pub theme_rules: Vec<super::theme_rules::ThemeRule>,
    /// The theme when no rule matches (`--theme` or the config file's), and the one the rules
    /// last asked for.
    pub base_theme: String,
    pub theme_asked: String,
    /// A few of the focused pane's keys on the status bar (`hints = false` turns them off).
    pub hints: bool,
    /// Every context is read in the background (each minute) for the incidents of stacks not
    /// on screen (`[watch] dashboard`, on unless turned off).
    pub incidents: bool,
    /// The terminal's bell rings when one opens (`[watch] bell`).
    pub bell: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh: RefreshIntervals::default(),
            theme: "dark".into(),
            sort: Sort::default(),
            log_capacity: super::logview::DEFAULT_CAPACITY,
            log_live: false,
            profiles: Vec::new(),
            aws: false,
            read_only: false,
            zone: jiff::tz::TimeZone::UTC,
            keymap: Default::default(),
            theme_rules: Vec::new(),
            base_theme: "dark".into(),
            theme_asked: "dark".into(),
            hints: true,
            incidents: false,
            bell: false,
        }
    }
}

/// How long a status-bar message stays, in milliseconds of the operator's clock.
const FLASH_MS: i64 = 5_000;

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub is_error: bool,
    pub until: Timestamp,
}

/// What the instance rows were worked out from: the group as read (when, and which list),
/// the disk figures added to it since, the filter, the sort, and (with a filter, whose AGE
/// cells move) the second. While it stays the same, the rows are not worked out again (`shown::instances`): a
/// frame, a key and a tick within one second share them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsKey {
    pub fetched: Option<Timestamp>,
    pub list: usize,
    pub len: usize,
    pub disk_epoch: u64,
    pub filter: Option<String>,
    pub column: InstanceColumn,
    pub descending: bool,
    pub problems_first: bool,
    pub second: Option<i64>,
}

/// Everything read for the stack on screen. It goes as one: leaving a stack is
/// `StackReads::default()`, so a new read cannot be left behind showing the old stack.
#[derive(Debug, Clone, Default)]
pub struct StackReads {
    pub queue: Loadable<QueueMetrics>,
    pub history: Loadable<Vec<QueueSample>>,
    pub fleet: Loadable<Fleet>,
    pub activities: Loadable<Vec<ScalingActivity>>,
    /// What the scaler wrote in the last minutes.
    pub scaler: Loadable<crate::domain::scaler_log::ScalerRead>,
    /// The incident timeline, read while `T` shows it.
    pub timeline: Loadable<crate::analysis::timeline::Timeline>,
    /// The retention of the stack's log groups, for the doctor's checks.
    pub log_groups: Loadable<Vec<crate::domain::groups::LogGroup>>,
    /// The boots of the stack's instances launched in the last hours.
    pub boots: Loadable<Vec<crate::domain::boot::Boot>>,
    /// The stack's CloudFormation events, read while their window shows.
    pub events: Loadable<Vec<crate::domain::StackEvent>>,
}

impl StackReads {
    pub fn all_tracked_mut(&mut self) -> [&mut dyn Tracked; 9] {
        [
            &mut self.events,
            &mut self.boots,
            &mut self.log_groups,
            &mut self.queue,
            &mut self.history,
            &mut self.fleet,
            &mut self.activities,
            &mut self.scaler,
            &mut self.timeline,
        ]
    }
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
    /// The latest published release; `None` inside when the operator turned the check off.
    pub latest: Loadable<Option<String>>,
    /// The stack the panes show.
    pub stack: Option<String>,
    /// `--stack`, checked once the stacks are known.
    pub wanted_stack: Option<String>,
    /// What is being connected (another profile, region or context), while it is: the
    /// dashboard stays live, and Esc cancels it.
    pub switching: Option<String>,
    /// What was read for the stack on screen: dropped whole when another is shown.
    pub reads: StackReads,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    pub prompt: Option<Prompt>,
    /// An operator action waiting for the operator's yes.
    pub confirm: Option<super::confirm::Confirm>,
    /// Instances marked (Space) for an action on several at once.
    pub marked: std::collections::BTreeSet<String>,
    /// Live disk checks (`D`): percent used of each instance's fullest disk.
    pub disk_checks: std::collections::HashMap<String, u8>,
    /// Counts the disk figures written into the group's rows as they are (which changes them
    /// without a new read): part of what the shown rows are kept by.
    pub disk_epoch: u64,
    /// The instance rows as last worked out, and from what (see `shown::instances`).
    pub rows: std::cell::RefCell<Option<(RowsKey, Vec<usize>)>>,
    /// How many findings the stacks pane shows, worked out once per second and per read: a
    /// frame is drawn up to 30 times a second, and the checks read every activity.
    pub findings_count: std::cell::RefCell<Option<(FindingsKey, usize)>>,
    /// Answers of reads handled so far: what was read has changed when it has.
    pub answers: u64,
    pub lists: Lists,
    pub flash: Option<Flash>,
    /// The focused pane has the whole screen (`z`).
    pub zoom: bool,
    /// What Tab found for the command line when more than one thing fits, shown after it.
    pub completions: Vec<String>,
    /// What the operator's own clock said when the message being handled came (`update_at`).
    /// Screen timers (messages, the Ctrl-C window) run on it: `now` is the data's time, which
    /// in a sped-up demo runs faster than the operator reads.
    pub wall: Timestamp,
    /// When Ctrl-C was first pressed (on the operator's clock): a second press soon after quits.
    pub interrupt_at: Option<Timestamp>,
    /// The log view, when open: it takes the screen above the status bar.
    pub logs: Option<super::logview::LogView>,
    /// Every stack of every context (the fleet view), kept across switches of context.
    pub overview: super::overview::Overview,
    /// The instance a session is being opened on (the checks and StartSession), until it
    /// starts, fails or is cancelled.
    pub opening_shell: Option<String>,
    pub dirty: bool,
    /// The operator action under way (its title), from the moment it is confirmed until it
    /// reports: quitting then asks whether to let it finish or abandon it.
    pub writing: Option<String>,
    /// Whether, and how, the dashboard is ending.
    pub exit: super::exit::Exit,
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
            latest: Loadable::default(),
            stack: None,
            wanted_stack: None,
            switching: None,
            reads: StackReads::default(),
            focus: Pane::Instances,
            overlay: None,
            prompt: None,
            confirm: None,
            marked: Default::default(),
            disk_checks: Default::default(),
            disk_epoch: 0,
            rows: Default::default(),
            findings_count: Default::default(),
            answers: 0,
            lists: Lists::default(),
            flash: None,
            wall: now,
            completions: Vec::new(),
            zoom: false,
            interrupt_at: None,
            logs: None,
            overview: super::overview::Overview::new(Vec::new(), None),
            opening_shell: None,
            dirty: true,
            writing: None,
            exit: Default::default(),
        }
    }

    /// Whether the panes are out of sight: under the log view or a full-screen window (the
    /// timeline, the help). They are not read then. A stack not chosen yet is still read (the
    /// first screen waits for it).
    pub fn panes_covered(&self) -> bool {
        use super::panes::Overlay;
        self.stack.is_some()
            && (self.logs.is_some()
                || matches!(
                    self.overlay,
                    Some(Overlay::Timeline { .. } | Overlay::Help { .. } | Overlay::Overview)
                ))
    }

    /// An activity of the stack on screen, by its ID.
    pub fn activity(&self, id: &str) -> Option<&ScalingActivity> {
        self.reads.activities.data.as_ref()?.iter().find(|a| a.id == id)
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
            Resource::Context(n) => {
                let reads = &mut self.overview.reads;
                if *n >= reads.len() {
                    reads.resize_with(n + 1, Default::default);
                }
                &mut reads[*n]
            }
            Resource::Queue(_) => &mut self.reads.queue,
            Resource::History(_) => &mut self.reads.history,
            Resource::Fleet(_) => &mut self.reads.fleet,
            Resource::Activities(_) => &mut self.reads.activities,
            Resource::Scaler(_) => &mut self.reads.scaler,
            Resource::Timeline(..) => &mut self.reads.timeline,
            Resource::LogGroups(_) => &mut self.reads.log_groups,
            Resource::Boots(_) => &mut self.reads.boots,
            Resource::StackEvents(_) => &mut self.reads.events,
            Resource::Latest => &mut self.latest,
        }
    }

    /// Every read's bookkeeping: the account's, the stack's and each context's.
    pub fn all_tracked_mut(&mut self) -> Vec<&mut dyn Tracked> {
        let mut all: Vec<&mut dyn Tracked> = vec![&mut self.stacks, &mut self.latest];
        all.extend(self.reads.all_tracked_mut());
        all.extend(self.overview.reads.iter_mut().map(|r| r as &mut dyn Tracked));
        all
    }

    /// The keymap's scopes in force now, as the dispatch tries them: `Always`, then the
    /// narrowest first.
    pub fn scopes(&self) -> Vec<Scope> {
        if self.exit.is_asking() {
            return vec![Scope::Always, Scope::Leaving];
        }
        if self.confirm.is_some() {
            return vec![Scope::Always, Scope::Confirm];
        }
        if self.prompt.is_some() {
            return vec![Scope::Always, Scope::Prompt];
        }
        if self.overlay.is_some() {
            return vec![Scope::Always, Scope::Overlay];
        }
        if self.logs.is_some() {
            return vec![Scope::Always, Scope::Logs];
        }
        let mut s = vec![Scope::Always];
        if self.opening_shell.is_some() {
            s.push(Scope::Opening);
        }
        if self.switching.is_some() {
            s.push(Scope::Switching);
        }
        if self.focus == Pane::Instances {
            s.push(Scope::Instances);
        }
        if self.focus == Pane::Queue {
            s.push(Scope::Queue);
        }
        if self.focus.is_list() {
            s.push(Scope::List);
        }
        s.push(Scope::Global);
        s
    }

    /// The log view's rows: the screen less its border and the status line.
    pub fn log_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(3)).max(1)
    }

    /// Says something in the status bar for a few seconds.
    pub fn flash(&mut self, text: impl Into<String>, is_error: bool) {
        self.flash_for(text, is_error, FLASH_MS);
    }

    /// Says something in the status bar for `ms` milliseconds of the operator's clock.
    pub fn flash_for(&mut self, text: impl Into<String>, is_error: bool, ms: i64) {
        self.flash = Some(Flash { text: text.into(), is_error, until: Timestamp(self.wall.millis() + ms) });
    }

    /// Quits, unless an operator action is under way: then asks whether to let it finish or
    /// to abandon it, since quitting between two of its calls would leave the stack
    /// half-changed. Asked again even after "let it finish".
    pub fn quit_or_ask(&mut self) {
        self.exit = self.exit.asked(self.writing.is_some());
    }

    /// The oldest successful read among the live panes of the stack on screen (queue, group,
    /// activity), for "data Ns old".
    pub fn data_age_secs(&self) -> Option<i64> {
        let times =
            [self.reads.queue.fetched_at, self.reads.fleet.fetched_at, self.reads.activities.fetched_at];
        let oldest = times.into_iter().flatten().min()?;
        Some(self.now.secs_since(oldest))
    }

    /// Every error the panes hold now, with what was being read and when it last worked.
    pub fn errors(&self) -> Vec<(&'static str, String, Option<Timestamp>)> {
        let mut out: Vec<(&'static str, String, Option<Timestamp>)> = [
            ("stacks", self.stacks.error.as_ref(), self.stacks.fetched_at),
            ("queue", self.reads.queue.error.as_ref(), self.reads.queue.fetched_at),
            ("queue history", self.reads.history.error.as_ref(), self.reads.history.fetched_at),
            ("auto scaling group", self.reads.fleet.error.as_ref(), self.reads.fleet.fetched_at),
            ("scaling activity", self.reads.activities.error.as_ref(), self.reads.activities.fetched_at),
            ("scaler log", self.reads.scaler.error.as_ref(), self.reads.scaler.fetched_at),
        ]
        .into_iter()
        .filter_map(|(what, e, at)| e.map(|e| (what, e.to_string(), at)))
        .collect();
        if let Some(e) = self.reads.fleet.data.as_ref().and_then(|f| f.agents_error.clone()) {
            out.push(("agents", e, None));
        }
        out
    }

    /// The first error among the resources, with what it was reading, for the status line.
    pub fn last_error(&self) -> Option<(&'static str, String)> {
        self.errors().into_iter().next().map(|(what, e, _)| (what, e))
    }
}
