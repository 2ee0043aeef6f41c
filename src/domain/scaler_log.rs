//! What the buildkite-agent-scaler wrote to its log group, read back: its runs (what it saw,
//! what it calculated, and what it did). Lines are matched on their stable prefixes, after the
//! Go logger's `YYYY/MM/DD HH:MM:SS ` prefix; a line this does not know (a newer scaler) is
//! counted and skipped, never an error.

use serde::Serialize;

use super::Timestamp;

/// How far back the scaler's log is read: enough for a few invocations, and for a cooldown.
pub const READ_SECS: i64 = 10 * 60;

/// Which way the scaler wanted to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Out,
    In,
}

/// How one run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// `Scaling OUT 📈 to N instances (currently M)` (or IN).
    Scaled { direction: Direction, from: u32, to: u32 },
    /// `⏲ Want to scale OUT but in cooldown for N seconds`: N is what was left when the line
    /// was written (`None` when the line gives no number), so it ends at `logged_at` + N.
    Cooldown {
        direction: Direction,
        #[serde(skip_serializing_if = "Option::is_none")]
        secs: Option<u32>,
        #[serde(skip)]
        logged_at: Timestamp,
    },
    /// `Scaling error: …`: the invocation still succeeds, so this line is the only signal.
    Error { text: String },
    /// `Action: No change needed`, or the older `No scaling required`.
    NoChange,
    /// The run ended without a decision line: scale-in wanted but disabled (the stack's
    /// default), which the scaler does silently.
    Silent,
}

/// What one run saw and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScalerRun {
    #[serde(serialize_with = "super::time::rfc3339")]
    pub at: Timestamp,
    /// `↳ Jobs: scheduled=…, running=…, waiting=…`.
    pub jobs: Option<[u32; 3]>,
    /// `↳ Agents: idle=…, busy=…, total=…`.
    pub agents: Option<[u32; 3]>,
    /// `↳ Got pending=…, desired=…, actual=…, min=…, max=…`.
    pub group: Option<[u32; 5]>,
    /// `Scaling decision: calculated desired N instances`.
    pub calculated: Option<u32>,
    /// `Desired count exceed MaxSize, capping at N` or `… less than MinSize …`.
    pub capped: Option<Cap>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "at", content = "size", rename_all = "snake_case")]
pub enum Cap {
    MaxSize(u32),
    MinSize(u32),
}

/// Every run found in some events of the scaler's group, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ScalerLog {
    pub runs: Vec<ScalerRun>,
    /// The newest `START RequestId:` line: the last time the scaler ran at all.
    pub last_invocation: Option<Timestamp>,
    /// Every `START RequestId:` line, oldest first: when the scaler ran, decision or not.
    #[serde(skip)]
    pub invocations: Vec<Timestamp>,
    /// `Disabling scale-in` was seen: the stack leaves scale-in to idle instances.
    pub scale_in_disabled: bool,
    /// Lines none of the patterns knew (a newer scaler's, or noise).
    pub unknown_lines: usize,
}

impl ScalerLog {
    pub fn last_run(&self) -> Option<&ScalerRun> {
        self.runs.last()
    }
}

/// The Go logger's `2026/11/30 07:31:40 ` prefix, if the line has it.
fn strip_prefix(line: &str) -> &str {
    let b = line.as_bytes();
    let shaped = b.len() >= 20
        && b[4] == b'/'
        && b[7] == b'/'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b' '
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].iter().all(|&i| b[i].is_ascii_digit());
    if shaped { &line[20..] } else { line }
}

/// The numbers after each `key=` in `text`, in the order of `keys`.
fn fields<const N: usize>(text: &str, keys: [&str; N]) -> Option<[u32; N]> {
    let mut out = [0; N];
    for (slot, key) in out.iter_mut().zip(keys) {
        let at = text.find(&format!("{key}="))? + key.len() + 1;
        *slot = number_at(&text[at..])?;
    }
    Some(out)
}

/// The unsigned number that `text` starts with.
fn number_at(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The number after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> Option<u32> {
    let at = text.find(marker)? + marker.len();
    number_at(text[at..].trim_start())
}

fn direction(text: &str) -> Direction {
    if text.contains(" OUT") || text.contains("scale out") { Direction::Out } else { Direction::In }
}

/// A run being read: its lines come one by one until the next run starts.
#[derive(Default)]
struct Open {
    at: Option<Timestamp>,
    jobs: Option<[u32; 3]>,
    agents: Option<[u32; 3]>,
    group: Option<[u32; 5]>,
    calculated: Option<u32>,
    capped: Option<Cap>,
    outcome: Option<Outcome>,
    /// Anything of a run was seen (a calculation, a decision).
    seen: bool,
}

impl Open {
    fn close(self, into: &mut Vec<ScalerRun>) {
        let (Some(at), true) = (self.at, self.seen) else { return };
        into.push(ScalerRun {
            at,
            jobs: self.jobs,
            agents: self.agents,
            group: self.group,
            calculated: self.calculated,
            capped: self.capped,
            outcome: self.outcome.unwrap_or(Outcome::Silent),
        });
    }
}

/// Reads `(time, message)` events of the scaler's group, oldest first.
pub fn parse<'a>(events: impl IntoIterator<Item = (Timestamp, &'a str)>) -> ScalerLog {
    let mut log = ScalerLog::default();
    let mut open = Open::default();
    for (at, message) in events {
        for (n, raw) in message.lines().enumerate() {
            // An error's own continuation lines (`\tstatus code: 400, …`) belong to its line.
            if n > 0 && raw.starts_with(char::is_whitespace) {
                continue;
            }
            let line = strip_prefix(raw.trim_end()).trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with("START RequestId:") {
                log.last_invocation = Some(at);
                log.invocations.push(at);
                std::mem::take(&mut open).close(&mut log.runs);
            } else if line.starts_with("END RequestId:")
                || line.starts_with("REPORT RequestId:")
                || line.starts_with("Waiting for LAMBDA_INTERVAL")
                || line.starts_with("Exiting due to LAMBDA_TIMEOUT")
            {
                std::mem::take(&mut open).close(&mut log.runs);
            } else if line.starts_with("Collecting Buildkite metrics") {
                std::mem::take(&mut open).close(&mut log.runs);
                open.at = Some(at);
            } else if let Some(rest) = line.strip_prefix("↳ Jobs:") {
                open.jobs = fields(rest, ["scheduled", "running", "waiting"]);
                open.at.get_or_insert(at);
            } else if let Some(rest) = line.strip_prefix("↳ Agents:") {
                open.agents = fields(rest, ["idle", "busy", "total"]);
                open.at.get_or_insert(at);
            } else if let Some(rest) = line.strip_prefix("↳ Got ") {
                open.group = fields(rest, ["pending", "desired", "actual", "min", "max"]);
                open.at.get_or_insert(at);
            } else if line.starts_with("Scaling decision:") {
                open.seen = true;
                open.calculated = number_after(line, "calculated desired");
                if line.contains("No change needed") && open.outcome.is_none() {
                    open.outcome = Some(Outcome::NoChange);
                }
            } else if line.starts_with("No scaling required") {
                open.seen = true;
                open.outcome.get_or_insert(Outcome::NoChange);
            } else if line.contains("Desired count exceed MaxSize") {
                open.seen = true;
                open.capped = number_after(line, "capping at").map(Cap::MaxSize);
            } else if line.contains("Desired count is less than MinSize") {
                open.seen = true;
                open.capped = number_after(line, "capping at").map(Cap::MinSize);
            } else if line.contains("but in cooldown") {
                open.seen = true;
                let secs = number_after(line, "cooldown for");
                open.outcome = Some(Outcome::Cooldown { direction: direction(line), secs, logged_at: at });
            } else if line.starts_with("Scaling OUT") || line.starts_with("Scaling IN") {
                open.seen = true;
                let to = number_after(line, " to ");
                let from = number_after(line, "(currently");
                if let (Some(to), Some(from)) = (to, from) {
                    open.outcome = Some(Outcome::Scaled { direction: direction(line), from, to });
                }
            } else if let Some(text) = line.strip_prefix("Scaling error:") {
                open.seen = true;
                open.outcome = Some(Outcome::Error { text: text.trim().to_string() });
            } else if line.starts_with("Disabling scale-in") {
                log.scale_in_disabled = true;
            } else if line.starts_with("Scaling calculation")
                || line.starts_with("↳")
                || line.starts_with("Publishing metric")
                || line.starts_with("Collecting AutoScaling")
                || line.starts_with("buildkite-agent-scaler version")
                || line.starts_with("Waiting ")
                || line.starts_with("Disabling scale-out")
                || line.starts_with("Successfully retrieved last scaling")
                || line.starts_with("👮")
                || line.starts_with("INFO:")
            {
                // Known; of these the verdict needs the calculation's start and its count
                // (a run that wants fewer instances with scale-in off ends without a decision).
                if line.starts_with("Scaling calculation") {
                    open.seen = true;
                }
                // It comes before the decision line, whose own count then replaces it.
                if line.contains("Instances required") {
                    open.calculated = number_after(line, "Instances required");
                }
            } else {
                log.unknown_lines += 1;
            }
        }
    }
    open.close(&mut log.runs);
    log
}

/// What was read of the scaler's log group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "read", rename_all = "snake_case")]
pub enum ScalerRead {
    Read(ScalerLog),
    /// The group does not exist or holds nothing of the last minutes (retention is one day
    /// by default).
    Missing {
        group: String,
    },
    /// It could not be read (permission, throttling): the text says why.
    Unreadable {
        text: String,
    },
    /// The stack has no scaler to read (fixed size), or its function is not known.
    None,
}

/// The scaler's error texts and the group's name are shown: cleaned where they enter.
impl super::text::Sanitize for ScalerRead {
    fn sanitize(&mut self) {
        match self {
            ScalerRead::Read(log) => {
                for run in &mut log.runs {
                    if let Outcome::Error { text } = &mut run.outcome {
                        text.sanitize();
                    }
                }
            }
            ScalerRead::Missing { group: s } | ScalerRead::Unreadable { text: s } => s.sanitize(),
            ScalerRead::None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> ScalerLog {
        parse(lines.iter().enumerate().map(|(i, l)| (Timestamp(1_000 * i as i64), *l)))
    }

    #[test]
    fn the_log_is_read_back_far_enough_for_a_whole_default_cooldown() {
        // A cooldown line says what was left when it was written: the run that logged it, at
        // most a default scale-out cooldown ago, and the run before it must be in the window.
        let cooldown = crate::domain::scaler::ScalerParams::default().scale_out_cooldown_secs;
        assert!(READ_SECS >= cooldown + 60, "{READ_SECS} s read, a cooldown of {cooldown} s");
    }

    #[test]
    fn every_known_line_is_known() {
        let log = run(&[
            "START RequestId: 6f1c Version: $LATEST",
            "2026/11/30 07:31:40 buildkite-agent-scaler version 1.12.0 build 23",
            "2026/11/30 07:31:40 Disabling scale-out 🙅🏼‍♂️",
            "2026/11/30 07:31:40 Successfully retrieved last scaling activity events. Last scale out never, last scale in never",
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 Publishing metric ScheduledJobsCount=6 [org=acme,queue=default]",
            "2026/11/30 07:31:40 Collecting AutoScaling details for ASG \"ci-AgentAutoScaleGroup-1\"",
            "2026/11/30 07:31:40 Scaling calculation based on metrics collected at 2026-11-30T07:31:40Z",
            "2026/11/30 07:31:40 👮‍️ Increasing scale-out of 2 by factor of 1.00",
            "2026/11/30 07:31:40 INFO: ASG may be converging.",
            "2026/11/30 07:31:40 Waiting 4s before polling to stagger scheduled scaler invocations",
            "END RequestId: 6f1c",
            "REPORT RequestId: 6f1c Duration: 112.10 ms",
            "Exiting due to LAMBDA_TIMEOUT (50s)",
        ]);
        assert_eq!(log.unknown_lines, 0);
    }

    #[test]
    fn each_end_of_an_invocation_closes_its_run() {
        for end in [
            "END RequestId: 6f1c",
            "REPORT RequestId: 6f1c Duration: 112.10 ms",
            "2026/11/30 07:31:40 Waiting for LAMBDA_INTERVAL (10s) or timeout",
            "2026/11/30 07:31:40 Exiting due to LAMBDA_TIMEOUT (50s)",
        ] {
            let log = run(&[
                "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
                "2026/11/30 07:31:40 Scaling decision: calculated desired 2 instances. Action: No change needed",
                end,
                "2026/11/30 07:31:50 ↳ Jobs: scheduled=9, running=0, waiting=0",
                "2026/11/30 07:31:50 Scaling decision: calculated desired 5 instances. Action: No change needed",
            ]);
            let runs: Vec<(Timestamp, Option<u32>)> = log.runs.iter().map(|r| (r.at, r.calculated)).collect();
            assert_eq!(runs, [(Timestamp(0), Some(2)), (Timestamp(3_000), Some(5))], "{end}");
            assert_eq!(log.unknown_lines, 0, "{end}");
        }
    }

    #[test]
    fn a_messages_continuation_lines_belong_to_it_and_its_other_lines_are_read() {
        let log = parse([
            (Timestamp(0), "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\""),
            (
                Timestamp(1_000),
                "2026/11/30 07:31:41 Scaling error: AccessDenied: not authorized\n\tstatus code: 403, request id: 9a1b",
            ),
        ]);
        assert_eq!(log.unknown_lines, 0, "the indented line is the error's");
        let r = log.last_run().expect("a run");
        assert_eq!(r.outcome, Outcome::Error { text: "AccessDenied: not authorized".into() });
        // Two lines in one event, the second not indented: both are read.
        let log = parse([(
            Timestamp(0),
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"\n2026/11/30 07:31:40 Scaling decision: calculated desired 3 instances. Action: No change needed",
        )]);
        assert_eq!(log.last_run().map(|r| r.calculated), Some(Some(3)));
        // An event's own first line is read even when it is indented.
        let log = parse([(Timestamp(0), "  START RequestId: 6f1c Version: $LATEST")]);
        assert_eq!(log.last_invocation, Some(Timestamp(0)));
    }

    #[test]
    fn a_decision_to_scale_with_nothing_after_it_is_silent_not_no_change() {
        // The scaler returns without a line when the way it wants to go is disabled.
        let log = run(&[
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 Scaling decision: calculated desired 8 instances. ASG current desired: 2, ASG actual running: 2 (approx 2 agents), Buildkite scheduled: 8, running: 0, waiting: 0 Action: Scale out from 2 to 8",
        ]);
        assert_eq!(log.last_run().map(|r| r.outcome.clone()), Some(Outcome::Silent));
        // A cooldown said before the decision is kept, not replaced by its "No change".
        let log = run(&[
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 100 seconds",
            "2026/11/30 07:31:40 Scaling decision: calculated desired 2 instances. Action: No change needed",
        ]);
        assert!(matches!(log.last_run().map(|r| &r.outcome), Some(Outcome::Cooldown { .. })));
    }

    #[test]
    fn a_scale_out_with_what_the_scaler_saw() {
        let log = run(&[
            "START RequestId: 6f1c Version: $LATEST",
            "2026/11/30 07:31:40 buildkite-agent-scaler version 1.12.0 build 23",
            "2026/11/30 07:31:40 Disabling scale-in 🙅🏼‍",
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 ↳ Agents: idle=0, busy=4, total=4",
            "2026/11/30 07:31:40 ↳ Jobs: scheduled=6, running=4, waiting=0 (took 112ms)",
            "2026/11/30 07:31:40 Collecting AutoScaling details for ASG \"ci-AgentAutoScaleGroup-1\"",
            "2026/11/30 07:31:40 ↳ Got pending=0, desired=4, actual=4, min=0, max=10 (took 48ms)",
            "2026/11/30 07:31:40 Scaling calculation based on metrics collected at 2026-11-30T07:31:40Z",
            "2026/11/30 07:31:40 ↳ 🧮 Agents required 10, Instances required 10",
            "2026/11/30 07:31:40 Scaling decision: calculated desired 10 instances. ASG current desired: 4, ASG actual running: 4 (approx 4 agents), Buildkite scheduled: 6, running: 4, waiting: 0 Action: Scale out from 4 to 10",
            "2026/11/30 07:31:40 Scaling OUT 📈 to 10 instances (currently 4)",
            "2026/11/30 07:31:40 ↳ Set desired to 10 (took 90ms)",
            "2026/11/30 07:31:40 Waiting for LAMBDA_INTERVAL (10s) or timeout",
        ]);
        assert_eq!(log.unknown_lines, 0);
        assert!(log.scale_in_disabled);
        assert_eq!(log.last_invocation, Some(Timestamp(0)));
        let r = log.last_run().expect("a run");
        assert_eq!(r.jobs, Some([6, 4, 0]));
        assert_eq!(r.agents, Some([0, 4, 4]));
        assert_eq!(r.group, Some([0, 4, 4, 0, 10]));
        assert_eq!(r.calculated, Some(10));
        assert_eq!(r.outcome, Outcome::Scaled { direction: Direction::Out, from: 4, to: 10 });
        assert_eq!(r.at, Timestamp(3_000), "the run starts at its first metrics line");
    }

    #[test]
    fn a_cooldown_without_seconds_is_unknown_not_zero() {
        let log = run(&[
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:41 ⏲ Want to scale OUT but in cooldown",
        ]);
        assert_eq!(
            log.last_run().map(|r| &r.outcome),
            Some(&Outcome::Cooldown { direction: Direction::Out, secs: None, logged_at: Timestamp(1_000) })
        );
    }

    #[test]
    fn a_min_size_cap_is_read_as_one_and_a_max_size_cap_as_the_other() {
        let log = run(&[
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 ⚠️  Desired count is less than MinSize, capping at 2",
            "2026/11/30 07:31:50 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:50 ⚠️  Desired count exceed MaxSize, capping at 10",
        ]);
        let caps: Vec<Option<Cap>> = log.runs.iter().map(|r| r.capped).collect();
        assert_eq!(caps, [Some(Cap::MinSize(2)), Some(Cap::MaxSize(10))]);
    }

    #[test]
    fn cooldown_caps_errors_and_no_change() {
        let log = run(&[
            "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:40 ⚠️  Desired count exceed MaxSize, capping at 10",
            "2026/11/30 07:31:40 ⏲ Want to scale OUT but in cooldown for 212 seconds",
            "2026/11/30 07:31:50 Waiting for LAMBDA_INTERVAL (10s) or timeout",
            "2026/11/30 07:31:50 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:31:50 Scaling error: ValidationError: New SetDesiredCapacity value 16 is above max value 10\n\tstatus code: 400, request id: 6f1c",
            "2026/11/30 07:32:00 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:32:00 Scaling decision: calculated desired 3 instances. ASG current desired: 3, ASG actual running: 3 (approx 3 agents), Buildkite scheduled: 0, running: 3, waiting: 0 Action: No change needed",
            "2026/11/30 07:32:10 Collecting Buildkite metrics for queue \"default\"",
            "No scaling required, currently 3 actual instances (desired set to 3)",
            "2026/11/30 07:32:20 Collecting Buildkite metrics for queue \"default\"",
            "2026/11/30 07:32:20 Scaling calculation based on metrics collected at 2026-11-30T07:32:20Z",
            "2026/11/30 07:32:20 ↳ 🧮 Agents required 1, Instances required 1",
        ]);
        let outcomes: Vec<&Outcome> = log.runs.iter().map(|r| &r.outcome).collect();
        assert_eq!(
            outcomes,
            [
                &Outcome::Cooldown {
                    direction: Direction::Out,
                    secs: Some(212),
                    logged_at: Timestamp(2_000)
                },
                &Outcome::Error {
                    text: "ValidationError: New SetDesiredCapacity value 16 is above max value 10".into()
                },
                &Outcome::NoChange,
                &Outcome::NoChange,
                &Outcome::Silent,
            ]
        );
        assert_eq!(log.runs[0].capped, Some(Cap::MaxSize(10)));
        assert_eq!(log.runs[2].calculated, Some(3));
        assert_eq!(log.last_invocation, None, "no START line in these events");
    }

    #[test]
    fn unknown_lines_are_counted_and_hostile_ones_never_panic() {
        let log = run(&["a newer scaler says something", "↳ Jobs: scheduled=x", "Scaling OUT to", "é"]);
        assert_eq!(log.unknown_lines, 2);
        assert!(log.runs.iter().all(|r| !matches!(r.outcome, Outcome::Scaled { .. })));
        // Every prefix of every line, byte by byte where it is a char boundary: no panic.
        let sample = "2026/11/30 07:31:40 ⏲ Want to scale IN but in cooldown for 99 seconds ↳ Got pending=1";
        for end in (0..=sample.len()).filter(|e| sample.is_char_boundary(*e)) {
            let _ = run(&[&sample[..end], &sample[end..]]);
        }
        let mut seed = 7u64;
        for _ in 0..2000 {
            let line: String = (0..(seed % 60))
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ['2', '/', ' ', ':', '=', '↳', 'S', 'c', 'a', 'l', 'i', 'n', 'g', ',', '9', '⏲']
                        [((seed >> 33) as usize + i as usize) % 16]
                })
                .collect();
            let _ = run(&[&line]);
        }
    }
}
