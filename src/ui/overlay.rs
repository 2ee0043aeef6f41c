//! Windows over the dashboard: the help (generated from the keymap) and row details.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::text::lines;
use crate::app::{AppState, Overlay};
use crate::domain::text::sanitize;
use crate::domain::{AgentState, DiskSignal, ScalingActivity, format_age, groups};
use crate::theme::{Role, Theme};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

fn frame_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(format!(" {title} "), theme.style(Role::title)))
        .title_bottom(Span::styled(" Esc close · ↑↓ scroll ", theme.style(Role::muted)))
        .style(theme.style(Role::base))
}

/// "An action is running": quitting now would leave it half-done, so bkops asks.
pub fn draw_leaving(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if !state.exit.is_asking() {
        return;
    }
    let title = state.writing.as_deref().unwrap_or("an action");
    let lines = vec![
        Line::from(Span::styled(format!("{} is still running.", sanitize(title)), theme.style(Role::warn))),
        Line::from("Quitting now would stop it between two calls."),
        Line::from(""),
        Line::from("f  let it finish, then quit"),
        Line::from("a  abandon it now and quit (what was and was not done goes to the audit log)"),
        Line::from("Esc  stay"),
    ];
    let width = area.width.saturating_sub(4).min(90);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(" Quit? ", theme.style(Role::title)))
        .style(theme.style(Role::base));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(overlay) = &state.overlay else { return };
    let (title, text, scroll) = match overlay {
        Overlay::Timeline { sel, secs } => {
            return super::timeline::draw(frame, area, state, theme, *sel, *secs);
        }
        // The whole screen but the status bar, which says what Enter found.
        Overlay::Overview => {
            let above = Rect { height: area.height.saturating_sub(1), ..area };
            return super::overview::draw(frame, above, state, theme);
        }
        Overlay::Help { scroll, from, filter } => {
            ("Keys", lines(&crate::app::help::lines(&state.settings.keymap, from, filter), theme), *scroll)
        }
        Overlay::Instance(id) => ("Instance", instance_lines(state, id, theme), 0),
        Overlay::Activity(id) => ("Scaling activity", activity_lines(state, id, theme), 0),
        Overlay::Errors { scroll } | Overlay::Why { scroll } | Overlay::Doctor { scroll } => {
            let Some((title, text)) = crate::app::windows::text(state) else { return };
            (title, lines(&text, theme), *scroll)
        }
    };
    let fit = crate::app::help::fit_widths(text.iter().map(Line::width), (area.width, area.height));
    let rect = centered(area, fit.width, fit.height);
    frame.render_widget(Clear, rect);
    let max_scroll = fit.max_scroll;
    let para = Paragraph::new(text)
        .block(frame_block(title, theme))
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(max_scroll), 0));
    frame.render_widget(para, rect);
}

fn field(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label:<14}"), theme.style(Role::muted)), Span::raw(value)])
}

fn instance_lines(state: &AppState, id: &str, theme: &Theme) -> Vec<Line<'static>> {
    let found = state.reads.fleet.data.as_ref().and_then(|f| f.instances.iter().find(|i| i.id == id));
    let Some(i) = found else {
        return vec![Line::from(format!("{} has left the Auto Scaling group.", sanitize(id)))];
    };
    let disk = match i.disk {
        DiskSignal::Unknown => "no disk check seen in its logs".to_string(),
        DiskSignal::Ok => "the last disk check passed".to_string(),
        DiskSignal::Low => "disk check failed; Docker cleanup is running".to_string(),
        DiskSignal::Full => "disk full after cleanup: marked Unhealthy".to_string(),
    };
    let job = i.agents.job.clone().unwrap_or_else(|| "-".into());
    let mut lines = vec![
        field("Instance", sanitize(&i.id).into_owned(), theme),
        field("Lifecycle", i.lifecycle.as_str().into(), theme),
        field("Health", i.health.as_str().into(), theme),
        field(
            "Type",
            match i.spot {
                Some(true) => format!("{} (spot)", i.instance_type),
                Some(false) => format!("{} (on-demand)", i.instance_type),
                None => i.instance_type.clone(),
            },
            theme,
        ),
        field("Zone", i.availability_zone.clone(), theme),
        field(
            "Launched",
            match i.launched_at {
                Some(t) => format!("{} ({} ago)", t.rfc3339(), format_age(state.now.secs_since(t))),
                None => "not in the group's activity history (older than six weeks?)".into(),
            },
            theme,
        ),
        field(
            "Scale-in",
            if i.protected_from_scale_in { "protected".into() } else { "not protected".into() },
            theme,
        ),
        field(
            "Agents",
            match (&i.agents.state, state.reads.fleet.data.as_ref().and_then(|f| f.agents_note.as_deref())) {
                (AgentState::Unknown, Some(note)) => sanitize(note).into_owned(),
                _ => format!("{} ({} of {} busy)", i.agents.state.as_str(), i.agents.busy, i.agents.total),
            },
            theme,
        ),
        field("Job", sanitize(&job).into_owned(), theme),
        field("Disk", disk, theme),
        field(
            "Bootstrap",
            if i.boot_failed {
                "FAILED: its elastic-stack log has the error (l opens the logs)".into()
            } else {
                "no failure in its logs".into()
            },
            theme,
        ),
        field(
            "Log stream",
            format!(
                "{} in {}, {} and the other /buildkite/* groups",
                sanitize(&i.id),
                groups::ELASTIC_STACK,
                groups::BUILDKITE_AGENT
            ),
            theme,
        ),
    ];
    if let Some(t) = crate::domain::why::trouble(i, state.now) {
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
            Line::from(vec![
                Span::styled(format!("{:<14}", "Trouble"), theme.style(Role::muted)),
                Span::styled(format!("✗ {why}"), theme.style(Role::danger)),
            ]),
        );
    }
    lines
}

/// Who ended the instance with bkops and the jobs its agents were running, from the timeline
/// (read while these details are shown).
fn termination_lines(state: &AppState, a: &ScalingActivity, theme: &Theme) -> Vec<Line<'static>> {
    let t = &state.reads.timeline;
    let Some(timeline) = &t.data else {
        let text = if t.loading { "reading its agents' last lines…" } else { "not read" };
        return vec![field("Was running", text.into(), theme)];
    };
    let instance = crate::domain::timeline::activity_instance(&a.description);
    let Some(e) = timeline.events.iter().find(|e| e.at == a.start && e.instance.as_deref() == instance)
    else {
        return Vec::new();
    };
    let mut out: Vec<Line<'static>> =
        e.by.iter().map(|who| field("By", format!("{} (bkops)", sanitize(who)), theme)).collect();
    if e.jobs.is_empty() {
        out.push(field("Was running", "no unfinished job in its agents' lines".into(), theme));
    }
    for job in &e.jobs {
        out.push(field("Was running", sanitize(&job.name()).into_owned(), theme));
        out.push(field("", sanitize(&job.web_url()).into_owned(), theme));
    }
    out
}

fn activity_lines(state: &AppState, id: &str, theme: &Theme) -> Vec<Line<'static>> {
    let found = state.reads.activities.data.as_ref().and_then(|a| a.iter().find(|a| a.id == id));
    let Some(a) = found else {
        return vec![Line::from("This activity is no longer listed.")];
    };
    let status_role = if a.status.is_failure() { Role::warn } else { Role::base };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<14}", "Status"), theme.style(Role::muted)),
            Span::styled(a.status.as_str(), theme.style(status_role)),
        ]),
        field("Started", a.start.rfc3339(), theme),
        field(
            "Ended",
            a.end
                .map(|e| format!("{} (took {})", e.rfc3339(), format_age(e.secs_since(a.start))))
                .unwrap_or_else(|| "in progress".into()),
            theme,
        ),
        field("Activity ID", a.id.clone(), theme),
    ];
    if let Some(by) = crate::domain::forensics::ended_by(a) {
        lines.push(field("Ended by", by.label().into(), theme));
        lines.extend(termination_lines(state, a, theme));
    }
    lines.extend([
        Line::default(),
        Line::from(Span::styled("Description", theme.style(Role::header))),
        Line::from(sanitize(&a.description).into_owned()),
        Line::default(),
        Line::from(Span::styled("Cause", theme.style(Role::header))),
        Line::from(sanitize(&a.cause).into_owned()),
    ]);
    if let Some(m) = &a.status_message {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Status message", theme.style(Role::header))));
        lines.push(Line::from(Span::styled(sanitize(m).into_owned(), theme.style(Role::warn))));
    }
    lines
}
