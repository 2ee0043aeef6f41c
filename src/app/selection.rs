//! A list's selection is the identity of its row (a stack's name, an instance's ID, an
//! activity's ID), not the row's number: instances arrive on top, leave, and are sorted under
//! the cursor, and `s`, `l` or `D` must act on the machine the operator chose. When that row
//! has gone, the cursor moves to the nearest row and the status line says so. The one
//! exception is the activity's first row, which stays on the newest activity.

use super::panes::Pane;
use super::shown;
use super::state::AppState;

const LISTS: [Pane; 3] = [Pane::Stacks, Pane::Instances, Pane::Activity];

/// Each list's row number and row identity before a message was handled, and the status
/// line's message then (a message the handling itself wrote says more than a moved cursor).
pub struct Held([(usize, Option<String>); 3], Option<String>);

/// The identity of row `i` of a list as shown.
fn key_at(state: &AppState, pane: Pane, i: usize) -> Option<String> {
    match pane {
        Pane::Stacks => shown::stacks(state).get(i).map(|s| s.name.clone()),
        Pane::Instances => shown::instances(state).get(i).map(|x| x.id.clone()),
        Pane::Activity => shown::activities(state).get(i).map(|a| a.id.clone()),
        Pane::Queue => None,
    }
}

/// Where the row of that identity is now.
fn position(state: &AppState, pane: Pane, key: &str) -> Option<usize> {
    match pane {
        Pane::Stacks => shown::stacks(state).iter().position(|s| s.name == key),
        Pane::Instances => shown::instances(state).iter().position(|x| x.id == key),
        Pane::Activity => shown::activities(state).iter().position(|a| a.id == key),
        Pane::Queue => None,
    }
}

fn what(pane: Pane, key: &str) -> String {
    match pane {
        Pane::Stacks => format!("stack {key}"),
        Pane::Activity => format!("activity {key}"),
        _ => key.to_string(),
    }
}

impl AppState {
    pub fn hold_selections(&self) -> Held {
        let rows = LISTS.map(|pane| {
            let sel = self.lists.of(pane).map_or(0, |l| l.sel);
            (sel, key_at(self, pane, sel))
        });
        Held(rows, self.flash.as_ref().map(|f| f.text.clone()))
    }

    /// After a message: new data (`loaded`) keeps each cursor on its row wherever that row
    /// went; anything else that left a cursor's number alone but changed the row under it
    /// (a sort, a filter) takes the cursor to its row too. A cursor the message moved is the
    /// operator's.
    pub fn keep_selections(&mut self, held: Held, loaded: bool) {
        let said = self.flash.as_ref().map(|f| f.text.clone()) != held.1;
        for (pane, (before, key)) in LISTS.into_iter().zip(held.0) {
            let Some(key) = key else { continue };
            // The activity is newest first, like a log: on its first row, the cursor stays
            // on the newest rather than being pushed down by what happens next.
            if pane == Pane::Activity && before == 0 {
                continue;
            }
            let sel = self.lists.of(pane).map_or(0, |l| l.sel);
            if !loaded && (sel != before || key_at(self, pane, sel).as_deref() == Some(&key)) {
                continue;
            }
            match position(self, pane, &key) {
                Some(pos) => {
                    if let Some(s) = self.selection_mut(pane) {
                        *s = pos;
                    }
                }
                None if loaded => {
                    let len = shown::len(self, pane);
                    if let Some(s) = self.selection_mut(pane) {
                        *s = before.min(len.saturating_sub(1));
                    }
                    if let Some(now) = key_at(self, pane, before.min(len.saturating_sub(1)))
                        && !said
                    {
                        self.flash(format!("{} has gone: the cursor is on {now}", what(pane, &key)), false);
                    }
                }
                None => {}
            }
        }
    }
}
