//! The simulated stack behaves like the real one: scripted job loads on a virtual clock.

use super::*;
use crate::clock::Clock;
use crate::domain::scaler::ScalerParams;
use crate::domain::{ActivityStatus, DiskSignal, Health, Lifecycle, groups};

const START: Timestamp = Timestamp(1_795_000_000_000);

fn world_with(spec: StackSpec) -> World {
    World::new(42, START, vec![spec])
}

fn linux() -> StackSpec {
    StackSpec::linux("test", "default")
}

fn jobs(world: &mut World, n: u32, secs: u32) {
    let s = world.stack_mut("test").expect("stack");
    s.spec.load.job_secs = (secs, secs);
    world.trigger("test", Incident::Burst(n));
}

fn advance(world: &mut World, secs: i64) {
    let t = world.now().plus_secs(secs);
    world.advance_to(t);
}

fn desired(world: &World) -> u32 {
    world.stack("test").expect("stack").desired
}

#[test]
fn scaler_scales_out_to_one_instance_per_job() {
    let mut w = world_with(linux());
    jobs(&mut w, 4, 3600);
    advance(&mut w, 60);
    assert_eq!(desired(&w), 4);
    assert_eq!(w.count("test", Lifecycle::Pending) + w.count("test", Lifecycle::InService), 4);
    // Launch causes quote the scaler's SetDesiredCapacity, as AWS words them.
    let s = w.stack("test").expect("stack");
    let a = s.activities.back().expect("an activity");
    assert!(a.description.starts_with("Launching a new EC2 instance: i-0"), "{}", a.description);
    assert!(
        a.cause.contains(
            "a user request explicitly set group desired capacity changing the desired capacity from 0 to 4."
        ),
        "{}",
        a.cause
    );
}

#[test]
fn agents_per_instance_divides_the_jobs() {
    let mut spec = linux();
    spec.scaler = Some(ScalerParams { agents_per_instance: 3, ..ScalerParams::default() });
    let mut w = world_with(spec);
    jobs(&mut w, 7, 3600);
    advance(&mut w, 60);
    assert_eq!(desired(&w), 3);
}

#[test]
fn scale_out_is_capped_by_max_size() {
    let mut w = world_with(linux());
    jobs(&mut w, 40, 3600);
    advance(&mut w, 60);
    assert_eq!(desired(&w), 10);
    advance(&mut w, 600);
    assert_eq!(desired(&w), 10, "never above MaxSize");
    let m = w.stack("test").expect("stack").queue();
    assert_eq!(m.running, 10);
    assert_eq!(m.scheduled, 30, "the rest wait for agents");
}

#[test]
fn scale_out_respects_the_cooldown() {
    let mut w = world_with(linux());
    jobs(&mut w, 2, 3600);
    advance(&mut w, 60);
    assert_eq!(desired(&w), 2);
    jobs(&mut w, 3, 3600);
    advance(&mut w, 120);
    assert_eq!(desired(&w), 2, "ScaleOutCooldownPeriod is 300 s");
    advance(&mut w, 200);
    assert_eq!(desired(&w), 5);
}

#[test]
fn scale_out_factor_and_instance_buffer_apply() {
    let mut spec = linux();
    spec.scaler = Some(ScalerParams { scale_out_factor: 0.5, instance_buffer: 1, ..ScalerParams::default() });
    let mut w = world_with(spec);
    jobs(&mut w, 6, 3600);
    advance(&mut w, 20);
    // wanted = 6 + min(1, 6) = 7; change = 7 * 0.5 -> 4
    assert_eq!(desired(&w), 4);
}

#[test]
fn instances_boot_then_run_jobs_and_go_idle() {
    let mut w = world_with(linux());
    jobs(&mut w, 2, 120);
    // The scaler runs every 10 s from the world's start: it launches at +10 s.
    advance(&mut w, 25);
    assert_eq!(w.count("test", Lifecycle::Pending), 2, "instances start Pending");
    advance(&mut w, 150);
    let m = w.stack("test").expect("stack").queue();
    assert_eq!((m.scheduled, m.running, m.busy_agents), (0, 2, 2));
    advance(&mut w, 150);
    let m = w.stack("test").expect("stack").queue();
    assert_eq!((m.running, m.idle_agents), (0, 2));
}

#[test]
fn idle_instances_terminate_themselves_after_the_idle_period() {
    let mut w = world_with(linux());
    jobs(&mut w, 2, 60);
    advance(&mut w, 60 + 100 + 60);
    assert_eq!(desired(&w), 2);
    advance(&mut w, 600);
    assert_eq!(desired(&w), 0, "both decremented the group");
    let s = w.stack("test").expect("stack");
    let a =
        s.activities.iter().rev().find(|a| a.description.starts_with("Terminating")).expect("a termination");
    assert!(
        a.cause
            .contains("was taken out of service in response to a user request, shrinking the capacity from")
    );
    advance(&mut w, 60);
    assert_eq!(s_instances(&w), 0);
}

fn s_instances(w: &World) -> usize {
    w.stack("test").map_or(0, |s| s.instances.len())
}

#[test]
fn a_paused_stack_does_not_scale_out() {
    let mut w = world_with(linux());
    assert!(w.set_rule_enabled("test", false));
    jobs(&mut w, 5, 3600);
    advance(&mut w, 600);
    assert_eq!(desired(&w), 0);
    assert_eq!(w.stack("test").expect("stack").queue().scheduled, 5);
    assert!(w.set_rule_enabled("test", true));
    advance(&mut w, 60);
    assert_eq!(desired(&w), 5, "resumed");
}

#[test]
fn a_fixed_size_stack_has_no_scaler_to_pause() {
    let mut spec = linux();
    spec.scaler = None;
    spec.min = 2;
    spec.max = 2;
    spec.initial = 2;
    let mut w = world_with(spec);
    assert!(!w.set_rule_enabled("test", false));
    jobs(&mut w, 6, 3600);
    advance(&mut w, 300);
    assert_eq!(desired(&w), 2);
}

#[test]
fn a_full_disk_instance_is_marked_unhealthy_and_replaced() {
    let mut spec = linux();
    spec.initial = 2;
    spec.min = 2;
    let mut w = world_with(spec);
    let victim =
        w.stack("test").expect("stack").instances.iter().min_by_key(|i| i.launched_at).expect("i").id.clone();
    w.trigger("test", Incident::DiskFill);
    advance(&mut w, 8);
    let lines: Vec<String> = w.logs.messages(groups::ELASTIC_STACK, &victim).map(str::to_string).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("Not enough disk space free: ")
            && l.ends_with("cutoff is 5.0GiB (5242880KB) 🚨"))
    );
    assert!(lines.iter().any(|l| l == "Insufficient disk space after cleanup."));
    assert!(lines.iter().any(|l| l == "Marking instance as unhealthy"));
    let fleet = w.stack("test").expect("stack").fleet(&w.logs);
    let inst = fleet.instances.iter().find(|i| i.id == victim).expect("still there");
    assert_eq!((inst.health, inst.disk), (Health::Unhealthy, DiskSignal::Full));

    advance(&mut w, 15);
    let s = w.stack("test").expect("stack");
    let term = s
        .activities
        .iter()
        .find(|a| a.description == format!("Terminating EC2 instance: {victim}"))
        .expect("terminated");
    assert!(term.cause.ends_with("an instance was taken out of service in response to a user health-check."));
    let launch = s.activities.back().expect("replacement");
    assert!(launch.description.starts_with("Launching a new EC2 instance"));
    assert!(launch.cause.contains("increasing the capacity from 1 to 2."), "{}", launch.cause);

    advance(&mut w, 120);
    assert!(w.stack("test").expect("stack").instances.iter().all(|i| i.id != victim), "gone");
    assert_eq!(w.count("test", Lifecycle::InService), 2);
    assert_eq!(desired(&w), 2, "replaced, not shrunk");
}

#[test]
fn a_failed_bootstrap_is_logged_and_replaced() {
    let mut w = world_with(linux());
    w.trigger("test", Incident::BootFailure);
    jobs(&mut w, 1, 3600);
    advance(&mut w, 40);
    let first = w.stack("test").expect("stack").instances[0].id.clone();
    advance(&mut w, 100);
    let out: Vec<String> = w.logs.messages(groups::CLOUD_INIT_OUTPUT, &first).map(str::to_string).collect();
    assert!(out.iter().any(|l| l.ends_with("errored with exit code 254 on line 219.")), "{out:?}");
    assert!(
        w.logs.messages(groups::ELASTIC_STACK, &first).any(crate::analysis::log_signals::is_boot_failure)
    );
    let fleet = w.stack("test").expect("stack").fleet(&w.logs);
    let failed = fleet.instances.iter().find(|i| i.id == first).expect("still listed");
    assert!(failed.boot_failed, "flagged in the instance table");
    let stack = w.stack("test").expect("stack").summary();
    assert!(crate::analysis::warnings(&stack, None, Some(&fleet)).iter().any(|w| w.code == "boot_failed"));
    advance(&mut w, 200);
    let s = w.stack("test").expect("stack");
    assert!(s.instances.iter().all(|i| i.id != first));
    assert_eq!(s.queue().running, 1, "the replacement took the job");
}

#[test]
fn a_spot_interruption_is_noticed_then_reclaimed() {
    let mut spec = linux();
    spec.spot = true;
    spec.initial = 1;
    spec.min = 1;
    let mut w = world_with(spec);
    let id = w.stack("test").expect("stack").instances[0].id.clone();
    w.trigger("test", Incident::SpotInterruption);
    let notice: Vec<String> = w.logs.messages(groups::LIFECYCLED, &id).map(str::to_string).collect();
    assert!(
        notice[0]
            .contains(&format!("level=info msg=\"Received termination notice\" instanceId={id} notice=spot"))
    );
    // Until EC2 takes it, its row says so.
    let s = w.stack("test").expect("stack");
    let row = s.fleet(&w.logs).instances.into_iter().find(|i| i.id == id).expect("row");
    assert!(row.spot_notice);
    assert_eq!(crate::analysis::why::trouble(&row, w.now()), Some("spot notice"));
    advance(&mut w, 125);
    let s = w.stack("test").expect("stack");
    let term = s.activities.iter().find(|a| a.description.ends_with(&id)).expect("terminated");
    assert!(term.cause.contains("EC2 health check indicating it has been terminated or stopped"));
}

#[test]
fn a_capacity_shortage_is_a_failed_activity_then_a_retry() {
    let mut w = world_with(linux());
    w.trigger("test", Incident::CapacityShortage);
    jobs(&mut w, 1, 3600);
    advance(&mut w, 30);
    let s = w.stack("test").expect("stack");
    let failed = s.activities.iter().find(|a| a.status == ActivityStatus::Failed).expect("failed launch");
    assert!(
        failed
            .status_message
            .as_deref()
            .unwrap_or("")
            .starts_with("We currently do not have sufficient t3.large capacity")
    );
    assert_eq!(s.instances.len(), 1, "launched on the next pass");
}

#[test]
fn the_same_seed_gives_the_same_demo() {
    let a = World::demo(7, START);
    let b = World::demo(7, START);
    let ids = |w: &World| {
        w.stacks.iter().flat_map(|s| s.instances.iter().map(|i| i.id.clone())).collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_ne!(ids(&a), ids(&World::demo(8, START)));
}

#[test]
fn the_demo_shows_every_incident_in_its_first_minutes() {
    let mut w = World::demo(1, START);
    let linux = "ci-linux";
    let before: usize = w.stack(linux).expect("stack").activities.len();
    let arm_waiting_before = w.stack("ci-arm64").expect("arm").queue().scheduled;
    let mut seen_max = false;
    let mut arm_desired_ever = 0;
    for _ in 0..(4 * 60) {
        advance(&mut w, 1);
        let s = w.stack(linux).expect("stack");
        seen_max |= s.desired == s.max && s.queue().scheduled > 0;
        arm_desired_ever = arm_desired_ever.max(w.stack("ci-arm64").expect("arm").desired);
    }
    let s = w.stack(linux).expect("stack");
    let new: Vec<_> = s.activities.iter().skip(before.min(s.activities.len())).collect();
    assert!(new.iter().any(|a| a.cause.contains("user health-check")), "full disk or failed boot replaced");
    assert!(new.iter().any(|a| a.cause.contains("terminated or stopped")), "spot interruption");
    assert!(new.iter().any(|a| a.status == ActivityStatus::Failed), "a failed launch");
    assert!(seen_max, "a scale-out capped by MaxSize");
    // Full disk and boot failure both left their lines in some stream of the stack's instances.
    let stack_lines = w.logs.all_messages(groups::ELASTIC_STACK);
    assert!(stack_lines.iter().any(|l| l == "Insufficient disk space after cleanup."));
    assert!(stack_lines.iter().any(|l| crate::analysis::log_signals::is_boot_failure(l)));
    // The paused stack's jobs wait, none run, and it never scales out; the fixed-size stack
    // keeps its size.
    let arm = w.stack("ci-arm64").expect("arm");
    assert!(!arm.rule_enabled);
    let waiting = arm.queue().scheduled;
    assert!(arm_waiting_before > 0 && waiting >= arm_waiting_before, "{arm_waiting_before} then {waiting}");
    assert_eq!(arm.queue().running, 0);
    assert_eq!(arm_desired_ever, 0, "never scaled out while paused");
    assert_eq!(w.stack("ci-windows").expect("windows").desired, 2);
}

#[tokio::test]
async fn the_backend_reports_what_the_world_holds() {
    let clock = Clock::virtual_at(START);
    let backend = SimBackend::demo(3, clock.clone());
    let stacks = backend.stacks().await.expect("stacks");
    let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ci-linux", "ci-windows", "ci-arm64"]);
    assert!(stacks[2].scaling.is_paused());
    assert_eq!(stacks[1].scaling, crate::domain::ScalingState::FixedSize);
    let history = backend.queue_history("ci-linux", START.plus_secs(-3600)).await.expect("history");
    assert!(history.len() >= 58, "an hour of history at once: {}", history.len());
    clock.advance_secs(30);
    assert_eq!(backend.world().now(), START.plus_secs(30), "reads advance the world to the clock");
    let err = backend.fleet("nope").await.expect_err("unknown stack");
    assert_eq!(err.to_string(), "stack nope not found");
}

/// What the dashboard and `bkops why` would say of the test stack now.
fn why(w: &World) -> Vec<crate::analysis::why::Reason> {
    let s = w.stack("test").expect("stack");
    let (summary, fleet, queue) = (s.summary(), s.fleet(&w.logs), s.queue());
    let since = w.now().plus_secs(-crate::domain::scaler_log::READ_SECS);
    let events = w.logs.group_since(&s.scaler_log_group, since);
    let scaler = crate::domain::scaler_log::ScalerRead::Read(crate::domain::scaler_log::parse(
        events.iter().map(|e| (e.timestamp, e.message.as_str())),
    ));
    let activities: Vec<_> = s.activities.iter().rev().cloned().collect();
    crate::analysis::why::reasons(&crate::analysis::why::Facts {
        now: w.now(),
        stack: &summary,
        stacks: std::slice::from_ref(&summary),
        queue: Some(&queue),
        fleet: Some(&fleet),
        activities: &activities,
        scaler: &scaler,
        boots: None,
    })
}

#[test]
fn a_zombie_boots_but_its_agent_never_registers() {
    // One instance at most: the scaler cannot work round the zombie by adding another.
    let mut w = world_with(StackSpec { max: 1, ..linux() });
    w.trigger("test", Incident::Zombie);
    jobs(&mut w, 1, 3600);
    advance(&mut w, 8 * 60);
    let s = w.stack("test").expect("stack");
    let zombie = s.instances.iter().find(|i| i.lifecycle == Lifecycle::InService).expect("InService");
    assert!(zombie.agents.is_empty(), "no agent registered");
    let said: Vec<&str> = w.logs.messages(groups::BUILDKITE_AGENT, &zombie.id).collect();
    assert!(
        said.iter().any(|l| l.contains("Failed to register agent") && l.contains("401 Unauthorized")),
        "{said:?}"
    );
    // The job still waits, the scaler counts the zombie as capacity, and the reason is named.
    let reasons = why(&w);
    assert!(
        reasons.iter().any(|r| r.code == "zombies" && r.evidence[1].starts_with(&zombie.id)),
        "{reasons:?}"
    );
}

#[test]
fn a_scaling_error_is_logged_as_the_scaler_logs_it_and_explained() {
    let mut w = world_with(linux());
    w.trigger("test", Incident::ScalingError);
    jobs(&mut w, 4, 3600);
    advance(&mut w, 12);
    assert_eq!(desired(&w), 0, "the scaler could not set the desired count");
    let reasons = why(&w);
    assert_eq!(reasons.first().map(|r| r.code), Some("scaler_error"), "{reasons:?}");
    assert!(reasons[0].headline.contains("Throttling: Rate exceeded"));
    // Three runs fail; the next one scales out.
    advance(&mut w, 60);
    assert_eq!(desired(&w), 4);
}

/// A job runs on a busy agent: over two hours of the messy demo (incidents, full disks,
/// reclaimed Spot, failed boots), no stack ever says more jobs run than agents are busy.
#[test]
fn running_jobs_never_outnumber_busy_agents() {
    let mut w = World::demo(7, START);
    for minute in 0..120 {
        advance(&mut w, 60);
        for s in &w.stacks {
            let m = s.metrics();
            assert!(m.running <= m.busy_agents, "{} at minute {minute}: {m:?}", s.spec.name);
        }
    }
}

#[test]
fn a_failed_update_is_told_by_its_events_and_rolls_back() {
    use crate::analysis::stack_events::causes;
    let mut w = world_with(linux());
    let since = w.now();
    w.trigger("test", Incident::FailedUpdate);
    advance(&mut w, 1);
    assert_eq!(w.stack("test").expect("stack").summary().status, "UPDATE_IN_PROGRESS");
    advance(&mut w, 20);
    assert_eq!(w.stack("test").expect("stack").summary().status, "UPDATE_ROLLBACK_IN_PROGRESS");
    advance(&mut w, 200);
    let s = w.stack("test").expect("stack");
    assert_eq!(s.summary().status, "UPDATE_ROLLBACK_COMPLETE");
    let events = s.cfn.since(since);
    assert!(events.windows(2).all(|e| e[0].at >= e[1].at), "newest first");
    let cause: Vec<&str> = events
        .iter()
        .filter(|e| causes(&events, "test").contains(&e.event_id))
        .map(|e| e.logical_id.as_str())
        .collect();
    assert_eq!(cause, ["AgentLaunchTemplate"], "the AMI that does not exist, not the cancelled nested stack");
}
