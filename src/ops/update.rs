//! A stack update as the stack's documentation does it by hand, worked out purely: the
//! parameters checked against the template, the change set's preview read for what it
//! replaces, and the calls in order (pause, drain if asked, execute, follow the events).
//! Resuming is planned afresh once the update has ended, from the stack as it is then.

mod params;
mod preview;

use super::plan::{self, Plan, PlanError};
use super::port::stack_update::{ChangeSetView, UpdateSource};
use super::port::{Call, ScalingTarget};
use crate::domain::{StackState, Timestamp};

pub use params::{ParamChange, ParamPlan, parameters, parse_overrides};
pub use preview::{changes_text, parameters_text};

/// How long a drain waits for the group to empty before giving up (the stack's idle timeout
/// is ten minutes by default, and a long job holds its instance).
pub const DRAIN_EMPTY_SECS: u64 = 3600;
/// How long bkops follows an update before it stops following (CloudFormation goes on).
pub const UPDATE_SECS: u64 = 2 * 3600;

/// Why an update is refused before anything is made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("--parameter {0}: expected KEY=VALUE")]
    Syntax(String),
    #[error("--parameter {0} is given twice")]
    Duplicate(String),
    #[error("{key} is not a parameter of the template; it has {known}")]
    UnknownParameter { key: String, known: String },
    #[error("{key}={value} is not allowed by the template: it allows {allowed}")]
    NotAllowed { key: String, value: String, allowed: String },
    #[error(
        "{stack}'s {key} is {value}, which the template does not allow (it allows {allowed}): give --parameter {key}=VALUE"
    )]
    PreviousNotAllowed { stack: String, key: String, value: String, allowed: String },
    #[error(
        "{stack} was deployed with Terraform: update it with terraform apply. \
         `bkops update --stack {stack} --external` pauses its scaling, waits for the apply to change its group, and resumes"
    )]
    Terraform { stack: String },
    #[error(
        "{stack} is {status}: an update can start only once it is stable (`bkops events --stack {stack}` shows what it is doing)"
    )]
    Busy { stack: String, status: String },
    #[error("{stack} is {status}: {what}")]
    Failed { stack: String, status: String, what: String },
    #[error("the change set could not be made: {0}")]
    ChangeSet(String),
}

/// The change set bkops makes for an update: named for the moment, so that an abandoned one
/// is recognisable in the console.
pub fn change_set_name(now: Timestamp) -> String {
    format!("bkops-{}", now.millis() / 1000)
}

/// Refuses a stack an update cannot start on: a Terraform stack, one changing now, one
/// CloudFormation has given up on (which needs an operator first).
pub fn check_stack(source: &UpdateSource) -> Result<(), UpdateError> {
    let stack = source.stack.clone();
    if source.terraform {
        return Err(UpdateError::Terraform { stack });
    }
    let status = source.status.clone();
    // A stack whose creation rolled back cannot be updated, only deleted.
    let failed = status == "ROLLBACK_COMPLETE";
    match StackState::of(&status) {
        StackState::Stable | StackState::RolledBack if !failed => Ok(()),
        StackState::Failed | StackState::RolledBack => {
            let what = crate::domain::stack_state::what_to_do(&stack, &status);
            Err(UpdateError::Failed { stack, status, what })
        }
        _ => Err(UpdateError::Busy { stack, status }),
    }
}

/// CloudFormation's answer when a change set would change nothing: not an error.
pub fn is_no_change(view: &ChangeSetView) -> bool {
    view.status == "FAILED" && view.reason.as_deref().is_some_and(says_no_change)
}

/// CloudFormation's words for "nothing to change" (a change set's reason, or an update's error).
pub fn says_no_change(text: &str) -> bool {
    text.contains("didn't contain changes") || text.contains("No updates are to be performed")
}

/// A change set still being made.
pub fn is_pending(view: &ChangeSetView) -> bool {
    matches!(view.status.as_str(), "CREATE_PENDING" | "CREATE_IN_PROGRESS")
}

const GROUP: &str = "AgentAutoScaleGroup";
const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";

/// What the preview says of the fleet, in the operator's words.
pub fn fleet_notes(view: &ChangeSetView, source: &UpdateSource, drain: bool) -> Vec<String> {
    let mut out = Vec::new();
    let group = view.changes.iter().find(|c| c.logical_id == GROUP);
    let replaced = group.and_then(|c| c.replacement.as_deref()).is_some_and(|r| r != "False");
    if replaced {
        let graceful = source
            .parameters
            .get("BuildkiteAgentEnableGracefulShutdown")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let jobs = if drain {
            "the drain empties it first, so no job is running on it"
        } else if graceful {
            "BuildkiteAgentEnableGracefulShutdown stops its agents first (SIGTERM: a running job gets the agent's cancel grace period)"
        } else {
            "a job running on them is lost (--drain empties the group first)"
        };
        out.push(format!(
            "Rollover: the Auto Scaling group is replaced. CloudFormation makes a new group, then deletes the old one and terminates its instances: {jobs}."
        ));
    } else if group.is_some() || view.changes.iter().any(|c| c.resource_type == LAUNCH_TEMPLATE) {
        out.push(
            "Rollover: new instances launch from a new launch template version; instances running now keep the old one until they leave (`bkops status` counts them)."
                .to_string(),
        );
    }
    out
}

/// The calls of an update: a pause (unless scaling is paused already, or the stack has no
/// scaler), with `drain` the group emptied and waited for, then the change set executed and
/// followed to its end.
pub fn update(
    t: &ScalingTarget,
    change_set: &str,
    drain: bool,
    by: &str,
    now: Timestamp,
) -> Result<Plan, PlanError> {
    let mut out = paused_first(t, drain, by, now)?;
    if drain {
        out.calls.push(Call::WaitForEmpty { group: t.group.clone(), timeout_secs: DRAIN_EMPTY_SECS });
    }
    out.calls.push(Call::ExecuteChangeSet { stack: t.stack.clone(), name: change_set.to_string() });
    out.calls.push(Call::WaitForUpdate {
        stack: t.stack.clone(),
        external: false,
        timeout_secs: UPDATE_SECS,
    });
    out.title = format!("Update {}{}", t.stack, if drain { ", drained first" } else { "" });
    Ok(out)
}

/// An update made elsewhere (Terraform, the console, a pipeline): paused (and drained if
/// asked) while bkops waits for it to end.
pub fn external(t: &ScalingTarget, drain: bool, by: &str, now: Timestamp) -> Result<Plan, PlanError> {
    let mut out = paused_first(t, drain, by, now)?;
    // Asked to pause around the update: a pause made before it (the one an interrupted
    // `bkops update` left) is resumed at its end too.
    if t.paused() {
        out.warnings = vec!["Scaling is paused already: it is resumed when the update ends.".to_string()];
    }
    if drain {
        out.calls.push(Call::WaitForEmpty { group: t.group.clone(), timeout_secs: DRAIN_EMPTY_SECS });
    }
    out.calls.push(Call::WaitForUpdate { stack: t.stack.clone(), external: true, timeout_secs: UPDATE_SECS });
    let how = if t.terraform { "terraform apply" } else { "an update made elsewhere" };
    out.title = format!("Pause {} for {how}{}", t.stack, if drain { ", drained first" } else { "" });
    out.warnings.push(format!(
        "Start the update now: bkops waits for it{}, then resumes scaling.",
        if t.terraform { " (the group's launch template version changes)" } else { "" }
    ));
    Ok(out)
}

fn paused_first(t: &ScalingTarget, drain: bool, by: &str, now: Timestamp) -> Result<Plan, PlanError> {
    match plan::pause(t, drain, by, now) {
        Ok(p) => Ok(p),
        Err(PlanError::AlreadyPaused { by, .. }) => Ok(Plan {
            warnings: vec![format!(
                "Scaling is paused already{by}: it stays paused after the update (`scaling resume` when ready)."
            )],
            ..Plan::default()
        }),
        Err(PlanError::FixedSize { .. }) => Ok(Plan {
            warnings: vec![format!(
                "{} has no scaler to pause (MinSize = MaxSize): its group is updated as it is.",
                t.stack
            )],
            ..Plan::default()
        }),
        Err(e) => Err(e),
    }
}

/// Whether the plan has scaling resumed at its end: it pauses it, or it waits for an update
/// made elsewhere (which is asked for to pause around it, whoever paused).
pub fn resumes(plan: &Plan) -> bool {
    plan.calls
        .iter()
        .any(|c| matches!(c, Call::DisableRule { .. } | Call::WaitForUpdate { external: true, .. }))
}

/// Whether bkops should resume scaling once the update has ended: it paused it, and the
/// stack is stable again (updated, or rolled back). A rollback that failed keeps scaling
/// paused: the group may be half-way.
pub fn resume_after(final_status: &str, paused_by_update: bool) -> bool {
    paused_by_update && matches!(StackState::of(final_status), StackState::Stable | StackState::RolledBack)
}

/// What an update's run leaves for bkops to do once its calls are over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// The update ended (done, or rolled back) and bkops paused scaling for it: resume.
    Resume,
    /// Scaling stays paused, and why, in words to act on.
    Paused(String),
    /// bkops did not pause it: nothing to undo.
    Nothing,
}

/// `status` is the stack's now; `followed` says the run reached the follow of the update (not
/// stopped before it, as by a drain that gave up).
pub fn after(stack: &str, status: &str, paused_here: bool, followed: bool) -> After {
    let ended = !StackState::of(status).is_changing();
    if !paused_here {
        return After::Nothing;
    }
    if followed && ended && resume_after(status, true) {
        return After::Resume;
    }
    if status.ends_with("_FAILED") {
        return After::Paused(format!(
            "SCALING STAYS PAUSED: {stack} is {status}. {}; then `bkops --stack {stack} scaling resume --yes`",
            crate::domain::stack_state::what_to_do(stack, status)
        ));
    }
    After::Paused(format!(
        "scaling stays paused ({stack} is {status}): `bkops --stack {stack} scaling resume --yes` resumes it once you are done"
    ))
}

#[cfg(test)]
mod tests;
