//! The one keymap: `update` dispatches keys through it and the `?` help is generated from it,
//! so help can never drift from behaviour.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::panes::Pane;
pub use super::panes::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Interrupt,
    Help,
    NextPane,
    PrevPane,
    FocusPane(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Filter,
    Command,
    Refresh,
    SortNext,
    SortReverse,
    OpenLogs,
    CloseLogs,
    ToggleFollow,
    ToggleWrap,
    ToggleTimestamps,
    ToggleRaw,
    ToggleGroup,
    TogglePrettyJson,
    Search,
    NextMatch,
    PrevMatch,
    FirstError,
    SaveLogs,
    CloseOverlay,
    /// Every error the panes hold, in full.
    ShowErrors,
    ShowWhy,
    NextProblem,
    ToggleZoom,
    /// What happened to the stack, newest first.
    ShowTimeline,
    ShowFleet,
    ShowDoctor,
    ShowEvents,
    /// To the stack of the oldest incident the status bar says opened elsewhere.
    GoToIncident,
    PromptAccept,
    PromptCancel,
    PromptBackspace,
    PromptClear,
    PromptComplete,
    /// Pause the shown stack's scaling, or resume it.
    PauseResume,
    /// Update the shown stack to the latest release, from a change set's preview.
    UpdateStack,
    Mark,
    MarkFullDisk,
    Terminate,
    CheckDisk,
    /// A shell on the instance through Session Manager.
    OpenShell,
    CancelShell,
    /// Stop connecting another profile, region or context: the one shown stays.
    CancelSwitch,
    ConfirmCancel,
    ConfirmAccept,
    ConfirmOption,
    ConfirmLeft,
    ConfirmRight,
    ConfirmBackspace,
    ConfirmScrollUp,
    ConfirmScrollDown,
    ConfirmPageUp,
    ConfirmPageDown,
    /// Quitting while an action runs: let it finish, then quit.
    FinishThenQuit,
    /// Quitting while an action runs: abandon it now (audited) and quit.
    AbandonAndQuit,
    /// Quitting while an action runs: do not quit.
    StayHere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn ch(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::NONE }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}
const fn code(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    pub action: Action,
    pub desc: &'static str,
}

const fn bind(scope: Scope, keys: &'static [Key], action: Action, desc: &'static str) -> Binding {
    Binding { scope, keys, action, desc }
}

use Action as A;
use Scope as S;

pub static BINDINGS: &[Binding] = &[
    bind(S::Always, &[ctrl('c')], A::Interrupt, "Close what is open; press twice to quit"),
    bind(S::Global, &[ch('q')], A::Quit, "Quit"),
    bind(S::Global, &[ch('?')], A::Help, "Show this help"),
    bind(S::Global, &[code(KeyCode::Tab)], A::NextPane, "Next pane"),
    bind(S::Global, &[code(KeyCode::BackTab)], A::PrevPane, "Previous pane"),
    bind(S::Global, &[ch('1')], A::FocusPane(Pane::Stacks), "Go to the stacks"),
    bind(S::Global, &[ch('2')], A::FocusPane(Pane::Queue), "Go to the queue"),
    bind(S::Global, &[ch('3')], A::FocusPane(Pane::Instances), "Go to the instances"),
    bind(S::Global, &[ch('4')], A::FocusPane(Pane::Activity), "Go to the scaling activity"),
    bind(S::Global, &[ch('/')], A::Filter, "Filter the list: regex, !text inverts, column:text"),
    bind(S::Global, &[ch(':')], A::Command, "Command mode (:stack NAME, :sort age, :help)"),
    bind(S::Global, &[ctrl('r')], A::Refresh, "Refresh everything now"),
    bind(S::Global, &[ch('E')], A::ShowErrors, "Show every error in full (also :errors)"),
    bind(S::Global, &[ch('W')], A::ShowWhy, "Why jobs wait: every reason, with its evidence (also :why)"),
    bind(S::Global, &[ch('!')], A::NextProblem, "Next problem: instance with trouble, failed activity"),
    bind(
        S::Global,
        &[ch('I')],
        A::GoToIncident,
        "Go to the stack of a new incident elsewhere (the status bar says which)",
    ),
    bind(S::Global, &[ch('z')], A::ToggleZoom, "Zoom the focused pane to the whole screen, or back"),
    bind(S::Queue, &[code(KeyCode::Enter)], A::ShowWhy, "Why jobs wait (the reasons under the chart)"),
    bind(S::Global, &[ch('T')], A::ShowTimeline, "What happened, newest first (also :timeline)"),
    bind(
        S::Global,
        &[ch('H')],
        A::ShowEvents,
        "The stack's CloudFormation events, followed while it changes (also :events)",
    ),
    bind(S::Global, &[ch('0')], A::ShowFleet, "The fleet: every stack in every context (also :fleet)"),
    bind(
        S::Global,
        &[ch('C')],
        A::ShowDoctor,
        "The stack's configuration against known pitfalls (also :doctor)",
    ),
    bind(S::Global, &[ch('P')], A::PauseResume, "Pause (and drain) or resume the stack's scaling"),
    bind(
        S::Global,
        &[ch('U')],
        A::UpdateStack,
        "Update the stack to the latest release: preview, pause, update, resume",
    ),
    bind(S::List, &[code(KeyCode::Up), ch('k')], A::Up, "Up"),
    bind(S::List, &[code(KeyCode::Down), ch('j')], A::Down, "Down"),
    bind(S::List, &[code(KeyCode::PageUp), ctrl('b')], A::PageUp, "Page up"),
    bind(S::List, &[code(KeyCode::PageDown), ctrl('f')], A::PageDown, "Page down"),
    bind(S::List, &[code(KeyCode::Home), ch('g')], A::Top, "First row"),
    bind(S::List, &[code(KeyCode::End), ch('G')], A::Bottom, "Last row"),
    bind(S::List, &[code(KeyCode::Enter)], A::Open, "Open: show this stack, or the row's details"),
    bind(S::List, &[code(KeyCode::Esc)], A::Back, "Clear the filter"),
    bind(
        S::Instances,
        &[ch('s')],
        A::OpenShell,
        "Open a shell on the instance (SSM Session Manager; also :shell ID)",
    ),
    bind(S::Instances, &[ch('o')], A::SortNext, "Sort by the next column"),
    bind(S::Instances, &[ch('O')], A::SortReverse, "Reverse the sort"),
    bind(S::Instances, &[ch('l')], A::OpenLogs, "Tail this instance's logs (also :logs ID)"),
    bind(S::Instances, &[ch(' ')], A::Mark, "Mark or unmark the instance"),
    bind(S::Instances, &[ch('F')], A::MarkFullDisk, "Mark every full-disk or Unhealthy instance"),
    bind(S::Instances, &[ch('X')], A::Terminate, "Terminate the marked instances, or this one"),
    bind(S::Instances, &[ch('D')], A::CheckDisk, "Check the disk now (df through SSM), marked or this one"),
    bind(S::Logs, &[code(KeyCode::Esc), ch('q')], A::CloseLogs, "Close the logs"),
    bind(S::Logs, &[ch(' ')], A::ToggleFollow, "Pause, or follow new lines"),
    bind(S::Logs, &[ch('w')], A::ToggleWrap, "Wrap long lines"),
    bind(S::Logs, &[ch('t')], A::ToggleTimestamps, "Show or hide timestamps"),
    bind(
        S::Logs,
        &[ch('1'), ch('2'), ch('3'), ch('4'), ch('5'), ch('6'), ch('7'), ch('8'), ch('9')],
        A::ToggleGroup,
        "Show or hide the n-th log group",
    ),
    bind(S::Logs, &[ch('e')], A::FirstError, "Next error line (the first, then each after it)"),
    bind(S::Logs, &[ch('r')], A::ToggleRaw, "Lines as written, or compact (no repeated time, host, program)"),
    bind(S::Logs, &[ch('J')], A::TogglePrettyJson, "Pretty-print JSON lines"),
    bind(S::Logs, &[ctrl('s')], A::SaveLogs, "Save the lines shown to a file"),
    bind(S::Logs, &[ch('/')], A::Search, "Search (highlighted; as in less)"),
    bind(S::Logs, &[ch('n')], A::NextMatch, "Next match (newer)"),
    bind(S::Logs, &[ch('N')], A::PrevMatch, "Previous match (older)"),
    bind(S::Logs, &[ch('&')], A::Filter, "Show only matching lines (regex, !text inverts)"),
    bind(S::Logs, &[code(KeyCode::Up), ch('k')], A::Up, "Scroll up"),
    bind(S::Logs, &[code(KeyCode::Down), ch('j')], A::Down, "Scroll down"),
    bind(S::Logs, &[code(KeyCode::PageUp), ctrl('b')], A::PageUp, "Page up"),
    bind(S::Logs, &[code(KeyCode::PageDown), ctrl('f')], A::PageDown, "Page down"),
    bind(S::Logs, &[code(KeyCode::Home), ch('g')], A::Top, "Oldest line"),
    bind(S::Logs, &[code(KeyCode::End), ch('G')], A::Bottom, "Newest line, and follow"),
    bind(S::Logs, &[ch('?')], A::Help, "Show this help"),
    bind(S::Overlay, &[code(KeyCode::Esc), ch('q'), ch('?')], A::CloseOverlay, "Close"),
    bind(S::Overlay, &[code(KeyCode::Up), ch('k')], A::Up, "Scroll up"),
    bind(S::Overlay, &[code(KeyCode::Down), ch('j')], A::Down, "Scroll down"),
    bind(S::Overlay, &[code(KeyCode::PageUp)], A::PageUp, "Page up"),
    bind(S::Overlay, &[code(KeyCode::PageDown)], A::PageDown, "Page down"),
    bind(S::Overlay, &[code(KeyCode::Home), ch('g')], A::Top, "First row"),
    bind(S::Overlay, &[ch('/')], A::Filter, "Help: list only the keys that mention a word"),
    bind(S::Overlay, &[code(KeyCode::End), ch('G')], A::Bottom, "Last row"),
    bind(
        S::Overlay,
        &[code(KeyCode::Enter)],
        A::Open,
        "Timeline: the event's logs at that moment; fleet: open the stack in its context",
    ),
    bind(
        S::Overlay,
        &[ch('I')],
        A::GoToIncident,
        "Go to the stack of a new incident elsewhere (the status bar says which)",
    ),
    bind(S::Prompt, &[code(KeyCode::Enter)], A::PromptAccept, "Apply"),
    bind(S::Prompt, &[code(KeyCode::Esc)], A::PromptCancel, "Cancel"),
    bind(S::Prompt, &[code(KeyCode::Backspace)], A::PromptBackspace, "Delete a character"),
    bind(S::Prompt, &[ctrl('u')], A::PromptClear, "Clear"),
    bind(S::Prompt, &[code(KeyCode::Tab)], A::PromptComplete, "Complete a command or stack name"),
    bind(S::Confirm, &[code(KeyCode::Esc)], A::ConfirmCancel, "Cancel"),
    bind(S::Opening, &[code(KeyCode::Esc)], A::CancelShell, "Cancel opening the session (Ctrl-C too)"),
    bind(
        S::Switching,
        &[code(KeyCode::Esc)],
        A::CancelSwitch,
        "Cancel the switch: keep reading what is shown",
    ),
    bind(S::Leaving, &[ch('f')], A::FinishThenQuit, "Let the action finish, then quit"),
    bind(
        S::Leaving,
        &[ch('a')],
        A::AbandonAndQuit,
        "Abandon the action now (recorded in the audit log) and quit",
    ),
    bind(S::Leaving, &[code(KeyCode::Esc)], A::StayHere, "Stay"),
    bind(S::Confirm, &[code(KeyCode::Enter)], A::ConfirmAccept, "Press the focused button"),
    bind(S::Confirm, &[code(KeyCode::Left)], A::ConfirmLeft, "Focus Cancel"),
    bind(S::Confirm, &[code(KeyCode::Right)], A::ConfirmRight, "Focus the action (once it is allowed)"),
    bind(
        S::Confirm,
        &[code(KeyCode::Tab)],
        A::ConfirmOption,
        "Drain too (pause), or replace ⇄ shrink (terminate)",
    ),
    bind(S::Confirm, &[code(KeyCode::Backspace)], A::ConfirmBackspace, "Delete a typed character"),
    bind(S::Confirm, &[code(KeyCode::Down)], A::ConfirmScrollDown, "Notes that do not fit: read on"),
    bind(S::Confirm, &[code(KeyCode::Up)], A::ConfirmScrollUp, "Notes that do not fit: back up"),
    bind(S::Confirm, &[code(KeyCode::PageDown)], A::ConfirmPageDown, "Notes: a page on"),
    bind(S::Confirm, &[code(KeyCode::PageUp)], A::ConfirmPageUp, "Notes: a page back"),
];

/// Shift is part of the character (`G`, `?`), so it is ignored for characters.
pub fn normalise(key: &KeyEvent) -> Key {
    let mut mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    let code = match key.code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Key { code, mods }
}

/// The action bound to `key` in the first of `scopes` that binds it.
pub fn resolve(scopes: &[Scope], key: &KeyEvent) -> Option<Action> {
    let key = normalise(key);
    scopes.iter().find_map(|scope| {
        BINDINGS.iter().find(|b| b.scope == *scope && b.keys.contains(&key)).map(|b| b.action)
    })
}

pub fn key_label(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) { format!("Ctrl-{}", name.to_uppercase()) } else { name }
}

/// The help, section by section: (section title, [(keys, description)]).
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut sections: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
    for b in BINDINGS {
        let keys = b.keys.iter().map(key_label).collect::<Vec<_>>().join(" ");
        match sections.iter_mut().find(|(t, _)| *t == b.scope.title()) {
            Some((_, rows)) => rows.push((keys, b.desc)),
            None => sections.push((b.scope.title(), vec![(keys, b.desc)])),
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn narrowest_scope_wins() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(resolve(&[Scope::Overlay, Scope::Global], &q), Some(Action::CloseOverlay));
        assert_eq!(resolve(&[Scope::List, Scope::Global], &q), Some(Action::Quit));
    }

    #[test]
    fn shifted_characters_and_control_keys_resolve() {
        let g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(resolve(&[Scope::List], &g), Some(Action::Bottom));
        let c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(resolve(&[Scope::Always], &c), Some(Action::Interrupt));
        let back = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(resolve(&[Scope::Global], &back), Some(Action::PrevPane));
        assert_eq!(resolve(&[Scope::Global], &key(KeyCode::Char('y'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn help_lists_every_binding_once_and_each_key_does_what_its_row_says() {
        let help = help_sections();
        for b in BINDINGS {
            let (_, rows) = help.iter().find(|(t, _)| *t == b.scope.title()).expect("a section");
            let mine: Vec<&(String, &str)> = rows.iter().filter(|(_, d)| *d == b.desc).collect();
            assert_eq!(mine.len(), 1, "{} is listed once under {}", b.desc, b.scope.title());
            for k in b.keys {
                assert!(mine[0].0.split(' ').any(|l| l == key_label(k)), "{} lists {}", b.desc, key_label(k));
                // The key, pressed in that scope, is dispatched to the action its row describes.
                assert_eq!(resolve(&[b.scope], &key(k.code, k.mods)), Some(b.action), "{}", b.desc);
            }
        }
        // And nothing is in the help that is not bound.
        for (title, rows) in &help {
            for (keys, desc) in rows {
                assert!(
                    BINDINGS.iter().any(|b| b.scope.title() == *title && b.desc == *desc),
                    "{title}: {keys} {desc}"
                );
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.scope == b.scope {
                    assert!(a.keys.iter().all(|k| !b.keys.contains(k)), "{} and {}", a.desc, b.desc);
                }
            }
        }
    }
}
