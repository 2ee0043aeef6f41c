//! The scaler's runs on the timeline: what it decided, a cooldown or cap told once per
//! streak, and the gaps that say it did not run.

use super::{Event, Severity, Source, event};
use crate::domain::scaler_log::{Cap, Direction, Outcome, ScalerLog};

/// The scaler's runs that decided something, a cooldown or cap told once per streak; and a
/// gap between its invocations, which says it stopped.
pub(super) fn scaler(log: &ScalerLog) -> Vec<Event> {
    // A streak is told once: the same words again, until something else is told.
    let mut out: Vec<Event> = log
        .invocations
        .windows(2)
        .filter(|w| w[1].secs_since(w[0]) > GAP_SECS)
        .map(|w| {
            let gap = crate::domain::format_age(w[1].secs_since(w[0]));
            event(
                w[1],
                Source::Scaler,
                Severity::Warn,
                format!("the scaler ran again after {gap} without a run"),
            )
        })
        .collect();
    let mut last_said: Option<String> = None;
    for run in &log.runs {
        let (severity, text, streak) = match (&run.outcome, run.capped) {
            (Outcome::Scaled { direction, from, to }, _) => {
                (Severity::Info, format!("scaled {} from {from} to {to} instances", way(*direction)), false)
            }
            (Outcome::Error { text }, _) => {
                (Severity::Bad, format!("Scaling error: {}", crate::domain::text::quote(text)), false)
            }
            // What was left when the line was written, said as the moment it ends: the
            // number alone reads as time left now, which it is not.
            (Outcome::Cooldown { direction, secs, logged_at }, _) => {
                let wants = run.calculated.map_or(String::new(), |n| format!("calculated {n}, "));
                let until = match secs {
                    Some(s) => format!(" (ends {})", logged_at.plus_secs(i64::from(*s)).rfc3339()),
                    None => " (its line gives no length)".into(),
                };
                (
                    Severity::Warn,
                    format!("{wants}wants to scale {} but is held by its cooldown{until}", way(*direction)),
                    true,
                )
            }
            (_, Some(Cap::MaxSize(n))) => {
                (Severity::Warn, format!("wants more, capped at MaxSize {n}"), true)
            }
            // Runs that change nothing do not end a streak: the cooldown goes on.
            _ => continue,
        };
        if streak && last_said.as_deref() == Some(text.split(" (").next().unwrap_or_default()) {
            continue;
        }
        last_said = streak.then(|| text.split(" (").next().unwrap_or_default().to_string());
        out.push(event(run.at, Source::Scaler, severity, text));
    }
    out
}

/// Runs are a minute apart or less: this much silence means the scaler did not run.
const GAP_SECS: i64 = 5 * 60;

fn way(d: Direction) -> &'static str {
    match d {
        Direction::Out => "out",
        Direction::In => "in",
    }
}
