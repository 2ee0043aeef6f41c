//! The audit log: one JSON line per mutating call bkops makes (or would make, with
//! `--dry-run`), with who made it, where, and what came back. Appended to
//! `~/.local/state/bkops/audit.jsonl`.

use std::io::Write;

use serde::Serialize;

use super::port::{Call, CallContext as Context};
use crate::domain::Timestamp;

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    #[serde(flatten)]
    context: &'a Context,
    action: &'a str,
    request: &'a serde_json::Value,
    result: &'a str,
}

/// Appends one line for a call of a plan.
pub fn record(
    path: Option<&std::path::Path>,
    ctx: &Context,
    call: &Call,
    at: Timestamp,
    result: &Result<(), String>,
) -> std::io::Result<()> {
    let request = serde_json::to_value(call).map_err(std::io::Error::other)?;
    let result = result.clone().map(|()| String::new());
    record_action(path, ctx, call.action(), &request, at, &result)
}

/// Appends one line; `Ok` may say what was made (a session's ID), for finding it in
/// CloudTrail. A log that cannot be written is an error the caller must show: a
/// mutation nobody can trace is not made silently.
pub fn record_action(
    path: Option<&std::path::Path>,
    ctx: &Context,
    action: &str,
    request: &serde_json::Value,
    at: Timestamp,
    result: &Result<String, String>,
) -> std::io::Result<()> {
    let result = match result {
        Ok(made) if made.is_empty() => "ok".to_string(),
        Ok(made) => format!("ok: {made}"),
        Err(e) => format!("error: {e}"),
    };
    append(path, ctx, action, request, at, &result)
}

fn append(
    path: Option<&std::path::Path>,
    ctx: &Context,
    action: &str,
    request: &serde_json::Value,
    at: Timestamp,
    result: &str,
) -> std::io::Result<()> {
    let path =
        path.ok_or_else(|| std::io::Error::other("no state directory (set HOME or XDG_STATE_HOME)"))?;
    let line = Line { time: at.rfc3339(), context: ctx, action, request, result };
    let mut text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut f = crate::paths::append_private(path)?;
    f.write_all(text.as_bytes())
}

/// Before the first call of a plan: what is about to be done, every call of it. If this line
/// cannot be written, nothing is done.
pub fn record_intent(
    path: Option<&std::path::Path>,
    ctx: &Context,
    title: &str,
    calls: &[Call],
    at: Timestamp,
) -> std::io::Result<()> {
    let calls: Vec<serde_json::Value> =
        calls.iter().map(serde_json::to_value).collect::<Result<_, _>>().map_err(std::io::Error::other)?;
    record_intent_of(path, ctx, title, calls, at)
}

/// As `record_intent`, for calls that are not a plan's (a session's StartSession).
pub fn record_intent_of(
    path: Option<&std::path::Path>,
    ctx: &Context,
    title: &str,
    calls: Vec<serde_json::Value>,
    at: Timestamp,
) -> std::io::Result<()> {
    let request = serde_json::json!({ "title": title, "calls": calls });
    append(path, ctx, "intent", &request, at, "planned")
}

/// A plan left unfinished (bkops was stopped while it ran): what was done, what was under way
/// (its outcome unknown), and what was not done.
pub fn record_abandoned(
    path: Option<&std::path::Path>,
    ctx: &Context,
    report: &serde_json::Value,
    why: &str,
    at: Timestamp,
) -> std::io::Result<()> {
    append(path, ctx, "abandoned", report, at, &format!("abandoned: {why}"))
}
