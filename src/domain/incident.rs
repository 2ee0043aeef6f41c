//! An incident: something an on-call engineer is paged for, on one stack (and one instance of
//! it, where it is about one), as `bkops watch` opens and resolves it.

use serde::Serialize;

/// What makes two observations the same incident: its stack, its kind and its subject (an
/// instance ID, or empty when it is about the stack).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct IncidentKey {
    pub stack: String,
    /// `jobs_stuck`, `scaler_error`, `disk_full`, … (the README lists them).
    pub kind: &'static str,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    #[serde(flatten)]
    pub key: IncidentKey,
    /// One sentence: what is wrong.
    pub text: String,
    /// What shows it, and what to do.
    pub evidence: Vec<String>,
    /// How long it must hold before it is said (a threshold such as jobs waiting for five
    /// minutes); 0 to say it at once.
    #[serde(skip)]
    pub hold_secs: i64,
    /// Its hold is what makes it one (a pause whose start is not known: only watching it
    /// last says it is long), so one look (`--once`) cannot say it.
    #[serde(skip)]
    pub only_over_time: bool,
}

impl Incident {
    pub fn new(stack: &str, kind: &'static str, subject: &str, text: String) -> Self {
        Incident {
            key: IncidentKey { stack: stack.to_string(), kind, subject: subject.to_string() },
            text,
            evidence: Vec::new(),
            hold_secs: 0,
            only_over_time: false,
        }
    }
}
