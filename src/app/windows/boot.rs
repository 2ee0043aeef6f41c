//! An instance's boot in its details: launch to ready, the slowest phase, and each phase's
//! length, from its own lines (`analysis::boot`).

use super::field;
use crate::analysis::boot::{is_booting, phases, ready_secs, slowest};
use crate::app::state::AppState;
use crate::app::text::TextLine;
use crate::domain::boot::Milestone;
use crate::domain::format_span;
use crate::domain::text::sanitize;

pub fn lines(state: &AppState, id: &str) -> Vec<TextLine> {
    let read = &state.reads.boots;
    let Some(boots) = &read.data else {
        let text = match &read.error {
            Some(e) => format!("its boot lines could not be read: {}", sanitize(&e.to_string())),
            None => "reading its boot lines…".to_string(),
        };
        return vec![field("Boot", text)];
    };
    let Some(boot) = boots.iter().find(|b| b.instance == id) else {
        let hours = crate::app::BOOTS_WINDOW_SECS / 3600;
        return vec![field("Boot", format!("launched more than {hours}h ago, or not by Auto Scaling"))];
    };
    let launched = boot.when(Milestone::Launched);
    let head = match (ready_secs(boot), &boot.failure) {
        (Some(s), _) => format!("ready {} after launch", format_span(s)),
        (None, Some(_)) => "its bootstrap FAILED (Bootstrap above)".to_string(),
        (None, None) if boot.when(Milestone::BootstrapDone).is_some() => {
            "bootstrap done, but no agent has registered".to_string()
        }
        (None, None) if is_booting(boot) => match launched {
            Some(t) => format!("booting, launched {} ago", format_span(state.now.secs_since(t))),
            None => "booting".to_string(),
        },
        (None, None) => "ready, at a time its lines do not say".to_string(),
    };
    let head = match slowest(boot) {
        Some(phase) if !is_booting(boot) => format!("{head}; slowest: {phase}"),
        _ => head,
    };
    let each: Vec<String> = phases(boot)
        .into_iter()
        .map(|(name, s)| format!("{name} {}", s.map_or_else(|| "?".to_string(), format_span)))
        .collect();
    // Three phases, then two: each line fits an 80-column window whatever the lengths.
    let (first, rest) = each.split_at(3.min(each.len()));
    vec![field("Boot", head), field("", first.join(", ")), field("", rest.join(", "))]
}
