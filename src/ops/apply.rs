//! Carries out a plan: each call through the backend's `execute` (where read-only is
//! enforced), each one written to the audit log, stopping at the first that fails.

use super::audit::{self, Context};
use super::call::Call;
use super::plan::Plan;
use crate::backend::{BackendError, Operator};
use crate::clock::Clock;

/// What happened to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub call: Call,
    pub result: Result<(), BackendError>,
}

/// Makes the plan's calls in order. The first failure ends it: later calls depend on the
/// earlier ones (the record of a pause before the rule is disabled).
pub async fn apply(
    op: &dyn Operator,
    plan: &Plan,
    ctx: &Context,
    clock: &Clock,
    audit_log: Option<&std::path::Path>,
) -> Result<Vec<Outcome>, std::io::Error> {
    let mut done = Vec::new();
    for call in &plan.calls {
        let result = op.execute(call).await;
        let text = result.as_ref().map(|_| ()).map_err(BackendError::to_string);
        audit::record(audit_log, ctx, call, clock.now(), &text)?;
        let failed = result.is_err();
        done.push(Outcome { call: call.clone(), result });
        if failed {
            break;
        }
    }
    Ok(done)
}
