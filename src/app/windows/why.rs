//! The why window (`W`): the diagnosis of waiting jobs, each part in its role.

use crate::analysis::why::Part;
use crate::app::state::AppState;
use crate::app::text::TextLine;
use crate::domain::text::sanitize;
use crate::theme::Role;

pub fn lines(state: &AppState) -> Vec<TextLine> {
    let Some(diagnosis) = state.diagnosis() else { return vec![TextLine::plain("No stack is shown.")] };
    let mut out = Vec::new();
    for (part, text) in diagnosis.lines() {
        let role = match part {
            Part::Summary if diagnosis.stuck => Role::danger,
            Part::Summary => Role::header,
            Part::Headline(0) => Role::danger,
            Part::Headline(_) => Role::warn,
            Part::Evidence => Role::muted,
            Part::Capacity => Role::warn,
            Part::Scaler => Role::base,
        };
        // A blank line before each reason, the idle agents and the scaler's verdict.
        if matches!(part, Part::Headline(_))
            || (matches!(part, Part::Scaler | Part::Capacity) && !text.starts_with(' '))
        {
            out.push(TextLine::default());
        }
        out.push(TextLine::styled(role, sanitize(&text).into_owned()));
    }
    out
}
