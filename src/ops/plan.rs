//! What pausing, resuming and terminating change, worked out from what the stack is now. Pure:
//! the same target gives the same calls, so every plan is tested without AWS.

use std::collections::BTreeMap;

use super::call::{AgentRef, Call};
use crate::domain::Timestamp;

pub const PAUSED_BY: &str = "bkops:paused-by";
pub const PAUSED_AT: &str = "bkops:paused-at";
pub const PRE_PAUSE_MIN: &str = "bkops:pre-pause-min-size";
pub const PRE_PAUSE_DESIRED: &str = "bkops:pre-pause-desired";
const PAUSE_TAGS: [&str; 4] = [PAUSED_BY, PAUSED_AT, PRE_PAUSE_MIN, PRE_PAUSE_DESIRED];

/// What a plan needs to know about a stack's scaling.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingTarget {
    pub stack: String,
    pub group: String,
    /// The scaler's `AutoscalingFunctionTimer` rule; none on a fixed-size stack.
    pub rule: Option<String>,
    /// Whether the rule fires; unknown when it could not be read.
    pub rule_enabled: Option<bool>,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    /// The group's `bkops:` tags.
    pub tags: BTreeMap<String, String>,
    /// Scheduled actions that move MinSize under a paused stack.
    pub scheduled: Vec<String>,
    /// The group's instances that can be terminated.
    pub instances: Vec<String>,
}

/// The tags' values are shown (who paused, and when) and parsed (sizes to restore); the
/// group and rule names go into calls as they are.
impl crate::domain::text::Sanitize for ScalingTarget {
    fn sanitize(&mut self) {
        for v in self.tags.values_mut() {
            v.sanitize();
        }
    }
}

impl ScalingTarget {
    pub fn paused(&self) -> bool {
        self.rule_enabled == Some(false) || self.tags.contains_key(PAUSED_BY)
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
    if drain && !drained {
        calls.push(Call::UpdateGroup {
            group: t.group.clone(),
            min: (t.min > 0).then_some(0),
            desired: Some(0),
        });
    }
    let mut warnings = vec![
        "Pausing does not stop idle instances from terminating themselves after ScaleInIdlePeriod.".into(),
        "A scaler run already in progress may still set the desired count for up to 50 s.".into(),
    ];
    if !t.scheduled.is_empty() {
        warnings
            .push(format!("Scheduled actions still change the group's size: {}.", t.scheduled.join(", ")));
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

/// Resume: the rule on, MinSize back to what it was before the pause, the record removed.
/// The desired count is the scaler's to set again.
pub fn resume(t: &ScalingTarget) -> Result<Plan, PlanError> {
    let Some(rule) = &t.rule else {
        return Err(PlanError::FixedSize { stack: t.stack.clone(), size: t.max });
    };
    if !t.paused() {
        return Err(PlanError::NotPaused { stack: t.stack.clone() });
    }
    let mut calls = vec![Call::EnableRule { rule: rule.clone() }];
    let min = t.tags.get(PRE_PAUSE_MIN).and_then(|m| m.parse::<u32>().ok());
    if let Some(min) = min.filter(|m| *m != t.min) {
        calls.push(Call::UpdateGroup { group: t.group.clone(), min: Some(min), desired: None });
    }
    let keys: Vec<String> =
        PAUSE_TAGS.iter().filter(|k| t.tags.contains_key(**k)).map(|k| k.to_string()).collect();
    if !keys.is_empty() {
        calls.push(Call::DeleteGroupTags { group: t.group.clone(), keys });
    }
    let mut warnings = Vec::new();
    if min.is_none() {
        warnings.push("No record of the pause on the group: MinSize stays as it is.".into());
    }
    Ok(Plan { title: format!("Resume scaling of {}{}", t.stack, who(t)), calls, warnings })
}

/// Replace keeps the group's size (Auto Scaling launches a new instance); shrink lowers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TerminateMode {
    Replace,
    Shrink,
}

/// How long a drain waits for running jobs before giving up.
pub const DRAIN_TIMEOUT_SECS: u64 = 600;

/// Terminates `instances`. With `agents` (read from the Buildkite API), their agents are
/// stopped first and the plan waits for their jobs; without, a running job is lost.
pub fn terminate(
    t: &ScalingTarget,
    instances: &[String],
    mode: TerminateMode,
    agents: Option<&[AgentRef]>,
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
    let warning = match agents {
        Some(agents) => {
            let mine: Vec<&AgentRef> = agents.iter().filter(|a| instances.contains(&a.instance)).collect();
            calls.extend(mine.iter().map(|a| Call::StopAgent {
                org: a.org.clone(),
                agent_id: a.id.clone(),
                name: a.name.clone(),
            }));
            if !mine.is_empty() {
                calls.push(Call::WaitForJobs { instances: instances.to_vec(), timeout_secs: DRAIN_TIMEOUT_SECS });
            }
            let busy = mine.iter().filter(|a| a.busy).count();
            format!(
                "Their {} agents are stopped first and finish their jobs ({busy} running now); the instances are terminated once no job runs, or not at all after {}m.",
                mine.len(),
                DRAIN_TIMEOUT_SECS / 60
            )
        }
        None => "A job running on them is lost: without BUILDKITE_API_TOKEN (scope write_agents) their agents cannot be drained first.".to_string(),
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
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_795_000_000_000);

    fn linux() -> ScalingTarget {
        ScalingTarget {
            stack: "ci-linux".into(),
            group: "ci-linux-AgentAutoScaleGroup-1".into(),
            rule: Some("ci-linux-Autoscaling-1-AutoscalingFunctionTimer-2".into()),
            rule_enabled: Some(true),
            min: 2,
            max: 10,
            desired: 6,
            instances: vec!["i-0aaaaaaaaaaaaaaa1".into(), "i-0bbbbbbbbbbbbbbb2".into()],
            ..ScalingTarget::default()
        }
    }

    fn apply(t: &mut ScalingTarget, plan: &Plan) {
        for c in &plan.calls {
            match c {
                Call::DisableRule { .. } => t.rule_enabled = Some(false),
                Call::EnableRule { .. } => t.rule_enabled = Some(true),
                Call::UpdateGroup { min, desired, .. } => {
                    t.min = min.unwrap_or(t.min);
                    t.desired = desired.unwrap_or(t.desired).max(t.min);
                }
                Call::TagGroup { tags, .. } => t.tags.extend(tags.iter().cloned()),
                Call::DeleteGroupTags { keys, .. } => keys.iter().for_each(|k| {
                    t.tags.remove(k);
                }),
                Call::Terminate { .. }
                | Call::StopAgent { .. }
                | Call::WaitForJobs { .. }
                | Call::SendCommand { .. } => {}
            }
        }
    }

    #[test]
    fn pause_records_then_disables_and_drain_empties_the_group() {
        let t = linux();
        let plan = pause(&t, true, "arn:aws:sts::1:assumed-role/ops/ana", NOW).expect("plan");
        let calls: Vec<String> = plan.calls.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            calls,
            [
                "autoscaling:CreateOrUpdateTags AutoScalingGroupName=ci-linux-AgentAutoScaleGroup-1 \
                 Tags=bkops:paused-by=arn:aws:sts::1:assumed-role/ops/ana,bkops:paused-at=2026-11-18T11:06:40Z,\
                 bkops:pre-pause-min-size=2,bkops:pre-pause-desired=6 PropagateAtLaunch=false",
                "events:DisableRule Name=ci-linux-Autoscaling-1-AutoscalingFunctionTimer-2",
                "autoscaling:UpdateAutoScalingGroup AutoScalingGroupName=ci-linux-AgentAutoScaleGroup-1 MinSize=0 DesiredCapacity=0",
            ]
        );
        assert!(plan.warnings.iter().any(|w| w.contains("MinSize 0 (from 2)")));
    }

    #[test]
    fn pause_then_resume_restores_min_size_and_removes_the_record() {
        let mut t = linux();
        let plan = pause(&t, true, "ana", NOW).expect("pause");
        apply(&mut t, &plan);
        assert_eq!((t.min, t.desired, t.rule_enabled), (0, 0, Some(false)));
        assert!(
            matches!(pause(&t, true, "bo", NOW), Err(PlanError::AlreadyPaused { by, .. }) if by.contains("ana"))
        );
        let plan = resume(&t).expect("resume");
        apply(&mut t, &plan);
        assert_eq!((t.min, t.rule_enabled), (2, Some(true)));
        assert!(t.tags.is_empty());
        assert!(matches!(resume(&t), Err(PlanError::NotPaused { .. })));
    }

    #[test]
    fn draining_a_paused_stack_keeps_the_first_record() {
        let mut t = linux();
        let plan = pause(&t, false, "ana", NOW).expect("pause");
        apply(&mut t, &plan);
        let plan = pause(&t, true, "bo", NOW).expect("drain");
        assert!(
            matches!(plan.calls.as_slice(), [Call::UpdateGroup { min: Some(0), desired: Some(0), .. }]),
            "only the drain: the rule is off and the record of the sizes before is kept: {plan:?}"
        );
        apply(&mut t, &plan);
        let plan = resume(&t).expect("resume");
        apply(&mut t, &plan);
        assert_eq!(t.min, 2, "the MinSize from before the first pause");
    }

    #[test]
    fn a_fixed_size_stack_has_no_scaler_to_pause() {
        let t =
            ScalingTarget { stack: "ci-windows".into(), rule: None, min: 2, max: 2, desired: 2, ..linux() };
        let err = pause(&t, false, "ana", NOW).expect_err("refused");
        assert!(err.to_string().contains("fixed-size stack (MinSize = MaxSize = 2)"), "{err}");
        assert!(matches!(resume(&t), Err(PlanError::FixedSize { .. })));
    }

    #[test]
    fn scheduled_actions_are_warned_about() {
        let t = ScalingTarget { scheduled: vec!["ci-linux-ScaleUp (MinSize 4)".into()], ..linux() };
        let plan = pause(&t, false, "ana", NOW).expect("plan");
        assert!(plan.warnings.iter().any(|w| w.contains("ci-linux-ScaleUp (MinSize 4)")));
    }

    #[test]
    fn terminate_replaces_or_shrinks_but_never_below_min_size() {
        let t = linux();
        let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
        let plan = terminate(&t, &ids, TerminateMode::Replace, None).expect("replace");
        assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: false, .. }]));
        let plan = terminate(&t, &ids, TerminateMode::Shrink, None).expect("shrink");
        assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: true, .. }]));
        assert!(plan.title.contains("desired 6 → 5"), "{}", plan.title);
        let at_min = ScalingTarget { desired: 2, ..linux() };
        assert!(matches!(
            terminate(&at_min, &ids, TerminateMode::Shrink, None),
            Err(PlanError::BelowMin { .. })
        ));
        let stranger = vec!["i-0ccccccccccccccc3".to_string()];
        assert!(matches!(
            terminate(&t, &stranger, TerminateMode::Replace, None),
            Err(PlanError::NotInGroup { .. })
        ));
        assert!(matches!(terminate(&t, &[], TerminateMode::Replace, None), Err(PlanError::NoInstances)));
    }

    #[test]
    fn with_agents_terminate_stops_them_and_waits_for_their_jobs_first() {
        let t = linux();
        let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
        let agent = |n: u32, instance: &str, busy: bool| AgentRef {
            org: "acme".into(),
            id: format!("a{n}"),
            name: format!("ci-linux-{instance}-{n}"),
            instance: instance.into(),
            busy,
        };
        let agents = vec![
            agent(1, "i-0aaaaaaaaaaaaaaa1", true),
            agent(2, "i-0aaaaaaaaaaaaaaa1", false),
            agent(3, "i-0bbbbbbbbbbbbbbb2", true),
        ];
        let plan = terminate(&t, &ids, TerminateMode::Replace, Some(&agents)).expect("plan");
        let actions: Vec<&str> = plan.calls.iter().map(Call::action).collect();
        assert_eq!(
            actions,
            [
                "buildkite:StopAgent",
                "buildkite:StopAgent",
                "bkops:WaitForJobs",
                "autoscaling:TerminateInstanceInAutoScalingGroup"
            ],
            "only this instance's agents, then the wait, then the terminate"
        );
        assert!(plan.warnings[0].contains("(1 running now)"), "{:?}", plan.warnings);
    }
}
