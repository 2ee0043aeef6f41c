//! Operator actions for the dashboard: reading what the confirmation needs, and carrying out
//! a confirmed plan through the backend's `execute` and the audit log. Each ends in one message.

use crate::app::Msg;
use crate::app::confirm::{ActionKind, Prepared};
use crate::backend::Backends;
use crate::domain::BackendError;
use crate::ops::plan::Agents;
use crate::ops::{self, Plan};

/// The stack as it is now and who is asking, for the confirmation dialog.
pub async fn prepare(backends: &Backends, stack: &str, kind: ActionKind) -> Msg {
    let read = async {
        let target = backends.ops.scaling_target(stack).await?;
        let identity = backends.ops.identity().await?;
        // A drain when the Buildkite API allows one; otherwise the dialog says why not, and
        // that a running job is lost.
        let agents = match &kind {
            ActionKind::Terminate { instances } => match backends.ops.agents_on(stack, instances).await {
                Ok(list) => Agents::Read(list),
                Err(BackendError::Unconfigured(what)) => Agents::NoToken(what),
                Err(e) => Agents::Unreadable(e.to_string()),
            },
            _ => Agents::NotAsked,
        };
        Ok(Prepared { kind, target, identity, agents })
    };
    Msg::ActionReady(read.await)
}

/// Makes the calls; the message says what happened, in one line.
pub async fn apply(
    backends: &Backends,
    plan: Plan,
    ctx: crate::ops::CallContext,
    progress: &(dyn Fn(String) + Send + Sync),
    ledger: &ops::Ledger,
) -> Msg {
    let log = backends.audit_log.as_deref();
    match ops::apply(backends.ops.as_ref(), &plan, &ctx, &backends.clock, log, progress, ledger).await {
        Err(e) => Msg::ActionDone { text: format!("audit log: {e}; stopped"), ok: false },
        Ok(outcomes) => {
            let failed = outcomes.iter().find_map(|o| o.result.as_ref().err().map(|e| (o, e)));
            match failed {
                None => Msg::ActionDone { text: format!("done: {}", plan.title), ok: true },
                Some((o, e)) => Msg::ActionDone {
                    text: format!(
                        "{} failed: {e} ({} of {} calls made)",
                        o.call.action(),
                        outcomes.len() - 1,
                        plan.calls.len()
                    ),
                    ok: false,
                },
            }
        }
    }
}

/// The live disk check: SendCommand through `execute` (refused in read-only mode, audited),
/// then the instances' answers.
pub async fn check_disk(backends: &Backends, stack: &str, instances: Vec<String>, windows: bool) -> Msg {
    let run = async {
        let identity = backends.ops.identity().await?;
        let document =
            if windows { ops::port::disk::WINDOWS_DOCUMENT } else { ops::port::disk::LINUX_DOCUMENT };
        let call = ops::Call::SendCommand { document: document.into(), instances: instances.clone() };
        let ctx = crate::ops::CallContext {
            identity,
            backend: backends.label.to_string(),
            stack: stack.to_string(),
        };
        let plan = Plan { title: "disk check".into(), calls: vec![call], warnings: Vec::new() };
        let log = backends.audit_log.as_deref();
        let outcomes = ops::apply(
            backends.ops.as_ref(),
            &plan,
            &ctx,
            &backends.clock,
            log,
            &|_| {},
            &ops::Ledger::default(),
        )
        .await
        .map_err(|e| crate::domain::BackendError::Other(format!("audit log: {e}")))?;
        if let Some(Err(e)) = outcomes.into_iter().next().map(|o| o.result) {
            return Err(e);
        }
        backends.ops.disk_readings(&instances).await
    };
    Msg::DiskChecked(run.await)
}
