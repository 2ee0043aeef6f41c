//! `bkops logs <instance-id>`: the instance's streams in the stack's log groups, merged in time
//! order, printed, and followed with `-f`.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use regex::Regex;

use super::error::AppError;
use crate::backend::Backends;
use crate::domain::groups;
use crate::domain::instance_id;
use crate::domain::{LogEvent, Os, Timestamp, parse_when};
use crate::logs::format::{self, Format, Style};
use crate::logs::stream::RangeStream;
use crate::logs::{Follower, Notice, TailSpec};
use crate::output;

#[derive(Debug, Clone, clap::Args)]
pub struct LogsArgs {
    /// The instance ID (i-0123456789abcdef0), or an agent name (<stack>-i-…-1).
    pub instance: String,
    /// Keep printing new lines as they arrive.
    #[arg(short, long)]
    pub follow: bool,
    /// From when: a duration back (10m, 2h30m, 1d) or an RFC 3339 time.
    #[arg(long, default_value = "1h")]
    pub since: String,
    /// Until when (same forms as --since).
    #[arg(long)]
    pub until: Option<String>,
    /// A log group (repeatable): agent, elastic-stack, docker, cloud-init, system, lifecycled, … or a full name.
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Every group the stack ships to (system, cloud-init, cfn-init, lifecycled, auth too).
    #[arg(long, conflicts_with = "groups")]
    pub all_groups: bool,
    /// A CloudWatch filter pattern, applied by CloudWatch.
    #[arg(long)]
    pub filter_pattern: Option<String>,
    /// Only lines matching this regex (case-insensitive unless it has an uppercase letter).
    #[arg(long)]
    pub grep: Option<String>,
    /// Only lines not matching this regex (case as --grep).
    #[arg(long = "grep-v")]
    pub grep_v: Option<String>,
    /// --grep and --grep-v match case exactly, whatever the pattern's case.
    #[arg(long)]
    pub case_sensitive: bool,
    #[arg(long, value_enum, default_value_t = Format::Short)]
    pub format: Format,
    /// No colours (also NO_COLOR).
    #[arg(long)]
    pub no_color: bool,
    /// No timestamps (the lines may have their own).
    #[arg(long)]
    pub no_timestamps: bool,
    /// Messages without what repeats the line's own time, the host and the program (the
    /// syslog prefix of agent and docker lines), as the dashboard shows them. Off: as written
    /// (JSON is always as written).
    #[arg(long)]
    pub compact: bool,
    /// Follow with CloudWatch Live Tail (pushed each second, billed per minute, sampled over
    /// 500 lines/s); groups it cannot open are polled. Implies --follow.
    #[arg(long)]
    pub live: bool,
    /// Seconds between polls with --follow.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub poll: u64,
}

/// The newest lines of the range a follow remembers, to show none of them twice (as many as
/// the follower's own memory of lines shown).
const FOLLOW_MEMORY: usize = 10_000;

fn usage(msg: String) -> AppError {
    AppError::Usage(msg)
}

/// A `--grep` pattern, with smart case (as ripgrep): case-insensitive unless the pattern has an
/// uppercase letter or `--case-sensitive` is given.
fn regex(flag: &str, pattern: &Option<String>, case_sensitive: bool) -> Result<Option<Regex>, AppError> {
    pattern
        .as_deref()
        .map(|p| {
            let insensitive = !case_sensitive && !p.chars().any(char::is_uppercase);
            regex::RegexBuilder::new(p)
                .case_insensitive(insensitive)
                .build()
                .map_err(|e| usage(format!("{flag}: {e}")))
        })
        .transpose()
}

/// The OS of the stack the instance belongs to, if it is still in one (Linux when it is not,
/// or cannot be told): found from the instance's group, reading nothing else of the stack.
async fn os_of(backends: &Backends, instance: &str) -> Os {
    match backends.stacks.instance_os(instance).await {
        Ok(Some(os)) => os,
        _ => Os::Linux,
    }
}

/// Writes lines; a closed pipe (`| head`) ends the command quietly.
struct Out<W: Write> {
    w: W,
    style: Style,
    grep: Option<Regex>,
    grep_v: Option<Regex>,
}

enum Stop {
    PipeClosed,
}

impl<W: Write> Out<W> {
    fn print(&mut self, events: &[LogEvent]) -> Result<usize, Stop> {
        let mut n = 0;
        for e in events {
            if self.grep.as_ref().is_some_and(|r| !r.is_match(&e.message))
                || self.grep_v.as_ref().is_some_and(|r| r.is_match(&e.message))
            {
                continue;
            }
            if crate::output::write_line(&mut self.w, &format::line(e, &self.style)).is_err() {
                return Err(Stop::PipeClosed);
            }
            n += 1;
        }
        self.w.flush().map_err(|_| Stop::PipeClosed)?;
        Ok(n)
    }
}

/// A group asked for by name that does not exist is a mistake in the command (exit 2); groups
/// that could not be read, when nothing was, are a failure (exit 1): "no log lines" would read
/// as "there are no logs".
fn check_reads(asked: &[String], groups: &[String], any: bool, notices: &[Notice]) -> Result<(), AppError> {
    let missing: Vec<&str> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::MissingGroup(g) => Some(g.as_str()),
            _ => None,
        })
        .collect();
    if !asked.is_empty() && !missing.is_empty() {
        return Err(usage(format!(
            "no log group {} in this account and region (--group takes a short name such as agent or elastic-stack, or a full name)",
            missing.join(", ")
        )));
    }
    let failed: Vec<String> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Failed { group, error } => Some(format!("{group}: {error}")),
            _ => None,
        })
        .collect();
    let readable = groups.len().saturating_sub(missing.len());
    if !any && !failed.is_empty() && failed.len() >= readable {
        return Err(AppError::Backend(crate::domain::BackendError::Other(format!(
            "the logs could not be read: {}",
            failed.join("; ")
        ))));
    }
    Ok(())
}

/// Prints notices to stderr; the Live Tail ones as one line per outcome rather than per group.
fn report(notices: &[Notice]) {
    let live: Vec<&str> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Live(g) => Some(g.as_str()),
            _ => None,
        })
        .collect();
    if !live.is_empty() {
        output::err(&format!(
            "bkops: following {} with Live Tail (CloudWatch bills it by the minute)",
            live.join(", ")
        ));
    }
    let mut polled: Vec<(&str, Vec<&str>)> = Vec::new();
    for n in notices {
        if let Notice::LivePolling { group, why } = n {
            match polled.iter_mut().find(|(w, _)| w == why) {
                Some((_, groups)) => groups.push(group),
                None => polled.push((why, vec![group])),
            }
        }
    }
    for (why, groups) in polled {
        output::err(&format!("bkops: {}: no Live Tail ({why}); polling", groups.join(", ")));
    }
    for n in notices.iter().filter(|n| !matches!(n, Notice::Live(_) | Notice::LivePolling { .. })) {
        output::err(&format!("bkops: {n}"));
    }
}

/// `zone`: the zone times are printed in (`None`: UTC, `--utc`).
pub async fn run(
    args: LogsArgs,
    backends: &Backends,
    zone: Option<jiff::tz::TimeZone>,
) -> Result<(), AppError> {
    let instance = instance_id(&args.instance).map_err(usage)?;
    let (start, end) = window(&args, backends.clock.now())?;
    let groups: Vec<String> = if args.groups.is_empty() {
        let os = os_of(backends, &instance).await;
        let list = if args.all_groups { groups::all_groups(os) } else { groups::default_groups(os) };
        list.into_iter().map(str::to_string).collect()
    } else {
        args.groups.iter().map(|g| groups::resolve(g)).collect::<Result<_, _>>().map_err(usage)?
    };
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && args.format != Format::Json
        && std::io::stdout().is_terminal();
    let style =
        Style { format: args.format, color, timestamps: !args.no_timestamps, compact: args.compact, zone };
    let mut out = Out {
        w: std::io::BufWriter::new(std::io::stdout().lock()),
        style,
        grep: regex("--grep", &args.grep, args.case_sensitive)?,
        grep_v: regex("--grep-v", &args.grep_v, args.case_sensitive)?,
    };
    let spec = TailSpec {
        instance: instance.clone(),
        groups: groups.clone(),
        start: Some(start),
        end,
        pattern: args.filter_pattern.clone(),
    };
    // Printed page by page as the range is read, in time order; a follow starts after the
    // newest lines, which are all it needs to remember.
    let follow = args.follow || args.live;
    let mut stream = RangeStream::new(&spec);
    let mut newest: VecDeque<LogEvent> = VecDeque::new();
    let (mut any, mut reported) = (false, 0);
    loop {
        let batch = stream.next_batch(backends.logs.as_ref()).await;
        report(&stream.notices()[reported..]);
        reported = stream.notices().len();
        if batch.is_empty() {
            break;
        }
        any = true;
        if out.print(&batch).is_err() {
            return Ok(());
        }
        if follow {
            newest.extend(batch);
            while newest.len() > FOLLOW_MEMORY {
                newest.pop_front();
            }
        }
    }
    let notices = stream.notices().to_vec();
    check_reads(&args.groups, &groups, any, &notices)?;
    if !any && !follow {
        output::err(&format!(
            "bkops: no log lines for {instance} since {} in {}",
            args.since,
            groups.join(", ")
        ));
    }
    if !follow {
        return Ok(());
    }
    follow_on(&args, backends, spec, newest.into(), &notices, &mut out).await
}

/// `--since` and `--until`, as moments; an end before the start is a usage error.
fn window(args: &LogsArgs, now: Timestamp) -> Result<(Timestamp, Option<Timestamp>), AppError> {
    let start = parse_when(&args.since, now).map_err(|e| usage(format!("--since: {e}")))?;
    let end = args
        .until
        .as_deref()
        .map(|u| parse_when(u, now))
        .transpose()
        .map_err(|e| usage(format!("--until: {e}")))?;
    if let Some(end) = end.filter(|e| *e < start) {
        return Err(usage(format!(
            "--until ({}) is before --since ({}): there is nothing between them",
            end.rfc3339(),
            start.rfc3339()
        )));
    }
    Ok((start, end))
}

/// `--follow` and `--live`: after the newest lines printed, what arrives, until the reader
/// goes (a closed pipe ends it quietly) or bkops is stopped.
async fn follow_on(
    args: &LogsArgs,
    backends: &Backends,
    spec: TailSpec,
    newest: Vec<LogEvent>,
    notices: &[Notice],
    out: &mut Out<impl Write>,
) -> Result<(), AppError> {
    let mut follower = Follower::after(spec, &newest, notices);
    follower.min_wait_ms = i64::try_from(args.poll.saturating_mul(1000)).unwrap_or(i64::MAX);
    follower.pace_by_quiet(&newest, backends.clock.now());
    if args.live {
        report(&follower.go_live(backends.logs.clone()).await);
    }
    let arrived = follower.arrivals();
    loop {
        // A round every --poll seconds (what it reads is paced per group), or as soon as Live
        // Tail delivers.
        tokio::select! {
            _ = arrived.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(args.poll)) => {}
        }
        let (events, notices) = follower.poll(backends.logs.as_ref(), backends.clock.now()).await;
        report(&notices);
        if out.print(&events).is_err() {
            return Ok(());
        }
    }
}
