//! Wrapping a drawn line at a width by character, keeping each span's style, as `less` does:
//! the log view wraps its own lines so that the rows it counts are the rows it draws, and a
//! match stays on screen.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// The rows a line takes at `width` columns (at least one).
pub fn rows(line: Line<'_>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                out.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    out.push(Line::from(row));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_line_is_cut_at_the_width_and_keeps_its_styles() {
        let red = Style::default().fg(Color::Red);
        let line = Line::from(vec![Span::styled("12:00 ", red), Span::raw("abcdefghij")]);
        let rows = rows(line, 7);
        assert_eq!(rows.iter().map(text).collect::<Vec<_>>(), ["12:00 a", "bcdefgh", "ij"]);
        assert_eq!(rows[0].spans[0].style, red);
        assert_eq!(rows[1].spans[0].style, Style::default());
        assert_eq!(super::rows(Line::from(""), 7).len(), 1, "an empty line takes a row");
        assert_eq!(super::rows(Line::from("exactly"), 7).len(), 1);
    }

    #[test]
    fn a_wide_character_is_never_split_across_rows() {
        let rows = rows(Line::from("ab漢字"), 3);
        assert_eq!(rows.iter().map(text).collect::<Vec<_>>(), ["ab", "漢", "字"]);
    }
}
