//! Where each pane goes, as a pure function of the terminal size, so that drawing and mouse
//! clicks agree on it.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

use super::panes::Pane;
use super::state::AppState;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub stacks: Rect,
    /// The queue's numbers; the chart beside or below them belongs to the same pane.
    pub queue: Rect,
    pub chart: Rect,
    pub instances: Rect,
    pub activity: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn of(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Stacks => self.stacks,
            Pane::Queue => self.queue.union(self.chart),
            Pane::Instances => self.instances,
            Pane::Activity => self.activity,
        }
    }

    pub fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| self.of(*p).contains(ratatui::layout::Position { x: column, y: row }))
    }

    /// Rows of data a list pane shows (inside its border, below its header).
    pub fn list_rows(&self, pane: Pane) -> usize {
        usize::from(self.of(pane).height.saturating_sub(3))
    }
}

fn split(area: Rect, direction: Direction, constraints: &[Constraint]) -> Vec<Rect> {
    Layout::default().direction(direction).constraints(constraints).split(area).to_vec()
}

/// `None` when the terminal is smaller than 80x24. A zoomed pane takes all of it but the status
/// line; the others get no room.
pub fn compute(area: Rect, stack_count: usize, zoomed: Option<Pane>) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    if let Some(pane) = zoomed {
        let v = split(area, Direction::Vertical, &[Constraint::Min(0), Constraint::Length(1)]);
        let (main, status) = (v[0], v[1]);
        let none = Rect::new(0, 0, 0, 0);
        let mut a = Areas { stacks: none, queue: none, chart: none, instances: none, activity: none, status };
        match pane {
            Pane::Stacks => a.stacks = main,
            Pane::Instances => a.instances = main,
            Pane::Activity => a.activity = main,
            Pane::Queue => {
                let q = split(main, Direction::Horizontal, &[Constraint::Length(32), Constraint::Min(0)]);
                (a.queue, a.chart) = (q[0], q[1]);
            }
        }
        return Some(a);
    }
    let large = area.width >= 140 && area.height >= 40;
    let stack_rows = stack_count.clamp(1, if large { 8 } else { 3 }) as u16 + 3;
    let v = split(area, Direction::Vertical, &[Constraint::Min(0), Constraint::Length(1)]);
    let (main, status) = (v[0], v[1]);
    if large {
        let activity_h = (main.height / 3).max(8);
        let rows = split(
            main,
            Direction::Vertical,
            &[Constraint::Length(stack_rows), Constraint::Min(10), Constraint::Length(activity_h)],
        );
        let body =
            split(rows[1], Direction::Horizontal, &[Constraint::Percentage(38), Constraint::Percentage(62)]);
        let left = split(body[0], Direction::Vertical, &[Constraint::Length(8), Constraint::Min(0)]);
        return Some(Areas {
            stacks: rows[0],
            queue: left[0],
            chart: left[1],
            instances: body[1],
            activity: rows[2],
            status,
        });
    }
    // The queue row grows with the terminal, so the chart has rows to draw in.
    let queue_rows = (main.height.saturating_sub(stack_rows) / 4).clamp(5, 12);
    let rows = split(
        main,
        Direction::Vertical,
        &[
            Constraint::Length(stack_rows),
            Constraint::Length(queue_rows),
            Constraint::Min(6),
            Constraint::Length(((main.height.saturating_sub(stack_rows + queue_rows)) / 3).max(5)),
        ],
    );
    let queue = split(rows[1], Direction::Horizontal, &[Constraint::Length(32), Constraint::Min(0)]);
    Some(Areas {
        stacks: rows[0],
        queue: queue[0],
        chart: queue[1],
        instances: rows[2],
        activity: rows[3],
        status,
    })
}

impl AppState {
    /// Where the panes are at the terminal's size now; `None` when it is too small.
    pub fn areas(&self) -> Option<Areas> {
        let count = self.stacks.data.as_ref().map_or(1, Vec::len);
        compute(Rect::new(0, 0, self.size.0, self.size.1), count, self.zoomed())
    }

    /// The pane that has the whole screen (`z`), if any: the focused one.
    pub fn zoomed(&self) -> Option<Pane> {
        self.zoom.then_some(self.focus)
    }

    /// Whether the terminal is too small to draw the dashboard (it says so instead).
    pub fn too_small(&self) -> bool {
        let (w, h) = self.size;
        w < MIN_WIDTH || h < MIN_HEIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_small_is_refused() {
        assert!(compute(Rect::new(0, 0, 79, 24), 2, None).is_none());
        assert!(compute(Rect::new(0, 0, 80, 23), 2, None).is_none());
    }

    #[test]
    fn panes_tile_the_screen_at_both_sizes() {
        for (w, h) in [(80, 24), (160, 48), (300, 90)] {
            let a = compute(Rect::new(0, 0, w, h), 3, None).expect("fits");
            let area: u32 = Pane::ALL.iter().map(|p| a.of(*p).area()).sum::<u32>() + a.status.area();
            assert_eq!(area, u32::from(w) * u32::from(h), "{w}x{h}");
            assert!(a.list_rows(Pane::Instances) >= 3, "{w}x{h}");
            assert!(a.list_rows(Pane::Activity) >= 2, "{w}x{h}");
        }
    }

    #[test]
    fn clicks_find_their_pane() {
        let a = compute(Rect::new(0, 0, 80, 24), 3, None).expect("fits");
        assert_eq!(a.pane_at(1, 0), Some(Pane::Stacks));
        assert_eq!(a.pane_at(a.instances.x + 2, a.instances.y + 2), Some(Pane::Instances));
        assert_eq!(a.pane_at(0, 23), None, "the status bar");
    }
}
