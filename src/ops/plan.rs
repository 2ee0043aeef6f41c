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
    fn draining_with_min_size_zero_changes_only_desired() {
        let t = ScalingTarget { min: 0, ..linux() };
        let plan = pause(&t, true, "ana", NOW).expect("plan");
        assert!(
            plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { min: None, desired: Some(0), .. })),
            "{:?}",
            plan.calls
        );
    }

    #[test]
    fn a_second_pause_names_who_paused_with_or_without_when() {
        let mut t = linux();
        t.rule_enabled = Some(false);
        t.tags.insert(PAUSED_BY.into(), "ana".into());
        t.tags.insert(PRE_PAUSE_MIN.into(), "2".into());
        let said = |t: &ScalingTarget| match pause(t, false, "bo", NOW) {
            Err(PlanError::AlreadyPaused { by, .. }) => by,
            other => panic!("{other:?}"),
        };
        assert_eq!(said(&t), " (by ana)");
        t.tags.insert(PAUSED_AT.into(), "2026-12-07T02:00:00Z".into());
        assert_eq!(said(&t), " (by ana at 2026-12-07T02:00:00Z)");
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

    /// A pause stopped after its tags were written and before the rule was disabled.
    fn half_paused() -> ScalingTarget {
        let mut t = linux();
        let plan = pause(&t, false, "arn:aws:sts::1:assumed-role/ops/ana", NOW).expect("pause");
        if let Call::TagGroup { tags, .. } = &plan.calls[0] {
            t.tags.extend(tags.iter().cloned());
        }
        t
    }

    #[test]
    fn the_rule_is_the_truth_and_a_half_done_pause_is_completed_or_cleaned() {
        let t = half_paused();
        assert!(!t.paused(), "the rule is enabled: the scaler runs");
        let stale = t.stale_record().expect("a stale record");
        assert!(
            stale.contains("paused (by arn:aws:sts::1:assumed-role/ops/ana at 2026-11-18T11:06:40Z)"),
            "{stale}"
        );
        // Pause completes it: the rule only, the first record kept.
        let plan = pause(&t, false, "bo", NOW).expect("completes");
        assert!(matches!(plan.calls.as_slice(), [Call::DisableRule { .. }]), "{plan:?}");
        assert!(plan.warnings[0].starts_with("The group's tags say paused"), "{:?}", plan.warnings);
        // Resume cleans it: no rule call, the record removed.
        let plan = resume(&t).expect("cleans");
        assert!(
            matches!(plan.calls.as_slice(), [Call::DeleteGroupTags { keys, .. }] if keys.len() == 4),
            "{plan:?}"
        );
        let mut clean = t.clone();
        apply(&mut clean, &plan);
        assert!(clean.stale_record().is_none() && matches!(resume(&clean), Err(PlanError::NotPaused { .. })));
    }

    #[test]
    fn a_half_done_resume_restores_min_size_and_removes_the_record() {
        let mut t = linux();
        let plan = pause(&t, true, "ana", NOW).expect("pause");
        apply(&mut t, &plan);
        // The resume stopped after EnableRule.
        t.rule_enabled = Some(true);
        let plan = resume(&t).expect("finishes");
        let actions: Vec<&str> = plan.calls.iter().map(Call::action).collect();
        assert_eq!(actions, ["autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteTags"]);
        apply(&mut t, &plan);
        assert_eq!((t.min, t.tags.len()), (2, 0));
    }

    #[test]
    fn a_recorded_min_size_beyond_max_size_is_not_restored() {
        let mut t = linux();
        let plan = pause(&t, false, "ana", NOW).expect("pause");
        apply(&mut t, &plan);
        for forged in ["50", "-1", "lots"] {
            t.tags.insert(PRE_PAUSE_MIN.into(), forged.into());
            let plan = resume(&t).expect("resumes");
            assert!(!plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { .. })), "{forged}: {plan:?}");
            assert!(
                plan.warnings.iter().any(|w| w.contains(forged) && w.contains("not restored")),
                "{plan:?}"
            );
        }
        t.tags.insert(PRE_PAUSE_MIN.into(), "10".into());
        let plan = resume(&t).expect("resumes");
        assert!(
            plan.calls.iter().any(|c| matches!(c, Call::UpdateGroup { min: Some(10), .. })),
            "MaxSize itself is fine"
        );
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
        let tf = ScalingTarget { terraform: true, ..linux() };
        let plan = pause(&tf, false, "me", NOW).expect("plan");
        assert!(
            plan.warnings.iter().any(|w| w.contains("`terraform apply` may enable it again")),
            "{:?}",
            plan.warnings
        );
        let plan = pause(&linux(), false, "me", NOW).expect("plan");
        assert!(!plan.warnings.iter().any(|w| w.contains("terraform")), "{:?}", plan.warnings);
        let t = ScalingTarget { scheduled: vec!["ci-linux-ScaleUp (MinSize 4)".into()], ..linux() };
        let plan = pause(&t, false, "ana", NOW).expect("plan");
        assert!(plan.warnings.iter().any(|w| w.contains("ci-linux-ScaleUp (MinSize 4)")));
    }

    #[test]
    fn terminate_replaces_or_shrinks_but_never_below_min_size() {
        let t = linux();
        let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
        let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::NotAsked).expect("replace");
        assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: false, .. }]));
        let plan = terminate(&t, &ids, TerminateMode::Shrink, &Agents::NotAsked).expect("shrink");
        assert!(matches!(plan.calls.as_slice(), [Call::Terminate { decrement: true, .. }]));
        assert!(plan.title.contains("desired 6 → 5"), "{}", plan.title);
        let at_min = ScalingTarget { desired: 2, ..linux() };
        assert!(matches!(
            terminate(&at_min, &ids, TerminateMode::Shrink, &Agents::NotAsked),
            Err(PlanError::BelowMin { .. })
        ));
        assert_eq!(plan.title, "Terminate 1 instance of ci-linux and shrink the group (desired 6 → 5)");
        let two = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
        let plan = terminate(&t, &two, TerminateMode::Replace, &Agents::NotAsked).expect("two");
        assert_eq!(plan.title, "Terminate 2 instances of ci-linux and replace them (desired stays)");
        let one_above_min = ScalingTarget { desired: 3, ..linux() };
        assert!(
            terminate(&one_above_min, &ids, TerminateMode::Shrink, &Agents::NotAsked).is_ok(),
            "shrinking down to MinSize itself is allowed"
        );
        let stranger = vec!["i-0ccccccccccccccc3".to_string()];
        assert!(matches!(
            terminate(&t, &stranger, TerminateMode::Replace, &Agents::NotAsked),
            Err(PlanError::NotInGroup { .. })
        ));
        assert!(matches!(
            terminate(&t, &[], TerminateMode::Replace, &Agents::NotAsked),
            Err(PlanError::NoInstances)
        ));
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
        let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::Read(agents)).expect("plan");
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
        assert_eq!(
            plan.warnings[0],
            "Their 2 agents are stopped first and finish their jobs (1 running now); the instance is terminated once no job runs, or not at all if it is still running one after 10m."
        );
        // One agent is "their agent", not "their 1 agents"; two instances are "they".
        let one = vec![agent(1, "i-0aaaaaaaaaaaaaaa1", false), agent(3, "i-0bbbbbbbbbbbbbbb2", false)];
        let plan = terminate(&t, &ids, TerminateMode::Replace, &Agents::Read(one.clone())).expect("plan");
        assert!(plan.warnings[0].starts_with("Their agent is stopped first"), "{:?}", plan.warnings);
        let both = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
        let plan = terminate(&t, &both, TerminateMode::Replace, &Agents::Read(one)).expect("plan");
        assert!(
            plan.warnings[0].contains(
                "the instances are terminated once no job runs, or not at all if they are still running one"
            ),
            "{:?}",
            plan.warnings
        );
    }
}
