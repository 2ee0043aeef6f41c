//! How `bkops logs` prints a line. Messages are sanitized: a log line never drives the terminal.

use serde::Serialize;

use crate::domain::LogEvent;
use crate::domain::groups::label;
use crate::domain::text::escape_json;
use crate::output::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Time, group and message.
    Short,
    /// RFC 3339 time, group, stream and message.
    Detailed,
    /// One JSON object a line: timestamp, group, stream, event ID, message.
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub timestamps: bool,
    /// Messages without what repeats the line's time, host and program (`--compact`).
    pub compact: bool,
    /// The zone times are shown in, its offset written after each (`None`: UTC, written `Z`).
    /// JSON is always UTC.
    pub zone: Option<jiff::tz::TimeZone>,
}

const PALETTE: [&str; 6] = ["36", "33", "35", "32", "34", "31"];

/// A stable colour per group.
fn colour(group: &str) -> &'static str {
    let h = group.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    PALETTE[(h as usize) % PALETTE.len()]
}

/// The event's time in `zone` (UTC if none) with its offset: `HH:MM:SS.mmm-05:00` (`Z` for
/// UTC), or RFC 3339 with the date. Worked out by hand rather than through a general
/// formatter: it runs once a line.
fn time(e: &LogEvent, detailed: bool, zone: Option<&jiff::tz::TimeZone>) -> String {
    use std::fmt::Write;
    let offset = zone.map_or(0, |z| {
        jiff::Timestamp::from_millisecond(e.timestamp.millis()).map_or(0, |t| z.to_offset(t).seconds())
    });
    let ms = e.timestamp.millis().saturating_add(i64::from(offset) * 1000);
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (h, m, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    // Digits by hand: the general formatter was a tenth of `bkops logs`' own work.
    let digits = |out: &mut String, n: i64, width: u32| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10_i64.pow(p) % 10) as u8));
        }
    };
    let mut out = String::with_capacity(24);
    if detailed {
        let (y, mo, d) = civil_from_days(days);
        if (0..10_000).contains(&y) {
            digits(&mut out, y, 4);
        } else {
            let _ = write!(out, "{y:04}");
        }
        out.push('-');
        digits(&mut out, mo, 2);
        out.push('-');
        digits(&mut out, d, 2);
        out.push('T');
    }
    digits(&mut out, h, 2);
    out.push(':');
    digits(&mut out, m, 2);
    out.push(':');
    digits(&mut out, s, 2);
    out.push('.');
    digits(&mut out, milli, 3);
    if zone.is_none_or(|z| z == &jiff::tz::TimeZone::UTC) {
        out.push('Z');
    } else {
        let a = i64::from(offset.unsigned_abs());
        out.push(if offset < 0 { '-' } else { '+' });
        digits(&mut out, a / 3600, 2);
        out.push(':');
        digits(&mut out, a / 60 % 60, 2);
    }
    out
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[derive(Serialize)]
struct JsonLine<'a> {
    timestamp: String,
    group: &'a str,
    stream: &'a str,
    event_id: &'a str,
    message: &'a str,
}

/// One event as `bkops logs` prints it. JSON is escaped here; text is cleaned by the output
/// sink when the line is written, and only the timestamp and the group carry colour.
pub fn line<'a>(e: &'a LogEvent, style: &Style) -> Line<'a> {
    if style.format == Format::Json {
        // serde_json escapes the ASCII controls; C1 controls (U+0080-U+009F, which a terminal
        // may take as CSI) and bidi controls are escaped too, as JSON \u escapes.
        let j = JsonLine {
            timestamp: time(e, true, None),
            group: &e.group,
            stream: &e.stream,
            event_id: &e.event_id,
            message: &e.message,
        };
        let raw = serde_json::to_string(&j).unwrap_or_default();
        return Line::new().text(escape_json(&raw).into_owned());
    }
    let mut out = Line::new();
    if style.timestamps {
        let t = time(e, style.format == Format::Detailed, style.zone.as_ref());
        out = out.styled(style.color.then_some("2"), t).text(" ");
    }
    let tag = match style.format {
        Format::Detailed => format!("{} {}", e.group, e.stream).into(),
        _ => std::borrow::Cow::Borrowed(label(&e.group)),
    };
    let message = if style.compact {
        crate::domain::log_line::compact(&e.group, &e.message, e.timestamp)
    } else {
        std::borrow::Cow::Borrowed(e.message.as_str())
    };
    out.styled(style.color.then(|| colour(&e.group)), tag).text(" ").text(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_what_a_general_formatter_says() {
        let mut ms: i64 = -62_000_000_000_000;
        while ms < 253_000_000_000_000 {
            let e = LogEvent { timestamp: crate::domain::Timestamp(ms), ..event("x") };
            let t = jiff::Timestamp::from_millisecond(ms).expect("in range");
            assert_eq!(time(&e, true, None), t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "{ms}");
            assert_eq!(time(&e, false, None), t.strftime("%H:%M:%S%.3fZ").to_string(), "{ms}");
            ms += 31_999_999_937;
        }
        for ms in [0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 1_795_000_000_123] {
            let e = LogEvent { timestamp: crate::domain::Timestamp(ms), ..event("x") };
            let t = jiff::Timestamp::from_millisecond(ms).expect("in range");
            assert_eq!(time(&e, true, None), t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "{ms}");
        }
    }

    #[test]
    fn times_are_in_the_zone_asked_for_and_say_its_offset() {
        let ny = jiff::tz::TimeZone::get("America/New_York").expect("tzdata");
        let kolkata = jiff::tz::TimeZone::get("Asia/Kolkata").expect("tzdata");
        // 2026-12-07T01:20:20.490Z: the evening before in New York (EST, -05:00).
        let e = LogEvent { timestamp: Timestamp(1_796_606_420_490), ..event("x") };
        assert_eq!(time(&e, false, Some(&ny)), "20:20:20.490-05:00");
        assert_eq!(time(&e, true, Some(&ny)), "2026-12-06T20:20:20.490-05:00");
        assert_eq!(time(&e, false, Some(&kolkata)), "06:50:20.490+05:30");
        assert_eq!(time(&e, false, Some(&jiff::tz::TimeZone::UTC)), "01:20:20.490Z");
        assert_eq!(time(&e, false, None), "01:20:20.490Z");
        // Summer time: -04:00 in July.
        let july = LogEvent { timestamp: Timestamp(1_783_300_000_000), ..event("x") };
        assert!(time(&july, false, Some(&ny)).ends_with("-04:00"), "{}", time(&july, false, Some(&ny)));
        let london = jiff::tz::TimeZone::get("Europe/London").expect("tzdata");
        assert_eq!(time(&e, false, Some(&london)), "01:20:20.490+00:00", "a zone at UTC's offset names it");
    }

    #[test]
    fn compact_drops_what_the_line_repeats_and_only_when_asked() {
        let raw = "Dec  7 01:20:20 ip-10-0-1-4 buildkite-agent[1875]: 2026-12-07 01:20:20 INFO   hello";
        let e = LogEvent {
            timestamp: Timestamp(1_796_606_420_490),
            group: "/buildkite/buildkite-agent".into(),
            ..event(raw)
        };
        assert_eq!(line(&e, &PLAIN).render(), format!("01:20:20.490Z buildkite-agent {raw}"));
        let compact = Style { compact: true, ..PLAIN };
        assert_eq!(line(&e, &compact).render(), "01:20:20.490Z buildkite-agent INFO   hello");
    }
    use crate::domain::Timestamp;

    fn event(message: &str) -> LogEvent {
        LogEvent {
            timestamp: Timestamp(1_795_000_000_123),
            ingestion_time: Timestamp(1_795_000_003_000),
            group: "/buildkite/elastic-stack".into(),
            stream: "i-0123456789abcdef0".into(),
            event_id: "42".into(),
            message: message.into(),
        }
    }

    const PLAIN: Style =
        Style { format: Format::Short, color: false, timestamps: true, compact: false, zone: None };

    #[test]
    fn three_formats() {
        let render = |e: &LogEvent, s: Style| line(e, &s).render();
        assert_eq!(render(&event("hello"), PLAIN), "11:06:40.123Z elastic-stack hello");
        let d = Style { format: Format::Detailed, ..PLAIN };
        assert_eq!(
            render(&event("hello"), d),
            "2026-11-18T11:06:40.123Z /buildkite/elastic-stack i-0123456789abcdef0 hello"
        );
        let j = Style { format: Format::Json, ..PLAIN };
        let v: serde_json::Value = serde_json::from_str(&render(&event("hello"), j)).expect("json");
        assert_eq!(v["timestamp"], "2026-11-18T11:06:40.123Z");
        assert_eq!(
            (v["group"].as_str(), v["event_id"].as_str(), v["message"].as_str()),
            (Some("/buildkite/elastic-stack"), Some("42"), Some("hello"))
        );
        let bare = Style { timestamps: false, ..PLAIN };
        assert_eq!(render(&event("hello"), bare), "elastic-stack hello");
    }

    #[test]
    fn hostile_lines_cannot_drive_the_terminal() {
        let render = |e: &LogEvent, s: Style| line(e, &s).render();
        let hostile = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x00nul\r\u{9b}31m";
        for format in [Format::Short, Format::Detailed] {
            let out = render(&event(hostile), Style { format, ..PLAIN });
            assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
            assert!(out.contains("\\x1b[2J") && out.contains("\\x00nul"), "{out:?}");
        }
        let j = render(&event(hostile), Style { format: Format::Json, ..PLAIN });
        assert!(!j.chars().any(|c| c.is_control()), "{j:?}");
        let v: serde_json::Value = serde_json::from_str(&j).expect("still JSON");
        assert_eq!(v["message"].as_str(), Some(hostile), "and the message survives exactly");
        // A megabyte line is printed whole, escaped where needed.
        let big = "x".repeat(1 << 20);
        assert_eq!(
            render(&event(&big), Style { timestamps: false, ..PLAIN }).len(),
            (1 << 20) + "elastic-stack ".len()
        );
    }

    #[test]
    fn colour_marks_the_group_only() {
        let render = |e: &LogEvent, s: Style| line(e, &s).render();
        let out = render(&event("m"), Style { color: true, ..PLAIN });
        assert!(out.starts_with("\x1b[2m11:06:40.123Z\x1b[0m \x1b["), "{out:?}");
        assert!(out.ends_with("elastic-stack\x1b[0m m"), "{out:?}");
    }
}
