//! What the confirmation dialog says, line by line, and whether a terminal can show all of
//! it: the core refuses an action whose notes cannot be read, and the drawing lays out the
//! same lines.

use super::confirm::{ActionKind, Confirm};
use super::text::{TextLine, piece, raw};
use crate::domain::text::sanitize;
use crate::ops::TerminateMode;
use crate::theme::Role;

fn field(label: &str, value: String) -> TextLine {
    TextLine(vec![piece(Role::muted, format!("{label:<11}")), raw(value)])
}

/// Who, where and what: the top of the dialog.
pub fn header(c: &Confirm) -> Vec<TextLine> {
    let t = &c.target;
    let mut out = Vec::new();
    if c.read_only {
        out.push(TextLine::styled(
            Role::danger,
            "READ-ONLY: bkops was started read-only, so this will be refused; nothing can change",
        ));
    }
    out.extend([
        field("as", format!("{} (account {})", sanitize(&c.identity.arn), sanitize(&c.identity.account))),
        field("on", c.backend.clone()),
        field(
            "stack",
            format!("{}: group {} (min {}, desired {}, max {})", t.stack, t.group, t.min, t.desired, t.max),
        ),
    ]);
    out
}

/// The instances, the calls and what to know about them: the part that scrolls on a small
/// screen (a list of thirteen instances must not push the buttons off it), and that has to
/// have been on screen before the action can be chosen.
pub fn body(c: &Confirm) -> Vec<TextLine> {
    let mut out = Vec::new();
    if let ActionKind::Terminate { instances } = &c.kind {
        out.push(field("instances", instances.join(" ")));
    }
    if let ActionKind::Update(u) = &c.kind {
        out.push(TextLine::default());
        out.extend(u.lines(c.drain).into_iter().map(|l| TextLine::plain(sanitize(&l))));
    }
    out.push(TextLine::default());
    match &c.plan {
        Ok(plan) => {
            out.push(TextLine::styled(Role::header, "Calls"));
            for call in &plan.calls {
                out.push(TextLine::plain(format!("  {call}")));
            }
            for w in &plan.warnings {
                out.push(TextLine::styled(Role::warn, format!("  ! {w}")));
            }
        }
        Err(e) => out.push(TextLine::styled(Role::danger, e.to_string())),
    }
    out
}

/// The option, the typed check and the buttons: always on screen.
pub fn footer(c: &Confirm) -> Vec<TextLine> {
    let mut out = vec![TextLine::default()];
    let option = match (&c.kind, c.mode) {
        (ActionKind::Pause, _) => {
            Some(format!("[{}] drain the group too (Tab)", if c.drain { "x" } else { " " }))
        }
        (ActionKind::Update(_), _) => Some(format!(
            "[{}] drain the group first: running jobs finish, then the update (Tab)",
            if c.drain { "x" } else { " " }
        )),
        (ActionKind::Terminate { .. }, TerminateMode::Replace) => {
            Some("(•) replace them  ( ) shrink the group   (Tab switches)".to_string())
        }
        (ActionKind::Terminate { .. }, TerminateMode::Shrink) => {
            Some("( ) replace them  (•) shrink the group   (Tab switches)".to_string())
        }
        (ActionKind::Resume, _) => None,
    };
    if let Some(o) = option {
        out.push(TextLine::styled(Role::accent, o));
    }
    if let Some(expected) = c.expected() {
        let what = match &c.kind {
            ActionKind::Update(_) => "the stack's name",
            _ if expected.starts_with("i-") => "the instance ID",
            _ => "how many instances",
        };
        out.push(TextLine(vec![
            raw(format!("Type {what} ({expected}): ")),
            piece(Role::prompt, format!("{}▏", sanitize(&c.typed))),
        ]));
    }
    let button = |label: &str, focused: bool, enabled: bool| {
        let role = match (focused, enabled) {
            (true, _) => Role::selection,
            (false, true) => Role::base,
            (false, false) => Role::muted,
        };
        piece(role, format!("[ {label} ]"))
    };
    out.push(TextLine(vec![
        button("Cancel", !c.on_go, true),
        raw("  "),
        button(c.verb(), c.on_go, c.can_go()),
        piece(Role::muted, "   ← → choose · Enter · Esc cancels"),
    ]));
    out
}

/// Rows `lines` take at `width`, wrapped as the dialog draws them (`wrap::words`).
pub fn rows(lines: &[TextLine], width: usize) -> u16 {
    lines.iter().map(|l| super::wrap::words(l, width).len()).sum::<usize>() as u16
}

/// The lines as the dialog draws them at `width`: wrapped by the code that counts them.
pub fn wrapped(lines: &[TextLine], width: usize) -> Vec<TextLine> {
    lines.iter().flat_map(|l| super::wrap::words(l, width)).collect()
}

/// The dialog's width on a screen `width` columns wide.
pub fn width_in(width: u16) -> u16 {
    width.saturating_sub(4).min(110)
}

/// "1 more row", "5 more rows".
pub fn more_rows(n: u16) -> String {
    if n == 1 { "1 more row".into() } else { format!("{n} more rows") }
}

/// How the dialog's parts fit an area: who and where, and the buttons, always show; the notes
/// between them scroll when they do not fit, with a row that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub top: u16,
    /// Rows of the notes, and how many show at once.
    pub body: u16,
    pub shown: u16,
    pub bottom: u16,
}

impl Fit {
    /// The notes do not all show at once.
    pub fn scrolls(&self) -> bool {
        self.shown < self.body
    }

    /// The furthest the notes can be scrolled.
    pub fn max_scroll(&self) -> u16 {
        self.body - self.shown
    }
}

/// How the dialog fits a terminal of `size`.
pub fn fit(c: &Confirm, size: (u16, u16)) -> Fit {
    fit_in(size, &header(c), &body(c), &footer(c))
}

/// How the parts fit a screen of `size` (columns, rows).
pub fn fit_in(size: (u16, u16), top: &[TextLine], middle: &[TextLine], bottom: &[TextLine]) -> Fit {
    let inner = usize::from(width_in(size.0).saturating_sub(2));
    let (top, body, bottom) = (rows(top, inner), rows(middle, inner), rows(bottom, inner));
    let room = size.1.saturating_sub(top + bottom + 2);
    // One row of the room says there is more.
    let shown = if body <= room { body } else { room.saturating_sub(1) };
    Fit { top, body, shown, bottom }
}

/// Notes the operator has not had on screen yet, at this size: while any are left the action
/// cannot be chosen, since a safety note nobody could read must not be agreed to. Counts what
/// is on screen now as read.
pub fn unread_rows(c: &mut Confirm, size: (u16, u16)) -> u16 {
    let f = fit(c, size);
    c.scroll = c.scroll.min(f.max_scroll());
    if f.shown > 0 {
        c.seen = c.seen.max(c.scroll + f.shown);
    }
    f.body.saturating_sub(c.seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_fits_and_nothing_is_lost_at_any_width() {
        let texts = [
            "  ! Their 2 agents are stopped first and finish their jobs (1 running now); the instances are terminated once no job runs, or not at all if they are still running one after 10m.",
            "as         arn:aws:sts::000000000000:assumed-role/demo/operator (account 000000000000)",
            "(•) replace them  ( ) shrink the group   (Tab switches)",
            "  autoscaling:TerminateInstanceInAutoScalingGroup InstanceId=i-08191c368df4ecb74 ShouldDecrementDesiredCapacity=false",
            "two  spaces  between  every  word  and  then  some  more  words  to  wrap  it  round",
            "漢字の説明 wide characters in a note",
        ];
        for width in 8..=110usize {
            for text in texts {
                let line = TextLine::plain(text);
                let rows = wrapped(std::slice::from_ref(&line), width);
                assert_eq!(usize::from(super::rows(std::slice::from_ref(&line), width)), rows.len());
                assert!(rows.iter().all(|r| r.width() <= width), "{width}: {rows:?}");
                let words = |s: &str| s.split_whitespace().collect::<String>();
                let joined: String = rows.iter().map(|r| r.text()).collect::<Vec<_>>().join(" ");
                assert_eq!(words(&joined), words(text), "{width}: nothing lost");
            }
        }
    }
}
