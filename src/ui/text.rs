//! The core's text drawn: each piece's role styled with the theme in effect.

use ratatui::text::{Line, Span};

use crate::app::text::TextLine;
use crate::theme::Theme;

pub fn line(l: &TextLine, theme: &Theme) -> Line<'static> {
    Line::from(
        l.0.iter()
            .map(|p| match p.role {
                Some(role) => Span::styled(p.text.clone(), theme.style(role)),
                None => Span::raw(p.text.clone()),
            })
            .collect::<Vec<_>>(),
    )
}

pub fn lines(text: &[TextLine], theme: &Theme) -> Vec<Line<'static>> {
    text.iter().map(|l| line(l, theme)).collect()
}
