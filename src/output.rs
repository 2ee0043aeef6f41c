//! The one sink for what bkops writes to stdout and stderr. Everything printed goes through
//! here and is cleaned on the way out (`domain::text`): control characters, escape sequences
//! and bidi controls in a value become visible escapes, and JSON gets `\u` escapes for them.
//! The only escape sequences that reach the terminal are bkops' own colours, which are
//! `&'static str` constants in a [`Line`], never built from data.
//!
//! A closed pipe (`bkops status | head -1`) is not an error worth a panic: writes return it,
//! and commands end quietly.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::domain::text::{escape_json, sanitize, sanitize_lines};

/// One line of output: text (cleaned when written) with bkops' own SGR styles. It borrows
/// what it can: `bkops logs` makes one a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line<'a> {
    parts: Vec<(Option<&'static str>, Cow<'a, str>)>,
}

impl<'a> Line<'a> {
    pub fn new() -> Self {
        Self { parts: Vec::with_capacity(5) }
    }

    /// Untrusted or plain text.
    pub fn text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.parts.push((None, text.into()));
        self
    }

    /// Text in an SGR style (`"2"` dim, `"36"` cyan), or plain when `style` is `None`.
    pub fn styled(mut self, style: Option<&'static str>, text: impl Into<Cow<'a, str>>) -> Self {
        self.parts.push((style, text.into()));
        self
    }

    /// What the terminal receives.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_to(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes what the terminal receives to `w`, piece by piece.
    fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        for (style, text) in &self.parts {
            let text = sanitize(text);
            match style {
                Some(sgr) => {
                    w.write_all(b"\x1b[")?;
                    w.write_all(sgr.as_bytes())?;
                    w.write_all(b"m")?;
                    w.write_all(text.as_bytes())?;
                    w.write_all(b"\x1b[0m")?;
                }
                None => w.write_all(text.as_bytes())?,
            }
        }
        Ok(())
    }
}

/// Writes a line to `w`.
pub fn write_line(w: &mut impl Write, line: &Line<'_>) -> io::Result<()> {
    line.write_to(w)?;
    w.write_all(b"\n")
}

/// Writes bkops' own text (which may span lines) holding untrusted values to `w`.
pub fn write_text(w: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(w, "{}", sanitize_lines(text))
}

/// Writes JSON text to `w`, with dangerous characters as `\u` escapes.
pub fn write_json(w: &mut impl Write, json: &str) -> io::Result<()> {
    writeln!(w, "{}", escape_json(json))
}

/// bkops' own generated text on stdout, as it is (a completion script, the manual page): it
/// holds nothing read from outside, and its tabs and escapes are the format's own.
pub fn out_generated(bytes: &[u8]) -> io::Result<()> {
    let mut w = io::stdout().lock();
    w.write_all(bytes)?;
    w.flush()
}

/// Text on stdout.
pub fn out(text: &str) -> io::Result<()> {
    let mut w = io::stdout().lock();
    write_text(&mut w, text)?;
    w.flush()
}

/// JSON on stdout.
pub fn out_json(json: &str) -> io::Result<()> {
    let mut w = io::stdout().lock();
    write_json(&mut w, json)?;
    w.flush()
}

/// Text on stderr: messages, progress, errors. A closed stderr is ignored.
pub fn err(text: &str) {
    let mut w = io::stderr().lock();
    let _ = write_text(&mut w, text);
}

/// A question on stderr without a line break, for the answer to follow on the same line.
pub fn ask(text: &str) {
    let mut w = io::stderr().lock();
    let _ = write!(w, "{} ", sanitize_lines(text));
    let _ = w.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bkops_own_styles_reach_the_terminal() {
        let line = Line::new().styled(Some("2"), "12:00").text(" ").text("\x1b]52;c;aGk=\x07 \u{202e}x");
        assert_eq!(line.render(), "\x1b[2m12:00\x1b[0m \\x1b]52;c;aGk=\\x07 \\u{202e}x");
    }

    #[test]
    fn a_line_is_written_whole_with_its_end() {
        let line = Line::new().styled(Some("2"), "12:00").text(" ").text("Disk \x1b[2J full");
        let mut buf = Vec::new();
        write_line(&mut buf, &line).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), format!("{}\n", line.render()));
    }

    #[test]
    fn styled_parts_are_cleaned_as_plain_ones_are() {
        // A log group's label or a stream name is styled: its text is still untrusted.
        let line =
            Line::new().styled(Some("36"), "agent\x1b[2J\u{9b}31m\u{202e}").styled(None, "\x1b]0;t\x07");
        assert_eq!(line.render(), "\x1b[36magent\\x1b[2J\\x9b31m\\u{202e}\x1b[0m\\x1b]0;t\\x07");
        let written = line.render();
        let own: Vec<&str> = written.match_indices('\x1b').map(|(i, _)| &written[i..i + 4]).collect();
        assert_eq!(own, ["\x1b[36", "\x1b[0m"], "only bkops' own escapes are raw");
    }

    #[test]
    fn text_keeps_its_lines_and_json_stays_json() {
        let mut buf = Vec::new();
        write_text(&mut buf, "stack a\n  queue \x1b[2J\u{9b}").unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "stack a\n  queue \\x1b[2J\\x9b\n");
        let mut buf = Vec::new();
        write_json(&mut buf, &serde_json::json!({"v": "a\u{9b}\u{2066}"}).to_string()).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "{\"v\":\"a\\u009b\\u2066\"}\n");
    }
}
