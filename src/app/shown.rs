//! Rows as the list panes show them: filtered, sorted, and turned into text. Shared by
//! `update` (to know how many rows there are) and the renderer (to draw them).

use std::cmp::Ordering;

use super::panes::{InstanceColumn, Pane};
use super::state::{AppState, RowsKey};
use crate::domain::{Instance, ScalingActivity, StackSummary, Timestamp, format_age};

pub fn instance_cell(i: &Instance, column: InstanceColumn, now: Timestamp) -> String {
    match column {
        InstanceColumn::Id => i.id.clone(),
        InstanceColumn::Lifecycle => i.lifecycle.as_str().to_string(),
        InstanceColumn::Health => i.health.as_str().to_string(),
        InstanceColumn::Type => i.instance_type.clone(),
        InstanceColumn::Az => i.availability_zone.clone(),
        InstanceColumn::Age => i.launched_at.map_or_else(|| "?".into(), |t| format_age(now.secs_since(t))),
        InstanceColumn::Agent => i.agents.label(),
        InstanceColumn::Disk => match i.disk_used_pct {
            Some(p) => format!("{p}%"),
            None => i.disk.as_str().to_string(),
        },
    }
}

/// The VERSION cell: the stack's version, and when it is behind the latest release, that
/// release after an arrow (`v6.71.1→v6.75.0`), or on a narrow screen an arrow alone
/// (`v6.71.1↑`); how far behind, for its colour.
pub fn version_cell(
    state: &AppState,
    s: &StackSummary,
    wide: bool,
) -> (String, Option<crate::domain::release::Behind>) {
    let latest = state.latest.data.as_ref().and_then(|l| l.as_deref());
    let behind = latest.and_then(|l| crate::domain::release::behind(&s.version, l)).filter(|b| b.is_behind());
    match (latest, behind) {
        (Some(l), Some(b)) if wide => (format!("{}→{l}", s.version), Some(b)),
        (Some(_), Some(b)) => (format!("{}↑", s.version), Some(b)),
        _ => (s.version.clone(), None),
    }
}

/// The BOOT cell: launch to ready from the instance's own lines (`1m21s`), or `booting`
/// (a Pending one too, before the next read of the boots), `failed`, `-` when it launched
/// before the window the boots are read over, `?` before they are read.
pub fn boot_cell(state: &AppState, i: &Instance) -> String {
    use crate::analysis::boot::{is_booting, ready_secs};
    let Some(boots) = &state.reads.boots.data else { return "?".into() };
    match boots.iter().find(|b| b.instance == i.id) {
        None if i.lifecycle == crate::domain::Lifecycle::Pending => "booting".into(),
        None => "-".into(),
        Some(b) => match ready_secs(b) {
            Some(s) => crate::domain::format_span(s),
            None if b.failure.is_some() => "failed".into(),
            None if is_booting(b) => "booting".into(),
            None => "?".into(),
        },
    }
}

/// How long the stack's instances take from launch to ready, over its boots of the last hours:
/// `boot to ready 1m21s, p90 1m38s (19 boots)`; `None` before the boots are read or with
/// none ready.
pub fn boot_summary(state: &AppState) -> Option<String> {
    let boots = state.reads.boots.data.as_deref()?;
    let ready = crate::analysis::boot::summary(boots).ready?;
    let span = crate::domain::format_span;
    let boots = crate::domain::text::count(ready.n as u64, "boot", "boots");
    Some(format!("boot to ready {}, p90 {} ({boots})", span(ready.median), span(ready.p90)))
}

fn compare(a: &Instance, b: &Instance, column: InstanceColumn) -> Ordering {
    let by = match column {
        InstanceColumn::Id => a.id.cmp(&b.id),
        InstanceColumn::Lifecycle => a.lifecycle.cmp(&b.lifecycle),
        InstanceColumn::Health => a.health.cmp(&b.health),
        InstanceColumn::Type => a.instance_type.cmp(&b.instance_type),
        InstanceColumn::Az => a.availability_zone.cmp(&b.availability_zone),
        // Youngest first, as ages read; unknown ages last.
        InstanceColumn::Age => b.launched_at.cmp(&a.launched_at),
        InstanceColumn::Agent => a.agents.state.cmp(&b.agents.state),
        InstanceColumn::Disk => a.disk.cmp(&b.disk),
    };
    by.then_with(|| a.id.cmp(&b.id))
}

pub fn instances(state: &AppState) -> Vec<&Instance> {
    let Some(fleet) = state.reads.fleet.data.as_ref() else { return Vec::new() };
    let filter = state.lists.instances.filter.as_ref();
    let key = RowsKey {
        fetched: state.reads.fleet.fetched_at,
        list: fleet.instances.as_ptr() as usize,
        len: fleet.instances.len(),
        disk_epoch: state.disk_epoch,
        filter: filter.map(|f| f.text.clone()),
        column: state.settings.sort.column,
        descending: state.settings.sort.descending,
        problems_first: state.settings.sort.problems_first,
        // What a filter matches (ages) and what is a problem (how long) move with time.
        second: (filter.is_some() || state.settings.sort.problems_first).then(|| state.now.secs()),
    };
    let kept = state.rows.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, order)| order.clone());
    let order = match kept {
        Some(order) => order,
        None => {
            let order = instance_order(state, &fleet.instances);
            state.rows.replace(Some((key, order.clone())));
            order
        }
    };
    order.iter().filter_map(|&i| fleet.instances.get(i)).collect()
}

/// The rows' indices in the group's list, filtered and sorted.
fn instance_order(state: &AppState, instances: &[Instance]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..instances.len())
        .filter(|&n| {
            state.lists.instances.filter.as_ref().is_none_or(|f| {
                let i = &instances[n];
                let cells: Vec<(&str, String)> = InstanceColumn::ALL
                    .iter()
                    .map(|c| (c.header(), instance_cell(i, *c, state.now)))
                    .collect();
                let refs: Vec<(&str, &str)> = cells.iter().map(|(h, v)| (*h, v.as_str())).collect();
                f.matches(&refs)
            })
        })
        .collect();
    let sort = state.settings.sort;
    let rank = |n: usize| crate::analysis::why::problem(&instances[n], state.now).map_or(u8::MAX, |(r, _)| r);
    order.sort_by(|&a, &b| {
        let first = if sort.problems_first { rank(a).cmp(&rank(b)) } else { Ordering::Equal };
        let o = compare(&instances[a], &instances[b], sort.column);
        first.then(if sort.descending { o.reverse() } else { o })
    });
    order
}

pub fn activities(state: &AppState) -> Vec<&ScalingActivity> {
    let Some(list) = state.reads.activities.data.as_ref() else { return Vec::new() };
    list.iter()
        .filter(|a| {
            state.lists.activity.filter.as_ref().is_none_or(|f| {
                f.matches(&[
                    ("status", a.status.as_str()),
                    ("description", &a.description),
                    ("cause", &a.cause),
                ])
            })
        })
        .collect()
}

pub fn stacks(state: &AppState) -> Vec<&StackSummary> {
    let Some(list) = state.stacks.data.as_ref() else { return Vec::new() };
    list.iter()
        .filter(|s| {
            state.lists.stacks.filter.as_ref().is_none_or(|f| {
                f.matches(&[
                    ("name", &s.name),
                    ("queue", &s.queue),
                    ("os", s.os.as_str()),
                    ("scaling", s.scaling.label()),
                ])
            })
        })
        .collect()
}

pub fn len(state: &AppState, pane: Pane) -> usize {
    match pane {
        Pane::Stacks => stacks(state).len(),
        Pane::Instances => instances(state).len(),
        Pane::Activity => activities(state).len(),
        Pane::Queue => 0,
    }
}

/// The first row shown when `selected` must be visible in `height` rows.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    selected.saturating_sub(height.saturating_sub(1))
}

impl AppState {
    /// Keeps each list's selection on a row that exists.
    pub fn clamp_selections(&mut self) {
        for pane in [Pane::Stacks, Pane::Instances, Pane::Activity] {
            let len = len(self, pane);
            if let Some(sel) = self.selection_mut(pane) {
                *sel = (*sel).min(len.saturating_sub(1));
            }
        }
    }
}
