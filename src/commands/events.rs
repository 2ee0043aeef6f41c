//! `bkops events --stack NAME [--since 1h] [--follow]`: the stack's CloudFormation events and
//! its nested stacks', newest first, each failure with CloudFormation's reason and the first
//! failure of a rollback named as its cause. `--follow` keeps reading while an update runs.

use std::collections::HashSet;
use std::time::Duration;

use serde::Serialize;

use super::Format;
use super::error::AppError;
use crate::analysis::stack_events::{causes, latest_status};
use crate::backend::Backends;
use crate::domain::text::sanitize;
use crate::domain::{StackEvent, StackState, Timestamp};

#[derive(Debug, Clone, clap::Args)]
pub struct EventsArgs {
    /// How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time.
    #[arg(long, default_value = "1h", value_name = "WHEN")]
    pub since: String,
    /// Keep reading, oldest first, printing new events as they come: every 5 s while the stack
    /// changes, every 30 s while it is stable. Ctrl-C ends it.
    #[arg(long, short = 'f')]
    pub follow: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Seconds between reads while the stack changes, and while it is stable.
const FOLLOW_CHANGING_SECS: u64 = 5;
const FOLLOW_STABLE_SECS: u64 = 30;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    stack: &'a str,
    /// The stack's status now.
    status: &'a str,
    #[serde(serialize_with = "crate::domain::time::rfc3339")]
    since: Timestamp,
    events: Vec<EventJson<'a>>,
}

/// One event, and what bkops makes of it.
#[derive(Serialize)]
struct EventJson<'a> {
    #[serde(flatten)]
    event: &'a StackEvent,
    /// Its status is a failure (`*_FAILED`).
    failure: bool,
    /// The first failure of a rollback, or of a rollback that failed: what to look at first.
    cause: bool,
}

pub async fn run(backends: &Backends, stack: Option<&str>, args: &EventsArgs) -> Result<(), AppError> {
    let usage = "bkops events --stack NAME [--since 1h] [--follow]";
    let (found, since) = super::check::stack_and_since(backends, stack, &args.since, usage).await?;
    let (name, status) = (found.name, found.status);
    let events = crate::deadline::within(backends.stacks.stack_events(&name, since)).await?;
    let status = latest_status(&events, &name).map_or(status, str::to_string);
    if args.follow {
        return follow(backends, &name, since, events, status, args.format).await;
    }
    let causes = causes(&events, &name);
    let json = |e| EventJson { event: e, failure: e.is_failure(), cause: causes.contains(&e.event_id) };
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match args.format {
        Format::Json => {
            let report = Report {
                schema_version: crate::snapshot::SCHEMA_VERSION,
                stack: &name,
                status: &status,
                since,
                events: events.iter().map(json).collect(),
            };
            let text =
                serde_json::to_string_pretty(&report).map_err(|e| AppError::Terminal(e.to_string()))?;
            crate::output::out_json(&text)
        }
        Format::Text => crate::output::out(text(&name, &status, since, &events, &causes).trim_end()),
    };
    Ok(())
}

fn text(stack: &str, status: &str, since: Timestamp, events: &[StackEvent], causes: &[String]) -> String {
    let mut out = format!(
        "{stack}: {status} · {} since {}, newest first\n",
        crate::domain::text::count(events.len() as u64, "event", "events"),
        since.rfc3339()
    );
    for cause in events.iter().filter(|e| causes.contains(&e.event_id)) {
        out.push_str(&format!("cause: {}\n", line(stack, cause)));
    }
    if events.is_empty() {
        out.push_str("(none: a longer --since, e.g. --since 1d, reaches the last update)\n");
    }
    for e in events {
        let mark = if causes.contains(&e.event_id) { "  ← cause" } else { "" };
        out.push_str(&format!("{}{mark}\n", line(stack, e)));
    }
    out
}

/// An event in a line: when, its status, the resource (with its nested stack, when it is in
/// one) and its type, and CloudFormation's reason.
fn line(root: &str, e: &StackEvent) -> String {
    let resource = if e.stack == root || e.is_of_stack() {
        sanitize(&e.logical_id).into_owned()
    } else {
        format!("{}/{}", sanitize(&e.stack), sanitize(&e.logical_id))
    };
    let reason = e.reason.as_deref().map(|r| format!("  {}", sanitize(r))).unwrap_or_default();
    format!(
        "{}  {:<35} {resource} ({}){reason}",
        e.at.rfc3339(),
        sanitize(&e.status),
        sanitize(&e.resource_type)
    )
}

/// Prints what was read oldest first, then every new event as it comes, until a signal. A
/// rollback's cause is known only once the rollback starts: it is said then (text: a `cause:`
/// line; JSON: the event again, with `cause` true).
async fn follow(
    backends: &Backends,
    stack: &str,
    since: Timestamp,
    mut new: Vec<StackEvent>,
    mut status: String,
    format: Format,
) -> Result<(), AppError> {
    let mut stop = crate::stop::listen();
    let mut all: Vec<StackEvent> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut said: HashSet<String> = HashSet::new();
    let mut from = since;
    let mut failures = 0u32;
    loop {
        new.sort_by_key(|e| e.at);
        let fresh: Vec<StackEvent> = new.drain(..).filter(|e| seen.insert(e.event_id.clone())).collect();
        all.extend(fresh.iter().cloned());
        let causes = causes(&all, stack);
        for e in &fresh {
            let cause = causes.contains(&e.event_id);
            if cause {
                said.insert(e.event_id.clone());
            }
            if say(stack, e, cause, false, format)?.is_err() {
                return Ok(());
            }
            from = from.max(e.at);
        }
        for e in all.iter().filter(|e| causes.contains(&e.event_id) && said.insert(e.event_id.clone())) {
            if say(stack, e, true, true, format)?.is_err() {
                return Ok(());
            }
        }
        let changing = StackState::of(&status).is_changing();
        let secs = if changing { FOLLOW_CHANGING_SECS } else { FOLLOW_STABLE_SECS };
        // Back off while reads fail (throttled, say), up to two minutes.
        let wait = Duration::from_secs((secs << failures.min(4)).min(120));
        tokio::select! {
            _ = stop.next() => return Ok(()),
            _ = tokio::time::sleep(wait) => {}
        }
        // From the last event seen, that moment included: events of the same millisecond are
        // not lost, and those already printed are not printed again. A signal ends a read that
        // hangs as promptly as a wait.
        let read = tokio::select! {
            _ = stop.next() => return Ok(()),
            read = crate::deadline::within(backends.stacks.stack_events(stack, from)) => read,
        };
        match read {
            Ok(read) => {
                failures = 0;
                if let Some(s) = latest_status(&read, stack) {
                    status = s.to_string();
                }
                new = read;
            }
            Err(e) => {
                failures += 1;
                crate::output::err(&format!("events: {e}; reading again"));
            }
        }
    }
}

/// One event while following: a line of text, or a JSON document on a line. `again` says a
/// cause found after its event was printed. The inner result is the write's (a closed pipe).
fn say(
    stack: &str,
    e: &StackEvent,
    cause: bool,
    again: bool,
    format: Format,
) -> Result<std::io::Result<()>, AppError> {
    Ok(match format {
        Format::Json => {
            let json = serde_json::to_string(&EventJson { event: e, failure: e.is_failure(), cause })
                .map_err(|e| AppError::Terminal(e.to_string()))?;
            crate::output::out_json(&json)
        }
        Format::Text if again => crate::output::out(&format!("cause: {}", line(stack, e))),
        Format::Text => {
            crate::output::out(&format!("{}{}", line(stack, e), if cause { "  ← cause" } else { "" }))
        }
    })
}
