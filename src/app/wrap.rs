//! Wrapping a line of the core's text at a width by word, keeping each piece's role, for the
//! dialog: the rows it counts are the rows the drawing draws, so a dialog keeps its buttons on
//! screen. (The log view wraps by character, in `ui/wrap.rs`.)

use unicode_width::UnicodeWidthChar;

use super::text::{Piece, TextLine};
use crate::theme::Role;

/// The rows a line takes at `width` columns wrapped at spaces (at least one). Spaces where a
/// row breaks are dropped; a word longer than a row starts on a row of its own and is broken.
pub fn words(line: &TextLine, width: usize) -> Vec<TextLine> {
    let width = width.max(1);
    let chars: Vec<(char, Option<Role>)> =
        line.0.iter().flat_map(|p| p.text.chars().map(move |c| (c, p.role))).collect();
    let w = |c: char| c.width().unwrap_or(0);
    let mut rows: Vec<Vec<(char, Option<Role>)>> = Vec::new();
    let mut row: Vec<(char, Option<Role>)> = Vec::new();
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
            for &(c, role) in word {
                if used + w(c) > width && used > 0 {
                    rows.push(std::mem::take(&mut row));
                    used = 0;
                }
                row.push((c, role));
                used += w(c);
            }
        }
        i = word_end;
    }
    rows.push(row);
    rows.into_iter().map(|r| pieces_of(&r)).collect()
}

/// Characters with their roles as a line of pieces, one per run of a role.
fn pieces_of(row: &[(char, Option<Role>)]) -> TextLine {
    let mut pieces: Vec<Piece> = Vec::new();
    for &(c, role) in row {
        match pieces.last_mut() {
            Some(last) if last.role == role => last.text.push(c),
            _ => pieces.push(Piece { role, text: c.to_string() }),
        }
    }
    TextLine(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::text::{piece, raw};

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_broken_on_rows_of_their_own() {
        let at = |text: &str, width: usize| {
            words(&TextLine::plain(text), width).iter().map(TextLine::text).collect::<Vec<_>>()
        };
        assert_eq!(at("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(at("  indented line here", 10), ["  indented", "line here"]);
        assert_eq!(at("a abcdefghijklmnop b", 6), ["a", "abcdef", "ghijkl", "mnop b"]);
        assert_eq!(at("", 6), [""]);
        assert_eq!(at("exactly", 7), ["exactly"]);
        let styled = TextLine(vec![piece(Role::warn, "warn "), raw("rest of it")]);
        let rows = words(&styled, 9);
        assert_eq!(rows.iter().map(TextLine::text).collect::<Vec<_>>(), ["warn rest", "of it"]);
        assert_eq!((rows[0].0[0].role, rows[0].0[1].role), (Some(Role::warn), None));
    }
}
