//! The `/` filter: a case-insensitive regex over a row's cells; `!text` keeps the rows that do
//! not match; `column:text` matches one column only (when `column` names one).

use regex::{Regex, RegexBuilder};

#[derive(Debug, Clone)]
pub struct Filter {
    pub text: String,
    invert: bool,
    column: Option<(String, Option<Regex>)>,
    /// `None` only when even the literal text is too large to compile: it matches nothing.
    whole: Option<Regex>,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A regex, or the text taken literally when it is not a valid regex (`[`, `(`).
fn pattern(text: &str) -> Option<Regex> {
    let build = |p: &str| RegexBuilder::new(p).case_insensitive(true).size_limit(1 << 20).build();
    build(text).or_else(|_| build(&regex::escape(text))).ok()
}

fn is_match(re: &Option<Regex>, value: &str) -> bool {
    re.as_ref().is_some_and(|re| re.is_match(value))
}

impl Filter {
    /// `None` for an empty filter, which shows everything.
    pub fn parse(text: &str) -> Option<Filter> {
        let trimmed = text.trim();
        let (invert, rest) = match trimmed.strip_prefix('!') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        if rest.is_empty() {
            return None;
        }
        let column = rest
            .split_once(':')
            .filter(|(c, _)| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
            .map(|(c, v)| (c.to_ascii_lowercase(), pattern(v.trim())));
        Some(Filter { text: trimmed.to_string(), invert, column, whole: pattern(rest) })
    }

    /// `cells` are (column name, value) pairs of one row.
    pub fn matches(&self, cells: &[(&str, &str)]) -> bool {
        let hit = match &self.column {
            Some((col, re)) if cells.iter().any(|(name, _)| name.eq_ignore_ascii_case(col)) => {
                cells.iter().any(|(name, value)| name.eq_ignore_ascii_case(col) && is_match(re, value))
            }
            _ => cells.iter().any(|(_, value)| is_match(&self.whole, value)),
        };
        hit != self.invert
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: [(&str, &str); 3] = [("instance", "i-0abc"), ("health", "Unhealthy"), ("az", "us-east-1a")];

    fn m(f: &str) -> bool {
        Filter::parse(f).expect("a filter").matches(&ROW)
    }

    #[test]
    fn text_is_a_case_insensitive_regex() {
        assert!(m("unhealthy"));
        assert!(m("i-0a.c"));
        assert!(!m("i-0zz"));
        assert!(!Filter::parse("[").expect("f").matches(&[("x", "a")]));
        assert!(Filter::parse("[").expect("f").matches(&[("x", "a[b")]));
    }

    #[test]
    fn bang_inverts_and_column_restricts() {
        assert!(!m("!unhealthy"));
        assert!(m("health:unh"));
        assert!(!m("az:unh"));
        assert!(m("!az:1b"));
        // Not a column of this row: the whole text is matched instead.
        assert!(!m("instance2:abc"));
        assert!(Filter::parse("  ").is_none());
    }
}
