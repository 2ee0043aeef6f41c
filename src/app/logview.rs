//! The log view's state: an instance's lines in a bounded ring, following or paused.

mod place;
mod ring;

use std::collections::VecDeque;

use super::filter::Filter;
use crate::domain::{LogEvent, Timestamp};
use ring::Ring;
pub use ring::ViewLine;

/// Lines kept by default (`[logs] buffer` in the config file).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Bytes of lines kept at most, whatever their number: 100,000 lines of 256 KB (CloudWatch's
/// largest event) would otherwise take 25 GB. 64 MB, or about 640 bytes a line for a ring set
/// larger than the default, so that a bigger `[logs] buffer` still holds its lines of
/// ordinary length.
pub fn byte_budget(capacity: usize) -> usize {
    (64 << 20).max(capacity.saturating_mul(640))
}

#[derive(Debug, Clone)]
pub struct LogView {
    pub instance: String,
    /// Every group of the stack, in the order of their toggles (1–9).
    pub groups: Vec<String>,
    /// The groups the reader reads: those shown so far.
    pub reading: Vec<String>,
    /// Each line as its time, its group (a number in `names`) and its text: the names, stream
    /// and event ID every event carries are not kept once per line.
    lines: Ring,
    /// The group names the lines' numbers stand for.
    names: Vec<String>,
    pub capacity: usize,
    /// New lines scroll into view; off, the view stays where it is.
    pub follow: bool,
    /// Lines scrolled up from the newest (when not following).
    pub offset: usize,
    pub wrap: bool,
    pub timestamps: bool,
    /// Lines as written (`r`); off, as `log_line::compact` shows them.
    pub raw: bool,
    /// JSON messages shown indented over several rows.
    pub pretty_json: bool,
    /// Set with `set_filter`, which keeps the index of what it lets through.
    pub filter: Option<Filter>,
    /// What `/` searches for; matches are highlighted and `n`/`N` move between them.
    pub search: Option<regex::Regex>,
    /// Groups switched off with their number key (changed through `toggle_group`).
    pub hidden: std::collections::HashSet<String>,
    /// The line numbers (counted since the view opened) of the lines the filter and the group
    /// toggles let through, oldest first: kept as lines come and go, so that drawing, scrolling
    /// and jumping cost what is on screen, not what is in the ring. Numbers wrap at 2^32,
    /// which only differences between kept lines (fewer than that) ever see.
    shown: VecDeque<u32>,
    /// The number of `lines[0]`.
    first: u32,
    /// Lines the ring let go of.
    pub dropped: u64,
    /// What the lines kept take, and the most they may.
    pub bytes: usize,
    pub byte_budget: usize,
    pub notices: Vec<String>,
    /// Read from here rather than the last hour (opened at a timeline event).
    pub from: Option<Timestamp>,
    /// The moment the view was opened at: shown once its lines arrive, and marked.
    pub moment: Option<Timestamp>,
    /// The view has been moved to the moment once (after that, it is the operator's).
    pub at_moment: bool,
    /// The window it was opened from (the timeline), shown again when it closes.
    pub back: Option<super::panes::Overlay>,
    /// The line (its number) the search is on, and which match of how many it is.
    search_at: Option<u32>,
    pub match_of: Option<(usize, usize)>,
    /// The error line `e` went to (its number), marked on screen.
    pub error_at: Option<u32>,
    /// The line the last jump put on screen (its number) and the row it is drawn on, counted
    /// from the top: drawing keeps it there whatever wrapping does to the rows around it.
    /// Scrolling lets go of it.
    anchor: Option<(u32, usize)>,
}

impl LogView {
    pub fn new(instance: String, groups: Vec<String>, capacity: usize) -> Self {
        Self {
            instance,
            reading: groups.clone(),
            groups,
            lines: Ring::default(),
            names: Vec::new(),
            capacity: capacity.max(1),
            follow: true,
            offset: 0,
            wrap: false,
            timestamps: true,
            raw: false,
            pretty_json: false,
            filter: None,
            search: None,
            hidden: std::collections::HashSet::new(),
            shown: VecDeque::new(),
            first: 0,
            dropped: 0,
            bytes: 0,
            byte_budget: byte_budget(capacity),
            notices: Vec::new(),
            from: None,
            moment: None,
            at_moment: false,
            back: None,
            search_at: None,
            match_of: None,
            error_at: None,
            anchor: None,
        }
    }

    /// Appends a batch; the oldest lines go when the ring is full. A paused view keeps its
    /// place on screen.
    pub fn push(&mut self, batch: Vec<LogEvent>) {
        let mut added = 0;
        for e in batch {
            let group = self.number_of(e.group);
            let size = Ring::cost(e.message.len());
            while !self.lines.is_empty()
                && (self.lines.len() >= self.capacity || self.bytes + size > self.byte_budget)
            {
                if let Some(len) = self.lines.pop_front() {
                    self.bytes -= Ring::cost(len);
                    if self.shown.front() == Some(&self.first) {
                        self.shown.pop_front();
                        // A paused view's place is counted from the newest line.
                        self.offset = self.offset.min(self.shown.len().saturating_sub(1));
                    }
                    self.first = self.first.wrapping_add(1);
                }
                self.dropped += 1;
            }
            self.bytes += size;
            let line = ViewLine { timestamp: e.timestamp, group, message: &e.message };
            if self.matches(&line) {
                self.shown.push_back(self.first.wrapping_add(self.lines.len() as u32));
                added += 1;
            }
            self.lines.push(e.timestamp, group, &e.message);
        }
        if !self.follow {
            self.offset += added;
        }
    }

    /// Lines the filter and the toggles let through.
    pub fn visible_len(&self) -> usize {
        self.shown.len()
    }

    /// Lines the ring holds, shown or not.
    pub fn kept(&self) -> usize {
        self.lines.len()
    }

    /// A group's number in the table of names the lines point into.
    fn number_of(&mut self, group: String) -> u16 {
        let i = match self.names.iter().position(|n| *n == group) {
            Some(i) => i,
            None => {
                self.names.push(group);
                self.names.len() - 1
            }
        };
        u16::try_from(i).unwrap_or(u16::MAX)
    }

    /// The group a line was read from.
    pub fn group_of(&self, l: &ViewLine) -> &str {
        self.names.get(usize::from(l.group)).map_or("", String::as_str)
    }

    /// A kept line as an event again (for saving it in the log format).
    pub fn event_of(&self, l: &ViewLine) -> LogEvent {
        LogEvent {
            timestamp: l.timestamp,
            ingestion_time: l.timestamp,
            group: self.group_of(l).to_string(),
            stream: self.instance.clone(),
            event_id: String::new(),
            message: l.message.to_string(),
        }
    }

    /// The `i`-th of them, oldest first.
    pub fn visible_at(&self, i: usize) -> Option<ViewLine<'_>> {
        self.line(*self.shown.get(i)?)
    }

    /// The line of number `n`, if the ring still holds it.
    fn line(&self, n: u32) -> Option<ViewLine<'_>> {
        self.lines.get(n.wrapping_sub(self.first) as usize)
    }

    /// The index of the first line shown at or after `t` (lines arrive in time order).
    pub fn visible_from(&self, t: Timestamp) -> usize {
        self.shown.partition_point(|&n| self.line(n).is_some_and(|e| e.timestamp < t))
    }

    /// Sets the filter, and with it what is shown.
    pub fn set_filter(&mut self, filter: Option<Filter>) {
        self.filter = filter;
        self.reindex();
    }

    /// What is shown, worked out again over the whole ring: only when the filter or the
    /// toggles change.
    fn reindex(&mut self) {
        let first = self.first;
        let shown: VecDeque<u32> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, e)| self.matches(e))
            .map(|(i, _)| first.wrapping_add(i as u32))
            .collect();
        self.shown = shown;
    }

    /// Once its first lines are in, a view opened at a moment is paused with that moment's
    /// line a third of the way down its `rows`: a little of what led up to it above, what
    /// followed below.
    pub fn go_to_moment(&mut self, rows: usize) {
        let Some(moment) = self.moment.filter(|_| !self.at_moment) else { return };
        if self.shown.is_empty() {
            return;
        }
        let from_moment = self.visible_len() - self.visible_from(moment);
        self.offset = from_moment.saturating_sub(rows - rows / 3);
        self.follow = from_moment == 0;
        self.at_moment = true;
    }

    pub fn matches(&self, l: &ViewLine) -> bool {
        let group = self.group_of(l);
        !self.hidden.contains(group)
            && self.filter.as_ref().is_none_or(|f| f.matches(&[("group", group), ("message", l.message)]))
    }

    /// The lines the filter lets through, oldest first (every one: for saving them).
    pub fn visible(&self) -> Vec<ViewLine<'_>> {
        (0..self.visible_len()).filter_map(|i| self.visible_at(i)).collect()
    }

    /// Every group of the stack, with only `shown` on: the rest are one digit away, and are
    /// read only once shown.
    pub fn with_shown(instance: String, all: Vec<String>, shown: &[String], capacity: usize) -> Self {
        let mut v = Self::new(instance, all, capacity);
        v.hidden = v.groups.iter().filter(|g| !shown.contains(g)).cloned().collect();
        v.reading = shown.to_vec();
        v.reindex();
        v
    }

    /// A group shown but not read yet: it is added to what is read, and what was read is
    /// dropped, to be read again with it (the reader starts from the last hour for all of
    /// them, so nothing is shown twice). Returns the groups to read now.
    pub fn start_reading(&mut self, n: usize) -> Option<Vec<String>> {
        let g = n.checked_sub(1).and_then(|i| self.groups.get(i))?.clone();
        if self.hidden.contains(&g) || self.reading.contains(&g) {
            return None;
        }
        self.reading.push(g);
        self.first = self.first.wrapping_add(self.lines.len() as u32);
        self.lines.clear();
        self.shown.clear();
        self.bytes = 0;
        self.offset = 0;
        // Read again from the start: back to the moment it was opened at, if any.
        self.at_moment = false;
        Some(self.reading.clone())
    }

    /// Shows or hides the n-th group (from 1).
    pub fn toggle_group(&mut self, n: usize) {
        if let Some(g) = n.checked_sub(1).and_then(|i| self.groups.get(i)).cloned()
            && !self.hidden.remove(&g)
        {
            self.hidden.insert(g);
        }
        self.reindex();
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn ev(n: i64) -> LogEvent {
        LogEvent {
            timestamp: Timestamp(n),
            ingestion_time: Timestamp(n),
            group: "/buildkite/elastic-stack".into(),
            stream: "i-1".into(),
            event_id: n.to_string(),
            message: format!("line {n}"),
        }
    }

    #[test]
    fn the_ring_is_bounded() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 3);
        v.push((0..5).map(ev).collect());
        assert_eq!(v.lines.iter().map(|e| e.timestamp.millis()).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(v.kept(), 3);
        assert_eq!(v.dropped, 2);
    }

    #[test]
    fn the_ring_is_bounded_in_bytes_too() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 100_000);
        v.byte_budget = 1 << 20;
        let big = |n: i64| LogEvent { message: "x".repeat(256 << 10), ..ev(n) };
        v.push((0..50).map(big).collect());
        assert!(v.bytes <= 1 << 20, "{} bytes", v.bytes);
        assert_eq!(v.lines.len(), 3, "three 256 KB lines fit in 1 MB");
        assert_eq!(v.dropped, 47);
        assert_eq!(v.lines.iter().last().map(|e| e.timestamp.millis()), Some(49), "the newest are kept");
        assert_eq!(v.bytes, v.lines.iter().map(|l| Ring::cost(l.message.len())).sum::<usize>());
    }

    #[test]
    fn groups_toggle_and_errors_are_found() {
        let mut v = LogView::new(
            "i-1".into(),
            vec!["/buildkite/elastic-stack".into(), "/buildkite/other".into()],
            100,
        );
        let mut batch: Vec<LogEvent> = (0..5).map(ev).collect();
        batch[2].message = "bk-install-elastic-stack.sh errored with exit code 254 on line 219.".into();
        batch[4].group = "/buildkite/other".into();
        v.push(batch);
        v.toggle_group(2);
        assert_eq!(v.visible().len(), 4);
        v.toggle_group(2);
        assert_eq!(v.visible().len(), 5);
        assert_eq!(v.next_error(3), Some((1, 1)));
        assert_eq!(
            (v.offset, v.follow),
            (1, false),
            "on three rows: a line before the error, the error, a line after"
        );
        assert!(v.is_marked_error(2) && !v.is_marked_error(1));
        let mut quiet = LogView::new("i-2".into(), Vec::new(), 10);
        quiet.push(vec![ev(1)]);
        assert_eq!(quiet.next_error(3), None);
        assert!(!quiet.is_marked_error(0), "nothing marked");
    }

    #[test]
    fn a_match_is_shown_with_what_follows_it_counted_and_n_goes_round() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 1000);
        // 100 lines; lines 5, 15, 25, 35 and 45 say "needle".
        let line = |n: i64| {
            let message = if n % 10 == 5 && n < 50 { format!("a Needle at {n}") } else { format!("hay {n}") };
            LogEvent { message, ..ev(n) }
        };
        v.push((0..100).map(line).collect());
        let bottom = |v: &LogView| v.visible_len() - 1 - v.offset;
        let at = |v: &LogView| v.search_at.map(i64::from);
        assert!(v.set_search("needle", 30));
        assert_eq!(at(&v), Some(45), "the newest match above the bottom");
        assert_eq!(bottom(&v), 64, "a third of the way down 30 rows: 19 lines after it on screen");
        assert_eq!(v.match_of, Some((5, 5)));
        assert_eq!(v.next_match(false, 30), Some(false));
        assert_eq!((at(&v), v.match_of), (Some(35), Some((4, 5))));
        assert_eq!(v.next_match(true, 30), Some(false));
        assert_eq!(v.next_match(true, 30), Some(true), "no newer match: round to the oldest");
        assert_eq!((at(&v), v.match_of), (Some(5), Some((1, 5))));
        assert_eq!(v.next_match(false, 30), Some(true), "no older match: round to the newest");
        assert_eq!(at(&v), Some(45));
        assert!(!v.set_search("nothing like it", 30));
        assert_eq!(v.next_match(true, 30), None);
    }

    #[test]
    fn a_placed_line_stays_on_screen_however_lines_wrap_and_the_oldest_fill_the_screen() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 1000);
        let line = |n: i64| LogEvent {
            message: if n == 20 { "a needle".into() } else { format!("hay {n}") },
            ..ev(n)
        };
        v.push((0..100).map(line).collect());
        assert!(v.set_search("needle", 10));
        assert_eq!(v.window(10, |_| 1), 17..27, "a third of the way down ten rows");
        // Every line wrapped over three rows: still on screen, with a row of what led to it.
        assert_eq!(v.window(10, |_| 3), 19..22, "on row 3, below the one line that fits above");
        let w = v.window(10, |i| if i == 19 { 5 } else { 3 });
        assert_eq!(w, 20..23, "a line above too tall for the rows above: the match at the top: {w:?}");
        // `g`: the oldest line at the top and the screen full below it, wrapped or not.
        v.top(10);
        assert_eq!((v.window(10, |_| 1), v.window(10, |_| 3), v.follow), (0..10, 0..3, false));
        // Scrolling lets go of the placed line: `j` moves down one line from there.
        v.scroll(1);
        assert_eq!(v.window(10, |_| 1), 1..11);
        v.scroll(isize::MAX / 2);
        assert_eq!((v.window(10, |_| 1), v.window(10, |_| 3), v.follow), (90..100, 97..100, true));
        assert_eq!(v.window(10, |_| 25), 99..100, "a line taller than the screen is still shown");
        let few = {
            let mut f = LogView::new("i-2".into(), Vec::new(), 10);
            f.push((0..3).map(ev).collect());
            f
        };
        assert_eq!(few.window(10, |_| 1), 0..3);
        assert_eq!(LogView::new("i-3".into(), Vec::new(), 10).window(10, |_| 1), 0..0);
    }

    #[test]
    fn e_goes_from_error_to_error_counting_them_and_round_to_the_first() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 1000);
        let line = |n: i64| {
            let message = if n % 10 == 3 { format!("step {n} failed") } else { format!("ok {n}") };
            LogEvent { message, ..ev(n) }
        };
        v.push((0..30).map(line).collect());
        let marked = |v: &LogView| (0..v.visible_len()).find(|&i| v.is_marked_error(i));
        assert_eq!((v.next_error(9), marked(&v)), (Some((1, 3)), Some(3)));
        assert_eq!(v.window(9, |_| 1), 0..9, "the first error three rows down, with what followed");
        assert_eq!((v.next_error(9), marked(&v)), (Some((2, 3)), Some(13)));
        assert_eq!((v.next_error(9), marked(&v)), (Some((3, 3)), Some(23)));
        assert_eq!((v.next_error(9), marked(&v)), (Some((1, 3)), Some(3)), "round to the first");
    }

    #[test]
    fn a_paused_view_keeps_its_place() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 100);
        v.push((0..10).map(ev).collect());
        v.scroll(-3);
        assert!(!v.follow);
        assert_eq!(v.offset, 3);
        v.push((10..12).map(ev).collect());
        assert_eq!(v.offset, 5, "new lines arrive below; the screen does not move");
        v.scroll(100);
        assert_eq!((v.offset, v.follow), (0, true), "back at the bottom: following again");
    }

    #[test]
    fn a_view_opened_at_a_moment_shows_it_a_third_of_the_way_down_paused() {
        let mut v = LogView::new("i-1".into(), Vec::new(), 1000);
        v.moment = Some(Timestamp(40));
        // 100 lines, 60 of them at or after the moment; 30 rows on screen.
        v.push((0..100).map(ev).collect());
        v.go_to_moment(30);
        assert_eq!((v.offset, v.follow), (40, false));
        let end = v.visible().len() - v.offset;
        assert_eq!(v.visible()[end - 20].timestamp, Timestamp(40), "20 rows from the bottom of 30");
        // Only once: new lines keep the operator's place, and scrolling is theirs.
        v.push(vec![ev(100)]);
        v.go_to_moment(30);
        assert_eq!(v.offset, 41);
        // A moment after every line: nothing to go back to, so it follows.
        let mut late = LogView::new("i-1".into(), Vec::new(), 1000);
        late.moment = Some(Timestamp(500));
        late.push((0..10).map(ev).collect());
        late.go_to_moment(30);
        assert_eq!((late.offset, late.follow), (0, true));
    }

    #[test]
    fn the_index_of_what_is_shown_stays_what_the_filter_lets_through() {
        let brute = |v: &LogView| -> Vec<i64> {
            v.lines.iter().filter(|e| v.matches(e)).map(|e| e.timestamp.millis()).collect()
        };
        let shown = |v: &LogView| -> Vec<i64> { v.visible().iter().map(|e| e.timestamp.millis()).collect() };
        let other = |n: i64| LogEvent { group: "/buildkite/buildkite-agent".into(), ..ev(n) };
        let mut v = LogView::new(
            "i-1".into(),
            vec!["/buildkite/elastic-stack".into(), "/buildkite/buildkite-agent".into()],
            7,
        );
        v.set_filter(Filter::parse("[02468]$"));
        for batch in 0..10 {
            let lines: Vec<LogEvent> =
                (batch * 4..batch * 4 + 4).map(|n| if n % 3 == 0 { other(n) } else { ev(n) }).collect();
            v.push(lines);
            assert_eq!(shown(&v), brute(&v), "after batch {batch}");
            if batch == 4 {
                v.toggle_group(2);
                assert_eq!(shown(&v), brute(&v), "group hidden");
            }
            if batch == 7 {
                v.set_filter(None);
                assert_eq!(shown(&v), brute(&v), "filter cleared");
            }
        }
        assert_eq!(v.visible_len(), shown(&v).len());
        assert_eq!(
            v.visible_from(Timestamp(36)),
            shown(&v).iter().position(|&t| t >= 36).unwrap_or(v.visible_len())
        );
    }
}
