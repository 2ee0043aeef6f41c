//! How `bkops watch` says an event: a line of text, one JSON document (the schema's
//! `watch_event`), and the body of a webhook (Slack's incoming webhooks read `text`; the
//! structured event is beside it). Every string is sanitized here, the one sink: nothing read
//! from a log or an API reaches a terminal, a chat or a pager as a control character.

use serde_json::{Value, json};

use crate::analysis::watch::{Change, Event};
use crate::domain::text::sanitize;
use crate::domain::time::format_age;

pub fn json(e: &Event) -> Value {
    let i = &e.incident;
    json!({
        "schema_version": crate::snapshot::SCHEMA_VERSION,
        "event": e.change,
        "at": e.at.rfc3339(),
        "since": e.since.rfc3339(),
        "open_secs": e.at.secs_since(e.since),
        "stack": sanitize(&i.key.stack),
        "kind": i.key.kind,
        "subject": sanitize(&i.key.subject),
        "text": sanitize(&i.text),
        "evidence": i.evidence.iter().map(|l| sanitize(l)).collect::<Vec<_>>(),
    })
}

pub fn text(e: &Event) -> String {
    let i = &e.incident;
    let subject = if i.key.subject.is_empty() { String::new() } else { format!(" {}", i.key.subject) };
    let head = format!("{} {:<8} {} {}{subject}", e.at.rfc3339(), word(e.change), i.key.stack, i.key.kind);
    let tail = match e.change {
        Change::Opened => format!(": {}", i.text),
        Change::Resolved => format!(" (open {})", format_age(e.at.secs_since(e.since))),
    };
    sanitize(&format!("{head}{tail}")).into_owned()
}

fn word(c: Change) -> &'static str {
    match c {
        Change::Opened => "OPEN",
        Change::Resolved => "RESOLVED",
    }
}

/// The webhook's body: a line for a chat, and the event for anything that reads it.
pub fn webhook(e: &Event) -> Value {
    let mark = match e.change {
        Change::Opened => ":red_circle:",
        Change::Resolved => ":white_check_mark:",
    };
    let i = &e.incident;
    let what = match e.change {
        Change::Opened => i.text.clone(),
        Change::Resolved => format!("resolved after {}: {}", format_age(e.at.secs_since(e.since)), i.text),
    };
    let subject = if i.key.subject.is_empty() { String::new() } else { format!(" {}", i.key.subject) };
    json!({
        "text": sanitize(&format!("{mark} {} {}{subject}: {what}", i.key.stack, i.key.kind)),
        "bkops": json(e),
    })
}

/// An incident open now (`--once --format json`).
pub fn incident(i: &crate::domain::incident::Incident, since: crate::domain::Timestamp) -> Value {
    json!({
        "stack": sanitize(&i.key.stack),
        "kind": i.key.kind,
        "subject": sanitize(&i.key.subject),
        "since": since.rfc3339(),
        "text": sanitize(&i.text),
        "evidence": i.evidence.iter().map(|l| sanitize(l)).collect::<Vec<_>>(),
    })
}

/// An incident open now, in a line (`--once`).
pub fn line(i: &crate::domain::incident::Incident) -> String {
    let subject = if i.key.subject.is_empty() { String::new() } else { format!(" {}", i.key.subject) };
    sanitize(&format!("{} {}{subject}: {}", i.key.stack, i.key.kind, i.text)).into_owned()
}
