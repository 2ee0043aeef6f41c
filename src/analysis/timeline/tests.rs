use super::*;
use crate::domain::scaler_log::parse;

const NOW: Timestamp = Timestamp(1_795_000_000_000);
const I1: &str = "i-0123456789abcdef0";
const I2: &str = "i-0fedcba9876543210";

fn inputs<'a>() -> Inputs<'a> {
    Inputs {
        now: NOW,
        since: NOW.plus_secs(-7200),
        activities: &[],
        scaler: None,
        lines: &[],
        jobs: &[],
        lost: &[],
        zombies: &[],
        operated: &[],
        paused: None,
        queue: &[],
        stack: "ci",
        stack_events: &[],
    }
}

fn activity(description: &str, cause: &str, status: ActivityStatus, ago: i64) -> ScalingActivity {
    ScalingActivity {
        id: format!("a-{ago}"),
        description: description.into(),
        cause: cause.into(),
        status,
        status_message: (status == ActivityStatus::Failed).then(|| {
            "We currently do not have sufficient m5.large capacity in the Availability Zone you requested"
                .into()
        }),
        start: NOW.plus_secs(-ago),
        end: None,
    }
}

fn line(group: &str, instance: &str, ago: i64, message: &str) -> LogLine {
    LogLine {
        at: NOW.plus_secs(-ago),
        group: group.into(),
        instance: instance.into(),
        message: message.into(),
    }
}

/// A queue's history a minute apart, ending ten minutes ago plus a minute per sample: jobs
/// scheduled, none waiting.
fn scheduled_each_minute(jobs: &[f64]) -> Vec<QueueSample> {
    jobs.iter()
        .enumerate()
        .map(|(n, j)| QueueSample {
            at: NOW.plus_secs(-600 + 60 * n as i64),
            scheduled: *j,
            running: 0.0,
            waiting: 0.0,
        })
        .collect()
}

fn texts(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| e.text.clone()).collect()
}

#[test]
fn activities_say_what_launched_failed_and_ended_each_instance_newest_first() {
    let activities = [
        activity(
            &format!("Launching a new EC2 instance: {I1}"),
            "At … an instance was started",
            ActivityStatus::Successful,
            3000,
        ),
        activity("Launching a new EC2 instance.  Status Reason: capacity", "x", ActivityStatus::Failed, 2000),
        activity(
            &format!("Terminating EC2 instance: {I1}"),
            "At 2026-11-30T07:00:00Z an instance was taken out of service in response to a user health-check.",
            ActivityStatus::Successful,
            1000,
        ),
    ];
    let events = build(&Inputs { activities: &activities, ..inputs() });
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].text, "terminated: marked Unhealthy (disk full or failed boot)");
    assert_eq!(events[0].instance.as_deref(), Some(I1));
    assert_eq!(events[0].severity, Severity::Warn);
    assert!(
        events[1].text.starts_with("launch FAILED: We currently do not have sufficient"),
        "{:?}",
        events[1]
    );
    assert_eq!(events[1].severity, Severity::Bad);
    assert_eq!(events[1].instance, None);
    assert_eq!(events[2].text, "launched");
    assert!(events.windows(2).all(|w| w[0].at >= w[1].at));
}

#[test]
fn events_before_since_are_left_out() {
    let activities =
        [activity(&format!("Launching a new EC2 instance: {I1}"), "c", ActivityStatus::Successful, 9000)];
    assert!(build(&Inputs { activities: &activities, ..inputs() }).is_empty());
    let wider = Inputs { activities: &activities, since: NOW.plus_secs(-10_000), ..inputs() };
    assert_eq!(build(&wider).len(), 1);
}

#[test]
fn an_operators_terminate_in_the_audit_log_names_them_on_the_activity() {
    let activities = [activity(
        &format!("Terminating EC2 instance: {I1}"),
        &format!(
            "At 2026-11-30T07:00:00Z instance {I1} was taken out of service in response to a user request."
        ),
        ActivityStatus::Successful,
        600,
    )];
    let operated = [Operated {
        at: NOW.plus_secs(-630),
        who: "arn:aws:sts::1:assumed-role/oncall/ana".into(),
        action: TERMINATE.into(),
        instance: Some(I1.into()),
        result: "ok".into(),
    }];
    let events = build(&Inputs { activities: &activities, operated: &operated, ..inputs() });
    assert_eq!(
        texts(&events),
        [
            "terminated by arn:aws:sts::1:assumed-role/oncall/ana with bkops",
            "arn:aws:sts::1:assumed-role/oncall/ana terminated the instance with bkops",
        ]
    );
    // Someone else's instance, or a terminate long before: the cause's own words.
    let other = [Operated { instance: Some(I2.into()), ..operated[0].clone() }];
    let events = build(&Inputs { activities: &activities, operated: &other, ..inputs() });
    assert_eq!(events[0].text, "terminated: terminated by a user, replaced");
    // The same instance terminated with bkops long before (an hour before the activity), or
    // after it: not its cause. Within 15 minutes before, and up to a minute after, it is.
    for (offset, named) in [(-3600, false), (-16 * 60, false), (-14 * 60, true), (50, true), (120, false)] {
        let when = [Operated { at: NOW.plus_secs(-600 + offset), ..operated[0].clone() }];
        let events = build(&Inputs { activities: &activities, operated: &when, ..inputs() });
        assert_eq!(
            texts(&events)
                .iter()
                .any(|t| t == "terminated by arn:aws:sts::1:assumed-role/oncall/ana with bkops"),
            named,
            "{offset} s from the activity: {:?}",
            texts(&events)
        );
    }
}

#[test]
fn the_scalers_decisions_and_errors_are_events_and_a_cooldown_is_told_once() {
    let run = "Collecting Buildkite metrics";
    let log = parse([
        (NOW.plus_secs(-600), "START RequestId: 1"),
        (NOW.plus_secs(-600), run),
        (NOW.plus_secs(-600), "Scaling OUT 📈 to 4 instances (currently 2)"),
        (NOW.plus_secs(-540), "START RequestId: 2"),
        (NOW.plus_secs(-540), run),
        (NOW.plus_secs(-540), "⏲ Want to scale OUT but in cooldown for 240 seconds"),
        (NOW.plus_secs(-510), run),
        (NOW.plus_secs(-510), "Scaling decision: calculated desired 4 instances. Action: No change needed"),
        (NOW.plus_secs(-480), run),
        (NOW.plus_secs(-480), "⏲ Want to scale OUT but in cooldown for 180 seconds"),
        (NOW.plus_secs(-60), "START RequestId: 3"),
        (NOW.plus_secs(-60), run),
        (
            NOW.plus_secs(-60),
            "Scaling error: AccessDenied: not authorized to perform: autoscaling:SetDesiredCapacity",
        ),
    ]);
    let events = build(&Inputs { scaler: Some(&log), ..inputs() });
    // The cooldown is told by when it ends (240 s after its line), not as time left now.
    let cooling =
        format!("wants to scale out but is held by its cooldown (ends {})", NOW.plus_secs(-300).rfc3339());
    assert_eq!(
        texts(&events),
        [
            "Scaling error: AccessDenied: not authorized to perform: autoscaling:SetDesiredCapacity",
            "the scaler ran again after 8m without a run",
            cooling.as_str(),
            "scaled out from 2 to 4 instances",
        ]
    );
    assert_eq!(events[0].severity, Severity::Bad);
    assert!(events.iter().all(|e| e.source == Source::Scaler));
}

#[test]
fn log_signals_are_events_on_their_instance_and_other_lines_are_not() {
    let lines = [
        line(groups::ELASTIC_STACK, I1, 900, "Disk space free: 20G"),
        line(groups::ELASTIC_STACK, I1, 800, "Not enough inodes free: 1200 available, cutoff is 250000 🚨"),
        line(
            groups::ELASTIC_STACK,
            I1,
            700,
            "Not enough disk space free: 3.1G (3250586KB) available, cutoff is 5.0GiB (5242880KB) 🚨",
        ),
        line(groups::ELASTIC_STACK, I1, 600, "Insufficient disk space after cleanup."),
        line(groups::ELASTIC_STACK, I1, 590, "Marking instance as unhealthy"),
        line(
            groups::ELASTIC_STACK,
            I2,
            500,
            "bk-install-elastic-stack.sh errored with exit code 1 on line 113.",
        ),
        line(
            groups::LIFECYCLED,
            I2,
            400,
            "level=info msg=\"Received termination notice\" instance=i-0fedcba9876543210 notice=spot",
        ),
        line(groups::LIFECYCLED, I2, 300, "level=info msg=\"Starting listener\""),
    ];
    let events = build(&Inputs { lines: &lines, ..inputs() });
    let said: Vec<&str> = events.iter().map(|e| e.text.split(':').next().unwrap_or_default()).collect();
    assert_eq!(
        said,
        [
            "Spot interruption notice",
            "bootstrap failed",
            "marked Unhealthy",
            "disk full",
            "disk low",
            "inodes low"
        ]
    );
    assert_eq!(events[0].instance.as_deref(), Some(I2));
    assert_eq!(events[5].instance.as_deref(), Some(I1));
    assert!(events[1].text.ends_with("errored with exit code 1 on line 113."));
}

#[test]
fn a_hostile_log_line_is_cleaned_and_cut() {
    let hostile = format!("Not enough disk space free \u{1b}]52;c;AAAA\u{7}\u{202e}{}", "x".repeat(500));
    let lines = [line(groups::ELASTIC_STACK, I1, 10, &hostile)];
    let events = build(&Inputs { lines: &lines, ..inputs() });
    let text = &events[0].text;
    assert!(!text.chars().any(crate::domain::text::dangerous), "{text:?}");
    assert!(text.chars().count() < 200);
}

#[test]
fn operators_pauses_come_from_the_audit_log_or_else_the_tags() {
    let operated = [
        Operated {
            at: NOW.plus_secs(-900),
            who: "ana".into(),
            action: "events:DisableRule".into(),
            instance: None,
            result: "ok".into(),
        },
        Operated {
            at: NOW.plus_secs(-300),
            who: "ana".into(),
            action: "events:EnableRule".into(),
            instance: None,
            result: "error: AccessDenied".into(),
        },
        Operated {
            at: NOW.plus_secs(-200),
            who: "ana".into(),
            action: "intent".into(),
            instance: None,
            result: "planned".into(),
        },
    ];
    let tagged = Inputs { operated: &operated, paused: Some(("ana", NOW.plus_secs(-899))), ..inputs() };
    assert_eq!(
        texts(&build(&tagged)),
        ["ana resumed scaling with bkops (failed: AccessDenied)", "ana paused scaling with bkops"]
    );
    // Paused from another machine: only the tags say so.
    let elsewhere = Inputs { paused: Some(("bo", NOW.plus_secs(-100))), ..inputs() };
    assert_eq!(texts(&build(&elsewhere)), ["bo paused scaling (the group's bkops tags)"]);
}

#[test]
fn a_queue_spike_is_told_when_it_rises_and_when_it_drains() {
    let samples = scheduled_each_minute(&[0.0, 1.0, 1.0, 2.0, 30.0, 45.0, 40.0, 10.0, 1.0, 3.0, 4.0]);
    let events = build(&Inputs { queue: &samples, ..inputs() });
    assert_eq!(texts(&events), ["queue drained: 1 job waiting", "queue spike: 30 jobs waiting (was 0)"]);
    // A slow climb is not a spike.
    let slow: Vec<QueueSample> = (0..10)
        .map(|n| QueueSample {
            at: NOW.plus_secs(60 * n),
            scheduled: 10.0 + n as f64,
            running: 0.0,
            waiting: 0.0,
        })
        .collect();
    assert!(build(&Inputs { queue: &slow, ..inputs() }).is_empty());
}

#[test]
fn a_zombie_is_an_event_when_it_became_one() {
    let zombies = [(I1.to_string(), NOW.plus_secs(-900))];
    let events = build(&Inputs { zombies: &zombies, ..inputs() });
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].at, events[0].severity), (NOW.plus_secs(-600), Severity::Bad));
    assert!(events[0].text.starts_with("no agent 5m after launch: a zombie"), "{}", events[0].text);
}

#[test]
fn lost_agents_are_events_of_now() {
    let lost = [I1.to_string()];
    let events = build(&Inputs { lost: &lost, ..inputs() });
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].at, events[0].source, events[0].instance.as_deref()),
        (NOW, Source::Agent, Some(I1))
    );
}

#[test]
fn events_serialize_with_their_time_as_rfc3339() {
    let lost = [I1.to_string()];
    let json = serde_json::to_value(build(&Inputs { lost: &lost, ..inputs() })).expect("json");
    assert_eq!(json[0]["at"], "2026-11-18T11:06:40Z");
    assert_eq!(json[0]["source"], "agent");
    assert_eq!(json[0]["severity"], "warn");
}

#[test]
fn events_of_one_second_stay_newest_first() {
    let at = NOW.plus_secs(-60);
    let operated = [
        Operated {
            at,
            who: "ana".into(),
            action: "events:DisableRule".into(),
            instance: None,
            result: "ok".into(),
        },
        Operated {
            at,
            who: "ana".into(),
            action: TERMINATE.into(),
            instance: Some(I1.into()),
            result: "ok".into(),
        },
    ];
    let lines = [
        line(groups::ELASTIC_STACK, I1, 10, "Not enough disk space free: 3.1G"),
        line(groups::ELASTIC_STACK, I1, 10, "Insufficient disk space after cleanup."),
    ];
    let texts = texts(&build(&Inputs { operated: &operated, lines: &lines, ..inputs() }));
    assert_eq!(
        texts,
        [
            "disk full: Insufficient disk space after cleanup.",
            "disk low: Not enough disk space free: 3.1G",
            "ana terminated the instance with bkops",
            "ana paused scaling with bkops",
        ]
    );
}

#[test]
fn a_long_scaler_error_is_quoted_in_part() {
    let long = format!("Scaling error: AccessDenied: {}", "x".repeat(200_000));
    let log =
        parse([(NOW, "START RequestId: 1"), (NOW, "Collecting Buildkite metrics"), (NOW, long.as_str())]);
    let events = scaler(&log);
    assert_eq!(events.len(), 1);
    assert!(events[0].text.chars().count() < 400, "quoted in part");
    assert!(events[0].text.ends_with("(199714 more characters)"), "and says how much is left out");
}

#[test]
fn each_source_has_the_word_the_timeline_prints() {
    let sources =
        [Source::Activity, Source::Scaler, Source::Log, Source::Agent, Source::Operator, Source::Queue];
    let words: Vec<&str> = sources.iter().map(|s| s.label()).collect();
    assert_eq!(words, ["activity", "scaler", "log", "agent", "operator", "queue"]);
}

#[test]
fn a_gap_in_the_scalers_invocations_is_told_only_beyond_five_minutes() {
    let gaps = |secs: i64| {
        let log = parse([
            (NOW.plus_secs(-secs - 10), "START RequestId: 1"),
            (NOW.plus_secs(-10), "START RequestId: 2"),
        ]);
        texts(&build(&Inputs { scaler: Some(&log), ..inputs() }))
    };
    assert!(gaps(5 * 60).is_empty(), "five minutes is no gap: {:?}", gaps(5 * 60));
    assert_eq!(gaps(5 * 60 + 1), ["the scaler ran again after 5m without a run"]);
}

#[test]
fn a_cap_at_max_size_is_told_once_per_streak() {
    let run = "Collecting Buildkite metrics";
    let capped = "⚠️  Desired count exceed MaxSize, capping at 10";
    let decided = "Scaling decision: calculated desired 10 instances. Action: No change needed";
    let log = parse([
        (NOW.plus_secs(-180), run),
        (NOW.plus_secs(-180), capped),
        (NOW.plus_secs(-180), decided),
        (NOW.plus_secs(-120), run),
        (NOW.plus_secs(-120), capped),
        (NOW.plus_secs(-120), decided),
    ]);
    let events = build(&Inputs { scaler: Some(&log), ..inputs() });
    assert_eq!(texts(&events), ["wants more, capped at MaxSize 10"]);
    assert_eq!(events[0].severity, Severity::Warn);
}

/// Every action bkops writes to its audit log is told in its own words, with its instance; an
/// entry that is no action (an intent) is not an event.
#[test]
fn each_operator_action_is_told_in_its_own_words() {
    let did = |action: &str| Operated {
        at: NOW.plus_secs(-60),
        who: "ana".into(),
        action: action.into(),
        instance: Some(I1.into()),
        result: "ok".into(),
    };
    let told = |action: &str| {
        let operated = [did(action)];
        build(&Inputs { operated: &operated, ..inputs() })
            .into_iter()
            .map(|e| (e.text, e.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(told("events:DisableRule"), [("ana paused scaling with bkops".to_string(), Severity::Warn)]);
    assert_eq!(told("events:EnableRule"), [("ana resumed scaling with bkops".to_string(), Severity::Info)]);
    assert_eq!(told(TERMINATE), [("ana terminated the instance with bkops".to_string(), Severity::Warn)]);
    assert_eq!(
        told("buildkite:StopAgent"),
        [("ana stopped the agent with bkops".to_string(), Severity::Info)]
    );
    assert_eq!(told("ssm:StartSession"), [("ana opened a shell with bkops".to_string(), Severity::Info)]);
    assert_eq!(
        told("abandoned"),
        [("ana left an operation unfinished with bkops".to_string(), Severity::Bad)]
    );
    assert!(told("intent").is_empty());
    let operated = [did("ssm:StartSession")];
    let shell = build(&Inputs { operated: &operated, ..inputs() });
    assert_eq!(shell[0].instance.as_deref(), Some(I1));
}

/// The tags' pause is the audit log's own only when the log holds that pause, within two
/// minutes of it: an older pause, or another action at that moment, leaves the tags' pause told.
#[test]
fn a_tagged_pause_is_the_audit_logs_only_when_it_holds_that_pause() {
    let entry = |action: &str, ago: i64| Operated {
        at: NOW.plus_secs(-ago),
        who: "ana".into(),
        action: action.into(),
        instance: None,
        result: "ok".into(),
    };
    let tagged_at = NOW.plus_secs(-600);
    let tag_told = |operated: &[Operated]| {
        let events = build(&Inputs { operated, paused: Some(("bo", tagged_at)), ..inputs() });
        texts(&events).iter().any(|t| t.contains("(the group's bkops tags)"))
    };
    assert!(!tag_told(&[entry("events:DisableRule", 600 + 120)]), "two minutes apart is the same pause");
    assert!(tag_told(&[entry("events:DisableRule", 600 + 121)]));
    assert!(tag_told(&[entry("events:DisableRule", 3 * 3600)]), "an older pause is another pause");
    assert!(tag_told(&[entry("events:EnableRule", 600)]), "a resume is not the pause");
}

/// What waits is scheduled and waiting jobs together, before the spike and in it.
#[test]
fn a_spike_counts_scheduled_and_waiting_jobs_together() {
    let split = [(2.0, 3.0), (3.0, 2.0), (20.0, 25.0), (1.0, 0.0)];
    let samples: Vec<QueueSample> = split
        .iter()
        .enumerate()
        .map(|(n, (scheduled, waiting))| QueueSample {
            at: NOW.plus_secs(-600 + 60 * n as i64),
            scheduled: *scheduled,
            running: 0.0,
            waiting: *waiting,
        })
        .collect();
    let events = build(&Inputs { queue: &samples, ..inputs() });
    assert_eq!(texts(&events), ["queue drained: 1 job waiting", "queue spike: 45 jobs waiting (was 5)"]);
}

/// A spike has drained when the queue is back where it rose from, or under five jobs: five
/// still waiting is not drained.
#[test]
fn a_spike_drains_below_five_jobs_or_back_to_where_it_rose_from() {
    let five = scheduled_each_minute(&[0.0, 0.0, 30.0, 5.0]);
    assert_eq!(texts(&build(&Inputs { queue: &five, ..inputs() })), ["queue spike: 30 jobs waiting (was 0)"]);
    let four = scheduled_each_minute(&[0.0, 0.0, 30.0, 5.0, 4.0]);
    assert_eq!(
        texts(&build(&Inputs { queue: &four, ..inputs() })),
        ["queue drained: 4 jobs waiting", "queue spike: 30 jobs waiting (was 0)"]
    );
}

#[test]
fn the_stacks_own_turns_and_its_failures_are_on_the_timeline_the_cause_marked() {
    use crate::domain::StackEvent;
    use crate::domain::stack_event::STACK_TYPE;
    let ev = |ago: i64, stack: &str, logical: &str, kind: &str, status: &str, why: Option<&str>| StackEvent {
        at: NOW.plus_secs(-ago),
        ..StackEvent::example(-ago, stack, logical, kind, status, why)
    };
    let cfn = [
        ev(60, "ci", "ci", STACK_TYPE, "UPDATE_ROLLBACK_COMPLETE", None),
        ev(
            90,
            "ci",
            "ci",
            STACK_TYPE,
            "UPDATE_ROLLBACK_IN_PROGRESS",
            Some("The following resource(s) failed to update: [AgentLaunchTemplate]."),
        ),
        ev(
            95,
            "ci",
            "AgentAutoScaleGroup",
            "AWS::AutoScaling::AutoScalingGroup",
            "UPDATE_FAILED",
            Some("Resource update cancelled"),
        ),
        ev(
            100,
            "ci",
            "AgentLaunchTemplate",
            "AWS::EC2::LaunchTemplate",
            "UPDATE_FAILED",
            Some("The image id '[ami-0bad]' does not exist"),
        ),
        ev(110, "ci", "AgentLaunchTemplate", "AWS::EC2::LaunchTemplate", "UPDATE_IN_PROGRESS", None),
        ev(120, "ci", "ci", STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
    ];
    let events = build(&Inputs { stack_events: &cfn, ..inputs() });
    let said: Vec<(Severity, &str)> = events.iter().map(|e| (e.severity, e.text.as_str())).collect();
    assert_eq!(
        said,
        [
            (Severity::Warn, "stack UPDATE_ROLLBACK_COMPLETE"),
            (
                Severity::Warn,
                "stack UPDATE_ROLLBACK_IN_PROGRESS: The following resource(s) failed to update: [AgentLaunchTemplate]."
            ),
            (Severity::Warn, "AgentAutoScaleGroup UPDATE_FAILED: Resource update cancelled"),
            (
                Severity::Bad,
                "AgentLaunchTemplate UPDATE_FAILED: The image id '[ami-0bad]' does not exist (the first failure: the cause)"
            ),
            (Severity::Info, "stack UPDATE_IN_PROGRESS: User Initiated"),
        ]
    );
    assert!(events.iter().all(|e| e.source == Source::Stack));
}
