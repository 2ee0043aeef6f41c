//! `bkops doctor`: a stack's configuration against the pitfalls operators keep meeting (the
//! stack's own issues and docs), each finding with why it matters and what to change.

use serde::Serialize;

use crate::domain::groups::LogGroup;
use crate::domain::scaler_log::Outcome;
use crate::domain::scaler_log::ScalerRead;
use crate::domain::{Fleet, ScalingActivity, ScalingState, StackSummary, Timestamp};

/// Scale-outs to MaxSize in a day from which "often" begins.
const MAX_SIZE_OFTEN: usize = 3;
const DAY_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Costs money or hides what happened.
    Warn,
    /// Jobs wait, or will when it matters.
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable, for scripts.
    pub code: &'static str,
    pub severity: Severity,
    /// What is so, with the numbers.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// What to change.
    pub fix: String,
}

/// What the checks read.
pub struct Inputs<'a> {
    pub now: Timestamp,
    pub stack: &'a StackSummary,
    pub stacks: &'a [StackSummary],
    pub fleet: Option<&'a Fleet>,
    pub activities: &'a [ScalingActivity],
    pub scaler: &'a ScalerRead,
    /// The instances' shared `/buildkite/*` groups and the scaler's own, as read; `None` when
    /// they could not be read.
    pub log_groups: Option<&'a [LogGroup]>,
    /// The stack's boots of the last hours, when read.
    pub boots: Option<&'a [crate::domain::boot::Boot]>,
    /// The latest published release, when known (`[updates]`).
    pub latest: Option<&'a str>,
}

mod behind;
mod slow_boots;
mod stack_state;

fn finding(code: &'static str, severity: Severity, what: String, why: &str, fix: &str) -> Finding {
    Finding { code, severity, what, why: why.to_string(), fix: fix.to_string() }
}

/// One check: the findings it makes of what was read (most make one or none).
type Check = fn(&Inputs<'_>) -> Vec<Finding>;

/// Every check, in the order their findings are given within a severity.
const CHECKS: &[Check] = &[
    stack_state::stack_failed,
    scale_in_idle_period_zero,
    shared_queue,
    spot_single_type,
    min_size_with_terminate_after_job,
    max_size_reached_often,
    scaler_erroring,
    scaler_log_retention_one_day,
    log_groups_never_expire,
    instances_on_old_launch_template,
    slow_boots::slow_boots,
    behind::stack_behind,
];

/// Every finding for the stack, the worst first.
pub fn check(i: &Inputs<'_>) -> Vec<Finding> {
    let mut out: Vec<Finding> = CHECKS.iter().flat_map(|check| check(i)).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn scales(s: &StackSummary) -> bool {
    !matches!(s.scaling, ScalingState::FixedSize)
}

fn scale_in_idle_period_zero(i: &Inputs<'_>) -> Vec<Finding> {
    let s = i.stack;
    (scales(s) && s.scale_in_idle_period == 0)
        .then(|| {
            finding(
                "scale_in_idle_period_zero",
                Severity::Warn,
                "ScaleInIdlePeriod is 0".into(),
                "0 means agents never disconnect when idle, so instances never leave on their own: an idle fleet runs, and costs, until something else ends it",
                "set ScaleInIdlePeriod to the seconds an instance may idle before it leaves (600 is the stack's default)",
            )
        })
        .into_iter()
        .collect()
}

fn shared_queue(i: &Inputs<'_>) -> Vec<Finding> {
    let s = i.stack;
    let shared: Vec<&str> =
        i.stacks.iter().filter(|o| o.name != s.name && o.queue == s.queue).map(|o| o.name.as_str()).collect();
    (!shared.is_empty())
        .then(|| {
            finding(
                "shared_queue",
                Severity::Bad,
                format!("queue {} is also the queue of {}", s.queue, shared.join(", ")),
                "each stack's scaler sees every job of the queue and scales out for all of them: together they over-provision, and each one's instances take the other's jobs",
                "give each stack its own BuildkiteQueue",
            )
        })
        .into_iter()
        .collect()
}

fn spot_single_type(i: &Inputs<'_>) -> Vec<Finding> {
    let launch = &i.stack.launch;
    let [only] = launch.instance_types.as_slice() else { return Vec::new() };
    if launch.on_demand_percentage != Some(0) {
        return Vec::new();
    }
    vec![finding(
        "spot_single_type",
        Severity::Bad,
        format!("all Spot (OnDemandPercentage 0) with one instance type, {only}"),
        "when that type's Spot capacity runs out in the stack's zones, nothing launches and jobs wait until it comes back",
        "list several similar InstanceTypes (up to 25) so that Spot can use other pools, or keep some capacity on-demand",
    )]
}

fn min_size_with_terminate_after_job(i: &Inputs<'_>) -> Vec<Finding> {
    let s = i.stack;
    (s.min > 0 && s.launch.terminate_after_job)
        .then(|| {
            finding(
                "min_size_with_terminate_after_job",
                Severity::Bad,
                format!("MinSize is {} and BuildkiteTerminateInstanceAfterJob is true", s.min),
                "an instance tries to leave after each job, but the group may not go below MinSize: it cannot, and stays with an agent that takes no more jobs",
                "set MinSize to 0, or turn off BuildkiteTerminateInstanceAfterJob",
            )
        })
        .into_iter()
        .collect()
}

fn max_size_reached_often(i: &Inputs<'_>) -> Vec<Finding> {
    let s = i.stack;
    let to_max = i
        .activities
        .iter()
        .filter(|a| i.now.secs_since(a.start) <= DAY_SECS && raised_to(&a.cause) == Some(s.max))
        .count();
    (scales(s) && to_max >= MAX_SIZE_OFTEN)
        .then(|| {
            finding(
                "max_size_reached_often",
                Severity::Warn,
                format!("the group was raised to MaxSize ({}) {to_max} times in the last day", s.max),
                "at MaxSize the scaler caps what it wants: jobs wait for agents that may not launch",
                "raise MaxSize if the account's limits and budget allow, or spread the queue over more agents per instance",
            )
        })
        .into_iter()
        .collect()
}

fn scaler_erroring(i: &Inputs<'_>) -> Vec<Finding> {
    let ScalerRead::Read(log) = i.scaler else { return Vec::new() };
    let errors: Vec<&str> = log
        .runs
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Error { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let Some(last) = errors.last() else { return Vec::new() };
    vec![finding(
        "scaler_erroring",
        Severity::Bad,
        format!(
            "the scaler failed {} of its last {} runs: {}",
            errors.len(),
            log.runs.len(),
            crate::domain::text::quote(last)
        ),
        "a failing scaler changes nothing while its invocations still succeed: jobs wait with no scale-out and no alarm",
        "fix what the error says (the scaler role's permissions, the stack's parameters); `bkops why` shows its lines",
    )]
}

fn scaler_log_retention_one_day(i: &Inputs<'_>) -> Vec<Finding> {
    i.log_groups
        .unwrap_or_default()
        .iter()
        .filter(|g| g.name.starts_with("/aws/lambda/") && g.retention_days == Some(1))
        .map(|g| {
            finding(
                "scaler_log_retention_one_day",
                Severity::Warn,
                format!("the scaler's log group {} keeps one day", g.name),
                "the scaler's decisions are gone after a day: yesterday's incident cannot be explained from them",
                "set LogRetentionDays to 7 or more",
            )
        })
        .collect()
}

fn log_groups_never_expire(i: &Inputs<'_>) -> Vec<Finding> {
    let forever: Vec<&str> = i
        .log_groups
        .unwrap_or_default()
        .iter()
        .filter(|g| g.name.starts_with("/buildkite/") && g.retention_days.is_none())
        .map(|g| g.name.as_str())
        .collect();
    if forever.is_empty() {
        return Vec::new();
    }
    vec![finding(
        "log_groups_never_expire",
        Severity::Warn,
        format!(
            "{}: {}",
            crate::domain::text::count(
                forever.len() as u32,
                "log group never expires",
                "log groups never expire"
            ),
            forever.join(", ")
        ),
        "instance logs are kept, and billed, for ever",
        "set EnableEC2LogRetentionPolicy to true and EC2LogRetentionDays (the groups are shared: this sets them for every stack in the region)",
    )]
}

fn instances_on_old_launch_template(i: &Inputs<'_>) -> Vec<Finding> {
    let Some(f) = i.fleet else { return Vec::new() };
    let Some(current) = f.launch_template_version.as_deref() else { return Vec::new() };
    let old: Vec<&str> = f
        .instances
        .iter()
        .filter(|x| x.launch_template_version.as_deref().is_some_and(|v| v != current))
        .map(|x| x.id.as_str())
        .collect();
    if old.is_empty() {
        return Vec::new();
    }
    vec![finding(
        "instances_on_old_launch_template",
        Severity::Warn,
        format!(
            "{} other than the group's launch template version {current}: {}",
            crate::domain::text::count(old.len() as u32, "instance runs a version", "instances run versions"),
            old.join(", ")
        ),
        "they run an older configuration (AMI, agent, user data) than the stack's, and leave only when replaced",
        "replace them, a few at a time: `bkops terminate ID --replace --drain`",
    )]
}

/// The desired capacity a scaling activity's cause says it was raised to: "… changing the
/// desired capacity from 3 to 10." → 10.
fn raised_to(cause: &str) -> Option<u32> {
    let rest = cause.split("changing the desired capacity from ").nth(1)?;
    let (from, to) = rest.split_once(" to ")?;
    let to: u32 = to.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let from: u32 = from.trim().parse().ok()?;
    (to > from).then_some(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scaler_log::parse;
    use crate::domain::{ActivityStatus, LaunchSettings, Os};

    const NOW: Timestamp = Timestamp(1_795_000_000_000);

    /// A Linux stack with the template's defaults (the slow-boots check's tests use it too).
    pub(super) fn stack(name: &str, queue: &str) -> StackSummary {
        StackSummary {
            name: name.into(),
            queue: queue.into(),
            version: "v6.71.1".into(),
            os: Os::Linux,
            status: "UPDATE_COMPLETE".into(),
            asg_name: format!("{name}-AgentAutoScaleGroup-1"),
            desired: 2,
            min: 0,
            max: 10,
            agents_per_instance: 1,
            scale_in_idle_period: 600,
            scaling: ScalingState::Enabled { schedule: "rate(1 minute)".into() },
            scaler_params: None,
            launch: LaunchSettings {
                instance_types: vec!["m5.large".into(), "m5a.large".into()],
                on_demand_percentage: Some(100),
                terminate_after_job: false,
            },
        }
    }

    fn raised(secs_ago: i64, from: u32, to: u32) -> ScalingActivity {
        ScalingActivity {
            id: format!("a{secs_ago}"),
            description: "Launching a new EC2 instance: i-0".into(),
            cause: format!(
                "At 2026-11-30T10:00:00Z a user request explicitly set group desired capacity changing the desired capacity from {from} to {to}."
            ),
            status: ActivityStatus::Successful,
            status_message: None,
            start: NOW.plus_secs(-secs_ago),
            end: None,
        }
    }

    fn codes(i: &Inputs<'_>) -> Vec<&'static str> {
        check(i).into_iter().map(|f| f.code).collect()
    }

    pub(super) fn inputs<'a>(s: &'a StackSummary, all: &'a [StackSummary]) -> Inputs<'a> {
        Inputs {
            now: NOW,
            stack: s,
            stacks: all,
            fleet: None,
            activities: &[],
            scaler: &ScalerRead::None,
            log_groups: None,
            boots: None,
            latest: None,
        }
    }

    #[test]
    fn a_well_configured_stack_has_no_finding() {
        let s = stack("ci", "default");
        let groups = [LogGroup { name: "/buildkite/elastic-stack".into(), retention_days: Some(7) }];
        let i = Inputs { log_groups: Some(&groups), ..inputs(&s, std::slice::from_ref(&s)) };
        assert!(check(&i).is_empty(), "{:?}", check(&i));
    }

    #[test]
    fn each_pitfall_is_found_with_its_numbers() {
        let mut s = stack("ci", "default");
        s.scale_in_idle_period = 0;
        s.min = 2;
        s.launch = LaunchSettings {
            instance_types: vec!["c6i.4xlarge".into()],
            on_demand_percentage: Some(0),
            terminate_after_job: true,
        };
        let other = stack("ci-old", "default");
        let all = [s.clone(), other];
        let acts = [
            raised(3600, 2, 10),
            raised(7200, 4, 10),
            raised(20_000, 9, 10),
            raised(30 * 3600, 1, 10),
            raised(100, 1, 5),
        ];
        let log = parse([
            (NOW.plus_secs(-120), "START RequestId: 1 Version: $LATEST"),
            (NOW.plus_secs(-120), "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\""),
            (NOW.plus_secs(-119), "2026/11/30 07:31:40 Scaling error: AccessDenied: not authorized"),
        ]);
        let scaler = ScalerRead::Read(log);
        let groups = [
            LogGroup { name: "/aws/lambda/ci-Autoscaling-fn".into(), retention_days: Some(1) },
            LogGroup { name: "/buildkite/elastic-stack".into(), retention_days: None },
            LogGroup { name: "/buildkite/buildkite-agent".into(), retention_days: Some(30) },
        ];
        let i =
            Inputs { activities: &acts, scaler: &scaler, log_groups: Some(&groups), ..inputs(&all[0], &all) };
        let found = check(&i);
        let mut got: Vec<&str> = found.iter().map(|f| f.code).collect();
        got.sort();
        assert_eq!(
            got,
            [
                "log_groups_never_expire",
                "max_size_reached_often",
                "min_size_with_terminate_after_job",
                "scale_in_idle_period_zero",
                "scaler_erroring",
                "scaler_log_retention_one_day",
                "shared_queue",
                "spot_single_type"
            ]
        );
        assert_eq!(found[0].severity, Severity::Bad, "the worst first");
        let what =
            |code: &str| found.iter().find(|f| f.code == code).map(|f| f.what.clone()).unwrap_or_default();
        assert_eq!(
            what("max_size_reached_often"),
            "the group was raised to MaxSize (10) 3 times in the last day"
        );
        assert_eq!(what("shared_queue"), "queue default is also the queue of ci-old");
        assert_eq!(what("log_groups_never_expire"), "1 log group never expires: /buildkite/elastic-stack");
        assert!(what("scaler_erroring").contains("AccessDenied"), "{}", what("scaler_erroring"));
    }

    #[test]
    fn a_pitfall_of_two_conditions_needs_both() {
        let with = |change: &dyn Fn(&mut StackSummary)| {
            let mut s = stack("ci", "default");
            change(&mut s);
            codes(&inputs(&s, std::slice::from_ref(&s)))
        };
        let one_type = |s: &mut StackSummary| s.launch.instance_types.truncate(1);
        assert_eq!(
            with(&|s| s.launch.on_demand_percentage = Some(0)),
            Vec::<&str>::new(),
            "all Spot, two types"
        );
        assert_eq!(with(&one_type), Vec::<&str>::new(), "one type, on demand");
        assert_eq!(
            with(&|s| {
                one_type(s);
                s.launch.on_demand_percentage = Some(0);
            }),
            ["spot_single_type"]
        );
        assert_eq!(with(&|s| s.min = 2), Vec::<&str>::new(), "MinSize without terminate-after-job");
        assert_eq!(with(&|s| s.launch.terminate_after_job = true), Vec::<&str>::new(), "MinSize 0");
        assert_eq!(
            with(&|s| {
                s.min = 1;
                s.launch.terminate_after_job = true;
            }),
            ["min_size_with_terminate_after_job"]
        );
    }

    #[test]
    fn max_size_reached_often_counts_a_day_to_the_second_and_never_a_max_size_of_zero() {
        let s = stack("ci", "default");
        let all = std::slice::from_ref(&s);
        let acts = [raised(60, 2, 10), raised(120, 4, 10), raised(DAY_SECS, 9, 10)];
        assert!(codes(&Inputs { activities: &acts, ..inputs(&s, all) }).contains(&"max_size_reached_often"));
        let acts = [raised(60, 2, 10), raised(120, 4, 10), raised(DAY_SECS + 1, 9, 10)];
        assert!(!codes(&Inputs { activities: &acts, ..inputs(&s, all) }).contains(&"max_size_reached_often"));
        // Set to what it already was, or raised with no full stop after the size: as the line says.
        let acts = [raised(60, 10, 10), raised(120, 10, 10), raised(180, 10, 10)];
        assert!(!codes(&Inputs { activities: &acts, ..inputs(&s, all) }).contains(&"max_size_reached_often"));
        let mut bare = [raised(60, 2, 10), raised(120, 4, 10), raised(180, 9, 10)];
        bare.iter_mut().for_each(|a| a.cause = a.cause.trim_end_matches('.').to_string());
        assert!(codes(&Inputs { activities: &bare, ..inputs(&s, all) }).contains(&"max_size_reached_often"));
        // A stack held at MaxSize 0 is emptied on purpose, not short of room (a raise is never
        // to 0, so it is never counted).
        let zero = StackSummary { max: 0, ..stack("ci", "default") };
        let acts = [raised(60, 2, 0), raised(120, 4, 0), raised(180, 9, 0)];
        let i = Inputs { activities: &acts, ..inputs(&zero, std::slice::from_ref(&zero)) };
        assert!(!codes(&i).contains(&"max_size_reached_often"), "{:?}", codes(&i));
    }

    #[test]
    fn only_a_scaler_log_kept_one_day_is_said_to_keep_one_day() {
        let s = stack("ci", "default");
        let all = [s.clone()];
        let for_retention = |days: Option<u32>| {
            let groups = [LogGroup { name: "/aws/lambda/ci-Autoscaling-fn".into(), retention_days: days }];
            let found = check(&Inputs { log_groups: Some(&groups), ..inputs(&s, &all) });
            found.iter().any(|f| f.code == "scaler_log_retention_one_day")
        };
        assert!(for_retention(Some(1)));
        for days in [None, Some(3), Some(7), Some(3653)] {
            assert!(!for_retention(days), "{days:?}: not one day (None never expires)");
        }
    }

    #[test]
    fn a_fixed_size_stack_is_not_told_about_scaling() {
        let mut s = stack("ci", "default");
        s.scaling = ScalingState::FixedSize;
        s.scale_in_idle_period = 0;
        let acts = [raised(10, 0, 10), raised(20, 0, 10), raised(30, 0, 10)];
        assert!(codes(&Inputs { activities: &acts, ..inputs(&s, std::slice::from_ref(&s)) }).is_empty());
    }

    #[test]
    fn instances_older_than_the_groups_launch_template_are_named() {
        use crate::domain::Instance;
        let instance = |id: &str, version: &str| Instance {
            launch_template_version: Some(version.into()),
            ..Instance::example(id)
        };
        let fleet = Fleet {
            launch_template_version: Some("3".into()),
            ..Fleet::example(vec![instance("i-0new", "3"), instance("i-0old", "2")])
        };
        let s = stack("ci", "default");
        let found = check(&Inputs { fleet: Some(&fleet), ..inputs(&s, std::slice::from_ref(&s)) });
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "instances_on_old_launch_template");
        assert_eq!(
            found[0].what,
            "1 instance runs a version other than the group's launch template version 3: i-0old"
        );
    }

    #[test]
    fn a_raise_is_read_from_the_activitys_cause() {
        assert_eq!(raised_to("… changing the desired capacity from 3 to 10."), Some(10));
        assert_eq!(raised_to("… changing the desired capacity from 10 to 3."), None, "a lowering");
        assert_eq!(raised_to("an instance was taken out of service"), None);
    }
}
