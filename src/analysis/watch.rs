//! Incidents followed over time, as `bkops watch` says them: each opens once (after its hold,
//! when it has one), does not repeat while it stays open, and resolves once it has been gone a
//! minute (a flapping incident is not resolved and opened again every evaluation). A stack
//! that could not be read this time keeps its incidents as they were: not knowing is not a
//! resolution.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::Timestamp;
use crate::domain::incident::{Incident, IncidentKey};

/// How long an incident must be gone before it is said to be resolved.
pub const FLAP_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Opened,
    Resolved,
}

/// One thing to say: an incident opened or resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub change: Change,
    pub incident: Incident,
    /// When it was first seen (for a resolution, how long it was open comes from this).
    pub since: Timestamp,
    pub at: Timestamp,
}

#[derive(Debug, Clone)]
struct Open {
    incident: Incident,
    since: Timestamp,
    /// When it was last not seen, while it may be flapping.
    gone_since: Option<Timestamp>,
}

#[derive(Debug, Clone, Default)]
pub struct Tracker {
    open: BTreeMap<IncidentKey, Open>,
    /// Seen, and held until their hold has passed.
    pending: BTreeMap<IncidentKey, Timestamp>,
}

impl Tracker {
    /// What this evaluation changes: `seen` is every incident found now; `unread` names the
    /// stacks that could not be read, whose incidents stand as they were.
    pub fn observe(&mut self, now: Timestamp, seen: Vec<Incident>, unread: &[String]) -> Vec<Event> {
        let mut out = Vec::new();
        let present: Vec<IncidentKey> = seen.iter().map(|i| i.key.clone()).collect();
        for incident in seen {
            let key = incident.key.clone();
            if let Some(o) = self.open.get_mut(&key) {
                o.incident = incident;
                o.gone_since = None;
                continue;
            }
            let first = *self.pending.entry(key.clone()).or_insert(now);
            if now.secs_since(first) >= incident.hold_secs {
                self.pending.remove(&key);
                out.push(Event { change: Change::Opened, incident: incident.clone(), since: first, at: now });
                self.open.insert(key, Open { incident, since: first, gone_since: None });
            }
        }
        self.pending.retain(|k, _| present.contains(k));
        let mut resolved = Vec::new();
        for (key, o) in self.open.iter_mut() {
            if present.contains(key) || unread.contains(&key.stack) {
                continue;
            }
            let gone = *o.gone_since.get_or_insert(now);
            if now.secs_since(gone) >= FLAP_SECS {
                resolved.push(key.clone());
            }
        }
        for key in resolved {
            if let Some(o) = self.open.remove(&key) {
                out.push(Event { change: Change::Resolved, incident: o.incident, since: o.since, at: now });
            }
        }
        out
    }

    /// The stacks with an incident open.
    pub fn stacks(&self) -> Vec<String> {
        let mut all: Vec<String> = self.open.keys().map(|k| k.stack.clone()).collect();
        all.dedup();
        all
    }

    /// The incidents open on one stack, oldest first, with when each was first seen.
    pub fn open_on(&self, stack: &str) -> Vec<(&Incident, Timestamp)> {
        let mut on: Vec<(&Incident, Timestamp)> = self
            .open
            .values()
            .filter(|o| o.incident.key.stack == stack)
            .map(|o| (&o.incident, o.since))
            .collect();
        on.sort_by_key(|(i, since)| (*since, i.key.clone()));
        on
    }

    /// Whether any incident is open.
    pub fn any_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// The incidents open now, oldest first, with when each was first seen.
    pub fn open(&self) -> Vec<(&Incident, Timestamp)> {
        let mut all: Vec<(&Incident, Timestamp)> =
            self.open.values().map(|o| (&o.incident, o.since)).collect();
        all.sort_by_key(|(i, since)| (*since, i.key.clone()));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp(1_795_000_000_000);

    fn disk(instance: &str) -> Incident {
        Incident::new("ci-linux", "disk_full", instance, format!("{instance}: disk full"))
    }

    fn at(secs: i64) -> Timestamp {
        T.plus_secs(secs)
    }

    #[test]
    fn an_incident_opens_once_and_does_not_repeat_while_it_stays() {
        let mut t = Tracker::default();
        let e = t.observe(at(0), vec![disk("i-1")], &[]);
        assert_eq!((e.len(), e[0].change), (1, Change::Opened));
        for n in 1..5 {
            assert!(t.observe(at(60 * n), vec![disk("i-1")], &[]).is_empty(), "not again");
        }
        // Another instance is another incident.
        assert_eq!(t.observe(at(300), vec![disk("i-1"), disk("i-2")], &[]).len(), 1);
        assert_eq!(t.open().len(), 2);
    }

    #[test]
    fn it_resolves_once_gone_a_minute_and_a_flap_is_neither() {
        let mut t = Tracker::default();
        t.observe(at(0), vec![disk("i-1")], &[]);
        assert!(t.observe(at(30), vec![], &[]).is_empty(), "gone for less than a minute");
        assert!(t.observe(at(60), vec![disk("i-1")], &[]).is_empty(), "back: no new opening");
        assert!(t.observe(at(90), vec![], &[]).is_empty());
        let e = t.observe(at(150), vec![], &[]);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].change, e[0].since, e[0].at), (Change::Resolved, at(0), at(150)));
        assert!(t.observe(at(300), vec![], &[]).is_empty(), "said once");
        assert!(t.open().is_empty());
    }

    #[test]
    fn a_held_incident_opens_only_once_it_has_held_and_counts_from_when_it_was_first_seen() {
        let mut t = Tracker::default();
        let waiting = |_at: i64| Incident {
            hold_secs: 300,
            ..Incident::new("ci-linux", "jobs_stuck", "", "jobs wait".into())
        };
        assert!(t.observe(at(0), vec![waiting(0)], &[]).is_empty());
        assert!(t.observe(at(240), vec![waiting(240)], &[]).is_empty());
        let e = t.observe(at(300), vec![waiting(300)], &[]);
        assert_eq!((e.len(), e[0].since), (1, at(0)));
        // Gone before its hold: forgotten, and counted afresh.
        let mut t = Tracker::default();
        t.observe(at(0), vec![waiting(0)], &[]);
        t.observe(at(200), vec![], &[]);
        assert!(t.observe(at(300), vec![waiting(300)], &[]).is_empty());
    }

    #[test]
    fn a_stack_that_could_not_be_read_keeps_its_incidents_open() {
        let mut t = Tracker::default();
        t.observe(at(0), vec![disk("i-1")], &[]);
        let unread = ["ci-linux".to_string()];
        assert!(t.observe(at(120), vec![], &unread).is_empty());
        assert!(t.observe(at(240), vec![], &unread).is_empty());
        assert_eq!(t.open().len(), 1);
    }
}
