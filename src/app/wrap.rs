//! Wrapping a line at a width, keeping each span's style: by character for the log view (as
//! `less` does), by word for the dialogs. The views wrap their lines here rather than leaving
//! it to the paragraph, so that the rows they count are the rows they draw: the log view keeps
//! a match on screen with it, and a dialog keeps its buttons on screen.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// The rows a line takes at `width` columns wrapped at spaces (at least one). Spaces where a
/// row breaks are dropped; a word longer than a row starts on a row of its own and is broken.
pub fn words(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let chars: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .collect();
    let w = |c: char| c.width().unwrap_or(0);
    let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
    let mut row: Vec<(char, Style)> = Vec::new();
    let mut used = 0;
    let mut i = 0;
    while i < chars.len() {
        // A run of spaces, then the word after it.
        let spaces_end = (i..chars.len()).find(|&k| chars[k].0 != ' ').unwrap_or(chars.len());
        let word_end = (spaces_end..chars.len()).find(|&k| chars[k].0 == ' ').unwrap_or(chars.len());
        let (spaces, word) = (&chars[i..spaces_end], &chars[spaces_end..word_end]);
        let word_width: usize = word.iter().map(|&(c, _)| w(c)).sum();
        if used + spaces.len() + word_width <= width {
            row.extend_from_slice(spaces);
            row.extend_from_slice(word);
            used += spaces.len() + word_width;
        } else if word_width <= width {
            rows.push(std::mem::take(&mut row));
            row.extend_from_slice(word);
            used = word_width;
        } else {
            if used > 0 {
                rows.push(std::mem::take(&mut row));
            }
            used = 0;
            for &(c, style) in word {
                if used + w(c) > width && used > 0 {
                    rows.push(std::mem::take(&mut row));
                    used = 0;
                }
                row.push((c, style));
                used += w(c);
            }
        }
        i = word_end;
    }
    rows.push(row);
    rows.into_iter().map(|r| spans_of(&r)).collect()
}

/// Characters with their styles as a line of spans, one per run of a style.
fn spans_of(row: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for &(c, style) in row {
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), style)),
        }
    }
    Line::from(spans)
}

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
    fn words_wrap_at_spaces_and_long_words_are_broken_on_rows_of_their_own() {
        let at = |text: &str, width: usize| {
            words(&Line::from(text.to_string()), width).iter().map(text_of).collect::<Vec<_>>()
        };
        assert_eq!(at("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(at("  indented line here", 10), ["  indented", "line here"]);
        assert_eq!(at("a abcdefghijklmnop b", 6), ["a", "abcdef", "ghijkl", "mnop b"]);
        assert_eq!(at("", 6), [""]);
        assert_eq!(at("exactly", 7), ["exactly"]);
        let red = Style::default().fg(Color::Red);
        let styled = Line::from(vec![Span::styled("warn ", red), Span::raw("rest of it")]);
        let rows = words(&styled, 9);
        assert_eq!(rows.iter().map(text_of).collect::<Vec<_>>(), ["warn rest", "of it"]);
        assert_eq!((rows[0].spans[0].style, rows[0].spans[1].style), (red, Style::default()));
    }

    fn text_of(l: &Line) -> String {
        text(l)
    }

    #[test]
    fn a_wide_character_is_never_split_across_rows() {
        let rows = rows(Line::from("ab漢字"), 3);
        assert_eq!(rows.iter().map(text).collect::<Vec<_>>(), ["ab", "漢", "字"]);
    }
}
