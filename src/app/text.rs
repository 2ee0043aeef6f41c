//! Text as the core writes it for its windows and its dialog: each piece with the role it
//! plays, which the drawing styles with the theme in effect. The core counts the rows its text
//! takes, for scrolling and for the dialog's fit, without knowing how it is drawn.

use unicode_width::UnicodeWidthStr;

use crate::theme::Role;

/// A run of text and its role; `None` takes the style of what it is drawn in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub role: Option<Role>,
    pub text: String,
}

/// One line of pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextLine(pub Vec<Piece>);

impl TextLine {
    /// A line in the style of what it is drawn in.
    pub fn plain(text: impl Into<String>) -> Self {
        TextLine(vec![raw(text)])
    }

    /// A line in one role.
    pub fn styled(role: Role, text: impl Into<String>) -> Self {
        TextLine(vec![piece(role, text)])
    }

    /// Columns the line takes on a terminal.
    pub fn width(&self) -> usize {
        self.0.iter().map(|p| p.text.width()).sum()
    }

    /// The words, without their roles.
    pub fn text(&self) -> String {
        self.0.iter().map(|p| p.text.as_str()).collect()
    }
}

pub fn piece(role: Role, text: impl Into<String>) -> Piece {
    Piece { role: Some(role), text: text.into() }
}

pub fn raw(text: impl Into<String>) -> Piece {
    Piece { role: None, text: text.into() }
}
