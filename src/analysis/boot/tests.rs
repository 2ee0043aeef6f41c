use super::*;

const T0: Timestamp = Timestamp(1_796_000_000_000);

fn line(secs_ms: i64, group: &str, instance: &str, message: &str) -> LogLine {
    LogLine {
        at: Timestamp(T0.millis() + secs_ms),
        group: group.into(),
        instance: instance.into(),
        message: message.into(),
    }
}

/// A Linux boot as the stack's groups carry it, each line at its own millisecond.
fn linux(instance: &str) -> Vec<LogLine> {
    vec![
        line(
            21_250,
            groups::CLOUD_INIT_OUTPUT,
            instance,
            "Cloud-init v. 22.2.2 running 'init-local' at Mon, 07 Dec 2026 16:30:05 +0000. Up 5.12 seconds.",
        ),
        line(
            24_010,
            groups::CLOUD_INIT_OUTPUT,
            instance,
            "Cloud-init v. 22.2.2 running 'init' at Mon, 07 Dec 2026 16:30:08 +0000. Up 8.01 seconds.",
        ),
        line(
            31_500,
            groups::CLOUD_INIT_OUTPUT,
            instance,
            "Cloud-init v. 22.2.2 running 'modules:config' at Mon, 07 Dec 2026 16:30:15 +0000. Up 15.40 seconds.",
        ),
        line(
            33_125,
            groups::CLOUD_INIT_OUTPUT,
            instance,
            "Cloud-init v. 22.2.2 running 'modules:final' at Mon, 07 Dec 2026 16:30:17 +0000. Up 17.02 seconds.",
        ),
        line(
            34_000,
            groups::ELASTIC_STACK,
            instance,
            "Starting /usr/local/bin/bk-install-elastic-stack.sh...",
        ),
        line(
            95_400,
            groups::ELASTIC_STACK,
            instance,
            "/usr/local/bin/bk-install-elastic-stack.sh completed successfully.",
        ),
        line(
            99_999,
            groups::BUILDKITE_AGENT,
            instance,
            "2026-12-07 16:31:40 INFO   Successfully registered agent \"ci-linux-i-1-1\" with tags [queue=default, stack=ci-linux]",
        ),
        line(
            104_001,
            groups::BUILDKITE_AGENT,
            instance,
            "2026-12-07 16:31:44 INFO   ci-linux-i-1-1 Starting job 0190a1 for build at https://buildkite.com/acme/app/builds/7",
        ),
        line(
            180_000,
            groups::BUILDKITE_AGENT,
            instance,
            "2026-12-07 16:33:00 INFO   ci-linux-i-1-1 Starting job 0190a2 for build at https://buildkite.com/acme/app/builds/8",
        ),
    ]
}

#[test]
fn each_kind_of_line_marks_its_milestone_and_no_other_line_does() {
    let cases = [
        (
            groups::CLOUD_INIT_OUTPUT,
            "Cloud-init v. 22.2.2 running 'init' at Mon, 07 Dec 2026. Up 8.01 seconds.",
            Some(Milestone::FirstLine),
        ),
        (
            groups::CLOUD_INIT,
            "util.py[DEBUG]: Cloud-init v. 22.2.2 running 'init' at boot",
            Some(Milestone::FirstLine),
        ),
        (
            groups::CLOUD_INIT_OUTPUT,
            "Cloud-init v. 22.2.2 running 'modules:final' at Mon, 07 Dec 2026",
            Some(Milestone::CloudInitFinal),
        ),
        (
            groups::CLOUD_INIT_OUTPUT,
            "Cloud-init v. 22.2.2 finished at Mon, 07 Dec 2026. Datasource DataSourceEc2.  Up 58.01 seconds",
            None,
        ),
        (
            groups::ELASTIC_STACK,
            "Starting /usr/local/bin/bk-install-elastic-stack.sh...",
            Some(Milestone::FirstLine),
        ),
        (
            groups::ELASTIC_STACK,
            "Starting C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1...",
            Some(Milestone::FirstLine),
        ),
        (groups::ELASTIC_STACK, "Bootstrap script completed successfully.", Some(Milestone::BootstrapDone)),
        (groups::ELASTIC_STACK, "Bootstrap status: Completed", Some(Milestone::BootstrapDone)),
        (
            groups::ELASTIC_STACK,
            "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 254 on line 219.",
            Some(Milestone::BootstrapFailed),
        ),
        (
            groups::ELASTIC_STACK,
            "Bootstrap previously failed, will not continue from unknown state.",
            Some(Milestone::BootstrapFailed),
        ),
        (
            groups::EC2LAUNCH_USERDATA,
            "C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1 completed successfully.",
            Some(Milestone::BootstrapDone),
        ),
        (
            groups::BUILDKITE_AGENT,
            "INFO   Successfully registered agent \"a-1\" with tags []",
            Some(Milestone::Registered),
        ),
        (
            groups::BUILDKITE_AGENT,
            "INFO   a-1 Starting job 0190 for build at https://x",
            Some(Milestone::FirstJob),
        ),
        (groups::BUILDKITE_AGENT, "INFO   Registering agent with Buildkite...", None),
        // The same words in another group are not the milestone.
        (groups::DOCKER_DAEMON, "Successfully registered agent", None),
        (groups::ELASTIC_STACK, "Disk space free: 80%", None),
    ];
    for (group, message, want) in cases {
        assert_eq!(milestone(group, message), want, "{group}: {message}");
    }
}

#[test]
fn a_linux_boot_is_its_lines_own_times_to_the_millisecond_and_its_phases_add_up() {
    let launch = Launch { instance: "i-1".into(), at: T0 };
    let b = &boots(&[launch], &linux("i-1"))[0];
    let at = |m| b.when(m).map(|t: Timestamp| t.millis() - T0.millis());
    assert_eq!(at(Milestone::Launched), Some(0));
    assert_eq!(at(Milestone::FirstLine), Some(21_250), "the earliest line marking it");
    assert_eq!(at(Milestone::CloudInitFinal), Some(33_125));
    assert_eq!(at(Milestone::BootstrapDone), Some(95_400));
    assert_eq!(at(Milestone::Registered), Some(99_999));
    assert_eq!(at(Milestone::FirstJob), Some(104_001), "its first job, not its second");
    assert_eq!(at(Milestone::BootstrapFailed), None);
    assert_eq!(
        phases(b),
        vec![
            ("start", Some(21)),
            ("cloud-init", Some(11)),
            ("bootstrap", Some(62)),
            ("agent", Some(4)),
            ("first job", Some(4))
        ]
    );
    assert_eq!(ready_secs(b), Some(99));
    assert_eq!(slowest(b), Some("bootstrap"));
    assert!(!is_booting(b));
}

#[test]
fn lines_out_of_order_give_the_same_boot_and_other_instances_lines_are_not_its() {
    let mut lines = linux("i-1");
    lines.reverse();
    lines.extend(linux("i-2").into_iter().map(|mut l| {
        l.at = Timestamp(l.at.millis() - 10_000);
        l
    }));
    let launch = Launch { instance: "i-1".into(), at: T0 };
    let shuffled = boots(std::slice::from_ref(&launch), &lines);
    assert_eq!(shuffled, boots(&[launch], &linux("i-1")));
}

#[test]
fn a_windows_boot_has_no_cloud_init_so_its_bootstrap_runs_from_its_first_line() {
    let lines = vec![
        line(
            40_000,
            groups::ELASTIC_STACK,
            "i-w",
            "Starting C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1...",
        ),
        line(
            160_000,
            groups::ELASTIC_STACK,
            "i-w",
            "C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1 completed successfully.",
        ),
        line(
            170_000,
            groups::BUILDKITE_AGENT,
            "i-w",
            "Successfully registered agent \"w-1\" with tags [queue=windows]",
        ),
    ];
    let b = &boots(&[Launch { instance: "i-w".into(), at: T0 }], &lines)[0];
    assert_eq!(
        phases(b),
        vec![
            ("start", Some(40)),
            ("cloud-init", None),
            ("bootstrap", Some(120)),
            ("agent", Some(10)),
            ("first job", None)
        ]
    );
    assert_eq!(ready_secs(b), Some(170));
}

#[test]
fn a_boot_with_no_lines_yet_is_booting_with_every_phase_unknown() {
    let b = &boots(&[Launch { instance: "i-new".into(), at: T0 }], &[])[0];
    assert!(is_booting(b));
    assert!(phases(b).iter().all(|(_, s)| s.is_none()));
    assert_eq!((ready_secs(b), slowest(b)), (None, None));
}

#[test]
fn a_failed_bootstrap_names_its_line_and_its_phase_ends_at_the_failure() {
    let fail = "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 254 on line 219.";
    let lines = vec![
        line(20_000, groups::ELASTIC_STACK, "i-f", "Starting /usr/local/bin/bk-install-elastic-stack.sh..."),
        line(50_000, groups::ELASTIC_STACK, "i-f", fail),
        line(
            51_000,
            groups::ELASTIC_STACK,
            "i-f",
            "Bootstrap previously failed, will not continue from unknown state.",
        ),
    ];
    let b = &boots(&[Launch { instance: "i-f".into(), at: T0 }], &lines)[0];
    assert_eq!(b.failure.as_deref(), Some(fail), "the first failure line");
    assert!(!is_booting(b));
    assert_eq!(phases(b)[2], ("bootstrap", Some(30)));
    assert_eq!(ready_secs(b), None);
}

#[test]
fn a_clock_that_jumps_back_gives_an_unknown_phase_never_a_negative_one() {
    let lines = vec![
        line(60_000, groups::ELASTIC_STACK, "i-j", "Starting /usr/local/bin/bk-install-elastic-stack.sh..."),
        // The instance's clock was set back by NTP between the two lines.
        line(30_000, groups::ELASTIC_STACK, "i-j", "Bootstrap script completed successfully."),
        line(90_000, groups::BUILDKITE_AGENT, "i-j", "Successfully registered agent \"j-1\""),
    ];
    let b = &boots(&[Launch { instance: "i-j".into(), at: T0 }], &lines)[0];
    let p = phases(b);
    // The first line is the earliest marking it: the bootstrap's own start is then later than its end.
    assert_eq!(p[0], ("start", Some(60)));
    assert_eq!(p[2], ("bootstrap", None), "{p:?}");
    assert!(p.iter().all(|(_, s)| s.is_none_or(|s| s >= 0)));
    // A line from before the launch (beyond the clocks' allowance) is another boot's.
    let early = vec![line(-600_000, groups::BUILDKITE_AGENT, "i-j", "Successfully registered agent \"old\"")];
    assert_eq!(
        boots(&[Launch { instance: "i-j".into(), at: T0 }], &early)[0].when(Milestone::Registered),
        None
    );
}

#[test]
fn the_summary_takes_the_median_and_the_90th_percentile_by_nearest_rank() {
    assert_eq!(stat(vec![]), None);
    assert_eq!(stat(vec![7]), Some(Stat { median: 7, p90: 7, n: 1 }));
    let s = stat((1..=10).rev().collect()).expect("ten");
    assert_eq!((s.median, s.p90, s.n), (5, 9, 10));
    let s = stat(vec![10, 20, 30]).expect("three");
    assert_eq!((s.median, s.p90), (20, 30));
    let launches: Vec<Launch> =
        ["i-1", "i-2", "i-new"].iter().map(|i| Launch { instance: i.to_string(), at: T0 }).collect();
    let mut lines = linux("i-1");
    lines.extend(linux("i-2").into_iter().map(|mut l| {
        l.at = Timestamp(l.at.millis() + 60_000);
        l
    }));
    let sum = summary(&boots(&launches, &lines));
    assert_eq!((sum.boots, sum.failed, sum.booting), (3, 0, 1));
    assert_eq!(sum.ready, Some(Stat { median: 99, p90: 159, n: 2 }));
    assert_eq!(sum.phases[0], ("start", Some(Stat { median: 21, p90: 81, n: 2 })));
    assert_eq!(sum.phases[2], ("bootstrap", Some(Stat { median: 62, p90: 62, n: 2 })));
}

#[test]
fn boots_slower_than_the_stacks_own_name_the_phase_that_grew() {
    // Launched `ago` seconds before NOW, ready `ready` after, the bootstrap taking `ready - 30`.
    let now = T0.plus_secs(6 * 3600);
    let boot = |n: usize, ago: i64, ready: i64| {
        let mut b = Boot { instance: format!("i-{n}"), ..Boot::default() };
        let t = now.plus_secs(-ago);
        for (m, at) in [
            (Milestone::Launched, 0),
            (Milestone::FirstLine, 20),
            (Milestone::BootstrapDone, ready - 10),
            (Milestone::Registered, ready),
        ] {
            b.at.insert(m, t.plus_secs(at));
        }
        b
    };
    let earlier: Vec<Boot> = (0..4).map(|n| boot(n, 3 * 3600 + n as i64 * 60, 80)).collect();
    let mut boots = earlier.clone();
    boots.extend((10..13).map(|n| boot(n, 600 + n as i64 * 60, 250)));
    assert_eq!(
        slower(&boots, now),
        Some(Slower { recent: 250, before: 80, phase: "bootstrap", phase_before: 50, phase_recent: 220 })
    );
    // Not half as long again, or too few boots on one side: nothing to say.
    let mut near = earlier.clone();
    near.extend((10..13).map(|n| boot(n, 600 + n as i64 * 60, 119)));
    assert_eq!(slower(&near, now), None);
    let mut few = earlier;
    few.extend((10..12).map(|n| boot(n, 600 + n as i64 * 60, 250)));
    assert_eq!(slower(&few, now), None);
}
