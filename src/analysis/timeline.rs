//! The incident timeline: what happened to a stack, on one time axis, newest first. Auto
//! Scaling's activities, the scaler's decisions and errors, the instances' own log signals,
//! lost agents, what operators did with bkops, and the queue's spikes, each made into one
//! event from what was read. A pure function, so each kind of event is tested on its own.

use serde::Serialize;

mod cfn;
mod scaler_runs;

use scaler_runs::scaler;

use super::forensics::{EndedBy, JobRef, ended_by};
use super::log_signals;
use crate::domain::scaler_log::ScalerLog;
use crate::domain::text::count;
use crate::domain::{ActivityStatus, DiskSignal, QueueSample, ScalingActivity, Timestamp, groups};

/// Where an event was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The group's scaling activities.
    Activity,
    /// The scaler Lambda's log group.
    Scaler,
    /// An instance's own log lines.
    Log,
    /// Buildkite's agent list.
    Agent,
    /// bkops' audit log, or the tags bkops writes.
    Operator,
    /// The queue's numbers a minute apart.
    Queue,
    /// The stack's CloudFormation events.
    Stack,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Activity => "activity",
            Source::Scaler => "scaler",
            Source::Log => "log",
            Source::Agent => "agent",
            Source::Operator => "operator",
            Source::Queue => "queue",
            Source::Stack => "stack",
        }
    }
}

/// How much an event matters to someone looking for what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warn,
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    #[serde(serialize_with = "crate::domain::time::rfc3339")]
    pub at: Timestamp,
    pub source: Source,
    pub severity: Severity,
    /// The instance it is about, when one is: Enter opens its logs at this moment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    pub text: String,
    /// The jobs its agents were running when an instance ended (from their own lines).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<JobRef>,
    /// Who terminated the instance with bkops (the caller's ARN, from the audit log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

pub use crate::domain::LogLine;

/// One line of bkops' audit log about this stack: what an operator did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operated {
    pub at: Timestamp,
    /// The caller's ARN.
    pub who: String,
    /// The audit log's action: `events:DisableRule`, `ssm:StartSession`, `abandoned`, …
    pub action: String,
    pub instance: Option<String>,
    /// `ok`, `ok: …` or `error: …`, as the audit log wrote it.
    pub result: String,
}

/// What the timeline is made from; each may be empty when it could not be read.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub now: Timestamp,
    pub since: Timestamp,
    pub activities: &'a [ScalingActivity],
    pub scaler: Option<&'a ScalerLog>,
    pub lines: &'a [LogLine],
    /// The jobs each ended instance's agents were running when its lines stop.
    pub jobs: &'a [(String, Vec<JobRef>)],
    /// Instances whose agent Buildkite reports lost, as read now.
    pub lost: &'a [String],
    /// Instances InService with no agent for too long, and when they launched.
    pub zombies: &'a [(String, Timestamp)],
    pub operated: &'a [Operated],
    /// The group's `bkops:paused-by` and `bkops:paused-at` tags.
    pub paused: Option<(&'a str, Timestamp)>,
    /// The queue a minute apart, oldest first.
    pub queue: &'a [QueueSample],
    /// The stack's name, and its CloudFormation events (and its nested stacks').
    pub stack: &'a str,
    pub stack_events: &'a [crate::domain::StackEvent],
}

/// A stack's timeline as read: the events, newest first, and what could not be read (so its
/// events are missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub events: Vec<Event>,
    pub unread: Vec<String>,
}

/// Every event since `since`, newest first.
pub fn build(i: &Inputs<'_>) -> Vec<Event> {
    let mut events = Vec::new();
    events.extend(i.activities.iter().filter_map(|a| activity(a, i.operated, i.jobs)));
    if let Some(log) = i.scaler {
        events.extend(scaler(log).into_iter().rev());
    }
    // The sources read oldest first are taken backwards, so that events of one second keep
    // their order, newest first, through the stable sort below.
    events.extend(i.lines.iter().rev().filter_map(log_line));
    events.extend(i.lost.iter().map(|id| Event {
        at: i.now,
        source: Source::Agent,
        severity: Severity::Warn,
        instance: Some(id.clone()),
        text: "its agent is lost: Buildkite heard nothing from it (read now)".into(),
        jobs: Vec::new(),
        by: None,
    }));
    events.extend(i.zombies.iter().map(|(id, launched)| Event {
        at: launched.plus_secs(super::why::ZOMBIE_AFTER_SECS),
        source: Source::Agent,
        severity: Severity::Bad,
        instance: Some(id.clone()),
        text: format!(
            "no agent {} after launch: a zombie, counted as capacity but taking no job",
            crate::domain::format_age(super::why::ZOMBIE_AFTER_SECS)
        ),
        jobs: Vec::new(),
        by: None,
    }));
    events.extend(i.operated.iter().rev().filter_map(operator));
    events.extend(paused_by_tag(i));
    events.extend(spikes(i.queue).into_iter().rev());
    events.extend(cfn::cloudformation(i.stack, i.stack_events));
    events.retain(|e| e.at >= i.since);
    // Newest first; at one moment, the worst first.
    events.sort_by(|a, b| b.at.cmp(&a.at).then(b.severity.cmp(&a.severity)));
    events
}

/// The instance an activity's description names (`…: i-0123…`).
pub fn activity_instance(description: &str) -> Option<&str> {
    let id = description.rsplit(": ").next()?.trim();
    (crate::domain::instance_id(id).ok()? == id).then_some(id)
}

fn activity(a: &ScalingActivity, operated: &[Operated], jobs: &[(String, Vec<JobRef>)]) -> Option<Event> {
    let instance = activity_instance(&a.description).map(str::to_string);
    let mut running = Vec::new();
    let mut operator_arn = None;
    let failed = matches!(a.status, ActivityStatus::Failed | ActivityStatus::Cancelled);
    let (severity, text) = if failed {
        // The reason first: it is what a narrow row has room for.
        let why = a.status_message.as_deref().unwrap_or("no reason given");
        let what = if a.description.starts_with("Launching") {
            "launch"
        } else if a.description.starts_with("Terminating") {
            "terminate"
        } else {
            "activity"
        };
        (Severity::Bad, format!("{what} FAILED: {why}"))
    } else if let Some(by) = ended_by(a) {
        let operator = instance.as_deref().and_then(|id| terminated_with_bkops(id, a.start, operated));
        running =
            jobs.iter().find(|(id, _)| Some(id) == instance.as_ref()).map_or(Vec::new(), |(_, j)| j.clone());
        // The job lost goes first: it is what the developers will ask about.
        let mid_job = match running.as_slice() {
            [] => String::new(),
            [one] => format!(" running {}", one.name()),
            [one, rest @ ..] => format!(" running {} and {} more", one.name(), rest.len()),
        };
        operator_arn = operator.map(str::to_string);
        let text = match operator {
            Some(who) => format!("terminated{mid_job} by {who} with bkops"),
            None => format!("terminated{mid_job}: {}", by.label()),
        };
        let severity = match by {
            EndedBy::Unhealthy | EndedBy::Ec2 | EndedBy::Impaired => Severity::Warn,
            _ => Severity::Info,
        };
        (severity, text)
    } else if a.description.starts_with("Launching") {
        (Severity::Info, "launched".to_string())
    } else {
        (Severity::Info, a.description.clone())
    };
    Some(Event {
        at: a.start,
        source: Source::Activity,
        severity,
        instance,
        text,
        jobs: running,
        by: operator_arn,
    })
}

/// Who terminated `instance` with bkops shortly before Auto Scaling's activity began.
fn terminated_with_bkops<'a>(instance: &str, start: Timestamp, operated: &'a [Operated]) -> Option<&'a str> {
    operated
        .iter()
        .filter(|o| {
            o.action == TERMINATE && o.instance.as_deref() == Some(instance) && o.result.starts_with("ok")
        })
        .filter(|o| o.at <= start.plus_secs(60) && start.secs_since(o.at) <= 15 * 60)
        .map(|o| o.who.as_str())
        .next_back()
}

const TERMINATE: &str = "autoscaling:TerminateInstanceInAutoScalingGroup";

fn event(at: Timestamp, source: Source, severity: Severity, text: String) -> Event {
    Event { at, source, severity, instance: None, text, jobs: Vec::new(), by: None }
}

/// What a line of the instance's own logs says, when it is a signal.
fn log_line(l: &LogLine) -> Option<Event> {
    let m = l.message.trim();
    let (severity, what) = if l.group == groups::LIFECYCLED {
        if !log_signals::is_spot_notice(m) {
            return None;
        }
        (Severity::Bad, "Spot interruption notice")
    } else if log_signals::is_boot_failure(m) {
        (Severity::Bad, "bootstrap failed")
    } else {
        match log_signals::disk_line(m)? {
            DiskSignal::Full if m.contains("unhealthy") => (Severity::Bad, "marked Unhealthy"),
            DiskSignal::Full => (Severity::Bad, "disk full"),
            DiskSignal::Low if m.contains("inodes") => (Severity::Warn, "inodes low"),
            DiskSignal::Low => (Severity::Warn, "disk low"),
            _ => return None,
        }
    };
    Some(Event {
        at: l.at,
        source: Source::Log,
        severity,
        instance: Some(l.instance.clone()),
        text: format!(
            "{what}: {}",
            crate::domain::text::sanitize(&crate::domain::text::truncate(m, LINE_CHARS))
        ),
        jobs: Vec::new(),
        by: None,
    })
}

/// Enough of a log line to recognise it; Enter shows it whole.
const LINE_CHARS: usize = 120;

/// What an operator did with bkops, from its audit log.
fn operator(o: &Operated) -> Option<Event> {
    let (severity, what) = match o.action.as_str() {
        "events:DisableRule" => (Severity::Warn, "paused scaling"),
        "events:EnableRule" => (Severity::Info, "resumed scaling"),
        TERMINATE => (Severity::Warn, "terminated the instance"),
        "buildkite:StopAgent" => (Severity::Info, "stopped the agent"),
        "ssm:StartSession" => (Severity::Info, "opened a shell"),
        "abandoned" => (Severity::Bad, "left an operation unfinished"),
        _ => return None,
    };
    let failed = o.result.strip_prefix("error: ").map(|e| format!(" (failed: {e})")).unwrap_or_default();
    Some(Event {
        at: o.at,
        source: Source::Operator,
        severity: if failed.is_empty() { severity } else { Severity::Bad },
        instance: o.instance.clone(),
        text: format!("{} {what} with bkops{failed}", o.who),
        jobs: Vec::new(),
        by: None,
    })
}

/// A pause the audit log here does not hold (made from another machine), from the tags.
fn paused_by_tag(i: &Inputs<'_>) -> Option<Event> {
    let (who, at) = i.paused?;
    let known = i
        .operated
        .iter()
        .any(|o| o.action == "events:DisableRule" && o.at.secs_since(at).max(at.secs_since(o.at)) <= 120);
    (!known).then(|| {
        event(at, Source::Operator, Severity::Warn, format!("{who} paused scaling (the group's bkops tags)"))
    })
}

/// Jobs waiting jumped: at least doubled and by at least `SPIKE_JOBS` within a few minutes;
/// and when such a spike drained back (to where it rose from, or to a handful).
fn spikes(samples: &[QueueSample]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut base: Option<u64> = None;
    for (n, s) in samples.iter().enumerate() {
        let jobs = (s.scheduled + s.waiting).max(0.0).round() as u64;
        match base {
            None => {
                let from = samples[n.saturating_sub(SPIKE_WINDOW)..n]
                    .iter()
                    .map(|p| (p.scheduled + p.waiting).max(0.0).round() as u64)
                    .min();
                if let Some(from) = from
                    && jobs >= from.saturating_mul(2)
                    && jobs >= from + SPIKE_JOBS
                {
                    base = Some(from);
                    out.push(event(
                        s.at,
                        Source::Queue,
                        Severity::Warn,
                        format!("queue spike: {} waiting (was {from})", count(jobs, "job", "jobs")),
                    ));
                }
            }
            Some(from) if jobs <= from || jobs < SPIKE_JOBS => {
                base = None;
                out.push(event(
                    s.at,
                    Source::Queue,
                    Severity::Info,
                    format!("queue drained: {} waiting", count(jobs, "job", "jobs")),
                ));
            }
            Some(_) => {}
        }
    }
    out
}

const SPIKE_JOBS: u64 = 5;
/// Samples (minutes) a rise may take and still be a spike.
const SPIKE_WINDOW: usize = 5;

#[cfg(test)]
mod tests;
