//! Carries out a plan: each call through the backend's `execute` (where read-only is
//! enforced), each one written to the audit log, stopping at the first that fails. A drain's
//! wait polls the agents until their jobs are done, saying how long is left.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::audit;
use super::plan::Plan;
use super::port::Call;
use super::port::CallContext as Context;
use super::port::Operations;
use super::wait;
use crate::clock::Clock;
use crate::domain::BackendError;

/// What happened to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub call: Call,
    pub result: Result<(), BackendError>,
}

/// How far a run of a plan has got: shared with whoever may have to stop it half-way (a
/// signal, the operator quitting), so that what was done and what was not can be said.
#[derive(Debug, Clone, Default)]
pub struct Ledger(Arc<Mutex<Progress>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: Vec<Outcome>,
    /// The call under way: if the run is stopped now, its outcome is unknown.
    pub in_flight: Option<Call>,
}

impl Ledger {
    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn progress(&self) -> Progress {
        self.lock().clone()
    }
}

/// Makes the plan's calls in order. The intent (every call) is written to the audit log first,
/// and nothing is done if it cannot be; each result is written after its call. The first
/// failure ends the run: later calls depend on the earlier ones (the record of a pause before
/// the rule is disabled; no terminate before the jobs are done).
pub async fn apply(
    op: &dyn Operations,
    plan: &Plan,
    ctx: &Context,
    clock: &Clock,
    audit_log: Option<&std::path::Path>,
    progress: &(dyn Fn(String) + Send + Sync),
    ledger: &Ledger,
) -> Result<Vec<Outcome>, std::io::Error> {
    audit::record_intent(audit_log, ctx, &plan.title, &plan.calls, clock.now())?;
    for call in &plan.calls {
        ledger.lock().in_flight = Some(call.clone());
        let result = match call {
            Call::WaitForJobs { instances, timeout_secs } => {
                wait::jobs(op, &ctx.stack, instances, Duration::from_secs(*timeout_secs), progress).await
            }
            Call::WaitForEmpty { timeout_secs, .. } => {
                wait::empty(op, &ctx.stack, Duration::from_secs(*timeout_secs), progress).await
            }
            Call::WaitForUpdate { external, timeout_secs, .. } => {
                let how = wait::Follow { external: *external, timeout: Duration::from_secs(*timeout_secs) };
                wait::update(op, &ctx.stack, clock, how, progress).await
            }
            _ => {
                let result = match op.execute(call).await {
                    Err(BackendError::TimedOut(what)) => {
                        Err(unknown_outcome(op, &ctx.stack, call, &what).await)
                    }
                    other => other,
                };
                let text = result.as_ref().map(|_| ()).map_err(BackendError::to_string);
                let written = audit::record(audit_log, ctx, call, clock.now(), &text);
                let mut l = ledger.lock();
                l.in_flight = None;
                l.done.push(Outcome { call: call.clone(), result: result.clone() });
                drop(l);
                // The call was made; a result that cannot be recorded stops the rest.
                written?;
                result
            }
        };
        if call.is_wait() {
            let mut l = ledger.lock();
            l.in_flight = None;
            l.done.push(Outcome { call: call.clone(), result: result.clone() });
        }
        if result.is_err() {
            break;
        }
    }
    Ok(ledger.progress().done)
}

/// A write that got no answer may or may not have been made: the stack is read again and the
/// error says which, plainly. The run stops there either way; running the command again works
/// out what is left from the stack as it is then.
async fn unknown_outcome(op: &dyn Operations, stack: &str, call: &Call, what: &str) -> BackendError {
    let head = format!("{what}, so its outcome was unknown");
    let now = match op.scaling_target(stack).await {
        Ok(t) => t,
        Err(e) => return BackendError::TimedOut(format!("{head}; reading the stack again failed too ({e})")),
    };
    let took = match call {
        Call::DisableRule { .. } => Some(now.rule_enabled == Some(false)),
        Call::EnableRule { .. } => Some(now.rule_enabled == Some(true)),
        Call::TagGroup { tags, .. } => Some(tags.iter().all(|(k, _)| now.tags.contains_key(k))),
        Call::DeleteGroupTags { keys, .. } => Some(keys.iter().all(|k| !now.tags.contains_key(k))),
        Call::UpdateGroup { min, desired, .. } => {
            Some(min.is_none_or(|m| now.min == m) && desired.is_none_or(|d| now.desired == d))
        }
        Call::Terminate { instance, .. } => Some(!now.instances.contains(instance)),
        Call::StopAgent { .. }
        | Call::SendCommand { .. }
        | Call::WaitForJobs { .. }
        | Call::CreateChangeSet { .. }
        | Call::ExecuteChangeSet { .. }
        | Call::DeleteChangeSet { .. }
        | Call::WaitForEmpty { .. }
        | Call::WaitForUpdate { .. } => None,
    };
    let verdict = match took {
        Some(true) => "read again, the stack shows it took effect",
        Some(false) => "read again, the stack shows it did not take effect",
        None => "bkops cannot tell from the stack whether it took effect",
    };
    BackendError::TimedOut(format!(
        "{head}; {verdict}; nothing more was done (run the command again to finish)"
    ))
}

/// What a plan stopped half-way leaves behind, and how to finish or undo it, in words an
/// on-call engineer can act on.
fn left_behind(stack: &str, made: &[&Call], not_made: &[&Call]) -> Vec<String> {
    let any = |calls: &[&Call], f: &dyn Fn(&Call) -> bool| calls.iter().any(|c| f(c));
    let mut out = Vec::new();
    let stopped = any(made, &|c| matches!(c, Call::StopAgent { .. }));
    let unterminated: Vec<&str> = not_made
        .iter()
        .filter_map(|c| match c {
            Call::Terminate { instance, .. } => Some(instance.as_str()),
            _ => None,
        })
        .collect();
    if !unterminated.is_empty() {
        let ids = unterminated.join(" ");
        let run = if unterminated.len() == 1 { "runs" } else { "run" };
        if stopped {
            out.push(format!(
                "their agents were told to stop and take no new job, but {ids} still {run}: `bkops terminate {ids} --yes` finishes it"
            ));
        } else {
            out.push(format!("{ids} not terminated: `bkops terminate {ids} --yes` does it"));
        }
    }
    let tagged = any(made, &|c| matches!(c, Call::TagGroup { .. }));
    if tagged && any(not_made, &|c| matches!(c, Call::DisableRule { .. })) {
        out.push(format!(
            "the group is tagged paused but the scaler still runs: `bkops --stack {stack} scaling pause --yes` completes the pause, `scaling resume --yes` removes the record"
        ));
    }
    if any(made, &|c| matches!(c, Call::DisableRule { .. }))
        && any(not_made, &|c| matches!(c, Call::UpdateGroup { desired: Some(0), .. }))
    {
        out.push(format!(
            "scaling is paused but the group was not drained: `bkops --stack {stack} scaling pause --drain --yes` drains it"
        ));
    }
    out.extend(update_left_behind(stack, made, not_made));
    if any(made, &|c| matches!(c, Call::EnableRule { .. }))
        && any(not_made, &|c| matches!(c, Call::UpdateGroup { .. } | Call::DeleteGroupTags { .. }))
    {
        out.push(format!(
            "the scaler runs again but MinSize or the pause record was left: `bkops --stack {stack} scaling resume --yes` finishes the resume"
        ));
    }
    out
}

/// What an update stopped half-way leaves: a change set not executed, or an update going on
/// without bkops following it; either way scaling paused by it.
fn update_left_behind(stack: &str, made: &[&Call], not_made: &[&Call]) -> Vec<String> {
    let paused = made.iter().any(|c| matches!(c, Call::DisableRule { .. }));
    let resume = if paused {
        format!("; scaling is paused: `bkops --stack {stack} scaling resume --yes` resumes it")
    } else {
        String::new()
    };
    let unexecuted = not_made.iter().find_map(|c| match c {
        Call::ExecuteChangeSet { name, .. } => Some(name.as_str()),
        _ => None,
    });
    if let Some(name) = unexecuted {
        return vec![format!(
            "the update was not started (its change set {name} is left: `aws cloudformation delete-change-set --stack-name {stack} --change-set-name {name}`){resume}"
        )];
    }
    if not_made.iter().any(|c| matches!(c, Call::WaitForUpdate { .. })) {
        return vec![format!(
            "the update goes on in CloudFormation without bkops following it: `bkops update --stack {stack} --external --yes` follows it to its end and resumes scaling{}",
            if paused { "" } else { " (if it was paused)" }
        )];
    }
    Vec::new()
}

/// Stops a plan's run where it is, writes an `abandoned` line to the audit log (what was done,
/// what was under way, what was not done), and returns what to tell the operator.
pub fn abandon(
    plan: &Plan,
    ledger: &Ledger,
    ctx: &Context,
    clock: &Clock,
    audit_log: Option<&std::path::Path>,
    why: &str,
) -> String {
    let p = ledger.progress();
    let made: Vec<&Call> = p.done.iter().filter(|o| o.result.is_ok()).map(|o| &o.call).collect();
    let failed: Vec<&Outcome> = p.done.iter().filter(|o| o.result.is_err()).collect();
    let started = p.done.len() + usize::from(p.in_flight.is_some());
    let not_made: Vec<&Call> = plan.calls.iter().skip(started).collect();
    let strings = |calls: &[&Call]| calls.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let report = serde_json::json!({
        "title": plan.title,
        "done": strings(&made),
        "failed": failed.iter().map(|o| o.call.to_string()).collect::<Vec<_>>(),
        "in_flight": p.in_flight.as_ref().map(|c| c.to_string()),
        "not_done": strings(&not_made),
    });
    let mut text = format!(
        "{} abandoned ({why}) after {} of {} calls",
        plan.title,
        made.len() + failed.len(),
        plan.calls.len()
    );
    match &p.in_flight {
        Some(Call::WaitForJobs { .. }) => text.push_str("; it was waiting for the jobs to finish"),
        Some(Call::WaitForEmpty { .. }) => text.push_str("; it was waiting for the group to empty"),
        Some(Call::WaitForUpdate { .. }) => text.push_str("; it was following the update"),
        Some(c) => text.push_str(&format!("; under way, outcome unknown: {}", c.action())),
        None => {}
    }
    if !not_made.is_empty() {
        let actions: Vec<&str> = not_made.iter().map(|c| c.action()).collect();
        text.push_str(&format!("; not made: {}", actions.join(", ")));
    }
    let mut unfinished: Vec<&Call> = not_made.clone();
    unfinished.extend(p.in_flight.iter());
    for left in left_behind(&ctx.stack, &made, &unfinished) {
        text.push_str(&format!("; {left}"));
    }
    if let Err(e) = audit::record_abandoned(audit_log, ctx, &report, why, clock.now()) {
        text.push_str(&format!("; the audit log could not record it: {e}"));
    }
    text
}

#[cfg(test)]
mod tests;
