//! The plan of an update as the operator reads it before saying yes: the parameters that
//! change (a secret masked), the resources the change set touches and which are replaced,
//! and what that does to the fleet. The command line and the dashboard say the same.

use super::ParamPlan;
use crate::ops::port::stack_update::{ChangeSetView, UpdateSource};

pub fn parameters_text(source: &UpdateSource, params: &ParamPlan) -> String {
    let mut out = format!("Preview of the update of {}", source.stack);
    match (&source.version, &source.template_version) {
        (Some(from), Some(to)) if from != to => out.push_str(&format!(": {from} → {to}\n")),
        (Some(v), _) => out.push_str(&format!(" ({v}, its own template)\n")),
        _ => out.push('\n'),
    }
    if params.changes.is_empty() {
        out.push_str("  parameters  none change\n");
    }
    for c in &params.changes {
        let line = match (&c.old, &c.new) {
            (Some(o), Some(n)) => format!("{}: {o} → {n}", c.key),
            (None, Some(n)) => format!("{}: {n} (new in the template, its default)", c.key),
            (Some(o), None) => format!("{}: {o} (dropped by the template)", c.key),
            (None, None) => c.key.clone(),
        };
        out.push_str(&format!("  parameter   {line}\n"));
    }
    out
}

pub fn changes_text(view: &ChangeSetView, source: &UpdateSource, drain: bool) -> String {
    let mut out = String::new();
    for c in &view.changes {
        let replaced = match c.replacement.as_deref() {
            Some("True") => "  REPLACED",
            Some("Conditional") => "  may be replaced",
            _ => "",
        };
        out.push_str(&format!(
            "  resource    {} {} ({}){replaced}\n",
            c.action, c.logical_id, c.resource_type
        ));
    }
    for n in super::fleet_notes(view, source, drain) {
        out.push_str(&format!("  note    {n}\n"));
    }
    out
}
