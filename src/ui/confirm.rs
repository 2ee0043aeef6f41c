//! The confirmation dialog: as whom, on which account and region, which stack, the calls, the
//! notes, the one option, the typed check for terminate, and the buttons with Cancel first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::app::AppState;
use crate::app::dialog::{body, footer, header, hidden_in, rows, width_in};
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(c) = &state.confirm else { return };
    let title =
        c.plan.as_ref().map_or_else(|_| format!("{} {}", c.verb(), c.target.stack), |p| p.title.clone());
    let (top, mut middle, bottom) = (header(c, theme), body(c, theme), footer(c, theme));
    if hidden_in(area, &top, &middle, &bottom) > 0 {
        // Said first, where it cannot be cut: the rest of the notes is what is cut.
        middle.insert(
            0,
            Line::from(Span::styled(
                "Not all of this fits: enlarge the terminal to read every note before choosing".to_string(),
                theme.style(Role::danger),
            )),
        );
    }
    let width = width_in(area);
    let inner = usize::from(width.saturating_sub(2));
    let (top_rows, middle_rows, bottom_rows) =
        (rows(&top, inner), rows(&middle, inner), rows(&bottom, inner));
    let height = (top_rows + middle_rows + bottom_rows + 2).min(area.height);
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(v);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::danger))
        .title(Span::styled(format!(" {title} "), theme.style(Role::title)))
        .style(theme.style(Role::base));
    let inside = block.inner(rect);
    frame.render_widget(block, rect);
    // The buttons first, then who and where; the calls get what is left.
    let [t, m, b] =
        Layout::vertical([Constraint::Length(top_rows), Constraint::Min(0), Constraint::Length(bottom_rows)])
            .areas(inside);
    let para = |lines: Vec<Line<'static>>| Paragraph::new(lines).wrap(Wrap { trim: false });
    frame.render_widget(para(top), t);
    frame.render_widget(para(middle), m);
    frame.render_widget(para(bottom), b);
}
