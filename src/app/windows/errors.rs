//! The errors window (`E`): every error the panes hold, whole.

use crate::app::state::AppState;
use crate::app::text::{TextLine, piece};
use crate::domain::format_age;
use crate::domain::text::sanitize;
use crate::theme::Role;

/// Every error the panes hold, whole: what was being read, since when it fails, and the text.
pub fn lines(state: &AppState) -> Vec<TextLine> {
    let errors = state.errors();
    if errors.is_empty() {
        return vec![TextLine::plain("No errors: every pane read what it shows.")];
    }
    let mut out = Vec::new();
    for (what, text, at) in errors {
        let since = match at {
            Some(t) => format!("data shown is {} old", format_age(state.now.secs_since(t))),
            None => "nothing read yet".to_string(),
        };
        out.push(TextLine(vec![
            piece(Role::header, what.to_string()),
            piece(Role::muted, format!("  ({since})")),
        ]));
        out.push(TextLine::styled(Role::danger, format!("  {}", sanitize(&text))));
        out.push(TextLine::default());
    }
    out
}
