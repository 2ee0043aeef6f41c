//! The windows of text over the dashboard (the help, a row's details, every error, why jobs
//! wait, the doctor's findings), written by the core as role-tagged lines that `ui/` styles.
//! The core scrolls them with the same fit the drawing lays them out with. A new window is an
//! `Overlay`, its arm in `open`, and a file of its own here.

mod activity;
mod boot;
mod doctor;
mod errors;
mod events;
mod instance;
mod why;

use super::panes::Overlay;
use super::state::AppState;
use super::text::{TextLine, piece, raw};
use crate::theme::Role;

/// A window of text: its title and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub title: &'static str,
    pub lines: Vec<TextLine>,
}

/// The window of text on screen, if one is: the windows with rows of their own (the timeline,
/// the fleet view) draw themselves.
pub fn open(state: &AppState) -> Option<Window> {
    let (title, lines) = match state.overlay.as_ref()? {
        Overlay::Help { from, filter, .. } => {
            ("Keys", super::help::lines(&state.settings.keymap, from, filter))
        }
        Overlay::Instance(id) => ("Instance", instance::lines(state, id)),
        Overlay::Activity(id) => ("Scaling activity", activity::lines(state, id)),
        Overlay::Errors { .. } => ("Errors", errors::lines(state)),
        Overlay::Why { .. } => ("Why jobs wait", why::lines(state)),
        Overlay::Doctor { .. } => ("Doctor", doctor::lines(state)),
        Overlay::Events { .. } => ("CloudFormation events", events::lines(state)),
        Overlay::Timeline { .. } | Overlay::Overview => return None,
    };
    Some(Window { title, lines })
}

/// How far the open window can scroll now: its text against the terminal's size.
pub fn max_scroll(state: &AppState) -> u16 {
    open(state).map_or(0, |w| fit(&w.lines, state.size).max_scroll)
}

/// A detail: its name in a column, then its value.
pub fn field(label: &str, value: String) -> TextLine {
    TextLine(vec![piece(Role::muted, format!("{label:<14}")), raw(value)])
}

/// A window's width, height and how far its text can scroll, at a terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub width: u16,
    pub height: u16,
    pub max_scroll: u16,
}

pub fn fit(lines: &[TextLine], size: (u16, u16)) -> Fit {
    let width = size.0.saturating_sub(6).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    // Rows the text takes once wrapped (words may wrap a little earlier; one spare row).
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum::<usize>() + 1;
    let rows = u16::try_from(rows).unwrap_or(u16::MAX);
    let height = rows.saturating_add(2).min(size.1.saturating_sub(2));
    Fit { width, height, max_scroll: rows.saturating_add(2).saturating_sub(height) }
}
