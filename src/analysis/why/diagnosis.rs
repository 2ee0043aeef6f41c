//! A stack's one diagnosis: whether jobs wait with nothing able to take them, every reason,
//! ranked, and the scaler's own verdict. Every surface (the queue pane's border, the why
//! window, the fleet's row, `bkops why`, `bkops status`) renders this one value, so that no
//! two of them can answer differently from the same reads.

use serde::Serialize;

use super::capacity::{Capacity, capacity};
use super::verdict::{Verdict, verdict};
use super::{Facts, Reason, ScalerRead, ranked, should_want};
use crate::domain::text::count;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Scheduled and waiting jobs: what waits for an agent. `None` when the queue was not read.
    pub jobs_waiting: Option<u32>,
    /// The queue's idle agents, split by whether they can take the stack's jobs.
    pub capacity: Option<Capacity>,
    /// Jobs wait and no idle agent can take them: only then do the reasons explain anything.
    pub stuck: bool,
    /// The answer in one sentence: what every surface leads with.
    pub summary: String,
    /// Why jobs wait, the one to act on first; empty unless `stuck`.
    pub reasons: Vec<Reason>,
    /// The scaler's last word, whenever its log was read, stuck or not.
    pub scaler: Option<Verdict>,
    /// Why there is no verdict, when the stack has a scaler whose log was not read.
    #[serde(skip)]
    pub scaler_unread: Option<String>,
}

/// What a line of the written diagnosis is, for whoever styles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Summary,
    /// The headline of the reason at this rank (0 is the one to act on).
    Headline(usize),
    Evidence,
    /// The idle agents that cannot take the stack's jobs, when no reason names them.
    Capacity,
    Scaler,
}

impl Diagnosis {
    /// What the queue pane's border and the fleet's row say of it, in a few words.
    pub fn headline(&self) -> Option<&str> {
        self.reasons.first().map(|r| r.headline.as_str())
    }

    /// The diagnosis written out, as the why window and `bkops why` show it: the summary,
    /// each reason with its evidence, then the scaler's own verdict.
    pub fn lines(&self) -> Vec<(Part, String)> {
        let mut out = vec![(Part::Summary, self.summary.clone())];
        for (n, r) in self.reasons.iter().enumerate() {
            out.push((Part::Headline(n), format!("{}. {}", n + 1, r.headline)));
            out.extend(r.evidence.iter().map(|e| (Part::Evidence, format!("   {e}"))));
        }
        let unusable = self.capacity.as_ref().map_or(&[][..], |c| c.unusable.as_slice());
        if !unusable.is_empty() && !self.reasons.iter().any(|r| r.code == "idle_agents_unusable") {
            let idle: u32 = unusable.iter().map(|u| u.idle).sum();
            out.push((
                Part::Capacity,
                format!(
                    "{} on the queue cannot take this stack's jobs:",
                    count(idle, "idle agent", "idle agents")
                ),
            ));
            out.extend(unusable.iter().map(|u| (Part::Capacity, format!("   {}", u.sentence()))));
        }
        match (&self.scaler, &self.scaler_unread) {
            (Some(v), _) => {
                for (n, t) in v.text.iter().enumerate() {
                    let line = if n == 0 { format!("Scaler: {t}") } else { format!("   {t}") };
                    out.push((Part::Scaler, line));
                }
            }
            (None, Some(why)) => out.push((Part::Scaler, format!("Scaler: {why}"))),
            (None, None) => {}
        }
        out
    }
}

/// The one diagnosis of a stack, from what was read.
pub fn diagnose(f: &Facts<'_>) -> Diagnosis {
    let log = match f.scaler {
        ScalerRead::Read(log) => Some(log),
        _ => None,
    };
    let want = should_want(f).map(|(want, _)| want);
    let scaler = log.and_then(|l| verdict(l, want, f.now));
    // A paused scaler writes nothing on purpose: its missing log is no news.
    let running = matches!(f.stack.scaling, crate::domain::ScalingState::Enabled { .. });
    let scaler_unread = match f.scaler {
        _ if !running => None,
        ScalerRead::Read(_) if scaler.is_none() => {
            Some("it has run, but decided nothing in the minutes read".into())
        }
        ScalerRead::Read(_) | ScalerRead::None => None,
        ScalerRead::Missing { group } => {
            Some(format!("its log group {group} is missing or has nothing of the last minutes"))
        }
        ScalerRead::Unreadable { text } => Some(format!("its log cannot be read: {text}")),
    };
    let Some(queue) = f.queue else {
        return Diagnosis {
            jobs_waiting: None,
            capacity: None,
            stuck: false,
            summary: "the queue could not be read, so nothing can be said of waiting jobs".into(),
            reasons: Vec::new(),
            scaler,
            scaler_unread,
        };
    };
    let waiting = queue.scheduled + queue.waiting;
    let cap = capacity(queue, f.fleet);
    // Only scheduled jobs wait for an agent; waiting ones wait on earlier steps.
    let stuck = queue.scheduled > 0
        && match cap.usable_idle {
            Some(usable) => usable == 0,
            None => queue.idle_agents == 0,
        };
    let jobs = count(queue.scheduled, "job waits", "jobs wait");
    let summary = match (queue.scheduled, stuck, cap.usable_idle) {
        (0, ..) if queue.waiting > 0 => format!(
            "{} on earlier steps; none is ready for an agent yet",
            count(queue.waiting, "job waits", "jobs wait")
        ),
        (0, ..) => "no job waits for an agent".to_string(),
        (_, true, _) if cap.unusable.is_empty() => format!("{jobs} and no agent is idle to take them"),
        (_, true, _) => format!(
            "{jobs} and no agent that can take them is idle ({} idle on the queue cannot)",
            count(cap.unusable.iter().map(|u| u.idle).sum::<u32>(), "agent", "agents")
        ),
        (_, false, Some(usable)) => format!(
            "{jobs} and {} of this stack can take them: they should start within seconds",
            count(usable, "idle agent", "idle agents")
        ),
        (_, false, None) => format!(
            "{jobs} while {} idle on the queue; which agents they are is unknown without BUILDKITE_API_TOKEN (scope read_agents)",
            count(queue.idle_agents, "agent is", "agents are")
        ),
    };
    let reasons = if stuck { ranked(f, &cap, scaler.as_ref()) } else { Vec::new() };
    Diagnosis {
        jobs_waiting: Some(waiting),
        capacity: Some(cap),
        stuck,
        summary,
        reasons,
        scaler,
        scaler_unread,
    }
}
