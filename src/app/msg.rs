use crossterm::event::{KeyEvent, MouseEvent};

use super::resource::Resource;
use crate::domain::BackendError;
use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackSummary, Timestamp};

/// Everything that can happen to the dashboard.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved; refreshes that are due are started.
    Tick(Timestamp),
    Loaded {
        resource: Resource,
        result: Result<Payload, BackendError>,
        at: Timestamp,
    },
    /// Lines for the open log view, in order.
    LogLines {
        instance: String,
        lines: Vec<crate::domain::LogEvent>,
    },
    /// Something the log view's reader wants said once (a missing group, a failed read).
    LogNotice {
        instance: String,
        text: String,
    },
    /// Text pasted into the terminal (bracketed paste): typed into the open prompt or the
    /// confirmation's field, and never a key press.
    Paste(String),
    /// The runtime now reads another AWS profile or region (the new backend's label).
    BackendChanged(String),
    /// The account the backend's credentials belong to (STS GetCallerIdentity), for the status
    /// bar: `--profile` names a profile, this names whose calls they are.
    Account {
        backend: String,
        account: String,
    },
    /// Something the runtime wants the operator to read (a theme that failed to load, a file saved).
    Notice {
        text: String,
        is_error: bool,
    },
    /// What an operator action's confirmation needs, read fresh.
    ActionReady(Result<super::confirm::Prepared, BackendError>),
    /// The action asked for has nothing to do (an update with no changes): why.
    ActionNotNeeded(String),
    /// A call of a confirmed action landed while the action goes on (an update's pause): what
    /// is shown is read again, so that the screen does not show the stack from before it.
    CallLanded,
    /// A confirmed action ended.
    ActionDone {
        text: String,
        ok: bool,
    },
    /// The instances' answers to a live disk check.
    DiskChecked(Result<Vec<crate::ops::DiskAnswer>, BackendError>),
    /// A session ended, or could not start: what the status line says.
    ShellEnded {
        text: String,
        is_error: bool,
    },
    /// SIGTERM, SIGHUP or the end of input: leave now.
    Shutdown,
    /// A signal asked bkops to stop (SIGTERM, SIGINT, SIGHUP, SIGQUIT): it quits now, and an
    /// action under way is abandoned with a record of where it stopped.
    Stopped(crate::stop::Stop),
    /// Another profile, region or context could not be connected: what was shown stays.
    SwitchFailed(String),
}

#[derive(Debug, Clone)]
pub enum Payload {
    Stacks(Vec<StackSummary>),
    Queue(QueueMetrics),
    History(Vec<QueueSample>),
    Fleet(Fleet),
    Activities(Vec<ScalingActivity>),
    Scaler(crate::domain::scaler_log::ScalerRead),
    Timeline(crate::analysis::timeline::Timeline),
    /// A context's stacks, a line each (the fleet view), and their incidents now (by
    /// `[watch]`'s thresholds), as `bkops watch` finds them.
    Context {
        lines: Vec<crate::analysis::overview::StackLine>,
        incidents: Vec<crate::domain::incident::Incident>,
    },
    LogGroups(Vec<crate::domain::groups::LogGroup>),
    /// The boots of the stack's instances launched in the last hours.
    Boots(Vec<crate::domain::boot::Boot>),
    /// The stack's CloudFormation events, newest first.
    StackEvents(Vec<crate::domain::StackEvent>),
    /// The latest published release (`None`: not checked).
    Latest(Option<String>),
}

/// Work `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read a resource; coalesced with one already in flight.
    Fetch(Resource),
    /// Read what an action's confirmation needs (the stack now, and who is calling).
    PrepareAction { stack: String, kind: super::confirm::ActionKind },
    /// Preview an update of the stack to the latest release: a change set made and read, for
    /// the confirmation (or a notice that it changes nothing).
    PrepareUpdate { stack: String },
    /// Run the live disk check on these instances (SSM Run Command).
    CheckDisk { stack: String, instances: Vec<String>, windows: bool },
    /// Open a session on the instance and hand it the terminal until the shell exits.
    OpenShell { instance: String },
    /// Stop opening the session: if it starts after all, it is terminated.
    CancelShell,
    /// Make a confirmed plan's calls.
    Apply { plan: crate::ops::Plan, ctx: crate::ops::CallContext },
    /// Stop reading a resource nobody looks at any more.
    Cancel(Resource),
    /// Load and apply another theme.
    SetTheme(String),
    /// Read an instance's log lines from these groups, and follow them.
    StartTail {
        instance: String,
        groups: Vec<String>,
        /// Read from this moment rather than the last hour (a timeline event's).
        from: Option<Timestamp>,
        /// Follow with Live Tail rather than polling (`[logs] live = true`).
        live: bool,
    },
    /// Stop reading logs.
    StopTail,
    /// Write these lines to a file named after the instance, in bkops' state directory.
    SaveLogs { instance: String, text: String },
    /// Read AWS with another profile and/or region.
    SwitchAws { profile: Option<String>, region: Option<String> },
    /// Show the `n`-th context of `[[contexts]]` (its own backends, kept between switches).
    SwitchContext(usize),
    /// Stop connecting: what is shown stays, and a connection that comes after is dropped.
    CancelSwitch,
    /// Ring the terminal's bell: an incident opened on a stack not on screen (`[watch] bell`).
    Bell,
}
