//! Windows over the dashboard: the core's windows of text (`app::windows`) styled and laid out, and
//! the question asked when quitting while an action runs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::text::lines;
use crate::app::{AppState, Overlay};
use crate::domain::text::sanitize;
use crate::theme::{Role, Theme};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

fn frame_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(format!(" {title} "), theme.style(Role::title)))
        .title_bottom(Span::styled(" Esc close · ↑↓ scroll ", theme.style(Role::muted)))
        .style(theme.style(Role::base))
}

/// "An action is running": quitting now would leave it half-done, so bkops asks.
pub fn draw_leaving(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if !state.exit.is_asking() {
        return;
    }
    let title = state.writing.as_deref().unwrap_or("an action");
    let lines = vec![
        Line::from(Span::styled(format!("{} is still running.", sanitize(title)), theme.style(Role::warn))),
        Line::from("Quitting now would stop it between two calls."),
        Line::from(""),
        Line::from("f  let it finish, then quit"),
        Line::from("a  abandon it now and quit (what was and was not done goes to the audit log)"),
        Line::from("Esc  stay"),
    ];
    let width = area.width.saturating_sub(4).min(90);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::border_focused))
        .title(Span::styled(" Quit? ", theme.style(Role::title)))
        .style(theme.style(Role::base));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(overlay) = &state.overlay else { return };
    match overlay {
        Overlay::Timeline { sel, secs } => {
            return super::timeline::draw(frame, area, state, theme, *sel, *secs);
        }
        // The whole screen but the status bar, which says what Enter found.
        Overlay::Overview => {
            let above = Rect { height: area.height.saturating_sub(1), ..area };
            return super::overview::draw(frame, above, state, theme);
        }
        _ => {}
    }
    let Some(window) = crate::app::windows::open(state) else { return };
    let scroll = overlay.scroll();
    let fit = crate::app::windows::fit(&window.lines, (area.width, area.height));
    let rect = centered(area, fit.width, fit.height);
    frame.render_widget(Clear, rect);
    let para = Paragraph::new(lines(&window.lines, theme))
        .block(frame_block(window.title, theme))
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(fit.max_scroll), 0));
    frame.render_widget(para, rect);
}
