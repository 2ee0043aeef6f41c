use super::*;
use crate::domain::scaler_log::{Outcome, ScalerLog, ScalerRun, parse};
use crate::domain::{AgentSummary, DiskSignal, Health, Instance, Os, ScalingState, Stranger, StrangerKind};

const NOW: Timestamp = Timestamp(1_795_000_000_000);

fn stack(name: &str, queue: &str, scaling: ScalingState) -> StackSummary {
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
        scaling,
        scaler_params: Some(crate::domain::scaler::ScalerParams::default()),
        launch: Default::default(),
    }
}

fn enabled() -> ScalingState {
    ScalingState::Enabled { schedule: "rate(1 minute)".into() }
}

fn instance(id: &str, lifecycle: Lifecycle, age_secs: i64, agent: AgentState) -> Instance {
    Instance {
        id: id.into(),
        lifecycle,
        health: Health::Healthy,
        instance_type: "m5.large".into(),
        availability_zone: "us-east-1a".into(),
        launched_at: Some(NOW.plus_secs(-age_secs)),
        protected_from_scale_in: true,
        spot: Some(false),
        agents: AgentSummary {
            state: agent,
            busy: u32::from(agent == AgentState::Busy),
            total: u32::from(agent != AgentState::None),
            job: None,
        },
        disk: DiskSignal::Ok,
        boot_failed: false,
        spot_notice: false,
        disk_used_pct: None,
        launch_template_version: None,
    }
}

fn fleet(desired: u32, max: u32, instances: Vec<Instance>) -> Fleet {
    Fleet { asg_name: "g".into(), desired, max, ..Fleet::example(instances) }
}

const WAITING: QueueMetrics =
    QueueMetrics { scheduled: 5, running: 2, waiting: 0, idle_agents: 0, busy_agents: 2, total_agents: 2 };

/// The scaler ran a moment ago and changed nothing.
fn quiet_scaler() -> ScalerRead {
    ScalerRead::Read(parse([
        (NOW.plus_secs(-30), "START RequestId: 1 Version: $LATEST"),
        (NOW.plus_secs(-30), "Collecting Buildkite metrics for queue \"default\""),
        (NOW.plus_secs(-30), "Scaling decision: calculated desired 2 instances. Action: No change needed"),
    ]))
}

fn codes(f: &Facts<'_>) -> Vec<&'static str> {
    reasons(f).iter().map(|r| r.code).collect()
}

fn facts<'a>(
    s: &'a StackSummary,
    all: &'a [StackSummary],
    g: &'a Fleet,
    acts: &'a [ScalingActivity],
    scaler: &'a ScalerRead,
) -> Facts<'a> {
    Facts {
        now: NOW,
        stack: s,
        stacks: all,
        queue: Some(&WAITING),
        fleet: Some(g),
        activities: acts,
        scaler,
        boots: None,
    }
}

#[test]
fn nothing_to_explain_when_an_agent_is_idle_or_nothing_waits() {
    let s = stack("ci", "default", ScalingState::Paused { schedule: "rate(1 minute)".into() });
    let g =
        fleet(10, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Idle)]);
    let scaler = ScalerRead::None;
    let mut f = facts(&s, &[], &g, &[], &scaler);
    let idle = QueueMetrics { idle_agents: 1, ..WAITING };
    f.queue = Some(&idle);
    assert!(reasons(&f).is_empty());
    let empty = QueueMetrics { scheduled: 0, waiting: 0, ..WAITING };
    f.queue = Some(&empty);
    assert!(reasons(&f).is_empty());
}

#[test]
fn paused_comes_first_naming_who() {
    let s = stack("ci", "default", ScalingState::Paused { schedule: "rate(1 minute)".into() });
    let mut g = fleet(2, 10, Vec::new());
    g.paused_by = Some("arn:aws:sts::1:assumed-role/ops/ana".into());
    let scaler = quiet_scaler();
    let r = reasons(&facts(&s, &[], &g, &[], &scaler));
    assert_eq!(r[0].code, "paused");
    assert_eq!(r[0].headline, "scaling paused by ana");
    assert!(r[0].evidence[0].contains("arn:aws:sts::1:assumed-role/ops/ana"), "{:?}", r[0].evidence);
}

#[test]
fn several_reasons_at_once_keep_their_rank() {
    // Paused, at MaxSize and sharing its queue: pausing explains the most, and comes first.
    let s = stack("ci", "default", ScalingState::Paused { schedule: "rate(1 minute)".into() });
    let other = stack("ci-2", "default", enabled());
    let g = fleet(10, 10, Vec::new());
    let scaler = quiet_scaler();
    let all = [s.clone(), other];
    let got = codes(&facts(&s, &all, &g, &[], &scaler));
    let rank = |code: &str| got.iter().position(|c| *c == code).unwrap_or(usize::MAX);
    assert_eq!(got.first(), Some(&"paused"), "{got:?}");
    assert!(rank("paused") < rank("at_max_size") && rank("at_max_size") < usize::MAX, "{got:?}");
}

#[test]
fn fixed_size_and_max_size() {
    let s = stack("ci", "default", ScalingState::FixedSize);
    let g = fleet(2, 2, Vec::new());
    let scaler = ScalerRead::None;
    assert_eq!(codes(&facts(&s, &[], &g, &[], &scaler)), ["fixed_size", "at_max_size"]);
    let s = stack("ci", "default", enabled());
    let g = fleet(10, 10, Vec::new());
    let scaler = quiet_scaler();
    assert_eq!(codes(&facts(&s, &[], &g, &[], &scaler)), ["at_max_size"]);
}

#[test]
fn cooldown_with_the_time_left() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, Vec::new());
    let scaler = ScalerRead::Read(parse([
        (NOW.plus_secs(-40), "START RequestId: 1"),
        (NOW.plus_secs(-40), "Collecting Buildkite metrics for queue \"default\""),
        (NOW.plus_secs(-40), "⏲ Want to scale OUT but in cooldown for 100 seconds"),
    ]));
    let r = reasons(&facts(&s, &[], &g, &[], &scaler));
    assert_eq!(r[0].code, "cooldown");
    assert_eq!(r[0].headline, "scaler wants more instances, cooldown 1m00s left");
    // Once it is over, it is no reason: from the moment it ends.
    let over = Facts { now: NOW.plus_secs(70), ..facts(&s, &[], &g, &[], &scaler) };
    assert!(!codes(&over).contains(&"cooldown"));
    let ending = Facts { now: NOW.plus_secs(60), ..facts(&s, &[], &g, &[], &scaler) };
    assert!(!codes(&ending).contains(&"cooldown"), "no time left is no cooldown");
    let last_second = Facts { now: NOW.plus_secs(59), ..facts(&s, &[], &g, &[], &scaler) };
    assert!(codes(&last_second).contains(&"cooldown"));
}

#[test]
fn failing_launches_say_why() {
    let s = stack("ci", "default", enabled());
    let g = fleet(4, 10, Vec::new());
    let failed = ScalingActivity {
        id: "a1".into(),
        description: "Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a).".into(),
        cause: "At 2026-11-30T07:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 4.".into(),
        status: ActivityStatus::Failed,
        status_message: Some("We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a). Launching EC2 instance failed.".into()),
        start: NOW.plus_secs(-120),
        end: Some(NOW.plus_secs(-119)),
    };
    let scaler = quiet_scaler();
    let r = reasons(&facts(&s, &[], &g, std::slice::from_ref(&failed), &scaler));
    assert_eq!(r[0].code, "launches_failing");
    assert!(r[0].headline.contains("no capacity"), "{}", r[0].headline);
    let old = ScalingActivity { start: NOW.plus_secs(-3 * 3600), ..failed };
    assert!(reasons(&facts(&s, &[], &g, &[old], &scaler)).is_empty(), "an old failure explains nothing now");
}

#[test]
fn pending_too_long_and_zombies() {
    let s = stack("ci", "default", enabled());
    let g = fleet(
        4,
        10,
        vec![
            instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::Pending, 15 * 60, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa2", Lifecycle::Pending, 60, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa3", Lifecycle::InService, 20 * 60, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa4", Lifecycle::InService, 2 * 60, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa5", Lifecycle::InService, 20 * 60, AgentState::Busy),
            instance("i-0aaaaaaaaaaaaaaa6", Lifecycle::InService, 20 * 60, AgentState::Unknown),
        ],
    );
    let scaler = quiet_scaler();
    let r = reasons(&facts(&s, &[], &g, &[], &scaler));
    assert_eq!(
        r.iter().map(|r| r.code).collect::<Vec<_>>(),
        ["capacity_coming", "pending_too_long", "zombies"]
    );
    // The young ones are on their way: the one Pending for a minute, the agentless one of 2 minutes.
    assert_eq!(r[0].headline, "2 booting");
    assert_eq!(r[0].evidence[0], "Capacity is coming: 2 instances booting");
    assert!(
        r[0].evidence[1].starts_with("i-0aaaaaaaaaaaaaaa2 Pending, launched 1m ago"),
        "{:?}",
        r[0].evidence
    );
    assert!(r[0].evidence[2].starts_with("i-0aaaaaaaaaaaaaaa4 InService"), "{:?}", r[0].evidence);
    assert_eq!(r[1].headline, "1 Pending over 10 min", "only the one Pending for 15 minutes");
    assert!(r[1].evidence[1].starts_with("i-0aaaaaaaaaaaaaaa1"));
    assert_eq!(
        r[2].headline, "1 InService with no agent",
        "a young instance and unknown agents are no zombies"
    );
    assert!(r[2].evidence[1].starts_with("i-0aaaaaaaaaaaaaaa3"));
}

#[test]
fn the_scaler_failing_silent_or_unreadable() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, Vec::new());
    let erroring = ScalerRead::Read(parse([
        (NOW.plus_secs(-20), "START RequestId: 1"),
        (NOW.plus_secs(-20), "Collecting Buildkite metrics for queue \"default\""),
        (
            NOW.plus_secs(-20),
            "Scaling error: AccessDenied: not authorized to perform autoscaling:SetDesiredCapacity",
        ),
    ]));
    let r = reasons(&facts(&s, &[], &g, &[], &erroring));
    assert_eq!(r[0].code, "scaler_error");
    assert!(r[0].headline.contains("AccessDenied"));
    let stale = ScalerRead::Read(parse([(NOW.plus_secs(-600), "START RequestId: 1")]));
    assert_eq!(codes(&facts(&s, &[], &g, &[], &stale)), ["scaler_not_running"]);
    let nothing = ScalerRead::Read(ScalerLog::default());
    assert_eq!(codes(&facts(&s, &[], &g, &[], &nothing)), ["scaler_not_running"]);
    let missing = ScalerRead::Missing { group: "/aws/lambda/ci-Autoscaling-fn".into() };
    assert_eq!(codes(&facts(&s, &[], &g, &[], &missing)), ["scaler_log_missing"]);
    let denied = ScalerRead::Unreadable { text: "permission denied: logs:FilterLogEvents".into() };
    assert_eq!(codes(&facts(&s, &[], &g, &[], &denied)), ["scaler_unreadable"]);
    // A paused stack's scaler is silent on purpose, and may have no log left.
    let paused = stack("ci", "default", ScalingState::Paused { schedule: "rate(1 minute)".into() });
    assert_eq!(codes(&facts(&paused, &[], &g, &[], &stale)), ["paused"]);
    assert_eq!(codes(&facts(&paused, &[], &g, &[], &missing)), ["paused"]);
}

#[test]
fn two_stacks_on_one_queue() {
    let s = stack("ci", "default", enabled());
    let all = [s.clone(), stack("ci-old", "default", enabled()), stack("arm", "arm64", enabled())];
    let g = fleet(2, 10, Vec::new());
    let scaler = quiet_scaler();
    let r = reasons(&facts(&s, &all, &g, &[], &scaler));
    assert_eq!(r.iter().map(|r| r.code).collect::<Vec<_>>(), ["shared_queue"]);
    assert!(r[0].headline.contains("ci-old") && !r[0].headline.contains("arm"));
}

#[test]
fn agents_on_the_queue_that_belong_to_no_stack() {
    let s = stack("ci", "default", enabled());
    let mut g = fleet(2, 10, Vec::new());
    let scaler = quiet_scaler();
    assert!(reasons(&facts(&s, &[], &g, &[], &scaler)).is_empty());
    // Busy: they hold jobs (idle ones are named as idle agents that cannot take jobs).
    g.strangers = ["laptop-1", "old-ci-i-0aaa-1", "old-ci-i-0bbb-1", "old-ci-i-0ccc-1"]
        .map(|name| Stranger { name: name.into(), idle: false, kind: StrangerKind::NoStack })
        .to_vec();
    let r = reasons(&facts(&s, &[], &g, &[], &scaler));
    assert_eq!(r.iter().map(|r| r.code).collect::<Vec<_>>(), ["strangers"]);
    assert_eq!(r[0].headline, "4 agents on queue default belong to no stack");
    assert!(
        r[0].evidence[0].starts_with("laptop-1, old-ci-i-0aaa-1, old-ci-i-0bbb-1 and 1 more"),
        "{:?}",
        r[0].evidence
    );
}

#[test]
fn a_scaler_run_keeps_its_time() {
    // The runs' times are what the cooldown arithmetic uses.
    let log = parse([
        (NOW, "Collecting Buildkite metrics for queue \"q\""),
        (NOW, "Scaling decision: calculated desired 1"),
    ]);
    assert_eq!(log.runs.first().map(|r: &ScalerRun| r.at), Some(NOW));
}

#[test]
fn a_scaler_that_calculates_otherwise_than_its_algorithm_is_flagged() {
    let s = stack("ci", "default", enabled());
    let g = fleet(4, 10, Vec::new());
    let run = |calculated: u32| {
        let decision = format!(
            "Scaling decision: calculated desired {calculated} instances. Action: Scale out from 4 to {calculated}"
        );
        ScalerRead::Read(parse(
            [
                (NOW.plus_secs(-20), "START RequestId: 1".to_string()),
                (NOW.plus_secs(-20), "Collecting Buildkite metrics for queue \"default\"".into()),
                (NOW.plus_secs(-20), "↳ Agents: idle=0, busy=4, total=4".into()),
                (NOW.plus_secs(-20), "↳ Jobs: scheduled=6, running=4, waiting=0".into()),
                (NOW.plus_secs(-20), "↳ Got pending=0, desired=4, actual=4, min=0, max=10".into()),
                (NOW.plus_secs(-20), decision),
            ]
            .iter()
            .map(|(t, l)| (*t, l.as_str()))
            .collect::<Vec<_>>(),
        ))
    };
    // 6 scheduled and 4 running, one agent an instance, no buffer: 10.
    let agrees = run(10);
    assert!(!codes(&facts(&s, &[], &g, &[], &agrees)).contains(&"scaler_disagrees"));
    let differs = run(12);
    let r = reasons(&facts(&s, &[], &g, &[], &differs));
    let d = r.iter().find(|r| r.code == "scaler_disagrees").expect("flagged");
    assert_eq!(d.headline, "scaler wants 12, algorithm 10");
}

#[test]
fn a_silent_scaler_is_told_what_it_should_want() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Busy)]);
    let stale = ScalerRead::Read(parse([(NOW.plus_secs(-600), "START RequestId: 1")]));
    let f = facts(&s, &[], &g, &[], &stale);
    // 5 scheduled and 2 running: 7 instances.
    assert_eq!(should_want(&f).map(|(w, _)| w), Some(7));
    let r = reasons(&f);
    assert_eq!(r[0].code, "scaler_not_running");
    assert!(
        r[0].evidence.iter().any(|e| e.contains("should want 7 instances; the group's desired is 2")),
        "{r:?}"
    );
}

/// The lines between "pending too long" and not, "a zombie" and not, and "a job running" on
/// a leaving instance and not: each at its edge.
#[test]
fn each_instance_problem_starts_where_its_threshold_says() {
    let pending = |age| instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::Pending, age, AgentState::None);
    assert_eq!(trouble(&pending(5 * 60), NOW), None, "five minutes Pending is a slow boot, not a stuck one");
    assert_eq!(trouble(&pending(PENDING_TOO_LONG_SECS), NOW), None);
    assert_eq!(trouble(&pending(PENDING_TOO_LONG_SECS + 1), NOW), Some("pending long"));
    let s = stack("ci", "default", enabled());
    let scaler = quiet_scaler();
    for (age, reason) in [(5 * 60, false), (PENDING_TOO_LONG_SECS, false), (PENDING_TOO_LONG_SECS + 1, true)]
    {
        let g = fleet(4, 10, vec![pending(age)]);
        assert_eq!(codes(&facts(&s, &[], &g, &[], &scaler)).contains(&"pending_too_long"), reason, "{age}s");
    }

    let agentless = |age| instance("i-0aaaaaaaaaaaaaaa2", Lifecycle::InService, age, AgentState::None);
    assert!(!is_zombie(&agentless(ZOMBIE_AFTER_SECS), NOW), "not before the boot's time is over");
    assert!(is_zombie(&agentless(ZOMBIE_AFTER_SECS + 1), NOW));

    let leaving = |busy| {
        let mut i = instance("i-0aaaaaaaaaaaaaaa3", Lifecycle::Terminating, 3600, AgentState::Busy);
        i.agents.busy = busy;
        i
    };
    assert_eq!(trouble(&leaving(1), NOW), Some("job running"));
    assert_eq!(trouble(&leaving(0), NOW), None, "a leaving instance with no job is no trouble");
}

/// What a failed launch's message says, word by word: each cause is told apart by its own
/// words, and an unknown one is left to the activity.
#[test]
fn each_launch_failure_is_told_by_its_own_words() {
    let s = stack("ci", "default", enabled());
    let g = fleet(4, 10, Vec::new());
    let scaler = quiet_scaler();
    let headline = |message: &str| {
        let failed = ScalingActivity {
            id: "a1".into(),
            description: "Launching a new EC2 instance.".into(),
            cause: "At 2026-11-30T07:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 4.".into(),
            status: ActivityStatus::Failed,
            status_message: Some(message.into()),
            start: NOW.plus_secs(-120),
            end: Some(NOW.plus_secs(-119)),
        };
        reasons(&facts(&s, &[], &g, &[failed], &scaler))[0].headline.clone()
    };
    assert_eq!(
        headline("InsufficientInstanceCapacity: no capacity in us-east-1a"),
        "launches failing: no capacity"
    );
    assert_eq!(
        headline("InsufficientFreeAddressesInSubnet: the subnet has no free addresses"),
        "launches failing: see the activity",
        "insufficient addresses are not EC2 capacity"
    );
    assert_eq!(
        headline("You have requested more vCPU than your current limit allows"),
        "launches failing: a quota"
    );
    assert_eq!(headline("VcpuLimitExceeded: the account's quota is reached"), "launches failing: a quota");
    assert_eq!(headline("You are not authorized to perform this operation"), "launches failing: permissions");
    assert_eq!(headline("AccessDenied for iam:PassRole"), "launches failing: permissions");
    assert_eq!(headline("the role lacks permission to use the key"), "launches failing: permissions");
    assert_eq!(headline("Spot request price is below the market"), "launches failing: Spot capacity");
}

/// The scale-out the scaler's cooldown counts from is the last successful one it asked for:
/// not a failed one, and not one an operator's own change made.
#[test]
fn what_the_scaler_should_want_counts_its_cooldown_from_its_own_last_scale_out() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Busy)]);
    let scaler = quiet_scaler();
    let out = |status, cause: &str| ScalingActivity {
        id: "a1".into(),
        description: "Launching a new EC2 instance: i-0aaaaaaaaaaaaaaa9".into(),
        cause: cause.into(),
        status,
        status_message: None,
        start: NOW.plus_secs(-30),
        end: Some(NOW.plus_secs(-20)),
    };
    let by_scaler = "At 2026-11-30T07:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 1 to 2.";
    let decision = |acts: &[ScalingActivity]| should_want(&facts(&s, &[], &g, acts, &scaler)).map(|(_, d)| d);
    let in_cooldown = |d: Option<crate::analysis::scaler_decision::Decision>| {
        matches!(d, Some(crate::analysis::scaler_decision::Decision::OutInCooldown { .. }))
    };
    assert!(in_cooldown(decision(&[out(ActivityStatus::Successful, by_scaler)])));
    assert!(
        !in_cooldown(decision(&[out(ActivityStatus::Failed, by_scaler)])),
        "a failed launch starts no cooldown"
    );
    let health = "At 2026-11-30T07:00:00Z an instance was started in response to a difference between desired and actual capacity.";
    assert!(
        !in_cooldown(decision(&[out(ActivityStatus::Successful, health)])),
        "a replacement is not the scaler's"
    );
    assert!(!in_cooldown(decision(&[])));
}

/// What is read of the scaler's log reaches a terminal: its error texts, the group's name and
/// why it could not be read are cleaned where they enter.
#[test]
fn the_scalers_texts_are_cleaned_where_they_enter() {
    use crate::domain::text::Sanitize;
    let mut read = ScalerRead::Read(parse([
        (NOW.plus_secs(-20), "START RequestId: 1"),
        (NOW.plus_secs(-20), "Collecting Buildkite metrics for queue \"default\""),
        (NOW.plus_secs(-20), "Scaling error: denied \u{1b}]52;c;aGk=\u{7} \u{1b}[2J"),
    ]));
    read.sanitize();
    let ScalerRead::Read(log) = &read else { panic!("still read") };
    let Some(Outcome::Error { text }) = log.last_run().map(|r| &r.outcome) else {
        panic!("an error run: {log:?}")
    };
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    for mut other in [
        ScalerRead::Missing { group: "/aws/lambda/x\u{1b}[31m".into() },
        ScalerRead::Unreadable { text: "denied\u{9b}2J".into() },
    ] {
        other.sanitize();
        let (ScalerRead::Missing { group: t } | ScalerRead::Unreadable { text: t }) = &other else {
            unreachable!()
        };
        assert!(!t.contains('\u{1b}') && !t.contains('\u{9b}'), "{t:?}");
    }
}

/// The scaler runs every minute: silent up to three minutes is a late run, past it, not running.
#[test]
fn the_scaler_is_silent_only_past_three_minutes() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, Vec::new());
    for (ago, silent) in [(SCALER_SILENT_SECS, false), (SCALER_SILENT_SECS + 1, true)] {
        let log = ScalerRead::Read(parse([(NOW.plus_secs(-ago), "START RequestId: 1")]));
        assert_eq!(codes(&facts(&s, &[], &g, &[], &log)).contains(&"scaler_not_running"), silent, "{ago}s");
    }
}

mod coming;
mod idle_agents;
mod stack_state;
