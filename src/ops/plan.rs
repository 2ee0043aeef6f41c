//! What pausing, resuming and terminating change, worked out from what the stack is now. Pure:
//! the same target gives the same calls, so every plan is tested without AWS.

use super::port::{AgentRef, Call, ScalingTarget};
use crate::domain::Timestamp;

use crate::domain::tags::{PAUSED_AT, PAUSED_BY, PRE_PAUSE_DESIRED, PRE_PAUSE_MIN};

const PAUSE_TAGS: [&str; 4] = [PAUSED_BY, PAUSED_AT, PRE_PAUSE_MIN, PRE_PAUSE_DESIRED];

impl ScalingTarget {
    /// The rule's state is the truth: a stack is paused when its scaler's rule is disabled,
    /// whatever the group's tags say.
    pub fn paused(&self) -> bool {
        self.rule_enabled == Some(false)
    }

    /// The group carries a pause record while its rule is enabled: a pause that stopped before
    /// disabling the rule, a resume that stopped before cleaning up, or a tag set by hand.
    pub fn stale_record(&self) -> Option<String> {
        (self.rule_enabled == Some(true) && PAUSE_TAGS.iter().any(|k| self.tags.contains_key(*k))).then(|| {
            format!(
                "the group's tags say paused{}, but the scaler's rule is enabled (an unfinished pause or resume)",
                who(self)
            )
        })
    }
}

/// Calls to make, in order, and what the operator should know before saying yes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub title: String,
    pub calls: Vec<Call>,
    pub warnings: Vec<String>,
}

/// Why there is nothing to do, or it must not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{stack} has no scaler to pause: it is a fixed-size stack (MinSize = MaxSize = {size}); \
         to stop it taking jobs, lower its size in CloudFormation"
    )]
    FixedSize { stack: String, size: u32 },
    #[error("{stack} is already paused{by}; `resume` undoes it")]
    AlreadyPaused { stack: String, by: String },
    #[error("{stack} is not paused")]
    NotPaused { stack: String },
    #[error("{instance} is not in {stack}'s Auto Scaling group")]
    NotInGroup { stack: String, instance: String },
    #[error(
        "shrinking {stack} by {count} would take it below MinSize ({min}), which Auto Scaling refuses; \
         replace the instances instead, or pause with drain first"
    )]
    BelowMin { stack: String, count: u32, min: u32 },
    #[error("no instances given")]
    NoInstances,
}

/// The MinSize a resume may restore from the group's record: a number within the group's
/// MaxSize. Anything else is not restored, and the reason is the plan's warning.
fn recorded_min(t: &ScalingTarget) -> Result<Option<u32>, String> {
    let Some(text) = t.tags.get(PRE_PAUSE_MIN) else { return Ok(None) };
    match text.trim().parse::<u32>() {
        Ok(min) if min <= t.max => Ok(Some(min)),
        Ok(min) => Err(format!(
            "The group's {PRE_PAUSE_MIN} ({min}) is above its MaxSize ({}): MinSize is not restored from it; set MinSize yourself if it should change.",
            t.max
        )),
        Err(_) => Err(format!(
            "The group's {PRE_PAUSE_MIN} ({text:?}) is not a size: MinSize is not restored from it."
        )),
    }
}

fn who(target: &ScalingTarget) -> String {
    match (target.tags.get(PAUSED_BY), target.tags.get(PAUSED_AT)) {
        (Some(by), Some(at)) => format!(" (by {by} at {at})"),
        (Some(by), None) => format!(" (by {by})"),
        _ => String::new(),
    }
}

/// Pause: the scaler's rule off, what it was recorded on the group, and with `drain` the group
/// emptied, as the stack's documentation does by hand.
pub fn pause(t: &ScalingTarget, drain: bool, by: &str, now: Timestamp) -> Result<Plan, PlanError> {
    let Some(rule) = &t.rule else {
        return Err(PlanError::FixedSize { stack: t.stack.clone(), size: t.max });
    };
    let drained = t.desired == 0 && t.min == 0;
    if t.paused() && (!drain || drained) {
        return Err(PlanError::AlreadyPaused { stack: t.stack.clone(), by: who(t) });
    }
    let mut calls = Vec::new();
    // An earlier pause's record stands, so that resume restores what was there before it.
    if !t.tags.contains_key(PRE_PAUSE_MIN) {
        calls.push(Call::TagGroup {
            group: t.group.clone(),
            tags: vec![
                (PAUSED_BY.into(), by.into()),
                (PAUSED_AT.into(), now.rfc3339()),
                (PRE_PAUSE_MIN.into(), t.min.to_string()),
                (PRE_PAUSE_DESIRED.into(), t.desired.to_string()),
            ],
        });
    }
    if t.rule_enabled != Some(false) {
        calls.push(Call::DisableRule { rule: rule.clone() });
    }
    let completes = t.stale_record();
    if drain && !drained {
        calls.push(Call::UpdateGroup {
            group: t.group.clone(),
            min: (t.min > 0).then_some(0),
            desired: Some(0),
        });
    }
    let mut warnings: Vec<String> = completes
        .map(|stale| format!("{}: this pause completes it and keeps its record.", capitalised(&stale)))
        .into_iter()
        .collect();
    warnings.extend([
        "Pausing does not stop idle instances from terminating themselves after ScaleInIdlePeriod."
            .to_string(),
        "A scaler run already in progress may still set the desired count for up to 50 s.".to_string(),
    ]);
    if !t.scheduled.is_empty() {
        warnings
            .push(format!("Scheduled actions still change the group's size: {}.", t.scheduled.join(", ")));
    }
    if t.terraform {
        warnings.push(format!(
            "{} is deployed with Terraform, which does not hold the schedule rule's state: a later `terraform apply` may enable it again.",
            t.stack
        ));
    }
    if drain {
        warnings.push(format!(
            "Drain sets DesiredCapacity 0{}: instances protected from scale-in leave as their agents go idle; running jobs finish first.",
            if t.min > 0 { format!(" and MinSize 0 (from {})", t.min) } else { String::new() }
        ));
    }
    let title = format!("Pause scaling of {}{}", t.stack, if drain { " and drain it" } else { "" });
    Ok(Plan { title, calls, warnings })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Resume: the rule on, MinSize back to what it was before the pause (if the record holds a
/// size within MaxSize), the record removed. The desired count is the scaler's to set again.
/// With the rule already on but a record left (a resume or pause that stopped half-way), it
/// finishes the clean-up.
pub fn resume(t: &ScalingTarget) -> Result<Plan, PlanError> {
    let Some(rule) = &t.rule else {
        return Err(PlanError::FixedSize { stack: t.stack.clone(), size: t.max });
    };
    let stale = t.stale_record();
    if !t.paused() && stale.is_none() {
        return Err(PlanError::NotPaused { stack: t.stack.clone() });
    }
    let mut calls = Vec::new();
    if t.rule_enabled != Some(true) {
        calls.push(Call::EnableRule { rule: rule.clone() });
    }
    let mut warnings: Vec<String> = stale
        .map(|s| format!("{}: this finishes the resume and removes the record.", capitalised(&s)))
        .into_iter()
        .collect();
    match recorded_min(t) {
        Ok(Some(min)) if min != t.min => {
            calls.push(Call::UpdateGroup { group: t.group.clone(), min: Some(min), desired: None });
        }
        Ok(Some(_)) => {}
        Ok(None) => warnings.push("No record of the pause on the group: MinSize stays as it is.".into()),
        Err(why) => warnings.push(why),
    }
    let keys: Vec<String> =
        PAUSE_TAGS.iter().filter(|k| t.tags.contains_key(**k)).map(|k| k.to_string()).collect();
    if !keys.is_empty() {
        calls.push(Call::DeleteGroupTags { group: t.group.clone(), keys });
    }
    Ok(Plan { title: format!("Resume scaling of {}{}", t.stack, who(t)), calls, warnings })
}

/// Replace keeps the group's size (Auto Scaling launches a new instance); shrink lowers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminateMode {
    Replace,
    Shrink,
}

/// What a terminate knows of the instances' Buildkite agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agents {
    /// Read from the Buildkite API just now: they are drained first.
    Read(Vec<AgentRef>),
    /// Not asked for (`bkops terminate` without `--drain`).
    NotAsked,
    /// There is no API token (or no Buildkite API) to drain them with; the text says what to set.
    NoToken(String),
    /// The API was asked and failed: why. No drain is offered until they can be read.
    Unreadable(String),
}

/// How long a drain waits for running jobs before giving up.
pub const DRAIN_TIMEOUT_SECS: u64 = 600;

/// Terminates `instances`. With `agents` (read from the Buildkite API), their agents are
/// stopped first and the plan waits for their jobs; without, a running job is lost.
pub fn terminate(
    t: &ScalingTarget,
    instances: &[String],
    mode: TerminateMode,
    agents: &Agents,
) -> Result<Plan, PlanError> {
    if instances.is_empty() {
        return Err(PlanError::NoInstances);
    }
    if let Some(i) = instances.iter().find(|i| !t.instances.contains(i)) {
        return Err(PlanError::NotInGroup { stack: t.stack.clone(), instance: i.clone() });
    }
    let count = instances.len() as u32;
    let decrement = mode == TerminateMode::Shrink;
    if decrement && t.desired.saturating_sub(count) < t.min {
        return Err(PlanError::BelowMin { stack: t.stack.clone(), count, min: t.min });
    }
    let mut calls = Vec::new();
    let lost = "A job running on them is lost";
    let warning = match agents {
        Agents::Read(agents) => {
            let mine: Vec<&AgentRef> = agents.iter().filter(|a| instances.contains(&a.instance)).collect();
            calls.extend(mine.iter().map(|a| Call::StopAgent {
                org: a.org.clone(),
                agent_id: a.id.clone(),
                name: a.name.clone(),
            }));
            if !mine.is_empty() {
                calls.push(Call::WaitForJobs {
                    instances: instances.to_vec(),
                    timeout_secs: DRAIN_TIMEOUT_SECS,
                });
            }
            let busy = mine.iter().filter(|a| a.busy).count();
            let (agents, are) = match mine.len() {
                1 => ("agent".to_string(), "is"),
                n => (format!("{n} agents"), "are"),
            };
            let (noun, they) =
                if instances.len() == 1 { ("instance is", "it is") } else { ("instances are", "they are") };
            format!(
                "Their {agents} {are} stopped first and finish their jobs ({busy} running now); the {noun} terminated once no job runs, or not at all if {they} still running one after {}m.",
                DRAIN_TIMEOUT_SECS / 60
            )
        }
        Agents::NotAsked => format!("{lost}: --drain stops their agents first and waits for their jobs."),
        Agents::NoToken(what) => format!("{lost}: their agents cannot be drained first ({what})."),
        Agents::Unreadable(why) => format!(
            "Their agents could not be read ({why}), so they cannot be drained first: terminating now loses a job running on them. Cancel and try again to drain them."
        ),
    };
    calls.extend(instances.iter().map(|i| Call::Terminate {
        group: t.group.clone(),
        instance: i.clone(),
        decrement,
    }));
    let what = match mode {
        TerminateMode::Replace => "replace them (desired stays".to_string(),
        TerminateMode::Shrink => format!("shrink the group (desired {} → {}", t.desired, t.desired - count),
    };
    let noun = if count == 1 { "instance" } else { "instances" };
    Ok(Plan {
        title: format!("Terminate {count} {noun} of {} and {what})", t.stack),
        calls,
        warnings: vec![warning],
    })
}

#[cfg(test)]
mod tests;
