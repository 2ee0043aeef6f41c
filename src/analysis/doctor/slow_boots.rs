//! A stack whose instances take long to be ready: its median boot over five minutes, with
//! what usually helps the phase that takes longest (each advice only when that phase is
//! the slow one).

use super::{Finding, Inputs, Severity, finding};
use crate::analysis::boot::{Stat, slowest_median, summary};
use crate::domain::format_span;

/// A median launch-to-ready longer than this is slow capacity when jobs wait.
pub const SLOW_BOOT_SECS: i64 = 5 * 60;
/// Fewer boots than this say too little.
const ENOUGH_BOOTS: usize = 3;

/// What usually shortens each phase.
fn advice(phase: &str) -> &'static str {
    match phase {
        "start" => {
            "EC2 takes long to start the instance: a warm pool on the group keeps instances initialized and stopped, ready in seconds; a smaller AMI starts sooner"
        }
        "cloud-init" | "bootstrap" => {
            "the bootstrap pulls and starts what jobs need: a custom AMI with Docker images pre-pulled (the ImageId parameter), and a gp3 root volume with more throughput, shorten it"
        }
        "agent" => {
            "the agent takes long to register after the bootstrap: its log says what it waits on (the token from SSM, Buildkite's API)"
        }
        _ => {
            "the lines do not say which phase: the instances' cloud-init and elastic-stack logs show where the time goes"
        }
    }
}

pub(super) fn slow_boots(i: &Inputs<'_>) -> Vec<Finding> {
    let Some(boots) = i.boots else { return Vec::new() };
    let sum = summary(boots);
    let Some(Stat { median, p90, n }) = sum.ready else { return Vec::new() };
    if n < ENOUGH_BOOTS || median <= SLOW_BOOT_SECS {
        return Vec::new();
    }
    let (phase, secs) = slowest_median(&sum.phases).unwrap_or(("boot", median));
    vec![finding(
        "slow_boots",
        Severity::Warn,
        format!(
            "instances take {} from launch to ready (median of {n}; p90 {}); the slowest phase is {phase} ({} median)",
            format_span(median),
            format_span(p90),
            format_span(secs)
        ),
        "while jobs wait, each scale-out adds capacity only this long after it",
        advice(phase),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::domain::boot::{Boot, Milestone};
    use crate::domain::scaler_log::ScalerRead;

    const T0: Timestamp = Timestamp(1_795_000_000_000);

    /// A boot whose first line comes `start` seconds after launch and is ready `ready` after.
    fn boot(start: i64, ready: i64) -> Boot {
        let mut b = Boot { instance: format!("i-{start}-{ready}"), ..Boot::default() };
        for (m, at) in [
            (Milestone::Launched, 0),
            (Milestone::FirstLine, start),
            (Milestone::BootstrapDone, ready - 5),
            (Milestone::Registered, ready),
        ] {
            b.at.insert(m, T0.plus_secs(at));
        }
        b
    }

    fn found(boots: &[Boot]) -> Vec<Finding> {
        let s = crate::analysis::doctor::tests::stack("ci", "default");
        let i = Inputs {
            now: T0.plus_secs(3600),
            stack: &s,
            stacks: std::slice::from_ref(&s),
            fleet: None,
            activities: &[],
            scaler: &ScalerRead::None,
            log_groups: None,
            boots: Some(boots),
            latest: None,
        };
        slow_boots(&i)
    }

    #[test]
    fn a_median_boot_over_five_minutes_is_found_with_the_advice_of_its_slowest_phase() {
        let slow_bootstrap = [boot(20, 400), boot(25, 420), boot(30, 380)];
        let f = found(&slow_bootstrap);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].what,
            "instances take 6m40s from launch to ready (median of 3; p90 7m); the slowest phase is bootstrap (6m15s median)"
        );
        assert!(f[0].fix.contains("ImageId") && !f[0].fix.contains("warm pool"), "{}", f[0].fix);
        let slow_start = [boot(250, 400), boot(260, 420), boot(270, 380)];
        let f = found(&slow_start);
        assert!(f[0].what.ends_with("the slowest phase is start (4m20s median)"), "{}", f[0].what);
        assert!(f[0].fix.contains("warm pool") && !f[0].fix.contains("ImageId"), "{}", f[0].fix);
    }

    #[test]
    fn five_minutes_or_fewer_than_three_boots_find_nothing() {
        assert!(found(&[boot(20, 300), boot(20, 300), boot(20, 300)]).is_empty(), "five minutes is not over");
        assert!(found(&[boot(20, 900), boot(20, 900)]).is_empty(), "two boots say too little");
        assert!(found(&[]).is_empty());
    }
}
