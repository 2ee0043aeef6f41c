//! What an on-call engineer should notice first about a stack, derived from what the panes
//! show; the dashboard and `bkops status` print the same list.

use serde::Serialize;

use super::{DiskSignal, Fleet, Health, QueueMetrics, ScalingState, StackSummary};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub text: String,
}

pub fn warnings(stack: &StackSummary, queue: Option<&QueueMetrics>, fleet: Option<&Fleet>) -> Vec<Warning> {
    let mut out = Vec::new();
    let scheduled = queue.map_or(0, |q| q.scheduled);
    if let ScalingState::Paused { .. } = stack.scaling {
        let tail = if scheduled > 0 {
            format!(": {scheduled} jobs scheduled and no scale-out")
        } else {
            String::new()
        };
        out.push(Warning { code: "paused", text: format!("autoscaling PAUSED{tail}") });
    }
    if let Some(f) = fleet {
        if f.desired >= f.max && scheduled > 0 && stack.scaling != ScalingState::FixedSize {
            out.push(Warning {
                code: "at_max_size",
                text: format!("at MaxSize ({}): {scheduled} jobs wait for an agent", f.max),
            });
        }
        let unhealthy = f.instances.iter().filter(|i| i.health == Health::Unhealthy).count();
        if unhealthy > 0 {
            out.push(Warning { code: "unhealthy", text: format!("{unhealthy} Unhealthy instance(s)") });
        }
        for action in &f.scheduled {
            out.push(Warning { code: "scheduled_action", text: action.describe() });
        }
        let boot = f.instances.iter().filter(|i| i.boot_failed).count();
        if boot > 0 {
            out.push(Warning {
                code: "boot_failed",
                text: format!("{boot} instance(s) failed to boot (see elastic-stack)"),
            });
        }
        let full = f.instances.iter().filter(|i| i.disk == DiskSignal::Full).count();
        let low = f.instances.iter().filter(|i| i.disk == DiskSignal::Low).count();
        if full + low > 0 {
            out.push(Warning {
                code: "disk",
                text: format!("disk full on {full}, low on {low} instance(s)"),
            });
        }
    }
    out
}
