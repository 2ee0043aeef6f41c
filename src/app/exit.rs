//! How the dashboard ends: at once, or, while an operator action runs, after asking whether
//! to let it finish or to abandon it (quitting between two of its calls would leave the stack
//! half-changed). One value, so that no two of its states can hold at once.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exit {
    /// Not quitting.
    #[default]
    Stay,
    /// The question "an action is running: finish it or abandon it?" is on screen; `when_done`
    /// says whether the operator had already chosen to quit once it reports.
    Ask { when_done: bool },
    /// Quit once the running action reports.
    WhenDone,
    /// Quit now; `abandon`: the running action is abandoned (recorded in the audit log).
    Quit { abandon: bool },
}

impl Exit {
    /// The operator asked to quit: at once, unless an action is under way; then it asks
    /// (again even after "let it finish").
    pub fn asked(self, writing: bool) -> Exit {
        match self {
            _ if !writing => Exit::Quit { abandon: false },
            Exit::Quit { .. } => self,
            other => Exit::Ask { when_done: other == Exit::WhenDone },
        }
    }

    /// The question is put away without an answer: back to what was chosen before it.
    pub fn unasked(self) -> Exit {
        match self {
            Exit::Ask { when_done: true } => Exit::WhenDone,
            Exit::Ask { when_done: false } => Exit::Stay,
            other => other,
        }
    }

    pub fn is_quit(self) -> bool {
        matches!(self, Exit::Quit { .. })
    }

    pub fn is_asking(self) -> bool {
        matches!(self, Exit::Ask { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quitting_asks_only_while_an_action_runs_and_a_put_away_question_keeps_the_earlier_choice() {
        assert_eq!(Exit::Stay.asked(false), Exit::Quit { abandon: false });
        assert_eq!(Exit::Stay.asked(true), Exit::Ask { when_done: false });
        assert_eq!(Exit::WhenDone.asked(true), Exit::Ask { when_done: true });
        assert_eq!(Exit::WhenDone.asked(false), Exit::Quit { abandon: false });
        assert_eq!(Exit::Quit { abandon: true }.asked(true), Exit::Quit { abandon: true });
        assert_eq!(Exit::Ask { when_done: true }.unasked(), Exit::WhenDone);
        assert_eq!(Exit::Ask { when_done: false }.unasked(), Exit::Stay);
        assert_eq!(Exit::Quit { abandon: false }.unasked(), Exit::Quit { abandon: false });
        assert!(Exit::Quit { abandon: true }.is_quit() && !Exit::WhenDone.is_quit());
        assert!(Exit::Ask { when_done: false }.is_asking() && !Exit::Stay.is_asking());
    }
}
