//! The confirmation dialog: as whom, on which account and region, which stack, the calls, the
//! notes, the one option, the typed check for terminate, and the buttons with Cancel first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};

use super::text::lines;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use crate::app::AppState;
use crate::app::dialog::{body, fit_in, footer, header, more_rows, width_in, wrapped};
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(c) = &state.confirm else { return };
    let title =
        c.plan.as_ref().map_or_else(|_| format!("{} {}", c.verb(), c.target.stack), |p| p.title.clone());
    let (top, middle, bottom) = (header(c), body(c), footer(c));
    let fit = fit_in((area.width, area.height), &top, &middle, &bottom);
    let width = width_in(area.width);
    let more = u16::from(fit.scrolls());
    let height = (fit.top + fit.shown + more + fit.bottom + 2).min(area.height);
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
    // The buttons first, then who and where; the calls and notes get what is left, and scroll
    // when it is not enough.
    let [t, m, hint, b] = Layout::vertical([
        Constraint::Length(fit.top),
        Constraint::Length(fit.shown),
        Constraint::Length(more),
        Constraint::Length(fit.bottom),
    ])
    .areas(inside);
    // Wrapped by the code that counted the rows: what was counted is what is drawn.
    let para = |text: Vec<crate::app::text::TextLine>| {
        Paragraph::new(lines(&wrapped(&text, usize::from(inside.width)), theme))
    };
    let scroll = c.scroll.min(fit.max_scroll());
    frame.render_widget(para(top), t);
    frame.render_widget(para(middle).scroll((scroll, 0)), m);
    frame.render_widget(para(bottom), b);
    if fit.scrolls() {
        let unread = fit.body.saturating_sub(c.seen.max(scroll + fit.shown));
        let (text, role) = match (fit.shown, unread) {
            (0, _) => {
                ("Not all of this fits: enlarge the terminal to read every note".to_string(), Role::danger)
            }
            (_, 0) => (
                format!("↑ ↓ scroll the notes ({}-{} of {} rows)", scroll + 1, scroll + fit.shown, fit.body),
                Role::muted,
            ),
            (_, n) => (format!("↓ {} to read before choosing (↓ PgDn)", more_rows(n)), Role::danger),
        };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(text, theme.style(role)))), hint);
    }
}
