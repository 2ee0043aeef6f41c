//! A stack update from the dashboard: its change set made and read for the dialog, and what
//! the update's end asks for once its calls are over (resume, or say why scaling stays
//! paused), as `bkops update` does.

use crate::app::Msg;
use crate::app::confirm::{ActionKind, Prepared, UpdatePreview};
use crate::backend::Backends;
use crate::domain::BackendError;
use crate::ops::change_set::{self, Failure, Preview, Why};
use crate::ops::plan::Agents;
use crate::ops::update::{self as upd, After};
use crate::ops::{self, Call, CallContext, Plan};

/// The update to the latest release, previewed: refused as `bkops update` refuses it, else a
/// change set made (an audited call) and read. One that changes nothing is said and deleted.
pub async fn prepare(backends: &Backends, stack: &str) -> Msg {
    match preview(backends, stack).await {
        Ok(Some(p)) => Msg::ActionReady(Ok(p)),
        Ok(None) => Msg::ActionNotNeeded(format!(
            "{stack}: no changes — it runs the latest template with these parameters; nothing to update"
        )),
        Err(e) => Msg::ActionReady(Err(e)),
    }
}

async fn preview(backends: &Backends, stack: &str) -> Result<Option<Prepared>, BackendError> {
    let op = backends.ops.as_ref();
    let url = backends.releases.template_url();
    let source = op.update_source(stack, Some(&url)).await?;
    let refused = |e: upd::UpdateError| BackendError::Other(e.to_string());
    upd::check_stack(&source).map_err(refused)?;
    let params = upd::parameters(&source, &[]).map_err(refused)?;
    let identity = op.identity().await?;
    let ctx =
        CallContext { identity: identity.clone(), backend: backends.label.to_string(), stack: stack.into() };
    let name = upd::change_set_name(backends.clock.now());
    let create = Call::CreateChangeSet {
        stack: stack.into(),
        name: name.clone(),
        template_url: Some(url),
        parameters: params.parameters.clone(),
    };
    let call = |call: Call| {
        let title = match &call {
            Call::CreateChangeSet { .. } => "Preview the update (a change set)",
            _ => "Delete the change set",
        };
        let ctx = &ctx;
        async move { run(backends, ctx, title, call).await }
    };
    let cut = std::future::pending::<BackendError>();
    let view = match change_set::preview(op, stack, &name, create, call, cut).await {
        Ok(Preview::NoChange) => return Ok(None),
        Ok(Preview::Ready(view)) => view,
        Err(Failure { why, left }) => {
            let e = match why {
                Why::Call(e) | Why::Cut(e) | Why::Read(e) => e,
                Why::Failed(why) => refused(upd::UpdateError::ChangeSet(why)),
            };
            return Err(match left {
                None => e,
                Some(d) => BackendError::Other(format!(
                    "{e}; the change set {name} could not be deleted either: {d}"
                )),
            });
        }
    };
    let target = op.scaling_target(stack).await?;
    let kind = ActionKind::Update(Box::new(UpdatePreview { change_set: name, source, params, view }));
    Ok(Some(Prepared { kind, target, identity, agents: Agents::NotAsked }))
}

/// One call through `apply`, audited like the rest.
async fn run(backends: &Backends, ctx: &CallContext, title: &str, call: Call) -> Result<(), BackendError> {
    let plan = Plan { title: format!("{title} of {}", ctx.stack), calls: vec![call], warnings: Vec::new() };
    apply(backends, ctx, &plan).await
}

/// A plan's calls through `apply` (audited, read-only enforced), quietly: the first failure.
async fn apply(backends: &Backends, ctx: &CallContext, plan: &Plan) -> Result<(), BackendError> {
    let log = backends.audit_log.as_deref();
    let ledger = ops::Ledger::default();
    let done = ops::apply(backends.ops.as_ref(), plan, ctx, &backends.clock, log, &|_| {}, &ledger)
        .await
        .map_err(|e| BackendError::Other(format!("audit log: {e}")))?;
    done.into_iter().find_map(|o| o.result.err()).map_or(Ok(()), Err)
}

/// After an update's calls: resume once it has ended if bkops paused for it, or say why
/// scaling stays paused; `done` is what the calls' run said.
pub async fn after(
    backends: &Backends,
    plan: &Plan,
    ctx: &CallContext,
    ledger: &ops::Ledger,
    done: Msg,
) -> Msg {
    let Msg::ActionDone { text, ok } = done else { return done };
    let paused_here = upd::resumes(plan);
    let followed = ledger.progress().done.iter().any(|o| matches!(o.call, Call::WaitForUpdate { .. }));
    let status = match backends.ops.stack_progress(&ctx.stack, backends.clock.now()).await {
        Ok(p) => p.status,
        Err(e) => {
            let text = format!("{text}; reading {} failed ({e}): scaling was left as it is", ctx.stack);
            return Msg::ActionDone { text, ok: false };
        }
    };
    match upd::after(&ctx.stack, &status, paused_here, followed) {
        After::Nothing => Msg::ActionDone { text, ok },
        After::Paused(why) => Msg::ActionDone { text: format!("{text}; {why}"), ok: false },
        After::Resume => match resume(backends, ctx).await {
            Ok(()) => Msg::ActionDone { text: format!("{text} ({status}); scaling resumed"), ok },
            Err(e) => Msg::ActionDone { text: format!("{text}; resuming failed: {e}"), ok: false },
        },
    }
}

async fn resume(backends: &Backends, ctx: &CallContext) -> Result<(), BackendError> {
    let target = ops::wait::target(backends.ops.as_ref(), &ctx.stack).await?;
    let Ok(plan) = ops::plan::resume(&target) else { return Ok(()) };
    apply(backends, ctx, &plan).await
}
