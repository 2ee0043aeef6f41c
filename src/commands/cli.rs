use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// A terminal operations console for the Buildkite Elastic CI Stack for AWS.
#[derive(Debug, Parser)]
#[command(name = "bkops", version = crate::version::VERSION, about, long_about = None)]
pub struct Cli {
    /// Run against the built-in simulated stacks instead of AWS (no account needed).
    #[arg(long, global = true, help_heading = "Global options")]
    pub demo: bool,

    /// Fast-forward the simulated stacks by this factor (with --demo).
    #[arg(long, global = true, help_heading = "Global options", value_name = "N", default_value_t = 1.0, value_parser = parse_speed, requires = "demo")]
    pub demo_speed: f64,

    /// Seed of the simulated stacks: the same seed gives the same demo (with --demo).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "N",
        default_value_t = 1,
        requires = "demo"
    )]
    pub demo_seed: u64,

    /// The stack to show first (its CloudFormation stack name). `bkops status` and
    /// `bkops watch` take it more than once.
    #[arg(long, global = true, help_heading = "Global options", value_name = "NAME")]
    pub stack: Vec<String>,

    /// Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path.
    #[arg(long, global = true, help_heading = "Global options", value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// Config file (default ~/.config/bkops/config.toml).
    #[arg(long, global = true, help_heading = "Global options", value_name = "PATH", env = "BKOPS_CONFIG")]
    pub config: Option<PathBuf>,

    /// AWS profile.
    #[arg(long, global = true, help_heading = "Global options", value_name = "PROFILE", env = "AWS_PROFILE")]
    pub profile: Option<String>,

    /// AWS region.
    #[arg(long, global = true, help_heading = "Global options", value_name = "REGION", env = "AWS_REGION")]
    pub region: Option<String>,

    /// A context of `[[contexts]]` in config.toml: its AWS profile and region.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "NAME",
        conflicts_with_all = ["all_contexts", "demo"]
    )]
    pub context: Option<String>,

    /// Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`).
    #[arg(long, global = true, help_heading = "Global options", conflicts_with = "demo")]
    pub all_contexts: bool,

    /// A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too).
    #[arg(long, global = true, help_heading = "Global options", value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Times in UTC rather than the local zone: the dashboard's and `bkops logs`' (also `time = "utc"`).
    #[arg(long, global = true, help_heading = "Global options")]
    pub utc: bool,

    /// Make no change anywhere: every mutating AWS call is refused (also `read_only = true`).
    #[arg(long, global = true, help_heading = "Global options")]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

impl Cli {
    /// The one stack named, for the commands that take one (`run` refuses several for them).
    pub fn stack(&self) -> Option<&str> {
        self.stack.first().map(String::as_str)
    }
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Print one snapshot of the stacks, for scripts and chat bots.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print an instance's log lines from every log group of its stack, merged in time order.
    Logs(super::logs::LogsArgs),
    /// Pause or resume a stack's autoscaling, or show whether it is paused and by whom.
    Scaling {
        #[command(subcommand)]
        action: super::operate::ScalingAction,
    },
    /// Terminate instances of a stack's Auto Scaling group, replacing them or shrinking it.
    Terminate(super::operate::TerminateArgs),
    /// Open a shell on an instance through Session Manager.
    Ssm(super::ssm::SsmArgs),
    /// Why jobs wait on a stack's queue: every reason that holds, ranked, with its evidence.
    Why {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What happened to a stack, newest first: activities, the scaler, log signals, operators.
    Timeline(super::timeline::TimelineArgs),
    /// Time to capacity: each boot's phases, launch to first job, and the slowest step.
    Boot(super::boot::BootArgs),
    /// A stack's CloudFormation events and its nested stacks', newest first, with a rollback's cause.
    Events(super::events::EventsArgs),
    /// Update a stack without dropping builds: preview (a change set), confirm, pause, execute,
    /// follow its events, resume, and follow the new capacity.
    Update(super::update::UpdateArgs),
    /// Say each incident once when it opens and once when it ends: to stdout, webhooks and a
    /// command, every interval, without anyone looking.
    Watch(super::watch::WatchArgs),
    /// Check each stack's configuration against known pitfalls: why each matters, what to change.
    Doctor {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script (see the README for where each shell reads it).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of bkops or of a command (`bkops man scaling pause`), e.g.
    /// `bkops man > ~/.local/share/man/man1/bkops.1`; `--dir` writes every page.
    Man {
        /// The command whose page to print (none: bkops' own).
        command: Vec<String>,
        /// Write every page (bkops.1, bkops-status.1, …) to this directory, for packagers.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if v.is_finite() && v > 0.0 && v <= 10_000.0 {
        Ok(v)
    } else {
        Err("the speed must be above 0 and at most 10000".into())
    }
}

/// The choices below are types of the layers under this one, which know nothing of clap:
/// how each is spelt on the command line is said here.
macro_rules! value_enum {
    ($ty:ty { $($variant:ident => $name:literal $(: $help:literal)?),+ $(,)? }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$(<$ty>::$variant),+]
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(match self {
                    $(<$ty>::$variant => clap::builder::PossibleValue::new($name)$(.help($help))?),+
                })
            }
        }
    };
}

value_enum!(crate::ops::TerminateMode { Replace => "replace", Shrink => "shrink" });

value_enum!(crate::logs::format::Format {
    Short => "short": "Time, group and message",
    Detailed => "detailed": "RFC 3339 time, group, stream and message",
    Json => "json": "One JSON object a line: timestamp, group, stream, event ID, message",
});

value_enum!(crate::ssm::session::ClientChoice {
    Auto => "auto": "The plugin when it is installed",
    Plugin => "plugin",
    Native => "native": "The built-in client",
});
