//! The scaler's own verdict, from its last run: when it ran, what it calculated, what it did,
//! and for a cooldown when that ends. A cooldown line says how long was left when it was
//! written; the time left now is counted from that line's own time, so it counts down and
//! says when it has passed, rather than repeating a number that went stale as it was read.

use serde::Serialize;

use crate::domain::scaler_log::{Cap, Direction, Outcome, ScalerLog, ScalerRun};
use crate::domain::{Timestamp, format_age};

/// A scaler log stamped further ahead of this machine's clock than this is said to be skewed.
const SKEW_SECS: i64 = 5;
/// The scaler runs every minute: no run for this long is said beside its last word.
const STALE_SECS: i64 = 5 * 60;
/// A quoted error is cut to this many characters in the few words of a row.
const SHORT_ERROR_CHARS: usize = 60;

/// What the scaler said of its last run, read against the clock now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    #[serde(serialize_with = "crate::domain::time::rfc3339")]
    pub last_run_at: Timestamp,
    pub last_run_age_secs: i64,
    /// `Scaling decision: calculated desired N instances`.
    pub calculated: Option<u32>,
    /// `scaled`, `cooldown`, `error`, `no_change`, `silent`.
    pub outcome: &'static str,
    pub cooldown: Option<Cooldown>,
    /// What bkops' copy of the scaler's algorithm wants from the numbers read now.
    pub should_want: Option<u32>,
    /// The scaler's log is stamped this many seconds after this machine's clock.
    pub clock_skew_secs: Option<i64>,
    /// A few words, for a row: `wants 8, cooldown 3m12s left`.
    pub short: String,
    /// The sentences, the first the verdict itself.
    pub text: Vec<String>,
    /// The run it is made from, to say it again at a later moment (`short_at`).
    #[serde(skip)]
    run: ScalerRun,
    /// The scaler's newest sign of life (its last run or invocation).
    #[serde(skip)]
    newest: Timestamp,
}

impl Verdict {
    /// The few words of a row at `now`: a cooldown counts down between reads.
    pub fn short_at(&self, now: Timestamp) -> String {
        let short = short_words(&self.run, cooldown_of(&self.run, now).as_ref());
        let stale_secs = now.secs_since(self.newest);
        if stale_secs > STALE_SECS {
            format!("last ran {} ago; {short}", format_age(stale_secs))
        } else {
            short
        }
    }
}

/// The few words of a row for a run, with its cooldown as of some moment.
fn short_words(run: &ScalerRun, cooldown: Option<&Cooldown>) -> String {
    let wants = |d: Direction| match run.calculated {
        Some(n) => format!("wants {n}"),
        None => format!("wants {}", way(d)),
    };
    match (&run.outcome, run.capped) {
        (Outcome::Scaled { direction, from, to }, _) => format!("scaled {} {from}→{to}", way(*direction)),
        (Outcome::Error { text }, _) => format!("error: {}", cut(text, SHORT_ERROR_CHARS)),
        (Outcome::Cooldown { direction, .. }, _) => {
            format!("{}, {}", wants(*direction), cooldown.map(cooldown_words).unwrap_or_default())
        }
        (_, Some(Cap::MaxSize(n))) => format!("wants more, at MaxSize {n}"),
        (_, Some(Cap::MinSize(n))) => format!("at MinSize {n}"),
        (Outcome::NoChange, None) => "no change".into(),
        (Outcome::Silent, None) => "no change (scale-in off)".into(),
    }
}

/// A cooldown the scaler said it was held by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cooldown {
    pub direction: Direction,
    /// The seconds its line gave (what was left then); `None` when it gave none.
    pub logged_secs: Option<u32>,
    /// When it ends: the line's time plus its seconds.
    #[serde(serialize_with = "rfc3339_opt")]
    pub ends_at: Option<Timestamp>,
    /// Seconds left now; negative when it ended that long ago.
    pub left_secs: Option<i64>,
}

fn rfc3339_opt<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.rfc3339()),
        None => s.serialize_none(),
    }
}

/// `3m12s`, `45s`, `1h02m`: a countdown, to the second.
pub fn span(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

/// Signed seconds from `now` to `then`.
fn until(then: Timestamp, now: Timestamp) -> i64 {
    (then.millis() - now.millis()).div_euclid(1000)
}

fn way(d: Direction) -> &'static str {
    match d {
        Direction::Out => "out",
        Direction::In => "in",
    }
}

fn cut(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(chars.saturating_sub(1)).collect::<String>())
    }
}

fn cooldown_of(run: &ScalerRun, now: Timestamp) -> Option<Cooldown> {
    let Outcome::Cooldown { direction, secs, logged_at } = run.outcome else { return None };
    let ends_at = secs.map(|s| logged_at.plus_secs(i64::from(s)));
    // A line stamped after now (a skewed clock) still has at most what it logged.
    let left_secs = ends_at.map(|end| until(end, now).min(i64::from(secs.unwrap_or(0))));
    Some(Cooldown { direction, logged_secs: secs, ends_at, left_secs })
}

/// `cooldown 3m12s left` / `cooldown ended 20s ago` / `in cooldown (length not logged)`.
fn cooldown_words(c: &Cooldown) -> String {
    match c.left_secs {
        Some(left) if left > 0 => format!("cooldown {} left", span(left)),
        Some(left) => format!("cooldown ended {} ago", span(-left)),
        None => "in cooldown (length not logged)".into(),
    }
}

/// The scaler's verdict from its log, with `should_want` (bkops' copy of its algorithm on
/// the numbers now) beside it; `None` when no run was read.
pub fn verdict(log: &ScalerLog, should_want: Option<u32>, now: Timestamp) -> Option<Verdict> {
    let run = log.last_run()?;
    let newest = log.last_invocation.map_or(run.at, |t| t.max(run.at));
    let ahead = until(newest, now);
    let clock_skew_secs = (ahead > SKEW_SECS).then_some(ahead);
    let age = now.secs_since(run.at);
    let cooldown = cooldown_of(run, now);
    let calc = run.calculated.map(|n| crate::domain::text::count(n, "instance", "instances"));
    let said = match (&run.outcome, run.capped) {
        (Outcome::Scaled { direction, from, to }, _) => {
            format!("scaled {} from {from} to {to}", way(*direction))
        }
        (Outcome::Error { text }, _) => {
            format!("failed to act: Scaling error: {}", crate::domain::text::quote(text))
        }
        (Outcome::Cooldown { direction, .. }, _) => {
            let long = match cooldown.as_ref().and_then(|c| c.left_secs) {
                Some(left) if left > 0 => format!("{} left", span(left)),
                Some(left) => format!("which ended {} ago; the scaler has not run since", span(-left)),
                None => "of a length its line does not give".into(),
            };
            format!("wants to scale {} but is held by its cooldown, {long}", way(*direction))
        }
        (_, Some(Cap::MaxSize(n))) => format!("wants more but is capped at MaxSize {n}"),
        (_, Some(Cap::MinSize(n))) => format!("is held at MinSize {n}"),
        (Outcome::NoChange, None) => "changed nothing".into(),
        (Outcome::Silent, None) => "wanted fewer instances, but scale-in is off: nothing changed".into(),
    };
    let when = format!("its run {} ago ({})", format_age(age), run.at.rfc3339());
    let first = match &calc {
        Some(calc) => format!("the scaler calculated {calc} at {when} and {said}"),
        None => format!("the scaler, at {when}, {said}"),
    };
    let mut text = vec![first];
    if let (Some(ours), Some(theirs)) = (should_want, run.calculated)
        && ours != theirs
    {
        text.push(format!(
            "from the numbers read now, bkops' copy of its algorithm wants {}; the scaler calculated {theirs} from what its run saw",
            crate::domain::text::count(ours, "instance", "instances")
        ));
    }
    if let Some(skew) = clock_skew_secs {
        text.push(format!(
            "the scaler's log is stamped {} ahead of this machine's clock: one of the clocks is off, and times here are counted from the log's stamps",
            span(skew)
        ));
    }
    let mut v = Verdict {
        last_run_at: run.at,
        last_run_age_secs: age,
        calculated: run.calculated,
        outcome: outcome_code(&run.outcome),
        cooldown,
        should_want,
        clock_skew_secs,
        short: String::new(),
        text,
        run: run.clone(),
        newest,
    };
    v.short = v.short_at(now);
    Some(v)
}

fn outcome_code(o: &Outcome) -> &'static str {
    match o {
        Outcome::Scaled { .. } => "scaled",
        Outcome::Cooldown { .. } => "cooldown",
        Outcome::Error { .. } => "error",
        Outcome::NoChange => "no_change",
        Outcome::Silent => "silent",
    }
}

#[cfg(test)]
mod tests;
