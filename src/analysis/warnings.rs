//! What an on-call engineer should notice first about a stack, derived from what the panes
//! show; the dashboard and `bkops status` print the same list. The texts are short, so that
//! they share the one line under the instance table at 80 columns.

use serde::Serialize;

use crate::domain::text::count;
use crate::domain::{DiskSignal, Fleet, Health, QueueMetrics, ScalingState, StackState, StackSummary};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub text: String,
}

/// A stack CloudFormation is changing, undoing, or gave up on, in its own status's words.
pub fn stack_state(stack: &StackSummary) -> Option<Warning> {
    let status = &stack.status;
    let (code, what) = match stack.state() {
        StackState::Stable => return None,
        StackState::Failed => ("stack_failed", "no update can run until it is fixed"),
        StackState::RollingBack => ("stack_rolling_back", "an update failed and is being undone"),
        StackState::RolledBack => ("stack_rolled_back", "its last change failed and was undone"),
        StackState::Updating => ("stack_updating", "CloudFormation is changing it"),
        StackState::Deleting => ("stack_deleting", "it is being deleted"),
    };
    Some(Warning { code, text: format!("stack {status}: {what} (bkops events --stack {})", stack.name) })
}

pub fn warnings(stack: &StackSummary, queue: Option<&QueueMetrics>, fleet: Option<&Fleet>) -> Vec<Warning> {
    let mut out: Vec<Warning> = stack_state(stack).into_iter().collect();
    let scheduled = queue.map_or(0, |q| q.scheduled);
    if let ScalingState::Paused { .. } = stack.scaling {
        let tail = if scheduled > 0 {
            format!(": {} scheduled and no scale-out", count(scheduled, "job", "jobs"))
        } else {
            String::new()
        };
        // The name at the end of the ARN: the role session or the user.
        let by = fleet
            .and_then(|f| f.paused_by.as_deref())
            .map(|arn| format!(" by {}", arn.rsplit(['/', ':']).next().unwrap_or(arn)))
            .unwrap_or_default();
        out.push(Warning { code: "paused", text: format!("autoscaling PAUSED{by}{tail}") });
    }
    let Some(f) = fleet else { return out };
    if let (ScalingState::Enabled { .. }, Some(arn)) = (&stack.scaling, f.paused_by.as_deref()) {
        out.push(Warning {
            code: "stale_pause_record",
            text: format!(
                "tags say paused by {}, but the scaler runs: P pauses (completing it) or resumes (cleaning it)",
                arn.rsplit(['/', ':']).next().unwrap_or(arn)
            ),
        });
    }
    if f.desired >= f.max && scheduled > 0 && stack.scaling != ScalingState::FixedSize {
        out.push(Warning {
            code: "at_max_size",
            text: format!(
                "at MaxSize ({}): {} for an agent",
                f.max,
                count(scheduled, "job waits", "jobs wait")
            ),
        });
    }
    let count =
        |pred: &dyn Fn(&crate::domain::Instance) -> bool| f.instances.iter().filter(|i| pred(i)).count();
    // One instance is named: the warning says which machine, not only how many (once: a
    // second warning about the same machine says so).
    let named = std::cell::RefCell::new(Vec::<String>::new());
    let which = |pred: &dyn Fn(&crate::domain::Instance) -> bool| {
        let matching: Vec<&crate::domain::Instance> = f.instances.iter().filter(|i| pred(i)).collect();
        match matching[..] {
            [one] if named.borrow().contains(&one.id) => " (the same)".to_string(),
            [one] => {
                named.borrow_mut().push(one.id.clone());
                format!(" ({})", one.id)
            }
            _ => String::new(),
        }
    };
    let unhealthy = count(&|i| i.health == Health::Unhealthy);
    if unhealthy > 0 {
        let id = which(&|i| i.health == Health::Unhealthy);
        out.push(Warning { code: "unhealthy", text: format!("{unhealthy} Unhealthy{id}") });
    }
    let boot = count(&|i| i.boot_failed);
    if boot > 0 {
        let id = which(&|i| i.boot_failed);
        out.push(Warning { code: "boot_failed", text: format!("{boot} failed to boot{id}") });
    }
    let (full, low) = (count(&|i| i.disk == DiskSignal::Full), count(&|i| i.disk == DiskSignal::Low));
    let full_id = which(&|i| i.disk == DiskSignal::Full);
    let low_id = which(&|i| i.disk == DiskSignal::Low);
    let disk = match (full, low) {
        (0, 0) => None,
        (f, 0) => Some(format!("{f} disk FULL{full_id}")),
        (0, l) => Some(format!("{l} disk low{low_id}")),
        (f, l) => Some(format!("{f} disk FULL{full_id}, {l} low")),
    };
    if let Some(text) = disk {
        out.push(Warning { code: "disk", text });
    }
    if let Some(r) = super::rollover::rollover(f) {
        out.push(Warning { code: "rollover", text: r.text() });
    }
    for action in &f.scheduled {
        out.push(Warning { code: "scheduled_action", text: action.describe() });
    }
    out
}
