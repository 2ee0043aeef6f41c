//! Capacity on its way: instances launched and not yet taking jobs, with how long a boot
//! takes on this stack (its own boots of the last hours) and when the first should be ready.

use super::{PENDING_TOO_LONG_SECS, Seen, age, reason};
use crate::analysis::boot::{slower, slowest_median, summary};
use crate::analysis::why::{Reason, ZOMBIE_AFTER_SECS};
use crate::domain::text::count;
use crate::domain::{AgentState, Instance, Lifecycle, format_span};

/// Launched, and neither taking jobs nor given up on: Pending (not yet stuck), or InService
/// with no agent yet (not yet a zombie) and no failed bootstrap. Without the agents read
/// (no Buildkite token), only Pending instances are known to be on their way.
fn on_its_way(seen: &Seen<'_>, i: &Instance) -> bool {
    let young = |limit: i64| age(seen, i).is_none_or(|a| a <= limit);
    match i.lifecycle {
        Lifecycle::Pending => young(PENDING_TOO_LONG_SECS),
        Lifecycle::InService => {
            i.agents.state == AgentState::None && !i.boot_failed && young(ZOMBIE_AFTER_SECS)
        }
        _ => false,
    }
}

pub(in crate::analysis::why) fn capacity_coming(seen: &Seen<'_>) -> Option<Reason> {
    let coming: Vec<&Instance> = seen.f.fleet?.instances.iter().filter(|i| on_its_way(seen, i)).collect();
    if coming.is_empty() {
        return None;
    }
    let typical = seen.f.boots.map(summary);
    let ready = typical.as_ref().and_then(|s| s.ready);
    let slowest = typical.as_ref().and_then(|s| slowest_median(&s.phases)).map(|(name, _)| name);
    // The one launched first, at this stack's median boot.
    let first_in =
        ready.and_then(|r| coming.iter().filter_map(|i| age(seen, i)).map(|a| (r.median - a).max(0)).min());
    let mut said =
        format!("Capacity is coming: {} booting", count(coming.len() as u64, "instance", "instances"));
    if let Some(r) = ready {
        said.push_str(&format!(", median boot {}", format_span(r.median)));
        if let Some(phase) = slowest {
            said.push_str(&format!(" (slowest: {phase})"));
        }
    }
    match first_in {
        Some(0) => said.push_str(", the first due now (past this stack's median boot)"),
        Some(secs) => said.push_str(&format!(", first ready in about {}", format_span(secs))),
        None => {}
    }
    let mut evidence = vec![said];
    if let Some(s) = seen.f.boots.and_then(|b| slower(b, seen.f.now)) {
        evidence.push(format!(
            "Boots are slower than this stack's own: {} in the last hour against {} before; {} grew from {} to {}",
            format_span(s.recent),
            format_span(s.before),
            s.phase,
            format_span(s.phase_before),
            format_span(s.phase_recent)
        ));
    }
    evidence.extend(coming.iter().map(|i| {
        let launched =
            age(seen, i).map_or_else(String::new, |a| format!(", launched {} ago", format_span(a)));
        format!("{} {}{launched}", i.id, i.lifecycle.as_str())
    }));
    let headline = match first_in {
        Some(secs) if secs > 0 => format!("{} booting, ready in ~{}", coming.len(), format_span(secs)),
        _ => format!("{} booting", coming.len()),
    };
    Some(reason("capacity_coming", headline, evidence))
}
