//! Text from AWS and Buildkite is untrusted: a stack parameter, a tag, an activity's cause or an
//! API's error message can carry escape sequences (a clipboard write, a title change) or bidi
//! controls that reorder what an operator reads. Every such character is shown as a visible
//! escape instead, so that text never drives the terminal nor lies about its order.
//!
//! This is the one definition of "dangerous": strings are cleaned where they enter bkops (the
//! backends) and again where they leave it (`crate::output` for stdout and stderr, the TUI's
//! last pass over its buffer). Cleaning is idempotent: the escapes it writes are plain ASCII.

use std::borrow::Cow;
use std::fmt::Write;

/// "1 job", "3 jobs": a count with its noun agreeing.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Whether `c` must never reach a terminal as itself.
pub fn dangerous(c: char) -> bool {
    control(c) || invisible(c)
}

/// C0 and C1 controls, ESC and DEL: shown as `\xNN`.
fn control(c: char) -> bool {
    c.is_control()
}

/// Characters that change how the text around them is ordered or split, while showing nothing
/// themselves: bidi embeddings, overrides and isolates, the Arabic letter mark, the LTR/RTL
/// marks, line and paragraph separators, the zero-width space, the byte-order mark, and tag
/// characters. Shown as `\u{…}`. (Zero-width joiners are left alone: emoji and several
/// scripts need them, and they reorder nothing.)
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// `s` with every dangerous character shown as a visible escape; a tab becomes four spaces.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    // Printable ASCII, as most log lines are, is safe: checked a byte at a time.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if control(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// As `sanitize`, but keeps line breaks: for bkops' own multi-line output, whose lines hold
/// untrusted values. (A value's own line break was already escaped where it entered.)
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && dangerous(c)) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(sanitize).collect();
    Cow::Owned(lines.join("\n"))
}

/// JSON text (already serialized) with every dangerous character that a serializer leaves
/// as itself written as a `\uXXXX` escape: the same characters, still valid JSON, and no raw
/// C1 or bidi control for a terminal that shows the output. A serializer escapes line breaks
/// and tabs inside strings, so those found raw are the layout's whitespace, and stay; every
/// other dangerous character is inside a string (outside them JSON is ASCII).
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let escape = |c: char| dangerous(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Cuts `s` to `width` characters, marking the cut with an ellipsis.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if s.chars().count() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    Cow::Owned(out)
}

/// How much of a text read from outside (a scaler's error) a sentence quotes: an error can
/// be hundreds of kilobytes, and the whole of it belongs in details, not in a line.
pub const QUOTE_CHARS: usize = 300;

/// `s` as a sentence quotes it: whole when short, else its first `QUOTE_CHARS` characters and
/// how many more there are.
pub fn quote(s: &str) -> Cow<'_, str> {
    let total = s.chars().count();
    if total <= QUOTE_CHARS {
        return Cow::Borrowed(s);
    }
    let head: String = s.chars().take(QUOTE_CHARS).collect();
    Cow::Owned(format!("{head}… ({} more characters)", total - QUOTE_CHARS))
}

/// Untrusted text in a value, cleaned in place where it enters bkops.
pub trait Sanitize {
    fn sanitize(&mut self);
}

impl Sanitize for String {
    fn sanitize(&mut self) {
        if let Cow::Owned(clean) = sanitize(self) {
            *self = clean;
        }
    }
}

impl<T: Sanitize> Sanitize for Option<T> {
    fn sanitize(&mut self) {
        if let Some(v) = self {
            v.sanitize();
        }
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

/// Cleans `value` and hands it back: `Ok(sanitized(x))` where a backend returns.
pub fn sanitized<T: Sanitize>(mut value: T) -> T {
    value.sanitize();
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class of character the sinks must neutralise, with what text and JSON show.
    const TABLE: &[(&str, &str, &str)] = &[
        ("plain", "plain", "plain"),
        ("\x1b[2J", "\\x1b[2J", "\\u001b[2J"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07", "\\u001b]52;c;aGk=\\u0007"),
        ("nul\0", "nul\\x00", "nul\\u0000"),
        ("del\x7f", "del\\x7f", "del\\u007f"),
        ("cr\r", "cr\\x0d", "cr\\r"),
        ("csi\u{9b}31m", "csi\\x9b31m", "csi\\u009b31m"),
        ("osc\u{9d}0;t\u{9c}", "osc\\x9d0;t\\x9c", "osc\\u009d0;t\\u009c"),
        ("rlo\u{202e}cba", "rlo\\u{202e}cba", "rlo\\u202ecba"),
        ("lre\u{202a}pdf\u{202c}", "lre\\u{202a}pdf\\u{202c}", "lre\\u202apdf\\u202c"),
        (
            "iso\u{2066}\u{2067}\u{2068}\u{2069}",
            "iso\\u{2066}\\u{2067}\\u{2068}\\u{2069}",
            "iso\\u2066\\u2067\\u2068\\u2069",
        ),
        ("alm\u{061c}", "alm\\u{61c}", "alm\\u061c"),
        ("marks\u{200e}\u{200f}", "marks\\u{200e}\\u{200f}", "marks\\u200e\\u200f"),
        ("sep\u{2028}\u{2029}", "sep\\u{2028}\\u{2029}", "sep\\u2028\\u2029"),
        ("bom\u{feff}", "bom\\u{feff}", "bom\\ufeff"),
        ("zwsp\u{200b}", "zwsp\\u{200b}", "zwsp\\u200b"),
        ("tag\u{e0041}", "tag\\u{e0041}", "tag\\udb40\\udc41"),
        ("emoji 👩\u{200d}💻 ok", "emoji 👩\u{200d}💻 ok", "emoji 👩\u{200d}💻 ok"),
    ];

    #[test]
    fn every_dangerous_class_is_shown_visibly() {
        for (raw, text, _) in TABLE {
            assert_eq!(sanitize(raw), *text, "text of {raw:?}");
            assert!(!sanitize(raw).chars().any(dangerous), "{raw:?}");
        }
    }

    #[test]
    fn json_escapes_the_same_characters_and_stays_json() {
        for (raw, _, json) in TABLE {
            let encoded = serde_json::to_string(raw).unwrap();
            let escaped = escape_json(&encoded);
            assert_eq!(escaped, format!("\"{json}\""), "json of {raw:?}");
            assert!(!escaped.chars().any(dangerous), "{raw:?}");
            let pretty = serde_json::to_string_pretty(&serde_json::json!({ "k": raw })).unwrap();
            assert_eq!(escape_json(&pretty).lines().count(), 3, "the layout's line breaks stay: {pretty:?}");
            let back: String = serde_json::from_str(&escaped).unwrap();
            assert_eq!(back, *raw, "the escapes decode to the original");
        }
    }

    #[test]
    fn cleaning_twice_changes_nothing() {
        for (raw, text, _) in TABLE {
            assert_eq!(sanitize(&sanitize(raw)), *text);
        }
    }

    #[test]
    fn own_line_breaks_stay_in_multi_line_output() {
        assert_eq!(sanitize_lines("a\nb\x1b[1m\n"), "a\nb\\x1b[1m\n");
        assert_eq!(sanitize_lines("a\nb"), "a\nb");
    }

    #[test]
    fn values_are_cleaned_in_place() {
        let v = sanitized(vec![Some("a\u{202e}".to_string()), None]);
        assert_eq!(v, vec![Some("a\\u{202e}".to_string()), None]);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
