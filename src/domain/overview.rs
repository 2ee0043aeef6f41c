//! The fleet view's rows: one line per stack across every context, with what an on-call
//! engineer scans for first (jobs waiting, agents, warnings, the scaler's last word).

use serde::Serialize;

use super::scaler_log::{Cap, Direction, Outcome, ScalerRun};
use super::text::count;

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
    /// The scaler's last run, in a few words.
    pub verdict: String,
    /// The scaler's last run was an error, or a warning stands.
    pub problem: bool,
}

/// What the scaler's last run decided, in a few words ("scaled out 2→5", "cooldown 120 s").
pub fn verdict(run: &ScalerRun) -> String {
    let way = |d: Direction| if d == Direction::Out { "out" } else { "in" };
    match (&run.outcome, run.capped) {
        (Outcome::Scaled { direction, from, to }, _) => format!("scaled {} {from}→{to}", way(*direction)),
        (Outcome::Error { text }, _) => format!("error: {text}"),
        (Outcome::Cooldown { direction, secs }, _) => format!("wants {}, cooldown {secs} s", way(*direction)),
        (_, Some(Cap::MaxSize(n))) => format!("wants more, at MaxSize {n}"),
        (_, Some(Cap::MinSize(n))) => format!("at MinSize {n}"),
        (Outcome::NoChange, None) => "no change".into(),
        (Outcome::Silent, None) => "no change (scale-in off)".into(),
    }
}

/// How long since the scaler last ran, when that is longer than it should be (it runs every
/// minute): "last ran 12m ago".
pub fn stale(secs_since_last_run: i64) -> Option<String> {
    (secs_since_last_run > 5 * 60).then(|| format!("last ran {} ago", super::format_age(secs_since_last_run)))
}

/// "3 jobs wait" / "no job waits", for the status line under the fleet view.
pub fn waiting_text(lines: &[StackLine]) -> String {
    let total: u32 = lines.iter().filter_map(|l| l.waiting).sum();
    if total == 0 { "no job waits".into() } else { count(total, "job waits", "jobs wait") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn run(outcome: Outcome, capped: Option<Cap>) -> ScalerRun {
        ScalerRun {
            at: Timestamp(0),
            jobs: None,
            agents: None,
            group: None,
            calculated: None,
            capped,
            outcome,
        }
    }

    #[test]
    fn the_scalers_last_run_in_a_few_words() {
        let out = Outcome::Scaled { direction: Direction::Out, from: 2, to: 5 };
        assert_eq!(verdict(&run(out, None)), "scaled out 2→5");
        assert_eq!(
            verdict(&run(Outcome::Error { text: "AccessDenied".into() }, None)),
            "error: AccessDenied"
        );
        let cool = Outcome::Cooldown { direction: Direction::Out, secs: 120 };
        assert_eq!(verdict(&run(cool, None)), "wants out, cooldown 120 s");
        assert_eq!(verdict(&run(Outcome::NoChange, Some(Cap::MaxSize(10)))), "wants more, at MaxSize 10");
        assert_eq!(verdict(&run(Outcome::NoChange, None)), "no change");
        assert_eq!(stale(4 * 60), None);
        assert_eq!(stale(12 * 60).as_deref(), Some("last ran 12m ago"));
    }
}
