//! What a log line says, without what the view already says beside it. The stack's agent and
//! docker lines arrive through rsyslog (`Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: `)
//! and then carry their program's own time (`2026-12-07 02:10:48 INFO …`,
//! `time="2026-12-07T02:10:48.123Z" level=info …`): at 80 columns the event's time, the
//! syslog time, the host, the program and the program's time leave no room for the message.
//! The compact form drops each of them only where it repeats what is shown: a time equal (to
//! the second) to the event's, the host (every stream is one instance), and the program when
//! its group is that program's own. The raw text is kept for saves, `bkops logs` and `r`.

use std::borrow::Cow;

use super::Timestamp;
use super::groups;

/// The line as the view shows it by default.
pub fn compact<'a>(group: &str, message: &'a str, at: Timestamp) -> Cow<'a, str> {
    let clock = Clock::of(at);
    let mut rest = message;
    let mut program = None;
    if let Some(s) = Syslog::parse(message) {
        // The syslog time is the instance's clock; dropped only when it is the event's own.
        if !clock.is_time(s.time) {
            return Cow::Borrowed(message);
        }
        rest = s.rest;
        let own = matches!(
            (group, s.program),
            (groups::BUILDKITE_AGENT, "buildkite-agent") | (groups::DOCKER_DAEMON, "dockerd")
        );
        if !own {
            program = Some(s.tag);
        }
    }
    let rest = drop_own_time(rest, &clock);
    match program {
        Some(tag) => Cow::Owned(format!("{tag} {rest}")),
        None if rest.len() == message.len() => Cow::Borrowed(message),
        None => Cow::Borrowed(rest),
    }
}

/// The event's time in UTC, to the second: worked out with arithmetic, not a formatter (the
/// search runs this over every line kept).
struct Clock {
    /// Days since 1970-01-01.
    days: i64,
    /// Seconds since midnight.
    secs: i64,
}

impl Clock {
    fn of(at: Timestamp) -> Self {
        let s = at.secs();
        Self { days: s.div_euclid(86_400), secs: s.rem_euclid(86_400) }
    }

    /// `HH:MM:SS` is this second of the day.
    fn is_time(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let n = |i: usize| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0');
        is_clock(text) && n(0) * 3600 + n(3) * 60 + n(6) == self.secs
    }

    /// `YYYY-MM-DD` is this day.
    fn is_date(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return false;
        }
        match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => days_from_civil(y, m, d) == Some(self.days),
            _ => false,
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// An rsyslog line's prefix: `Mmm dd HH:MM:SS host program[pid]: ` (the day padded with a
/// space, or with a zero by some writers).
struct Syslog<'a> {
    time: &'a str,
    /// `buildkite-agent[1875]:`
    tag: &'a str,
    /// `buildkite-agent`
    program: &'a str,
    rest: &'a str,
}

impl<'a> Syslog<'a> {
    fn parse(line: &'a str) -> Option<Self> {
        let b = line.as_bytes();
        let month = line.get(..3)?;
        if !month.bytes().all(|c| c.is_ascii_alphabetic()) || b.get(3) != Some(&b' ') {
            return None;
        }
        let day_ok = matches!((b.get(4), b.get(5)), (Some(d1), Some(d2)) if (*d1 == b' ' || d1.is_ascii_digit()) && d2.is_ascii_digit());
        if !day_ok || b.get(6) != Some(&b' ') {
            return None;
        }
        let time = line.get(7..15)?;
        if !is_clock(time) || b.get(15) != Some(&b' ') {
            return None;
        }
        let after = line.get(16..)?;
        let (host, after) = after.split_once(' ')?;
        let (tag, rest) = after.split_once(' ').unwrap_or((after, ""));
        if host.is_empty() || !tag.ends_with(':') {
            return None;
        }
        let program = tag.trim_end_matches(':');
        let program = program.split_once('[').map_or(program, |(p, _)| p);
        Some(Self { time, tag, program, rest })
    }
}

/// `HH:MM:SS`
fn is_clock(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && b.iter().enumerate().all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
}

/// The program's own time at the start of `rest`, dropped when it is the event's (to the
/// second): the agent's `2026-12-07 02:10:48 `, logrus' `time="2026-12-07T02:10:48.1Z" `, and
/// cloud-init's `2026-12-07 02:10:48,123 - `.
fn drop_own_time<'a>(rest: &'a str, clock: &Clock) -> &'a str {
    let same = |date: &str, time: &str| clock.is_date(date) && clock.is_time(time);
    if let Some(quoted) = rest.strip_prefix("time=\"") {
        let (date, time) = (quoted.get(..10), quoted.get(11..19));
        if let (Some(date), Some(time)) = (date, time)
            && same(date, time)
            && let Some((_, after)) = quoted.split_once("\" ")
        {
            return after;
        }
        return rest;
    }
    let (Some(date), Some(sep), Some(time)) = (rest.get(..10), rest.get(10..11), rest.get(11..19)) else {
        return rest;
    };
    if !(sep == " " || sep == "T") || !same(date, time) {
        return rest;
    }
    let after = &rest[19..];
    // Fractions of a second, then cloud-init's ` - ` or the agent's space.
    let after = after
        .strip_prefix(',')
        .or_else(|| after.strip_prefix('.'))
        .map_or(after, |f| f.trim_start_matches(|c: char| c.is_ascii_digit()));
    let after = after.trim_start_matches('Z');
    after.strip_prefix(" - ").or_else(|| after.strip_prefix(' ')).unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07T02:10:48Z
    const AT: Timestamp = Timestamp(1_796_609_448_373);

    #[test]
    fn an_agent_line_says_its_level_and_message_and_nothing_the_view_says() {
        let raw = "Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-07 02:10:48 INFO   Registering agent with Buildkite...";
        assert_eq!(compact(groups::BUILDKITE_AGENT, raw, AT), "INFO   Registering agent with Buildkite...");
        let zero_padded = raw.replace("Dec  7", "Dec 07");
        assert_eq!(
            compact(groups::BUILDKITE_AGENT, &zero_padded, AT),
            "INFO   Registering agent with Buildkite..."
        );
    }

    #[test]
    fn a_time_that_differs_from_the_events_is_kept() {
        // The instance's clock in another zone: the syslog time is information.
        let other_zone =
            "Dec  6 21:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-06 21:10:48 INFO   hello";
        assert_eq!(compact(groups::BUILDKITE_AGENT, other_zone, AT), other_zone);
        // The syslog time matches, the agent's own a second later: only the prefix goes.
        let late = "Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-07 02:10:49 INFO   hello";
        assert_eq!(compact(groups::BUILDKITE_AGENT, late, AT), "2026-12-07 02:10:49 INFO   hello");
        let other_day = "Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-08 02:10:48 INFO   hello";
        assert_eq!(compact(groups::BUILDKITE_AGENT, other_day, AT), "2026-12-08 02:10:48 INFO   hello");
    }

    #[test]
    fn a_docker_line_loses_its_prefix_and_its_time() {
        let raw = "Dec  7 02:10:48 ip-10-0-1-4 dockerd[812]: time=\"2026-12-07T02:10:48.123456789Z\" level=info msg=\"Loading containers: done.\"";
        assert_eq!(compact(groups::DOCKER_DAEMON, raw, AT), "level=info msg=\"Loading containers: done.\"");
        let lifecycled =
            "time=\"2026-12-07T02:10:48Z\" level=info msg=\"Received termination notice\" instanceId=i-1";
        assert_eq!(
            compact(groups::LIFECYCLED, lifecycled, AT),
            "level=info msg=\"Received termination notice\" instanceId=i-1"
        );
    }

    #[test]
    fn in_a_shared_group_the_program_stays_and_only_repeats_go() {
        // /buildkite/system holds every program's lines: which one wrote it is the point.
        let raw = "Dec  7 02:10:48 ip-10-0-1-4 terminate-instance[10437]: aws: [ERROR] An error occurred";
        assert_eq!(
            compact(groups::SYSTEM, raw, AT),
            "terminate-instance[10437]: aws: [ERROR] An error occurred"
        );
        // An agent line in a group that is not the agent's keeps its program too.
        let agent = "Dec  7 02:10:48 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-07 02:10:48 INFO   hi";
        assert_eq!(compact(groups::SYSTEM, agent, AT), "buildkite-agent[1875]: INFO   hi");
    }

    #[test]
    fn dates_are_the_days_a_calendar_says() {
        let mut secs: i64 = -30_000_000_000;
        while secs < 250_000_000_000 {
            let t = jiff::Timestamp::from_second(secs).expect("in range");
            let date = t.strftime("%Y-%m-%d").to_string();
            let clock = Clock::of(Timestamp::from_secs(secs));
            assert!(clock.is_date(&date), "{date}");
            assert!(clock.is_time(&t.strftime("%H:%M:%S").to_string()), "{t}");
            secs += 7_777_777;
        }
        let clock = Clock::of(AT);
        for not in
            ["2026-12-08", "2026-11-07", "2025-12-07", "2026-13-07", "2026-12-32", "2026/12/07", "2026-1a-07"]
        {
            assert!(!clock.is_date(not), "{not}");
        }
        assert!(!clock.is_time("02:10:49") && !clock.is_time("2:10:48") && !clock.is_time("02-10-48"));
    }

    #[test]
    fn cloud_init_and_plain_lines() {
        let ci = "2026-12-07 02:10:48,373 - util.py[DEBUG]: Cloud-init v. 24.1 running";
        assert_eq!(compact(groups::CLOUD_INIT, ci, AT), "util.py[DEBUG]: Cloud-init v. 24.1 running");
        for plain in [
            "bk-install-elastic-stack.sh errored with exit code 254 on line 219.",
            "",
            "Dec",
            "Dec  7 02:10:48",
            "Dec  7 02:10:48 host-without-a-program",
            "Dèc  7 02:10:48 ip x: y",
            "2026-12-07 02:10:48",
            "2026-12-07 02:10:48X",
            "time=\"2026-12-07T02:10:48Z",
            "time=\"2026",
        ] {
            assert_eq!(compact(groups::ELASTIC_STACK, plain, AT), plain, "{plain:?}");
        }
    }
}
