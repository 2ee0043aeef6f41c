//! The fleet view's state: every stack of every context (`[[contexts]]`), a line each, read
//! while the view shows (and in the background for their incidents), with the jobs waiting on
//! each over the reads (its sparkline), each context's incidents as `bkops watch` follows
//! them, and where the cursor is, by the row's identity.

use std::collections::{HashMap, VecDeque};

use super::resource::Loadable;
use crate::analysis::overview::StackLine;
use crate::analysis::watch::Tracker;
use crate::domain::Timestamp;
use crate::domain::incident::{Incident, IncidentKey};

/// Samples of jobs waiting kept per stack (one per read).
pub const SAMPLES: usize = 60;

/// A row of the fleet view, by what it is, so that the cursor stays on it as rows move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowId {
    /// A context with nothing to list: not read yet, or unreadable (its error on the row).
    Context(usize),
    Stack(usize, String),
}

#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// The contexts' names, as in `[[contexts]]`; empty: the dashboard's own backend alone.
    pub names: Vec<String>,
    /// Each context's lines (one read, even with no contexts).
    pub reads: Vec<Loadable<Vec<StackLine>>>,
    /// Jobs waiting per (context, stack), oldest first.
    pub waiting: HashMap<(usize, String), VecDeque<u32>>,
    /// The context the dashboard shows, when it is one of them.
    pub current: Option<usize>,
    /// The row under the cursor.
    pub cursor: Option<RowId>,
    /// Each context's incidents, followed over its reads.
    pub incidents: Vec<Tracker>,
    /// Incidents that opened on a stack or context not on screen, oldest first, until the
    /// operator goes there or they resolve: the status bar says them.
    pub news: Vec<News>,
}

/// An incident of the `context`-th context not seen on screen yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct News {
    pub context: usize,
    pub key: IncidentKey,
}

/// The stack an incident of a whole context is filed under (it could not be read).
pub const WHOLE_CONTEXT: &str = "*";

impl Overview {
    pub fn new(names: Vec<String>, current: Option<usize>) -> Self {
        let reads = (0..names.len().max(1)).map(|_| Loadable::default()).collect();
        Self { names, reads, current, ..Self::default() }
    }

    /// The context's name; with no contexts, `None` (the dashboard's own backend).
    pub fn name(&self, context: usize) -> Option<&str> {
        self.names.get(context).map(String::as_str)
    }

    /// The rows, most urgent first: contexts that could not be read, then stacks CloudFormation
    /// gave up on, then stacks with a problem, then by jobs waiting, then in the order of the contexts and by name.
    pub fn rows(&self) -> Vec<RowId> {
        let mut stacks: Vec<(&StackLine, usize)> = Vec::new();
        let mut contexts = Vec::new();
        for (n, read) in self.reads.iter().enumerate() {
            match &read.data {
                Some(lines) if read.error.is_none() || !lines.is_empty() => {
                    stacks.extend(lines.iter().map(|l| (l, n)));
                    if lines.is_empty() {
                        contexts.push(RowId::Context(n));
                    }
                }
                _ => contexts.push(RowId::Context(n)),
            }
        }
        stacks.sort_by(|(a, an), (b, bn)| {
            (b.stack_failed, b.problem)
                .cmp(&(a.stack_failed, a.problem))
                .then_with(|| b.waiting.unwrap_or(0).cmp(&a.waiting.unwrap_or(0)))
                .then_with(|| an.cmp(bn))
                .then_with(|| a.stack.cmp(&b.stack))
        });
        // Unreadable contexts lead; ones still being read or with no stack follow the stacks.
        let (failed, quiet): (Vec<RowId>, Vec<RowId>) = contexts.into_iter().partition(|r| match r {
            RowId::Context(n) => self.reads[*n].error.is_some(),
            RowId::Stack(..) => false,
        });
        failed
            .into_iter()
            .chain(stacks.into_iter().map(|(l, n)| RowId::Stack(n, l.stack.clone())))
            .chain(quiet)
            .collect()
    }

    /// The context's incidents, made room for.
    pub fn tracker_mut(&mut self, context: usize) -> &mut Tracker {
        if context >= self.incidents.len() {
            self.incidents.resize_with(context + 1, Tracker::default);
        }
        &mut self.incidents[context]
    }

    /// The incidents open on a stack, oldest first, with when each was first seen.
    pub fn open_on(&self, context: usize, stack: &str) -> Vec<(&Incident, Timestamp)> {
        self.incidents.get(context).map(|t| t.open_on(stack)).unwrap_or_default()
    }

    /// How the status bar names where an incident is: the stack, after its context's name
    /// when there are contexts (the context alone for one that could not be read).
    pub fn place(&self, news: &News) -> String {
        match (self.name(news.context), news.key.stack.as_str()) {
            (Some(c), WHOLE_CONTEXT) => c.to_string(),
            (None, WHOLE_CONTEXT) => "this account".to_string(),
            (Some(c), stack) if self.current != Some(news.context) => format!("{c}/{stack}"),
            (_, stack) => stack.to_string(),
        }
    }

    /// Whether the stack is `shown` (the one the panes show), in the context shown.
    pub fn on_screen(&self, context: usize, stack: &str, shown: Option<&str>) -> bool {
        self.is_current(context) && shown == Some(stack)
    }

    /// Whether the context is the one the dashboard shows (with no contexts, the only one).
    pub fn is_current(&self, context: usize) -> bool {
        self.names.is_empty() || self.current == Some(context)
    }

    /// What the status bar says: the incidents that opened elsewhere than on the stack
    /// `shown`, not gone to yet.
    pub fn news(&self, shown: Option<&str>) -> Vec<&News> {
        self.news.iter().filter(|n| !self.on_screen(n.context, &n.key.stack, shown)).collect()
    }

    /// A stack's line, by context and name.
    pub fn line(&self, context: usize, stack: &str) -> Option<&StackLine> {
        self.reads.get(context)?.data.as_ref()?.iter().find(|l| l.stack == stack)
    }

    /// Where the cursor is among `rows`: on its row, or the first.
    pub fn selected(&self, rows: &[RowId]) -> usize {
        self.cursor.as_ref().and_then(|c| rows.iter().position(|r| r == c)).unwrap_or(0)
    }

    /// A context's lines came: kept, and each stack's jobs waiting added to its samples.
    pub fn record(&mut self, context: usize, lines: &[StackLine]) {
        for l in lines {
            let samples = self.waiting.entry((context, l.stack.clone())).or_default();
            samples.push_back(l.waiting.unwrap_or(0));
            while samples.len() > SAMPLES {
                samples.pop_front();
            }
        }
        // Stacks gone from the context leave with their samples.
        self.waiting.retain(|(c, s), _| *c != context || lines.iter().any(|l| &l.stack == s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BackendError, Timestamp};

    fn line(stack: &str, waiting: u32, problem: bool) -> StackLine {
        StackLine {
            stack: stack.into(),
            queue: "default".into(),
            desired: 1,
            min: 0,
            max: 5,
            scaling: "enabled".into(),
            waiting: Some(waiting),
            agents: Some((0, 1)),
            warnings: Vec::new(),
            verdict: "no change".into(),
            why: None,
            scaler: None,
            problem,
            stack_failed: false,
        }
    }

    #[test]
    fn unreadable_contexts_then_failed_stacks_then_problems_then_the_most_waiting_lead() {
        let mut o = Overview::new(vec!["us".into(), "eu".into(), "ap".into()], None);
        o.reads[0].set(Ok(vec![line("quiet", 0, false), line("busy", 7, false)]), Timestamp(0), 60);
        // A stack CloudFormation gave up on leads the other problems, whatever waits there.
        let stuck = StackLine { stack_failed: true, ..line("stuck", 0, true) };
        o.reads[1].set(Ok(vec![line("broken", 3, true), stuck]), Timestamp(0), 60);
        o.reads[2].set(Err(BackendError::Credentials { hint: "aws sso login".into() }), Timestamp(0), 60);
        let rows = o.rows();
        assert_eq!(
            rows,
            [
                RowId::Context(2),
                RowId::Stack(1, "stuck".into()),
                RowId::Stack(1, "broken".into()),
                RowId::Stack(0, "busy".into()),
                RowId::Stack(0, "quiet".into())
            ]
        );
        // The cursor is a row's identity: it stays on it as the order changes.
        o.cursor = Some(RowId::Stack(0, "quiet".into()));
        o.reads[0].set(Ok(vec![line("quiet", 9, false), line("busy", 7, false)]), Timestamp(1), 60);
        let rows = o.rows();
        assert_eq!(rows[o.selected(&rows)], RowId::Stack(0, "quiet".into()));
        assert_eq!(o.selected(&rows), 3);
    }

    #[test]
    fn samples_are_kept_per_stack_up_to_a_bound_and_leave_with_the_stack() {
        let mut o = Overview::new(Vec::new(), None);
        for n in 0..(SAMPLES as u32 + 5) {
            o.record(0, &[line("a", n, false), line("b", 1, false)]);
        }
        let a = &o.waiting[&(0, "a".to_string())];
        assert_eq!((a.len(), a.front().copied(), a.back().copied()), (SAMPLES, Some(5), Some(64)));
        o.record(0, &[line("a", 1, false)]);
        assert!(!o.waiting.contains_key(&(0, "b".to_string())), "b is gone");
    }
}
