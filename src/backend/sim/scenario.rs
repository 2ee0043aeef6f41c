//! The demo's stacks and the incidents it plays in its first minutes.

use crate::domain::Os;
use crate::domain::scaler::ScalerParams;

/// How jobs arrive on a queue: bursts (a build's fan-out) at a mean rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub bursts_per_hour: f64,
    pub burst_size: (u32, u32),
    pub job_secs: (u32, u32),
    /// Share of a burst's jobs that wait on earlier steps before they are scheduled.
    pub waiting_share: f64,
}

impl Load {
    /// No jobs arrive on their own: tests add them by hand.
    pub fn quiet() -> Self {
        Self { bursts_per_hour: 0.0, burst_size: (0, 0), job_secs: (60, 60), waiting_share: 0.0 }
    }
}

/// One simulated Elastic CI Stack: its CloudFormation parameters and its job load.
#[derive(Debug, Clone, PartialEq)]
pub struct StackSpec {
    pub name: String,
    pub queue: String,
    pub version: String,
    pub os: Os,
    pub min: u32,
    pub max: u32,
    /// Instances running when the simulation starts.
    pub initial: u32,
    pub instance_types: Vec<String>,
    pub spot: bool,
    pub scale_in_idle_period: u32,
    /// `None` for a fixed-size stack, which has no scaler.
    pub scaler: Option<ScalerParams>,
    pub paused: bool,
    /// Random incidents (disk fills, failed boots, spot interruptions) happen on this stack.
    pub incidents: bool,
    /// Agents of no stack on its queue (a laptop, an agent started by hand): connected, idle,
    /// and never given the stack's jobs.
    pub strangers: Vec<String>,
    pub load: Load,
}

impl StackSpec {
    /// A Linux autoscaling stack with the template's defaults and no load.
    pub fn linux(name: &str, queue: &str) -> Self {
        Self {
            name: name.into(),
            queue: queue.into(),
            version: "v6.71.1".into(),
            os: Os::Linux,
            min: 0,
            max: 10,
            initial: 0,
            instance_types: vec!["t3.large".into()],
            spot: false,
            scale_in_idle_period: 600,
            scaler: Some(ScalerParams::default()),
            paused: false,
            incidents: false,
            strangers: Vec::new(),
            load: Load::quiet(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incident {
    /// A burst of jobs arrives.
    Burst(u32),
    /// The busiest instance's Docker disk fills; the hourly check gives up on it.
    DiskFill,
    /// As `DiskFill`, and the group holds its replacement for a while: the Unhealthy
    /// instance lingers with its agent connected and idle.
    DiskFillLingers,
    /// The next instance launched fails its bootstrap.
    BootFailure,
    /// EC2 reclaims a spot instance with two minutes' notice.
    SpotInterruption,
    /// The next launch fails for lack of capacity in its Availability Zone.
    CapacityShortage,
    /// The scaler's next runs cannot set the desired count (`Scaling error: …`).
    ScalingError,
    /// The next instance boots, but its agent cannot register: InService with no agent.
    Zombie,
    /// The next instance pulls its images slowly: its bootstrap takes minutes more.
    SlowBoot,
    /// A stack update that fails (an AMI that does not exist) and rolls back.
    FailedUpdate,
}

pub fn demo_stacks() -> Vec<StackSpec> {
    let linux = StackSpec {
        initial: 4,
        instance_types: vec!["c5.2xlarge".into(), "c5a.2xlarge".into(), "m5.2xlarge".into()],
        spot: true,
        scaler: Some(ScalerParams { scale_out_cooldown_secs: 120, ..ScalerParams::default() }),
        incidents: true,
        strangers: vec!["dev-laptop-1".into()],
        load: Load { bursts_per_hour: 10.0, burst_size: (2, 8), job_secs: (60, 420), waiting_share: 0.3 },
        ..StackSpec::linux("ci-linux", "default")
    };
    let windows = StackSpec {
        name: "ci-windows".into(),
        queue: "windows".into(),
        os: Os::Windows,
        min: 2,
        max: 2,
        initial: 2,
        instance_types: vec!["m5.xlarge".into()],
        scale_in_idle_period: 1800,
        scaler: None,
        load: Load { bursts_per_hour: 5.0, burst_size: (1, 3), job_secs: (300, 1200), waiting_share: 0.0 },
        ..StackSpec::linux("ci-windows", "windows")
    };
    let arm = StackSpec {
        version: "v6.70.0".into(),
        max: 8,
        initial: 1,
        instance_types: vec!["c7g.xlarge".into()],
        paused: true,
        load: Load { bursts_per_hour: 4.0, burst_size: (1, 3), job_secs: (200, 500), waiting_share: 0.0 },
        ..StackSpec::linux("ci-arm64", "arm64")
    };
    vec![linux, windows, arm]
}

/// Seconds after the demo starts, the stack, and what happens.
pub fn demo_script() -> Vec<(i64, &'static str, Incident)> {
    vec![
        (5, "ci-linux", Incident::CapacityShortage),
        (15, "ci-linux", Incident::Burst(6)),
        // The messy queue: this full-disk instance lingers Unhealthy for minutes, its agent
        // idle beside the laptop's, so jobs wait while Buildkite counts idle agents.
        (25, "ci-linux", Incident::DiskFillLingers),
        (40, "ci-linux", Incident::DiskFill),
        // Armed before the full-disk instance is replaced (~57 s): that launch fails to boot.
        (50, "ci-linux", Incident::BootFailure),
        (70, "ci-linux", Incident::Burst(8)),
        (100, "ci-linux", Incident::SpotInterruption),
        (150, "ci-linux", Incident::Burst(40)),
        (200, "ci-linux", Incident::Zombie),
        (210, "ci-linux", Incident::Burst(4)),
        // Armed after the zombie's launch: the next instance takes minutes to boot.
        (320, "ci-linux", Incident::SlowBoot),
        (400, "ci-linux", Incident::ScalingError),
        (410, "ci-linux", Incident::Burst(12)),
        // An update of the Windows stack names an AMI that does not exist: it rolls back.
        (480, "ci-windows", Incident::FailedUpdate),
    ]
}
