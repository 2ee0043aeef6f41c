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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub timestamps: bool,
}

const PALETTE: [&str; 6] = ["36", "33", "35", "32", "34", "31"];

/// A stable colour per group.
fn colour(group: &str) -> &'static str {
    let h = group.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    PALETTE[(h as usize) % PALETTE.len()]
}

fn time(e: &LogEvent, detailed: bool) -> String {
    match jiff::Timestamp::from_millisecond(e.timestamp.millis()) {
        Ok(t) if detailed => t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Ok(t) => t.strftime("%H:%M:%S%.3f").to_string(),
        Err(_) => e.timestamp.millis().to_string(),
    }
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
pub fn line(e: &LogEvent, style: Style) -> Line {
    if style.format == Format::Json {
        // serde_json escapes the ASCII controls; C1 controls (U+0080-U+009F, which a terminal
        // may take as CSI) and bidi controls are escaped too, as JSON \u escapes.
        let j = JsonLine {
            timestamp: time(e, true),
            group: &e.group,
            stream: &e.stream,
            event_id: &e.event_id,
            message: &e.message,
        };
        let raw = serde_json::to_string(&j).unwrap_or_default();
        return Line::new().text(escape_json(&raw));
    }
    let mut out = Line::new();
    if style.timestamps {
        let t = time(e, style.format == Format::Detailed);
        out = out.styled(style.color.then_some("2"), t).text(" ");
    }
    let tag = match style.format {
        Format::Detailed => format!("{} {}", e.group, e.stream),
        _ => label(&e.group).to_string(),
    };
    out.styled(style.color.then(|| colour(&e.group)), tag).text(" ").text(e.message.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
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

    const PLAIN: Style = Style { format: Format::Short, color: false, timestamps: true };

    #[test]
    fn three_formats() {
        let render = |e: &LogEvent, s: Style| line(e, s).render();
        assert_eq!(render(&event("hello"), PLAIN), "11:06:40.123 elastic-stack hello");
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
        let render = |e: &LogEvent, s: Style| line(e, s).render();
        let hostile = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x00nul\r\u{9b}31m";
        for format in [Format::Short, Format::Detailed] {
            let out = render(&event(hostile), Style { format, color: false, timestamps: true });
            assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
            assert!(out.contains("\\x1b[2J") && out.contains("\\x00nul"), "{out:?}");
        }
        let j = render(&event(hostile), Style { format: Format::Json, color: false, timestamps: true });
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
        let render = |e: &LogEvent, s: Style| line(e, s).render();
        let out = render(&event("m"), Style { color: true, ..PLAIN });
        assert!(out.starts_with("\x1b[2m11:06:40.123\x1b[0m \x1b["), "{out:?}");
        assert!(out.ends_with("elastic-stack\x1b[0m m"), "{out:?}");
    }
}
