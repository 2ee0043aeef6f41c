//! Where the log view is: the search and its matches, the error lines `e` goes through,
//! scrolling and following, and which lines fill the screen however they wrap.

use super::{LogView, ViewLine};

impl LogView {
    /// Sets the search (case-insensitive; taken literally if it is not a regex) and shows its
    /// newest match at or above the bottom of the screen (or, failing that, the oldest below
    /// it); false if nothing matches.
    pub fn set_search(&mut self, text: &str, rows: usize) -> bool {
        let build = |p: &str| regex::RegexBuilder::new(p).case_insensitive(true).size_limit(1 << 20).build();
        self.search = if text.trim().is_empty() {
            None
        } else {
            build(text).or_else(|_| build(&regex::escape(text))).ok()
        };
        self.search_at = None;
        self.match_of = None;
        let Some(last) = self.visible_len().checked_sub(1) else { return false };
        let bottom = last.saturating_sub(self.offset);
        let found = (0..=bottom)
            .rev()
            .find(|&i| self.hits(i))
            .or_else(|| (bottom + 1..=last).find(|&i| self.hits(i)));
        match found {
            Some(i) => {
                self.show_match(i, rows);
                true
            }
            None => false,
        }
    }

    /// A line's text as the view shows it: compact unless `raw` is on.
    pub fn text_of<'a>(&self, l: &ViewLine<'a>) -> std::borrow::Cow<'a, str> {
        if self.raw {
            std::borrow::Cow::Borrowed(l.message)
        } else {
            crate::domain::log_line::compact(self.group_of(l), l.message, l.timestamp)
        }
    }

    /// Matches are looked for in the text as shown, so that every match counted is one seen.
    fn hits(&self, i: usize) -> bool {
        self.search
            .as_ref()
            .is_some_and(|re| self.visible_at(i).is_some_and(|e| re.is_match(&self.text_of(&e))))
    }

    /// Moves to the next (newer) or previous (older) match from the current one, round to the
    /// other end when there is none that way (as `less` does). `None` if nothing matches;
    /// `Some(true)` when it went round.
    pub fn next_match(&mut self, newer: bool, rows: usize) -> Option<bool> {
        self.search.as_ref()?;
        let last = self.visible_len().checked_sub(1)?;
        let from = self.current_match().unwrap_or_else(|| last.saturating_sub(self.offset));
        let (ahead, round): (Option<usize>, Option<usize>) = if newer {
            ((from + 1..=last).find(|&i| self.hits(i)), (0..=from.min(last)).find(|&i| self.hits(i)))
        } else {
            ((0..from).rev().find(|&i| self.hits(i)), (from..=last).rev().find(|&i| self.hits(i)))
        };
        let (i, wrapped) = match (ahead, round) {
            (Some(i), _) => (i, false),
            (None, Some(i)) => (i, true),
            (None, None) => return None,
        };
        self.show_match(i, rows);
        Some(wrapped)
    }

    /// The visible index of the line the search is on, if it is still shown.
    fn current_match(&self) -> Option<usize> {
        self.index_of(self.search_at?)
    }

    /// The visible index of the line numbered `n`, if it is shown.
    fn index_of(&self, n: u32) -> Option<usize> {
        let rel = n.wrapping_sub(self.first);
        let i = self.shown.partition_point(|&x| x.wrapping_sub(self.first) < rel);
        (self.shown.get(i) == Some(&n)).then_some(i)
    }

    /// Puts the `i`-th visible line a third of the way down `rows`, with the lines after it
    /// on screen below (paused), and counts which match of how many it is.
    fn show_match(&mut self, i: usize, rows: usize) {
        self.place(i, rows);
        self.search_at = self.shown.get(i).copied();
        let before = (0..i).filter(|&k| self.hits(k)).count();
        let total = before + (i..self.visible_len()).filter(|&k| self.hits(k)).count();
        self.match_of = Some((before + 1, total));
    }

    /// Scrolls so that the `i`-th visible line is a third of the way down `rows`.
    fn place(&mut self, i: usize, rows: usize) {
        self.place_at_row(i, rows, rows.max(1) / 3);
    }

    /// Pauses with the `i`-th visible line on row `row` of `rows` (from the top). The offset
    /// is what it would be with a row a line; drawing keeps the line on that row when lines
    /// wrap.
    fn place_at_row(&mut self, i: usize, rows: usize, row: usize) {
        let last = self.visible_len().saturating_sub(1);
        let rows = rows.max(1);
        let bottom = (i + rows - 1 - row.min(rows - 1)).min(last);
        self.offset = last - bottom;
        self.follow = false;
        self.anchor = self.shown.get(i).map(|&n| (n, row));
    }

    /// The oldest line at the top of the screen (`g`).
    pub fn top(&mut self, rows: usize) {
        if self.visible_len() > 0 {
            self.place_at_row(0, rows, 0);
        }
    }

    /// The next error line after the one marked (the first, the first time; round to the
    /// first after the last), marked and a third of the way down with what followed it
    /// below. Which error of how many it is; `None` if no line reads like one.
    pub fn next_error(&mut self, rows: usize) -> Option<(usize, usize)> {
        let errors: Vec<usize> =
            (0..self.visible_len()).filter(|&i| self.visible_at(i).is_some_and(|e| is_error(&e))).collect();
        let current = self.error_at.and_then(|n| self.index_of(n));
        let k = current.and_then(|c| errors.iter().position(|&i| i > c)).unwrap_or(0);
        let &i = errors.get(k)?;
        self.place(i, rows);
        self.error_at = self.shown.get(i).copied();
        Some((k + 1, errors.len()))
    }

    /// Whether the `i`-th visible line is the error line marked.
    pub fn is_marked_error(&self, i: usize) -> bool {
        self.error_at.is_some() && self.shown.get(i).copied() == self.error_at
    }

    pub fn scroll(&mut self, delta: isize) {
        self.anchor = None;
        let max = self.visible_len().saturating_sub(1) as isize;
        let offset = (self.offset as isize - delta).clamp(0, max);
        self.offset = offset as usize;
        self.follow = self.offset == 0 && delta > 0 || self.follow && delta >= 0 && self.offset == 0;
    }

    /// Follows again from the newest line (or pauses where it is).
    pub fn set_follow(&mut self, follow: bool) {
        self.follow = follow;
        if follow {
            self.offset = 0;
            self.anchor = None;
        }
    }

    /// The visible lines that fill `rows` rows, when line `i` takes `height(i)` rows: the
    /// line the last jump placed stays on its row; otherwise the newest line on screen is
    /// `offset` lines above the newest. Either way, rows left over are filled from the other
    /// side, so that the oldest line at the top leaves no blank rows below.
    pub fn window(&self, rows: usize, height: impl Fn(usize) -> usize) -> std::ops::Range<usize> {
        let n = self.visible_len();
        if n == 0 {
            return 0..0;
        }
        let anchored = self.anchor.and_then(|(line, row)| Some((self.index_of(line)?, row)));
        let (mut begin, mut end, mut used, upward_first) = match anchored {
            Some((i, row)) => {
                let (mut b, mut up) = (i, 0);
                while b > 0 && up + height(b - 1) <= row {
                    up += height(b - 1);
                    b -= 1;
                }
                (b, i + 1, up + height(i), false)
            }
            None => {
                let e = n - self.offset.min(n - 1);
                (e - 1, e, height(e - 1), true)
            }
        };
        let up = |begin: &mut usize, used: &mut usize| {
            while *begin > 0 && *used + height(*begin - 1) <= rows {
                *used += height(*begin - 1);
                *begin -= 1;
            }
        };
        if upward_first {
            up(&mut begin, &mut used);
        }
        while end < n && used + height(end) <= rows {
            used += height(end);
            end += 1;
        }
        up(&mut begin, &mut used);
        begin..end
    }
}

/// A line that reads like an error.
fn is_error(l: &ViewLine) -> bool {
    static ERROR: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(error|errored|fail(ed|ure)?|fatal|panic|unhealthy|insufficient|not enough)\b",
        )
        .ok()
    });
    ERROR.as_ref().is_some_and(|re| re.is_match(l.message))
}
