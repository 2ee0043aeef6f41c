//! The fleet view's rows: one line per stack across every context, with what an on-call
//! engineer scans for first (jobs waiting, agents, warnings, the scaler's last word).

use serde::Serialize;

use crate::domain::text::count;

/// One stack, in a few words and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackLine {
    pub stack: String,
    pub queue: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    /// `enabled`, `PAUSED`, `fixed size`, `unknown`.
    pub scaling: String,
    /// Jobs waiting for an agent (scheduled and waiting); `None` when the queue was not read.
    pub waiting: Option<u32>,
    /// Idle and busy agents, when the queue was read.
    pub agents: Option<(u32, u32)>,
    pub warnings: Vec<String>,
    /// The scaler's verdict, to say in a few words at the moment the row is drawn.
    pub scaler: Option<super::why::Verdict>,
    /// What is said of the scaler when there is no verdict (`no scaler log`, `-`).
    pub verdict: String,
    /// The first reason jobs wait with nothing to take them, when they do.
    pub why: Option<super::why::Reason>,
    /// The scaler's last run was an error, or a warning stands.
    pub problem: bool,
    /// CloudFormation gave up on the stack (`*_FAILED`): the first of the problems.
    pub stack_failed: bool,
}

impl StackLine {
    /// The scaler's last word at `now`: a cooldown counts down between reads.
    pub fn verdict_at(&self, now: crate::domain::Timestamp) -> String {
        self.scaler.as_ref().map_or_else(|| self.verdict.clone(), |v| v.short_at(now))
    }

    /// The row's words after its numbers at `now`: why jobs wait, then the scaler's last word
    /// (a cooldown is said once, by the scaler's words, which count down).
    pub fn tail_at(&self, now: crate::domain::Timestamp) -> String {
        let verdict = self.verdict_at(now);
        match &self.why {
            Some(r) if r.code != "cooldown" => format!("why: {} · {verdict}", r.headline),
            _ => verdict,
        }
    }
}

/// "3 jobs wait" / "no job waits", for the status line under the fleet view.
pub fn waiting_text(lines: &[StackLine]) -> String {
    let total: u32 = lines.iter().filter_map(|l| l.waiting).sum();
    if total == 0 { "no job waits".into() } else { count(total, "job waits", "jobs wait") }
}
