//! The bottom line: where the data comes from and how old it is, the last error, and the
//! prompt while one is open.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{AppState, PromptKind};
use crate::domain::format_age;
use crate::domain::text::{sanitize, truncate};
use crate::theme::{Role, Theme};

/// A zone as the status bar names it: UTC, its IANA name (Europe/Berlin), or its offset now.
pub fn zone_name(zone: &jiff::tz::TimeZone, now: crate::domain::Timestamp) -> String {
    if zone == &jiff::tz::TimeZone::UTC {
        return "UTC".into();
    }
    match zone.iana_name() {
        Some(name) => name.to_string(),
        None => jiff::Timestamp::from_millisecond(now.millis())
            .map_or_else(|_| "local".to_string(), |t| zone.to_offset(t).to_string()),
    }
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.chars().count()).sum()
}

/// A few of the focused pane's keys ("l logs · s shell · X terminate"), with the keys in effect.
fn hint(state: &AppState) -> Vec<String> {
    use crate::app::Pane;
    use crate::app::keymap::{Action as A, Scope as S};
    if !state.settings.hints || state.overlay.is_some() {
        return Vec::new();
    }
    let wanted: &[(S, A, &str)] = if state.logs.is_some() {
        &[(S::Logs, A::Search, "search"), (S::Logs, A::Filter, "filter"), (S::Logs, A::FirstError, "error")]
    } else {
        match state.focus {
            Pane::Instances => &[
                (S::Instances, A::OpenLogs, "logs"),
                (S::Instances, A::OpenShell, "shell"),
                (S::Instances, A::Terminate, "terminate"),
            ],
            Pane::Stacks => &[(S::List, A::Open, "show"), (S::Global, A::PauseResume, "pause")],
            Pane::Queue => &[(S::Queue, A::ShowWhy, "why")],
            Pane::Activity => &[(S::List, A::Open, "details"), (S::Global, A::ShowTimeline, "timeline")],
        }
    };
    let keymap = &state.settings.keymap;
    wanted.iter().filter_map(|(s, a, what)| keymap.key_for(*s, *a).map(|k| format!("{k} {what}"))).collect()
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if let Some(prompt) = &state.prompt {
        let (lead, hint) = match prompt.kind {
            PromptKind::Filter(_) => ("/", "  Enter apply · Esc clear · !x inverts · col:x"),
            PromptKind::LogFilter => ("&", "  Enter apply · Esc clear · !x inverts"),
            PromptKind::HelpFilter => ("/", "  the keys and commands that mention it · Enter · Esc clears"),
            PromptKind::LogSearch => ("/", "  Enter search · n newer · N older · Esc cancel"),
            PromptKind::Command => (":", "  Enter run · Tab complete · Esc cancel"),
        };
        // Tab's candidates, when more than one fits, in place of the hint.
        let hint = if state.completions.is_empty() {
            hint.to_string()
        } else {
            format!("  {}", sanitize(&state.completions.join("  ")))
        };
        let line = Line::from(vec![
            Span::styled(format!("{lead}{}▏", sanitize(&prompt.text)), theme.style(Role::prompt)),
            Span::styled(hint, theme.style(Role::muted)),
        ]);
        frame.render_widget(Paragraph::new(line).style(theme.style(Role::prompt)), area);
        return;
    }
    let bar = theme.style(Role::status_bar);
    let sep = Span::styled(" │ ", bar);
    // A message for the operator (a saved file's path, a refused command) gets the whole bar.
    if let Some(flash) = &state.flash {
        let role = if flash.is_error { Role::danger } else { Role::accent };
        let room = usize::from(area.width).saturating_sub(10);
        let line = Line::from(vec![
            Span::styled(" bkops", bar),
            sep,
            Span::styled(truncate(&sanitize(&flash.text), room).into_owned(), theme.style(role)),
        ]);
        frame.render_widget(Paragraph::new(line).style(bar), area);
        return;
    }
    let mut spans = vec![Span::styled(" bkops", bar), sep.clone(), Span::styled(state.backend.clone(), bar)];
    if state.settings.read_only {
        spans.insert(1, Span::raw(" "));
        spans.insert(2, Span::styled(" READ-ONLY ", theme.style(Role::paused)));
    }
    if let Some(s) = state.stack_summary() {
        spans.push(sep.clone());
        spans.push(Span::styled(sanitize(&s.name).into_owned(), bar));
        if s.scaling.is_paused() {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(" PAUSED ", theme.style(Role::paused)));
        }
    }
    // The panes are not read while something covers them: their age would say nothing.
    if !state.panes_covered() {
        spans.push(sep.clone());
        spans.push(match state.data_age_secs() {
            Some(age) if age > 60 => {
                Span::styled(format!("data {} old", format_age(age)), theme.style(Role::warn))
            }
            Some(age) => Span::styled(format!("data {} old", format_age(age)), bar),
            None => Span::styled("no data yet", bar),
        });
    }
    // The account, after the profile it belongs to, when the line has room for it.
    if let Some(account) = &state.account {
        let text = format!(" acct {account}");
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        if used + text.chars().count() + 8 <= usize::from(area.width) {
            spans.insert(3, Span::styled(text, bar));
        }
    }
    // With errors, the right end says where to read them whole (the line has room for a cut
    // first one only).
    let errors = state.errors();
    // The zone the times are in, named once.
    let zone = zone_name(&state.settings.zone, state.now);
    let right = match errors.len() {
        0 => format!("{zone} · ? help "),
        1 => format!("{zone} · E: in full "),
        n => format!("{zone} · E: all {n} "),
    };
    // The focused pane's main keys, as bound now, as many as the line has room for (none
    // while an error is shown).
    let right = {
        let mut parts = if errors.is_empty() { hint(state) } else { Vec::new() };
        let fits = |parts: &[String]| {
            spans_width(&spans) + parts.join(" · ").chars().count() + right.chars().count() + 6
                <= usize::from(area.width)
        };
        while !parts.is_empty() && !fits(&parts) {
            parts.pop();
        }
        if parts.is_empty() { right } else { format!("{} · {right}", parts.join(" · ")) }
    };
    let right_width = right.chars().count();
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    // The separator before the error, and one space before the right end.
    let room = usize::from(area.width).saturating_sub(used + 3 + right_width + 1);
    if let Some((what, err, _)) = errors.first() {
        spans.push(sep.clone());
        let text = format!("{what}: {err}");
        spans.push(Span::styled(truncate(&sanitize(&text), room).into_owned(), theme.style(Role::danger)));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let pad = usize::from(area.width).saturating_sub(used + right_width);
    spans.push(Span::styled(" ".repeat(pad), bar));
    spans.push(Span::styled(right, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}
