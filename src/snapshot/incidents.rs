//! The incidents of a stack's snapshot, as `bkops watch` follows them: what the dashboard,
//! `bkops status` and `bkops why` already say, each keyed by stack, kind and subject, with
//! the thresholds of `[watch]`.

use super::StackStatus;
use crate::domain::incident::Incident;
use crate::domain::{DiskSignal, Health, Lifecycle, ScalingState, Timestamp};

/// Every kind `bkops watch` knows, in the order the README documents them.
pub const KINDS: [&str; 13] = [
    "jobs_stuck",
    "at_max_size",
    "scaler_error",
    "scaler_silent",
    "paused_long",
    "disk_full",
    "boot_failed",
    "boot_slow",
    "unhealthy",
    "stack_failed",
    "stack_rolling_back",
    "stack_rolled_back",
    "unreadable",
];

/// `[watch]`: the thresholds, and the kinds turned off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Jobs wait (and nothing can take them) this long before it is an incident.
    pub waiting_secs: i64,
    /// The scaler has not run for this long while it should.
    pub scaler_silent_secs: i64,
    /// A stack paused this long is an incident (a pause forgotten after an update).
    pub paused_secs: i64,
    /// A boot still under way this long is an incident; `None`: boots are not read (they
    /// cost a read of boot lines per stack that launched instances).
    pub slow_boot_secs: Option<i64>,
    pub off: Vec<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            waiting_secs: 5 * 60,
            scaler_silent_secs: 10 * 60,
            paused_secs: 4 * 3600,
            slow_boot_secs: None,
            off: Vec::new(),
        }
    }
}

fn with(mut i: Incident, evidence: Vec<String>, hold_secs: i64) -> Incident {
    i.evidence = evidence;
    i.hold_secs = hold_secs;
    i
}

/// The stack's incidents now.
pub fn of(s: &StackStatus, rules: &Rules, now: Timestamp) -> Vec<Incident> {
    let name = s.stack.name.as_str();
    let mut out = Vec::new();
    let d = &s.diagnosis;
    if d.stuck {
        let first = d.reasons.first();
        let evidence = first.map(|r| r.evidence.clone()).unwrap_or_default();
        let text = match first {
            Some(r) => format!("{}: {}", d.summary, r.headline),
            None => d.summary.clone(),
        };
        out.push(with(Incident::new(name, "jobs_stuck", "", text), evidence, rules.waiting_secs));
    }
    if let Some(v) = d.scaler.as_ref().filter(|v| v.outcome == "error") {
        let text = format!("the scaler failed its last run: {}", v.short);
        out.push(with(Incident::new(name, "scaler_error", "", text), v.text.clone(), 0));
    }
    let enabled = matches!(s.stack.scaling, ScalingState::Enabled { .. });
    if let (true, Some(last)) = (enabled, s.scaler.last_invocation_at) {
        let silent = now.secs_since(last);
        if silent >= rules.scaler_silent_secs {
            let text = format!("the scaler has not run for {}", crate::domain::time::format_age(silent));
            let evidence = vec![format!("its last invocation was at {}", last.rfc3339())];
            out.push(with(Incident::new(name, "scaler_silent", "", text), evidence, 0));
        }
    }
    for w in &s.warnings {
        let (kind, hold) = match w.code {
            // Paused by bkops: its record says since when. Otherwise, the watch's own count.
            "paused" => match s.paused_at {
                Some(at) if now.secs_since(at) < rules.paused_secs => continue,
                Some(_) => ("paused_long", 0),
                None => {
                    let mut i = with(
                        Incident::new(name, "paused_long", "", w.text.clone()),
                        Vec::new(),
                        rules.paused_secs,
                    );
                    i.only_over_time = true;
                    out.push(i);
                    continue;
                }
            },
            "at_max_size" => ("at_max_size", rules.waiting_secs),
            "stack_failed" | "stack_rolling_back" | "stack_rolled_back" => (w.code, 0),
            _ => continue,
        };
        out.push(with(Incident::new(name, kind, "", w.text.clone()), Vec::new(), hold));
    }
    for i in s.auto_scaling.iter().flat_map(|a| &a.instances) {
        if i.lifecycle == Lifecycle::Terminating {
            continue;
        }
        if i.disk == DiskSignal::Full {
            out.push(Incident::new(
                name,
                "disk_full",
                &i.id,
                "disk full: its agent refuses jobs".to_string(),
            ));
        }
        if i.boot_failed {
            out.push(Incident::new(name, "boot_failed", &i.id, "its bootstrap failed".to_string()));
        }
        if let (Some(limit), Some((secs, last))) = (rules.slow_boot_secs, i.booting)
            && secs >= limit
        {
            let age = crate::domain::time::format_age;
            let text = format!(
                "still booting after {} (over {}); its last milestone: {last}",
                age(secs),
                age(limit)
            );
            let evidence = vec![format!("bkops boot --stack {name} shows its phases")];
            out.push(with(Incident::new(name, "boot_slow", &i.id, text), evidence, 0));
        }
        if i.health == Health::Unhealthy {
            out.push(Incident::new(name, "unhealthy", &i.id, "Unhealthy, not yet replaced".to_string()));
        }
    }
    if !s.errors.is_empty() {
        let text = format!("cannot read all of {name}: {}", s.errors.join("; "));
        out.push(Incident::new(name, "unreadable", "", text));
    }
    out.retain(|i| !rules.off.iter().any(|k| k == i.key.kind));
    out
}

#[cfg(test)]
mod tests;
