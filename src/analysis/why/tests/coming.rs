//! Capacity on its way, told from the stack's own boots.

use super::*;

/// With the stack's own boots read, capacity on its way says how long a boot takes here, its
/// slowest phase, and when the first should be ready; an instance past the median is due now.
#[test]
fn capacity_coming_says_when_from_the_stacks_own_boots() {
    use crate::domain::boot::{Boot, Milestone};
    let s = stack("ci", "default", enabled());
    let g = fleet(
        3,
        10,
        vec![
            instance("i-0aaaaaaaaaaaaaaa1", Lifecycle::Pending, 40, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa2", Lifecycle::InService, 100, AgentState::None),
            instance("i-0aaaaaaaaaaaaaaa3", Lifecycle::InService, 600, AgentState::Busy),
        ],
    );
    let scaler = quiet_scaler();
    // A boot launched `ago` seconds before NOW, its first line at 20 s, ready after `ready`.
    let at = |ago: i64, ready: i64, n: i64| {
        let mut b = Boot { instance: format!("i-{n}"), ..Boot::default() };
        let t0 = NOW.plus_secs(-ago);
        for (m, at) in [
            (Milestone::Launched, 0),
            (Milestone::FirstLine, 20),
            (Milestone::BootstrapDone, ready - 10),
            (Milestone::Registered, ready),
        ] {
            b.at.insert(m, t0.plus_secs(at));
        }
        b
    };
    // Three earlier boots: ready after 300, 340 and 400 s, their bootstrap the longest part.
    let boot = |ready: i64| at(3600, ready, ready);
    let boots = [boot(300), boot(340), boot(400)];
    let f = Facts { boots: Some(&boots), ..facts(&s, &[], &g, &[], &scaler) };
    let r = reasons(&f);
    assert_eq!(r[0].code, "capacity_coming");
    assert_eq!(
        r[0].evidence[0],
        "Capacity is coming: 2 instances booting, median boot 5m40s (slowest: bootstrap), first ready in about 4m"
    );
    assert_eq!(r[0].headline, "2 booting, ready in ~4m");
    // Past the median: due now.
    let late =
        fleet(3, 10, vec![instance("i-0aaaaaaaaaaaaaaa2", Lifecycle::InService, 290, AgentState::None)]);
    let slow = [boot(200)];
    let f = Facts { boots: Some(&slow), ..facts(&s, &[], &late, &[], &scaler) };
    assert!(reasons(&f)[0].evidence[0].ends_with("the first due now (past this stack's median boot)"));
    // Recent boots far slower than the earlier ones: which phase grew is said.
    let history: Vec<Boot> = (0..3)
        .map(|n| at(4 * 3600 + n * 60, 80, n))
        .chain((3..6).map(|n| at(1200 + n * 60, 250, n)))
        .collect();
    let f = Facts { boots: Some(&history), ..facts(&s, &[], &g, &[], &scaler) };
    assert_eq!(
        reasons(&f)[0].evidence[1],
        "Boots are slower than this stack's own: 4m10s in the last hour against 1m20s before; bootstrap grew from 50s to 3m40s"
    );
    // Without the agents read, an InService instance is not known to be booting.
    let unknown =
        fleet(3, 10, vec![instance("i-0aaaaaaaaaaaaaaa2", Lifecycle::InService, 60, AgentState::Unknown)]);
    assert!(!codes(&facts(&s, &[], &unknown, &[], &scaler)).contains(&"capacity_coming"));
}
