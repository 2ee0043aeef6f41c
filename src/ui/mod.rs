//! Drawing: a pure function of the state and the theme. It never changes the state.

mod activity;
mod confirm;
mod instances;
pub mod layout;
mod logs;
mod overlay;
mod pane;
mod queue;
mod stacks;
mod status;
pub mod text;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::AppState;
use crate::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.style(Role::base)), area);
    let count = state.stacks.data.as_ref().map_or(1, Vec::len);
    let Some(areas) = layout::compute(area, count) else {
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
        logs::draw(frame, main, view, theme);
        status::draw(frame, areas.status, state, theme);
        overlay::draw(frame, area, state, theme);
        return;
    }
    // Each pane shows more columns when it has room for them.
    stacks::draw(frame, areas.stacks, state, theme, areas.stacks.width >= 120);
    queue::draw_numbers(frame, areas.queue, state, theme);
    queue::draw_chart(frame, areas.chart, state, theme);
    instances::draw(frame, areas.instances, state, theme);
    activity::draw(frame, areas.activity, state, theme, areas.activity.width >= 120);
    status::draw(frame, areas.status, state, theme);
    overlay::draw(frame, area, state, theme);
    confirm::draw(frame, area, state, theme);
}
