//! The verdict's words at the edges: a cooldown at the second it ends, a run at the moment it
//! becomes stale, a clock just past the skew it allows, and each outcome's code.

use super::*;
use crate::domain::scaler_log::parse;

const T0: Timestamp = Timestamp(1_795_000_000_000);

/// A scaler log of `lines`, each `secs` after T0 and prefixed as the scaler's logger writes.
fn log(lines: &[(i64, &str)]) -> ScalerLog {
    let lines: Vec<(Timestamp, String)> = lines
        .iter()
        .map(|(secs, line)| (T0.plus_secs(*secs), format!("2026/11/30 07:31:40 {line}")))
        .collect();
    parse(lines.iter().map(|(at, line)| (*at, line.as_str())))
}

const COLLECTING: &str = "Collecting Buildkite metrics for queue \"default\"";

fn cooldown_run() -> ScalerLog {
    log(&[(0, COLLECTING), (0, "⏲ Want to scale OUT but in cooldown for 100 seconds")])
}

#[test]
fn a_cooldown_counts_down_to_its_last_second_and_has_ended_at_its_end() {
    let at = |secs| verdict(&cooldown_run(), None, T0.plus_secs(secs)).expect("a verdict");
    let before = at(99);
    assert_eq!(before.short, "wants out, cooldown 1s left");
    assert!(before.text[0].ends_with("held by its cooldown, 1s left"), "{}", before.text[0]);
    let end = at(100);
    assert_eq!(end.short, "wants out, cooldown ended 0s ago");
    assert!(end.text[0].contains("which ended 0s ago; the scaler has not run since"), "{}", end.text[0]);
    assert_eq!(end.outcome, "cooldown");
}

#[test]
fn a_run_is_stale_only_after_five_minutes() {
    let v = verdict(&cooldown_run(), None, T0.plus_secs(1)).expect("a verdict");
    assert!(!v.short_at(T0.plus_secs(STALE_SECS)).starts_with("last ran"), "at five minutes it is not yet");
    assert!(
        v.short_at(T0.plus_secs(STALE_SECS + 1)).starts_with("last ran 5m ago; wants out"),
        "{}",
        v.short_at(T0.plus_secs(STALE_SECS + 1))
    );
}

#[test]
fn a_log_ahead_of_the_clock_is_skew_only_beyond_its_allowance() {
    let run = log(&[
        (0, COLLECTING),
        (0, "Scaling decision: calculated desired 2 instances. Action: No change needed"),
    ]);
    let at_allowance = verdict(&run, None, T0.plus_secs(-SKEW_SECS)).expect("a verdict");
    assert_eq!(at_allowance.clock_skew_secs, None);
    let beyond = verdict(&run, None, T0.plus_secs(-SKEW_SECS - 1)).expect("a verdict");
    assert_eq!(beyond.clock_skew_secs, Some(SKEW_SECS + 1));
    assert!(beyond.text.iter().any(|t| t.contains("stamped 6s ahead")), "{:?}", beyond.text);
    assert_eq!(at_allowance.outcome, "no_change");
}

#[test]
fn a_scale_says_which_way_and_an_error_is_cut_for_a_row() {
    let scaled = log(&[
        (0, COLLECTING),
        (
            0,
            "Scaling decision: calculated desired 10 instances. ASG current desired: 4, ASG actual running: 4 (approx 4 agents), Buildkite scheduled: 6, running: 4, waiting: 0 Action: Scale out from 4 to 10",
        ),
        (0, "Scaling OUT 📈 to 10 instances (currently 4)"),
    ]);
    let v = verdict(&scaled, None, T0.plus_secs(10)).expect("a verdict");
    assert_eq!((v.short.as_str(), v.outcome), ("scaled out 4→10", "scaled"));
    assert!(v.text[0].ends_with("and scaled out from 4 to 10"), "{}", v.text[0]);

    let long = "ValidationError: New SetDesiredCapacity value 16 is above max value 10 for group ci-linux";
    let error = format!("Scaling error: {long}");
    let failed = log(&[(0, COLLECTING), (0, &error)]);
    let v = verdict(&failed, None, T0.plus_secs(10)).expect("a verdict");
    assert_eq!(v.outcome, "error");
    let expected: String = long.chars().take(SHORT_ERROR_CHARS - 1).collect();
    assert_eq!(v.short, format!("error: {expected}…"));
    let short = log(&[(0, COLLECTING), (0, "Scaling error: Throttling")]);
    assert_eq!(verdict(&short, None, T0.plus_secs(10)).expect("a verdict").short, "error: Throttling");
}

#[test]
fn a_run_that_decides_nothing_is_silent() {
    let run = log(&[
        (0, COLLECTING),
        (0, "Scaling calculation based on metrics collected at 2026-11-30T07:31:40Z"),
        (0, "↳ 🧮 Agents required 0, Instances required 0"),
    ]);
    let v = verdict(&run, None, T0.plus_secs(10)).expect("a verdict");
    assert_eq!((v.outcome, v.short.as_str()), ("silent", "no change (scale-in off)"));
}

const NOW: Timestamp = Timestamp(1_795_000_000_000);

fn cooling(logged_ago: i64, line: &str) -> ScalerLog {
    let at = NOW.plus_secs(-logged_ago);
    parse([
        (at, "START RequestId: 1 Version: $LATEST"),
        (at, "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\""),
        (
            at,
            "2026/11/30 07:31:40 Scaling decision: calculated desired 8 instances. ASG current desired: 2, ASG actual running: 2 (approx 2 agents), Buildkite scheduled: 2, running: 0, waiting: 0 Action: Scale out from 2 to 8",
        ),
        (at, line),
    ])
}

#[test]
fn a_long_scaler_error_is_quoted_in_part_on_every_line_that_says_it() {
    let long = format!("AccessDenied: {}", "x".repeat(200_000));
    let log = cooling(30, &format!("2026/11/30 07:31:40 Scaling error: {long}"));
    let v = verdict(&log, None, NOW).expect("a verdict");
    assert!(v.short.chars().count() < 80, "{}", v.short);
    assert!(v.text.iter().all(|t| t.chars().count() < 500), "quoted in part");
    assert!(v.text[0].contains("(199714 more characters)"), "and says how much is left out");
}

#[test]
fn a_cooldown_counts_down_from_its_lines_time() {
    let log = cooling(89, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 316 seconds");
    let v = verdict(&log, Some(8), NOW).expect("a verdict");
    let c = v.cooldown.as_ref().expect("a cooldown");
    assert_eq!((c.logged_secs, c.left_secs), (Some(316), Some(227)), "316 logged 89 s ago");
    assert_eq!(c.ends_at, Some(NOW.plus_secs(227)));
    assert_eq!(v.short, "wants 8, cooldown 3m47s left");
    assert!(v.text[0].contains("calculated 8 instances"), "{:?}", v.text);
    assert!(v.text[0].ends_with("held by its cooldown, 3m47s left"), "{:?}", v.text);
    // A moment later, less is left: the number is not the line's.
    let later = verdict(&log, Some(8), NOW.plus_secs(100)).expect("a verdict");
    assert_eq!(later.cooldown.and_then(|c| c.left_secs), Some(127));
    assert_eq!(v.short_at(NOW.plus_secs(100)), "wants 8, cooldown 2m07s left", "a row counts down too");
}

#[test]
fn a_passed_cooldown_says_it_ended_and_the_scaler_has_not_run_since() {
    let log = cooling(200, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 180 seconds");
    let v = verdict(&log, None, NOW).expect("a verdict");
    assert_eq!(v.cooldown.as_ref().and_then(|c| c.left_secs), Some(-20));
    assert_eq!(v.short, "wants 8, cooldown ended 20s ago");
    assert!(v.text[0].contains("which ended 20s ago; the scaler has not run since"), "{:?}", v.text);
}

#[test]
fn a_cooldown_line_without_seconds_is_named_not_guessed() {
    let log = cooling(10, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown");
    let v = verdict(&log, None, NOW).expect("a verdict");
    assert_eq!(v.cooldown.as_ref().map(|c| (c.logged_secs, c.left_secs)), Some((None, None)));
    assert_eq!(v.short, "wants 8, in cooldown (length not logged)");
}

#[test]
fn a_log_stamped_ahead_of_the_clock_is_named_and_never_adds_time() {
    let log = cooling(-120, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 60 seconds");
    let v = verdict(&log, None, NOW).expect("a verdict");
    assert_eq!(v.clock_skew_secs, Some(120));
    assert_eq!(v.cooldown.and_then(|c| c.left_secs), Some(60), "no more than the line logged");
    assert!(v.text.iter().any(|t| t.contains("2m00s ahead of this machine's clock")), "{:?}", v.text);
    let on_time = cooling(3, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 60 seconds");
    assert_eq!(verdict(&on_time, None, NOW).and_then(|v| v.clock_skew_secs), None);
}

#[test]
fn the_shadow_scaler_is_shown_beside_the_scaler_only_when_they_differ() {
    let log = cooling(10, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 60 seconds");
    let same = verdict(&log, Some(8), NOW).expect("a verdict");
    assert_eq!(same.text.len(), 1);
    let differs = verdict(&log, Some(5), NOW).expect("a verdict");
    assert!(differs.text[1].contains("wants 5 instances; the scaler calculated 8"), "{:?}", differs.text);
}

#[test]
fn a_silent_scaler_is_said_beside_its_last_word() {
    let log = cooling(12 * 60, "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 60 seconds");
    let v = verdict(&log, None, NOW).expect("a verdict");
    assert_eq!(v.short, "last ran 12m ago; wants 8, cooldown ended 11m00s ago");
    assert_eq!(verdict(&ScalerLog::default(), None, NOW), None);
}

#[test]
fn spans_count_to_the_second() {
    assert_eq!(span(45), "45s");
    assert_eq!(span(192), "3m12s");
    assert_eq!(span(3720), "1h02m");
    assert_eq!(span(-5), "0s");
}
