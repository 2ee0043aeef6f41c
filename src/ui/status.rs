//! The bottom line: where the data comes from and how old it is, the last error, and the
//! prompt while one is open.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{AppState, Prompt, PromptKind};
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

/// A part of the status bar with its separator, and how much the operator needs it (100:
/// always shown).
struct Field<'a> {
    rank: u8,
    spans: Vec<Span<'a>>,
}

impl<'a> Field<'a> {
    fn new(rank: u8, spans: Vec<Span<'a>>) -> Self {
        Self { rank, spans }
    }

    fn width(&self) -> usize {
        spans_width(&self.spans)
    }
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
        return draw_prompt(frame, area, state, prompt, theme);
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
    draw_fields(frame, area, state, theme);
}

fn draw_prompt(frame: &mut Frame, area: Rect, state: &AppState, prompt: &Prompt, theme: &Theme) {
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
}

/// Between the left and the right end, at least this many spaces: neither reads as part of
/// the other.
const GAP: usize = 3;

/// The left end's fields, each with its rank (how much the operator needs it); the news of
/// other stacks' incidents is put in by `draw_fields`, once it knows the room.
fn left_fields(state: &AppState, theme: &Theme) -> Vec<Field<'static>> {
    let bar = theme.style(Role::status_bar);
    let sep = Span::styled(" │ ", bar);
    let mut left: Vec<Field> = vec![Field::new(100, vec![Span::styled(" bkops", bar)])];
    if state.settings.read_only {
        left.push(Field::new(
            95,
            vec![Span::raw(" "), Span::styled(" READ-ONLY ", theme.style(Role::paused))],
        ));
    }
    left.push(Field::new(40, vec![sep.clone(), Span::styled(state.backend.clone(), bar)]));
    // The account, after the profile it belongs to.
    if let Some(account) = &state.account {
        left.push(Field::new(10, vec![Span::styled(format!(" acct {account}"), bar)]));
    }
    if let Some(s) = state.stack_summary() {
        let mut spans = vec![sep.clone(), Span::styled(sanitize(&s.name).into_owned(), bar)];
        if s.scaling.is_paused() {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(" PAUSED ", theme.style(Role::paused)));
        }
        left.push(Field::new(90, spans));
    }
    // The panes are not read while something covers them: their age would say nothing.
    if !state.panes_covered() {
        let age = match state.data_age_secs() {
            Some(age) if age > 60 => {
                Span::styled(format!("data {} old", format_age(age)), theme.style(Role::warn))
            }
            Some(age) => Span::styled(format!("data {} old", format_age(age)), bar),
            None => Span::styled("no data yet", bar),
        };
        left.push(Field::new(AGE_RANK, vec![sep, age]));
    }
    left
}

/// The incidents that opened on stacks not on screen ("2 new: ci-arm64 scaler error,
/// prod-eu/ci-linux disk full · I go") in `room`, the key that goes there kept in view.
fn news(state: &AppState, room: usize) -> Option<String> {
    use crate::app::keymap::Action;
    let news = state.overview.news(state.stack.as_deref());
    if news.is_empty() || room < NEWS_LEAST {
        return None;
    }
    // The key, where it works now (not while the log view or a dialog has the keys).
    let key = state.scopes().into_iter().find_map(|s| state.settings.keymap.key_for(s, Action::GoToIncident));
    let go = match key {
        Some(key) => format!(" · {key} go"),
        None => String::new(),
    };
    let room = room.min(NEWS_WIDTH).saturating_sub(go.chars().count());
    // Whole incidents while they fit, then how many more (the fleet view lists them all).
    let mut list = format!("{} new:", news.len());
    for (shown, n) in news.iter().enumerate() {
        let item = format!(" {} {}", sanitize(&state.overview.place(n)), n.key.kind.replace('_', " "));
        let more = news.len() - shown - 1;
        let tail = if more > 0 { format!(", +{more} more") } else { String::new() };
        let sep = if shown > 0 { "," } else { "" };
        let left = room.saturating_sub(list.chars().count() + sep.len() + tail.chars().count());
        // The first is said however short the room (cut); the others whole, or counted.
        if shown == 0 && item.chars().count() > left {
            list.push_str(&truncate(&item, left));
            list.push_str(&tail);
            break;
        }
        if item.chars().count() > left {
            list.push_str(&format!("{sep} +{} more", more + 1));
            break;
        }
        list.push_str(sep);
        list.push_str(&item);
    }
    Some(format!("{}{go}", truncate(&list, room)))
}

/// The most the incidents of other stacks take of the status bar, and the least worth giving.
const NEWS_WIDTH: usize = 120;
const NEWS_LEAST: usize = 16;
/// Below the stack shown and READ-ONLY, above everything else.
const NEWS_RANK: u8 = 85;
/// The data's age: below everything the bar says about the stack.
const AGE_RANK: u8 = 60;

/// The right end's fields, ranked: the focused pane's main keys, as bound now (none while an
/// error is shown); then the zone the times are in, named once; then where help is (with
/// errors, where to read them whole: the line has room for a cut first one only).
fn right_fields(state: &AppState, errors: usize) -> Vec<(u8, String)> {
    let help = match errors {
        0 => "? help".to_string(),
        1 => "E: in full".to_string(),
        n => format!("E: all {n}"),
    };
    let mut right: Vec<(u8, String)> = Vec::new();
    if errors == 0 {
        right.extend(hint(state).into_iter().enumerate().map(|(i, h)| (5 - i.min(4) as u8, h)));
    }
    right.push((30, zone_name(&state.settings.zone, state.now)));
    right.push((100, help));
    right
}

/// Fields by how much the operator needs them; when the line is too short, whole fields go,
/// the least needed first, and never run together.
fn draw_fields(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let bar = theme.style(Role::status_bar);
    let sep = Span::styled(" │ ", bar);
    let errors = state.errors();
    let mut right = right_fields(state, errors.len());
    let width = usize::from(area.width);
    let mut left = left_fields(state, theme);
    // The incidents elsewhere get what the fields they outrank would have, cut to fit, just
    // before the data's age.
    let kept: usize = left.iter().filter(|f| f.rank > NEWS_RANK).map(Field::width).sum();
    let help: usize = right.iter().filter(|(r, _)| *r == 100).map(|(_, t)| t.chars().count() + 3).sum();
    let room = width.saturating_sub(kept + help + GAP + spans_width(std::slice::from_ref(&sep)));
    if let Some(text) = news(state, room) {
        let at = left.iter().position(|f| f.rank == AGE_RANK).unwrap_or(left.len());
        left.insert(
            at,
            Field::new(NEWS_RANK, vec![sep.clone(), Span::styled(text, theme.style(Role::warn))]),
        );
    }
    let right_text = |right: &[(u8, String)]| {
        let parts: Vec<&str> = right.iter().map(|(_, t)| t.as_str()).collect();
        format!("{} ", parts.join(" · "))
    };
    let used = |left: &[Field], right: &[(u8, String)]| {
        left.iter().map(Field::width).sum::<usize>() + right_text(right).chars().count() + GAP
    };
    // The first error gets what room is left after the fields it outranks, cut to fit, but
    // at least enough of it to say what to do (or the whole of a short one).
    let error_room_wanted =
        errors.first().map_or(0, |(what, err, _)| (what.chars().count() + 2 + err.chars().count()).min(48));
    let sep_width = spans_width(std::slice::from_ref(&sep));
    let error_room =
        |left: &[Field], right: &[(u8, String)]| width.saturating_sub(used(left, right) + sep_width);
    loop {
        let room = error_room(&left, &right);
        let need_error = !errors.is_empty();
        let fits = if need_error { room >= error_room_wanted } else { used(&left, &right) <= width };
        if fits || !drop_least_needed(&mut left, &mut right) {
            break;
        }
    }
    let mut spans: Vec<Span> = left.into_iter().flat_map(|f| f.spans).collect();
    if let Some((what, err, _)) = errors.first() {
        let room = error_room(&[], &right).saturating_sub(spans_width(&spans));
        spans.push(sep.clone());
        let text = format!("{what}: {err}");
        spans.push(Span::styled(truncate(&sanitize(&text), room).into_owned(), theme.style(Role::danger)));
    }
    let right = right_text(&right);
    let right_width = right.chars().count();
    let used: usize = spans_width(&spans);
    let pad = width.saturating_sub(used + right_width).max(GAP);
    spans.push(Span::styled(" ".repeat(pad), bar));
    spans.push(Span::styled(right, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

/// Drops the least needed field (the error outranks all but bkops, its stack and help);
/// false when none is left to drop.
fn drop_least_needed(left: &mut Vec<Field>, right: &mut Vec<(u8, String)>) -> bool {
    let lowest_left = left.iter().enumerate().filter(|(_, f)| f.rank < 100).min_by_key(|(_, f)| f.rank);
    let lowest_right = right.iter().enumerate().filter(|(_, (r, _))| *r < 100).min_by_key(|(_, (r, _))| *r);
    match (lowest_left, lowest_right) {
        (Some((i, f)), Some((_, (r, _)))) if f.rank <= *r => {
            left.remove(i);
        }
        (_, Some((j, _))) => {
            right.remove(j);
        }
        (Some((i, _)), None) => {
            left.remove(i);
        }
        (None, None) => return false,
    }
    true
}
