//! Idle agents that can and cannot take the stack's jobs: what counts as capacity.

use super::*;

/// The messy queue: 2 jobs scheduled, and Buildkite counts 2 idle agents: a laptop of no stack,
/// and the agent of an instance whose disk is full. The stack's own instance is busy.
fn messy() -> (Fleet, QueueMetrics) {
    let busy = Instance {
        agents: AgentSummary { state: AgentState::Busy, busy: 1, total: 1, job: Some("j1".into()) },
        ..instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Busy)
    };
    let full = Instance {
        health: Health::Unhealthy,
        disk: DiskSignal::Full,
        ..instance("i-0bbbbbbbbbbbbbbb2", Lifecycle::InService, 3600, AgentState::Idle)
    };
    let mut g = fleet(2, 10, vec![busy, full]);
    g.strangers = vec![Stranger { name: "dev-laptop-1".into(), idle: true, kind: StrangerKind::NoStack }];
    let q = QueueMetrics {
        scheduled: 2,
        running: 1,
        waiting: 0,
        idle_agents: 2,
        busy_agents: 1,
        total_agents: 3,
    };
    (g, q)
}

#[test]
fn idle_agents_that_cannot_take_the_jobs_leave_them_stuck_and_are_named() {
    let s = stack("ci", "default", enabled());
    let (g, q) = messy();
    let scaler = quiet_scaler();
    let f = Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) };
    let d = diagnose(&f);
    assert!(d.stuck, "2 idle agents on the queue, none of them able to take the jobs");
    assert_eq!(d.jobs_waiting, Some(2));
    assert_eq!(
        d.summary,
        "2 jobs wait and no agent that can take them is idle (2 agents idle on the queue cannot)"
    );
    let cap = d.capacity.as_ref().expect("capacity");
    assert_eq!((cap.queue_idle, cap.usable_idle), (2, Some(0)));
    let r = d.reasons.iter().find(|r| r.code == "idle_agents_unusable").expect("named");
    assert_eq!(r.headline, "2 idle agents cannot take jobs");
    assert!(r.evidence.iter().any(|e| e == "dev-laptop-1 belongs to no stack (jobs may target tags it lacks, or it is paused)"), "{r:?}");
    assert!(
        r.evidence
            .iter()
            .any(|e| e
                .starts_with("the agent on i-0bbbbbbbbbbbbbbb2 is idle on an instance whose disk is full")),
        "{r:?}"
    );
    // The laptop is named once, as idle: not again as a stranger holding jobs.
    assert!(!d.reasons.iter().any(|r| r.code == "strangers"), "{:?}", d.reasons);
}

#[test]
fn an_idle_agent_of_the_stacks_own_healthy_instance_is_capacity() {
    let s = stack("ci", "default", enabled());
    let (mut g, q) = messy();
    g.instances.push(instance("i-0ccccccccccccccc3", Lifecycle::InService, 600, AgentState::Idle));
    let q = QueueMetrics { idle_agents: 3, total_agents: 4, ..q };
    let scaler = quiet_scaler();
    let d = diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) });
    assert!(!d.stuck);
    assert!(d.reasons.is_empty());
    assert_eq!(
        d.summary,
        "2 jobs wait and 1 idle agent of this stack can take them: they should start within seconds"
    );
}

#[test]
fn each_kind_of_trouble_makes_an_idle_agent_unusable() {
    let s = stack("ci", "default", enabled());
    let scaler = quiet_scaler();
    let q = QueueMetrics {
        scheduled: 1,
        running: 0,
        waiting: 0,
        idle_agents: 1,
        busy_agents: 0,
        total_agents: 1,
    };
    let idle = || instance("i-0ddddddddddddddd4", Lifecycle::InService, 3600, AgentState::Idle);
    let cases = [
        (Instance { disk: DiskSignal::Full, ..idle() }, "disk is full"),
        (Instance { boot_failed: true, ..idle() }, "bootstrap failed"),
        (Instance { health: Health::Unhealthy, ..idle() }, "Unhealthy instance"),
        (Instance { lifecycle: Lifecycle::Terminating, ..idle() }, "is Terminating"),
        (Instance { spot_notice: true, ..idle() }, "EC2 is reclaiming"),
    ];
    for (i, words) in cases {
        let g = fleet(1, 10, vec![i]);
        let d = diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) });
        assert!(d.stuck, "{words}");
        let unusable = &d.capacity.as_ref().expect("capacity").unusable;
        assert!(unusable.len() == 1 && unusable[0].why.contains(words), "{words}: {unusable:?}");
    }
    let g = fleet(1, 10, vec![idle()]);
    assert!(!diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) }).stuck);
}

#[test]
fn without_the_agent_list_the_queues_count_decides_and_the_summary_says_so() {
    let s = stack("ci", "default", enabled());
    let scaler = quiet_scaler();
    let mut g =
        fleet(1, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Unknown)]);
    g.agents_note = Some("AGENT: set BUILDKITE_API_TOKEN".into());
    let q = QueueMetrics {
        scheduled: 2,
        running: 0,
        waiting: 0,
        idle_agents: 2,
        busy_agents: 0,
        total_agents: 2,
    };
    let d = diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) });
    assert_eq!(d.capacity.as_ref().and_then(|c| c.usable_idle), None);
    assert!(!d.stuck, "the idle agents may be the stack's: not guessed");
    assert!(
        d.summary.contains("2 agents are idle on the queue") && d.summary.contains("BUILDKITE_API_TOKEN"),
        "{}",
        d.summary
    );
    let none_idle = QueueMetrics { idle_agents: 0, ..q };
    assert!(diagnose(&Facts { queue: Some(&none_idle), ..facts(&s, &[], &g, &[], &scaler) }).stuck);
    // A group with no instance and no agent list read knows nothing of the agents either.
    let mut empty = fleet(0, 10, Vec::new());
    empty.agents_note = Some("AGENT: set BUILDKITE_API_TOKEN".into());
    let d = diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &empty, &[], &scaler) });
    assert_eq!(d.capacity.and_then(|c| c.usable_idle), None);
}

#[test]
fn the_scalers_verdict_is_given_whether_or_not_jobs_are_stuck() {
    let s = stack("ci", "default", enabled());
    let g = fleet(2, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Idle)]);
    let scaler = ScalerRead::Read(parse([
        (NOW.plus_secs(-89), "START RequestId: 1"),
        (NOW.plus_secs(-89), "Collecting Buildkite metrics for queue \"default\""),
        (NOW.plus_secs(-89), "Scaling decision: calculated desired 8 instances. Action: No change needed"),
        (NOW.plus_secs(-89), "⏲ Want to scale OUT but in cooldown for 316 seconds"),
    ]));
    let nothing = QueueMetrics {
        scheduled: 0,
        running: 0,
        waiting: 0,
        idle_agents: 1,
        busy_agents: 0,
        total_agents: 1,
    };
    let d = diagnose(&Facts { queue: Some(&nothing), ..facts(&s, &[], &g, &[], &scaler) });
    assert!(!d.stuck && d.reasons.is_empty());
    let v = d.scaler.as_ref().expect("the scaler's word, though nothing is stuck");
    assert_eq!(v.short, "wants 8, cooldown 3m47s left");
    // And when the messy queue is stuck, the cooldown leads, counted down from its line.
    let (g, q) = messy();
    let d = diagnose(&Facts { queue: Some(&q), ..facts(&s, &[], &g, &[], &scaler) });
    assert_eq!(d.headline(), Some("scaler wants 8, cooldown 3m47s left"));
    assert_eq!(d.reasons.iter().map(|r| r.code).collect::<Vec<_>>(), ["cooldown", "idle_agents_unusable"]);
    let lines = d.lines();
    assert!(
        lines.iter().any(|(p, l)| *p == Part::Scaler && l.contains("calculated 8 instances")),
        "{lines:?}"
    );
}

#[test]
fn usable_idle_agents_add_up_and_an_unhealthy_full_disk_says_both() {
    let q = QueueMetrics { idle_agents: 4, ..WAITING };
    let two_idle = |id: &str| {
        let mut i = instance(id, Lifecycle::InService, 3600, AgentState::Idle);
        i.agents.total = 2;
        i
    };
    let g = fleet(2, 10, vec![two_idle("i-0aaaaaaaaaaaaaaa1"), two_idle("i-0bbbbbbbbbbbbbbb2")]);
    assert_eq!(capacity::capacity(&q, Some(&g)).usable_idle, Some(4));

    let full = |health| Instance { disk: DiskSignal::Full, health, ..two_idle("i-0ccccccccccccccc3") };
    let why = |i: Instance| capacity::capacity(&q, Some(&fleet(1, 10, vec![i]))).unusable[0].why.clone();
    assert_eq!(
        why(full(Health::Unhealthy)),
        "are idle on an instance whose disk is full (it is Unhealthy): each job it takes fails"
    );
    assert_eq!(
        why(full(Health::Healthy)),
        "are idle on an instance whose disk is full: each job it takes fails"
    );
}

#[test]
fn the_agents_are_known_for_an_empty_group_and_for_instances_whose_agents_were_read() {
    let q = QueueMetrics { idle_agents: 1, ..WAITING };
    let empty = fleet(0, 10, Vec::new());
    assert_eq!(capacity::capacity(&q, Some(&empty)).usable_idle, Some(0), "no instance, nothing missing");
    // A note about the agent list does not unknow agents that were read on each instance.
    let mut read =
        fleet(1, 10, vec![instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::InService, 3600, AgentState::Idle)]);
    read.agents_note = Some("a note".into());
    assert_eq!(capacity::capacity(&q, Some(&read)).usable_idle, Some(1));
}
