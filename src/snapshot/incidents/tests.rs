//! The incidents of the demo's own snapshot, with one fact changed at a time.

use super::*;
use crate::backend::sim::SimBackend;
use crate::clock::Clock;
use crate::snapshot::{Boots, StatusReport, collect};

const T: Timestamp = Timestamp(1_795_000_000_000);

async fn demo() -> StatusReport {
    let b = SimBackend::demo(1, Clock::virtual_at(T)).backends(1.0);
    collect(&b, &[], Boots::Skip).await.expect("the demo's snapshot")
}

fn kinds(s: &StackStatus, rules: &Rules) -> Vec<(&'static str, String)> {
    of(s, rules, T).into_iter().map(|i| (i.key.kind, i.key.subject)).collect()
}

#[tokio::test]
async fn a_boot_under_way_past_its_limit_is_an_incident_of_its_instance_only_when_asked_for() {
    let mut report = demo().await;
    let s = report.stacks.iter_mut().find(|s| s.stack.name == "ci-linux").expect("ci-linux");
    let group = s.auto_scaling.as_mut().expect("its group");
    let id = group.instances[0].id.clone();
    group.instances[0].booting = Some((20 * 60, "cloud_init_final"));
    group.instances[1].booting = Some((10 * 60, "launched"));
    let slow =
        |rules: &Rules| kinds(s, rules).into_iter().filter(|(k, _)| *k == "boot_slow").collect::<Vec<_>>();
    assert_eq!(slow(&Rules::default()), [], "off unless a limit is set");
    let rules = Rules { slow_boot_secs: Some(15 * 60), ..Rules::default() };
    assert_eq!(slow(&rules), [("boot_slow", id.clone())], "20 minutes is past 15; 10 is not");
    let text = of(s, &rules, T).into_iter().find(|i| i.key.kind == "boot_slow").map(|i| i.text);
    assert!(text.is_some_and(|t| t.contains("cloud_init_final") && t.contains("20m")));
    let off = Rules { off: vec!["boot_slow".into()], ..rules };
    assert_eq!(slow(&off), [], "turned off");
}

#[tokio::test]
async fn a_pause_whose_start_is_not_known_is_long_only_after_watching_it_last() {
    let mut report = demo().await;
    // The demo's ci-arm64 was paused with no record of when.
    let s = report.stacks.iter_mut().find(|s| s.stack.name == "ci-arm64").expect("ci-arm64");
    let rules = Rules::default();
    let paused = |s: &StackStatus| of(s, &rules, T).into_iter().find(|i| i.key.kind == "paused_long");
    let unknown = paused(s).expect("held as paused_long");
    assert!(unknown.only_over_time && unknown.hold_secs == rules.paused_secs, "{unknown:?}");
    // Paused by bkops five hours ago: long now, and one look can say so.
    s.paused_at = Some(T.plus_secs(-5 * 3600));
    let known = paused(s).expect("paused_long");
    assert!(!known.only_over_time && known.hold_secs == 0, "{known:?}");
    // An hour ago: not long yet.
    s.paused_at = Some(T.plus_secs(-3600));
    assert!(paused(s).is_none());
}
