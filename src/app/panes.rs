//! The dashboard's panes, what can lie over them (help, details, prompts), and the list panes'
//! columns, sort, selections and filters.

use super::filter::Filter;

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
        /// The scopes where it was opened: their keys come first, and in the log view only
        /// they are listed.
        from: Vec<Scope>,
        /// What `/` typed: only keys and commands that mention it are listed.
        filter: String,
    },
    Instance(String),
    Activity(String),
    /// Every error the panes hold, in full: the status line has room for the first one only.
    Errors {
        scroll: u16,
    },
    /// Every reason jobs wait, with its evidence (Enter on the queue).
    Why {
        scroll: u16,
    },
    /// What the doctor finds of the stack's configuration (`C`, `:doctor`).
    Doctor {
        scroll: u16,
    },
    /// The stack's CloudFormation events, followed while it changes (`H`, `:events`).
    Events {
        scroll: u16,
    },
    /// What happened to the stack, newest first: the selected event, and how far back.
    Timeline {
        sel: usize,
        secs: i64,
    },
    /// The fleet view: every stack of every context, a line each (`0`, `:fleet`); the cursor
    /// is in `AppState::overview`. In the code, "fleet" alone is one stack's group and its
    /// instances (as `[refresh] fleet` is), so the view is named for its data, the overview.
    Overview,
}

impl Overlay {
    /// How far a window of text is scrolled; `None` for the windows with rows or a cursor.
    pub fn scroll_mut(&mut self) -> Option<&mut u16> {
        match self {
            Overlay::Help { scroll, .. }
            | Overlay::Errors { scroll }
            | Overlay::Why { scroll }
            | Overlay::Doctor { scroll }
            | Overlay::Events { scroll } => Some(scroll),
            _ => None,
        }
    }

    /// How far a window of text is scrolled (0 for the others).
    pub fn scroll(&self) -> u16 {
        match self {
            Overlay::Help { scroll, .. }
            | Overlay::Errors { scroll }
            | Overlay::Why { scroll }
            | Overlay::Doctor { scroll }
            | Overlay::Events { scroll } => *scroll,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter(Pane),
    /// The log view's filter.
    LogFilter,
    /// The log view's search.
    LogSearch,
    /// The help's filter.
    HelpFilter,
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
    /// Rows with a problem first, worst first, then by `column` (the default; a sort the
    /// operator picks turns it off, `:sort problems` back on).
    pub problems_first: bool,
}

impl Default for Sort {
    /// Problem rows first, then the youngest.
    fn default() -> Self {
        Self { column: InstanceColumn::Age, descending: false, problems_first: true }
    }
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

/// Where a binding applies. Lookups try the narrowest scope first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In every mode, even while typing.
    Always,
    Global,
    /// Any pane with rows (stacks, instances, activity).
    List,
    Instances,
    /// Help and detail windows.
    Overlay,
    /// The log view.
    Logs,
    /// The `/` and `:` prompts; other characters are typed.
    Prompt,
    /// A confirmation dialog; other characters are typed into it.
    Confirm,
    /// While a session is being opened.
    Opening,
    /// While another profile, region or context is being connected.
    Switching,
    /// Quitting while an operator action runs.
    Leaving,
    /// The queue pane.
    Queue,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Always | Scope::Global => "Everywhere",
            Scope::List => "Lists (stacks, instances, activity)",
            Scope::Instances => "Instances",
            Scope::Overlay => "Help and details",
            Scope::Logs => "The log view",
            Scope::Prompt => "In the / and : prompts",
            Scope::Confirm => "Confirmation dialogs (they open on Cancel)",
            Scope::Opening => "While a session is being opened",
            Scope::Switching => "While another profile, region or context is being connected",
            Scope::Leaving => "Quitting while an action runs",
            Scope::Queue => "The queue",
        }
    }
}
