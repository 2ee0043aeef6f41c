//! A scaling activity's details (Enter on its row), and for a termination bkops made, who made
//! it and the jobs it cut short.

use super::field;
use crate::app::state::AppState;
use crate::app::text::{TextLine, piece};
use crate::domain::text::sanitize;
use crate::domain::{ScalingActivity, format_age};
use crate::theme::Role;

/// Who ended the instance with bkops and the jobs its agents were running, from the timeline
/// (read while these details are shown).
fn termination_lines(state: &AppState, a: &ScalingActivity) -> Vec<TextLine> {
    let t = &state.reads.timeline;
    let Some(timeline) = &t.data else {
        let text = if t.loading { "reading its agents' last lines…" } else { "not read" };
        return vec![field("Was running", text.into())];
    };
    let instance = crate::analysis::timeline::activity_instance(&a.description);
    let Some(e) = timeline.events.iter().find(|e| e.at == a.start && e.instance.as_deref() == instance)
    else {
        return Vec::new();
    };
    let mut out: Vec<TextLine> =
        e.by.iter().map(|who| field("By", format!("{} (bkops)", sanitize(who)))).collect();
    if e.jobs.is_empty() {
        out.push(field("Was running", "no unfinished job in its agents' lines".into()));
    }
    for job in &e.jobs {
        out.push(field("Was running", sanitize(&job.name()).into_owned()));
        out.push(field("", sanitize(&job.web_url()).into_owned()));
    }
    out
}

pub fn lines(state: &AppState, id: &str) -> Vec<TextLine> {
    let found = state.reads.activities.data.as_ref().and_then(|a| a.iter().find(|a| a.id == id));
    let Some(a) = found else {
        return vec![TextLine::plain("This activity is no longer listed.")];
    };
    let status_role = if a.status.is_failure() { Role::warn } else { Role::base };
    let mut lines = vec![
        TextLine(vec![
            piece(Role::muted, format!("{:<14}", "Status")),
            piece(status_role, a.status.as_str()),
        ]),
        field("Started", a.start.rfc3339()),
        field(
            "Ended",
            a.end
                .map(|e| format!("{} (took {})", e.rfc3339(), format_age(e.secs_since(a.start))))
                .unwrap_or_else(|| "in progress".into()),
        ),
        field("Activity ID", a.id.clone()),
    ];
    if let Some(by) = crate::analysis::forensics::ended_by(a) {
        lines.push(field("Ended by", by.label().into()));
        lines.extend(termination_lines(state, a));
    }
    lines.extend([
        TextLine::default(),
        TextLine::styled(Role::header, "Description"),
        TextLine::plain(sanitize(&a.description).into_owned()),
        TextLine::default(),
        TextLine::styled(Role::header, "Cause"),
        TextLine::plain(sanitize(&a.cause).into_owned()),
    ]);
    if let Some(m) = &a.status_message {
        lines.push(TextLine::default());
        lines.push(TextLine::styled(Role::header, "Status message"));
        lines.push(TextLine::styled(Role::warn, sanitize(m).into_owned()));
    }
    lines
}
