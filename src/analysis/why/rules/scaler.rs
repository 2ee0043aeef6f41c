//! The rules that read the scaler's own log: its errors, its silence, a log that cannot be
//! read, and a calculation its algorithm does not give.

use super::Seen;
use crate::analysis::scaler_decision::{ScalerInputs, wanted};
use crate::analysis::why::{Reason, SCALER_SILENT_SECS, ScalerRead, reason};
use crate::domain::format_age;
use crate::domain::scaler::ScalerParams;
use crate::domain::scaler_log::{Outcome, ScalerLog, ScalerRun};
use crate::domain::text::quote;

/// The scaler's log, when it was read and its rule is enabled.
fn enabled_log<'a>(seen: &Seen<'a>) -> Option<&'a ScalerLog> {
    match seen.f.scaler {
        ScalerRead::Read(log) if seen.enabled => Some(log),
        _ => None,
    }
}

pub(super) fn scaler_error(seen: &Seen<'_>) -> Option<Reason> {
    enabled_log(seen)?;
    let run = seen.last?;
    let Outcome::Error { text } = &run.outcome else { return None };
    // The headline quotes it; the evidence keeps it whole, for the details.
    Some(reason(
        "scaler_error",
        format!("scaler error: {}", quote(text)),
        vec![
            "the scaler's last run failed (its Errors metric stays 0: this line is the only signal)".into(),
            format!("{}: Scaling error: {text}", run.at.rfc3339()),
        ],
    ))
}

pub(super) fn scaler_not_running(seen: &Seen<'_>) -> Option<Reason> {
    let log = enabled_log(seen)?;
    let now = seen.f.now;
    let newest = log.last_invocation.or(seen.last.map(|r| r.at));
    if newest.is_some_and(|t| now.secs_since(t) <= SCALER_SILENT_SECS) {
        return None;
    }
    let (short, since) = match newest {
        Some(t) => {
            let age = format_age(now.secs_since(t));
            (format!("scaler silent for {age}"), format!("since {} ({age} ago)", t.rfc3339()))
        }
        None => ("scaler not running".to_string(), "in the last 10 minutes".to_string()),
    };
    Some(reason(
        "scaler_not_running",
        short,
        vec![
            format!("the scaler has not run {since}, though its rule is enabled"),
            "check the function's errors, its role, and the rule's target".into(),
        ],
    ))
}

pub(super) fn scaler_log_missing(seen: &Seen<'_>) -> Option<Reason> {
    let ScalerRead::Missing { group } = seen.f.scaler else { return None };
    seen.enabled.then(|| {
        reason(
            "scaler_log_missing",
            "scaler log missing or empty".into(),
            vec![
                format!("the scaler's log group {group} is missing or has nothing of the last minutes"),
                "its runs cannot be read (the stack's LogRetentionDays keeps one day by default)".into(),
            ],
        )
    })
}

pub(super) fn scaler_unreadable(seen: &Seen<'_>) -> Option<Reason> {
    let ScalerRead::Unreadable { text } = seen.f.scaler else { return None };
    seen.enabled.then(|| {
        reason(
            "scaler_unreadable",
            "scaler log unreadable".into(),
            vec![
                format!("the scaler's log cannot be read: {text}"),
                "bkops needs logs:FilterLogEvents on the scaler's log group".into(),
            ],
        )
    })
}

/// The scaler's own calculation differs from its algorithm on what its run saw.
pub(super) fn scaler_disagrees(seen: &Seen<'_>) -> Option<Reason> {
    let (run, params) = (seen.last?, seen.f.stack.scaler_params.as_ref()?);
    let (calculated, ours) = (run.calculated?, algorithm_on(params, run)?);
    if !seen.enabled || calculated == ours {
        return None;
    }
    Some(reason(
        "scaler_disagrees",
        format!("scaler wants {calculated}, algorithm {ours}"),
        vec![
            format!(
                "from what its run at {} saw, the scaler calculated {calculated} instances; its algorithm with this stack's parameters gives {ours}",
                run.at.rfc3339()
            ),
            "a parameter (ScaleOutFactor, InstanceBuffer, AgentsPerInstance, ScaleOutForWaitingJobs) or the scaler's version is not what bkops read".into(),
        ],
    ))
}

/// What the algorithm gives from what the scaler's own run saw, when that run logged its
/// inputs: a different answer means a parameter, or the scaler's version, is not what bkops
/// read.
fn algorithm_on(params: &ScalerParams, run: &ScalerRun) -> Option<u32> {
    let ([scheduled, running, waiting], [_, _, total_agents], [_, desired, actual, min, max]) =
        (run.jobs?, run.agents?, run.group?);
    let inputs = ScalerInputs { scheduled, running, waiting, total_agents, desired, min, max, actual };
    Some(wanted(params, &inputs))
}
