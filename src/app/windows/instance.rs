//! An instance's details (Enter on its row): what it is, how it is doing, and where its logs are.

use super::field;
use crate::app::state::AppState;
use crate::app::text::{TextLine, piece};
use crate::domain::text::sanitize;
use crate::domain::{AgentState, DiskSignal, format_age, groups};
use crate::theme::Role;

pub fn lines(state: &AppState, id: &str) -> Vec<TextLine> {
    let found = state.reads.fleet.data.as_ref().and_then(|f| f.instances.iter().find(|i| i.id == id));
    let Some(i) = found else {
        return vec![TextLine::plain(format!("{} has left the Auto Scaling group.", sanitize(id)))];
    };
    let disk = match i.disk {
        DiskSignal::Unknown => "no disk check seen in its logs".to_string(),
        DiskSignal::Ok => "the last disk check passed".to_string(),
        DiskSignal::Low => "disk check failed; Docker cleanup is running".to_string(),
        DiskSignal::Full => "disk full after cleanup: marked Unhealthy".to_string(),
    };
    let job = i.agents.job.clone().unwrap_or_else(|| "-".into());
    let mut lines = vec![
        field("Instance", sanitize(&i.id).into_owned()),
        field("Lifecycle", i.lifecycle.as_str().into()),
        field("Health", i.health.as_str().into()),
        field(
            "Type",
            match i.spot {
                Some(true) => format!("{} (spot)", i.instance_type),
                Some(false) => format!("{} (on-demand)", i.instance_type),
                None => i.instance_type.clone(),
            },
        ),
        field("Zone", i.availability_zone.clone()),
        field(
            "Launched",
            match i.launched_at {
                Some(t) => format!("{} ({} ago)", t.rfc3339(), format_age(state.now.secs_since(t))),
                None => "not in the group's activity history (older than six weeks?)".into(),
            },
        ),
        field(
            "Scale-in",
            if i.protected_from_scale_in { "protected".into() } else { "not protected".into() },
        ),
        field(
            "Agents",
            match (&i.agents.state, state.reads.fleet.data.as_ref().and_then(|f| f.agents_note.as_deref())) {
                (AgentState::Unknown, Some(note)) => sanitize(note).into_owned(),
                _ => format!("{} ({} of {} busy)", i.agents.state.as_str(), i.agents.busy, i.agents.total),
            },
        ),
        field("Job", sanitize(&job).into_owned()),
        field("Disk", disk),
        field(
            "Bootstrap",
            if i.boot_failed {
                "FAILED: its elastic-stack log has the error (l opens the logs)".into()
            } else {
                "no failure in its logs".into()
            },
        ),
    ];
    lines.extend(super::boot::lines(state, id));
    lines.extend([field(
        "Log stream",
        format!(
            "{} in {}, {} and the other /buildkite/* groups",
            sanitize(&i.id),
            groups::ELASTIC_STACK,
            groups::BUILDKITE_AGENT
        ),
    )]);
    if let Some(t) = crate::analysis::why::trouble(i, state.now) {
        let why = match t {
            "no agent" => "InService with no agent registered: the scaler counts it, but it takes no job",
            "boot failed" => "its bootstrap failed (see its elastic-stack log)",
            "disk full" => "its disk is full after cleanup",
            "agent lost" => "its agent lost its connection to Buildkite",
            "spot notice" => "EC2 sent a Spot interruption notice: it goes within two minutes",
            _ => "terminating while a job runs on it",
        };
        lines.insert(
            1,
            TextLine(vec![
                piece(Role::muted, format!("{:<14}", "Trouble")),
                piece(Role::danger, format!("✗ {why}")),
            ]),
        );
    }
    lines
}
