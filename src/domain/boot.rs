//! An instance's boot, as its own lines and its launch activity tell it: when each milestone
//! was reached, from the launch request to its first job (`analysis::boot` reads the lines).

use std::collections::BTreeMap;

use super::Timestamp;

/// How far back the dashboard, `bkops status`, `why` and `doctor` read boots: the stack's
/// own recent history, to compare a boot with.
pub const WINDOW_SECS: i64 = 6 * 3600;

/// A step of a boot, in the order a boot reaches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Milestone {
    /// Auto Scaling started the launch (the activity's start).
    Launched,
    /// The instance's first line seen (cloud-init's first stage, or the bootstrap's first line).
    FirstLine,
    /// cloud-init ran its last stage (`Cloud-init v. … running 'modules:final'`): user data
    /// and the stack's scripts run now. Linux only.
    CloudInitFinal,
    /// The stack's bootstrap finished (`… completed successfully`).
    BootstrapDone,
    /// The stack's bootstrap failed (`… errored with exit code N on line L.`).
    BootstrapFailed,
    /// Its agent registered with Buildkite (`Successfully registered agent`).
    Registered,
    /// Its first job started (`Starting job`).
    FirstJob,
}

impl Milestone {
    pub const ALL: [Milestone; 7] = [
        Milestone::Launched,
        Milestone::FirstLine,
        Milestone::CloudInitFinal,
        Milestone::BootstrapDone,
        Milestone::BootstrapFailed,
        Milestone::Registered,
        Milestone::FirstJob,
    ];
}

/// One boot: when each milestone was reached (the first line of each; a milestone not seen
/// is absent, not guessed), and the line that failed it, if one did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Boot {
    pub instance: String,
    pub at: BTreeMap<Milestone, Timestamp>,
    pub failure: Option<String>,
}

impl Boot {
    pub fn when(&self, m: Milestone) -> Option<Timestamp> {
        self.at.get(&m).copied()
    }
}
