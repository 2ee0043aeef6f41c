//! Drawing: a pure function of the state and the theme. It never changes the state.

mod activity;
pub mod confirm;
mod instances;
mod overview;

mod logs;
mod overlay;
mod pane;
mod queue;
mod stacks;
mod status;
mod text;
mod timeline;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::{AppState, layout};
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme) {
    draw_screen(frame, state, theme);
    scrub(frame.buffer_mut());
}

/// The TUI's sink: whatever text a pane drew, no control or bidi character reaches the
/// terminal. ratatui drops controls itself, but keeps zero-width characters such as bidi
/// overrides on the cell before them; they are taken out here. (Untrusted strings were already
/// escaped visibly where they entered; this is the last line of defence.)
pub fn scrub(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        let symbol = cell.symbol();
        if symbol.chars().any(crate::domain::text::dangerous) {
            let kept: String = symbol.chars().filter(|c| !crate::domain::text::dangerous(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

fn draw_screen(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.style(Role::base)), area);
    let count = state.stacks.data.as_ref().map_or(1, Vec::len);
    let Some(areas) = layout::compute(area, count, state.zoomed()) else {
        let text = vec![
            Line::from("bkops needs a terminal of at least"),
            Line::from(format!(
                "{}x{}; this one is {}x{}.",
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT,
                area.width,
                area.height
            )),
            Line::from("Enlarge it, or press q to quit."),
        ];
        let para = Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(theme.style(Role::warn));
        frame.render_widget(para, area);
        return;
    };
    if let Some(view) = &state.logs {
        let main = Rect { height: area.height.saturating_sub(1), ..area };
        logs::draw(frame, main, view, theme, &state.settings.zone);
        status::draw(frame, areas.status, state, theme);
        overlay::draw(frame, area, state, theme);
        overlay::draw_leaving(frame, area, state, theme);
        return;
    }
    // Each pane shows more columns when it has room for them; a pane with no room (another is
    // zoomed) is not drawn.
    let room = |r: Rect| r.width > 0 && r.height > 0;
    if room(areas.stacks) {
        stacks::draw(frame, areas.stacks, state, theme, areas.stacks.width >= 120);
    }
    if room(areas.queue) {
        queue::draw_numbers(frame, areas.queue, state, theme);
        queue::draw_chart(frame, areas.chart, state, theme);
    }
    if room(areas.instances) {
        instances::draw(frame, areas.instances, state, theme);
    }
    if room(areas.activity) {
        activity::draw(frame, areas.activity, state, theme, areas.activity.width >= 120);
    }
    status::draw(frame, areas.status, state, theme);
    overlay::draw(frame, area, state, theme);
    confirm::draw(frame, area, state, theme);
    overlay::draw_leaving(frame, area, state, theme);
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    #[test]
    fn no_bidi_or_control_character_survives_the_last_pass() {
        let area = Rect::new(0, 0, 30, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "v6\u{202e}1.17\u{2066}x\u{feff}\u{200f}!", ratatui::style::Style::default());
        // Whatever a widget leaves in a cell: a bidi override joined to a letter, a lone control.
        buf[(20, 0)].set_symbol("a\u{202e}");
        buf[(21, 0)].set_symbol("\u{1b}");
        buf[(22, 0)].set_symbol("\u{e0041}");
        super::scrub(&mut buf);
        let after: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert!(!after.chars().any(crate::domain::text::dangerous), "{after:?}");
        assert!(after.starts_with("v61.17x!"), "{after:?}");
        assert_eq!((buf[(20, 0)].symbol(), buf[(21, 0)].symbol(), buf[(22, 0)].symbol()), ("a", " ", " "));
    }
}
