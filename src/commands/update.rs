//! `bkops update`: a stack update as its documentation does it by hand, as one tracked write.
//! The plan is a change set's preview (parameters old → new, checked against the template;
//! what is replaced, the group's rollover called out); once confirmed, scaling is paused (and
//! with `--drain` the group emptied), the change set executed and its events followed to the
//! end, scaling resumed, and the new capacity followed until its agents register.
//! `--external` does the same around an update made elsewhere (Terraform, the console).

mod follow;

use super::error::AppError;
use super::operate::{Confirm, ask, run_calls};
use crate::backend::Backends;
use crate::ops::CallContext as Context;
use crate::ops::plan::{self, Plan};
use crate::ops::port::Call;
use crate::ops::update::{self as upd, UpdateError};
use crate::output;

#[derive(Debug, Clone, clap::Args)]
pub struct UpdateArgs {
    /// Change a parameter (repeat for more); every other keeps its value.
    #[arg(long = "parameter", short = 'p', value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// Deploy this template instead of the stack's own (an https URL, as CloudFormation takes).
    #[arg(long, value_name = "URL", conflicts_with = "latest")]
    pub template_url: Option<String>,
    /// Deploy the latest published release (`[updates] latest_template_url`).
    #[arg(long)]
    pub latest: bool,
    /// Empty the group before the update (DesiredCapacity 0; running jobs finish first), as
    /// the stack's documentation does, so that no job is lost to the rollover.
    #[arg(long)]
    pub drain: bool,
    /// Make no update: pause scaling, wait for an update made elsewhere (terraform apply, the
    /// console) to end, and resume.
    #[arg(long, conflicts_with_all = ["parameters", "template_url", "latest"])]
    pub external: bool,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// What the command needs beyond the backends.
pub struct Settings {
    /// Where `--latest` finds the published template.
    pub latest_url: String,
    pub read_only: bool,
}

fn usage(e: UpdateError) -> AppError {
    AppError::Usage(e.to_string())
}

pub async fn run(
    args: &UpdateArgs,
    backends: &Backends,
    stack: Option<&str>,
    settings: &Settings,
) -> Result<(), AppError> {
    let stack = stack.ok_or_else(|| AppError::Usage("bkops update needs --stack NAME".into()))?.to_string();
    let overrides = upd::parse_overrides(&args.parameters).map_err(usage)?;
    let url = match (&args.template_url, args.latest) {
        (Some(u), _) => Some(u.trim().to_string()),
        (None, true) => Some(settings.latest_url.clone()),
        (None, false) => None,
    };
    if let Some(u) = &url {
        crate::backend::buildkite::trust::plain_url_ok(u)
            .map_err(|m| AppError::Usage(format!("--template-url: {m}")))?;
    }
    if settings.read_only && !args.confirm.dry_run {
        return Err(AppError::Usage(format!(
            "read-only: bkops update changes {stack}; --dry-run shows its parameters without a change set"
        )));
    }
    super::check::check_stack(backends, &stack).await?;
    if args.external {
        return external(args, backends, &stack).await;
    }
    let source = backends.ops.update_source(&stack, url.as_deref()).await?;
    if let Err(e) = upd::check_stack(&source) {
        if matches!(e, UpdateError::Busy { .. }) {
            say_recent_events(backends, &stack).await;
        }
        return Err(usage(e));
    }
    let params = upd::parameters(&source, &overrides).map_err(usage)?;
    if settings.read_only {
        let _ = output::out(upd::parameters_text(&source, &params).trim_end());
        output::err(
            "dry run, read-only: no change set was made (making one is a write), so what it replaces is not known",
        );
        return Ok(());
    }
    let who = backends.ops.identity().await?;
    let ctx = Context { identity: who.clone(), backend: backends.label.to_string(), stack: stack.clone() };
    let Some((name, view)) = preview(backends, &ctx, url, &params).await? else {
        output::err(&no_changes(&stack));
        return Ok(());
    };
    let planned = match backends.ops.scaling_target(&stack).await {
        Ok(t) => upd::update(&t, &name, args.drain, &who.arn, backends.clock.now())
            .map(|p| (t, p))
            .map_err(|e| AppError::Usage(e.to_string())),
        Err(e) => Err(AppError::Backend(e)),
    };
    let (target, plan) = match planned {
        Ok(tp) => tp,
        Err(e) => return Err(cleaned_up(backends, &ctx, &name, e).await),
    };
    let mut text = upd::parameters_text(&source, &params);
    text.push_str(&upd::changes_text(&view, &source, args.drain));
    text.push_str(&super::operate::describe(&plan, &target, &who, &ctx.backend));
    if args.confirm.dry_run {
        let _ = output::out(text.trim_end());
        delete(backends, &ctx, &name).await?;
        output::err("dry run: the change set was deleted; nothing was updated or paused");
        return Ok(());
    }
    output::err(text.trim_end());
    if !args.confirm.yes {
        match confirmed(&stack).await {
            Ok(true) => {}
            Ok(false) => return Err(cleaned_up(backends, &ctx, &name, AppError::Cancelled).await),
            Err(e) => return Err(cleaned_up(backends, &ctx, &name, e).await),
        }
    }
    carry_out(backends, &ctx, &plan).await
}

/// The change set made and read: its name and preview, or `None` when it changes nothing
/// (and is deleted). One that fails, or a signal while it is made, deletes it too.
async fn preview(
    backends: &Backends,
    ctx: &Context,
    url: Option<String>,
    params: &upd::ParamPlan,
) -> Result<Option<(String, crate::ops::port::ChangeSetView)>, AppError> {
    use crate::ops::change_set::{self, Failure, Preview, Why};
    let stack = ctx.stack.as_str();
    let name = upd::change_set_name(backends.clock.now());
    let create = Call::CreateChangeSet {
        stack: stack.to_string(),
        name: name.clone(),
        template_url: url,
        parameters: params.parameters.clone(),
    };
    let call = |call: Call| {
        let title = match &call {
            Call::CreateChangeSet { .. } => {
                format!("Preview the update of {stack} (a change set: nothing changes until it is executed)")
            }
            _ => format!("Delete the change set {name} of {stack}"),
        };
        async move {
            match run_calls(backends, ctx, &Plan { title, calls: vec![call], warnings: Vec::new() }).await? {
                None => Ok(()),
                Some((_, e)) => Err(AppError::Backend(e)),
            }
        }
    };
    // A signal while the change set is made cancels, and deletes it.
    let mut stop = crate::stop::listen();
    let cut = async move { AppError::Stopped(stop.next().await) };
    match change_set::preview(backends.ops.as_ref(), stack, &name, create, call, cut).await {
        Ok(Preview::NoChange) => Ok(None),
        Ok(Preview::Ready(view)) => Ok(Some((name, view))),
        Err(Failure { why, left }) => {
            let e = match why {
                Why::Call(e) | Why::Cut(e) => e,
                Why::Read(e) => AppError::Backend(e),
                Why::Failed(why) => usage(UpdateError::ChangeSet(why)),
            };
            Err(match left {
                None => e,
                Some(d) => {
                    AppError::Usage(format!("{e}; the change set {name} could not be deleted either: {d}"))
                }
            })
        }
    }
}

/// Asks for the stack's name. A signal while asking (Ctrl-C) is a no: the change set made for
/// the question is deleted on the way out. The question reads the terminal on a thread of its
/// own, which bkops does not wait for once the answer no longer matters.
async fn confirmed(stack: &str) -> Result<bool, AppError> {
    let mut stop = crate::stop::listen();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (question, expected) = (format!("Type the stack's name ({stack}) to update it:"), stack.to_string());
    std::thread::spawn(move || {
        let _ = tx.send(ask(&question, &expected));
    });
    tokio::select! {
        s = stop.next() => {
            output::err(&format!("\ncancelled ({}): the update is not made", s.name()));
            Err(AppError::Stopped(s))
        }
        answer = rx => answer.unwrap_or_else(|_| Err(AppError::Terminal("the question was not answered".into()))),
    }
}

/// A stack that is changing: what it is doing, its last events, before the refusal.
async fn say_recent_events(backends: &Backends, stack: &str) {
    let since = backends.clock.now().plus_secs(-3600);
    if let Ok(p) = backends.ops.stack_progress(stack, since).await {
        for e in p.events.iter().take(5).rev() {
            output::err(&crate::ops::wait::event_line(e));
        }
    }
}

fn no_changes(stack: &str) -> String {
    format!("{stack}: no changes — the template and parameters are what the stack runs; nothing to update")
}

/// The change set is deleted before the error is returned: a refused or failed preview
/// leaves nothing behind.
async fn cleaned_up(backends: &Backends, ctx: &Context, name: &str, e: AppError) -> AppError {
    match delete(backends, ctx, name).await {
        Ok(()) => e,
        Err(d) => AppError::Usage(format!("{e}; the change set {name} could not be deleted either: {d}")),
    }
}

async fn delete(backends: &Backends, ctx: &Context, name: &str) -> Result<(), AppError> {
    let call = Call::DeleteChangeSet { stack: ctx.stack.clone(), name: name.to_string() };
    let title = format!("Delete the change set {name} of {}", ctx.stack);
    match run_calls(backends, ctx, &Plan { title, calls: vec![call], warnings: Vec::new() }).await? {
        None => Ok(()),
        Some((_, e)) => Err(AppError::Backend(e)),
    }
}

/// `--external`: paused (and drained) while an update made elsewhere runs, then resumed.
async fn external(args: &UpdateArgs, backends: &Backends, stack: &str) -> Result<(), AppError> {
    let target = backends.ops.scaling_target(stack).await?;
    let who = backends.ops.identity().await?;
    let plan = upd::external(&target, args.drain, &who.arn, backends.clock.now())
        .map_err(|e| AppError::Usage(e.to_string()))?;
    let ctx =
        Context { identity: who.clone(), backend: backends.label.to_string(), stack: stack.to_string() };
    let text = super::operate::describe(&plan, &target, &who, &ctx.backend);
    if args.confirm.dry_run {
        let _ = output::out(text.trim_end());
        output::err("dry run: no call made");
        return Ok(());
    }
    output::err(text.trim_end());
    if !args.confirm.yes && !ask("Pause and wait for the update? [y/N]", "y")? {
        return Err(AppError::Cancelled);
    }
    carry_out(backends, &ctx, &plan).await
}

/// The update's calls, then what its end asks for: resume (after an update or a rollback, if
/// bkops paused it), never after a rollback that failed; then the new capacity followed.
async fn carry_out(backends: &Backends, ctx: &Context, plan: &Plan) -> Result<(), AppError> {
    let stack = &ctx.stack;
    let failed = run_calls(backends, ctx, plan).await?;
    let paused_here = upd::resumes(plan);
    // The update ran to its end (done, or rolled back), not a run stopped before it began (a
    // drain that gave up), which leaves scaling paused for the operator to decide.
    let waited = failed.as_ref().is_none_or(|(c, _)| matches!(c, Call::WaitForUpdate { .. }));
    let failed = failed.map(|(_, e)| e);
    let status = match backends.ops.stack_progress(stack, backends.clock.now()).await {
        Ok(p) => p.status,
        Err(e) => {
            output::err(&format!("reading {stack}'s status failed ({e}): scaling was left as it is"));
            return Err(failed.map_or(AppError::Backend(e), AppError::Backend));
        }
    };
    match upd::after(stack, &status, paused_here, waited) {
        upd::After::Resume => {
            resume(backends, ctx).await?;
            follow::capacity(backends, stack).await;
        }
        upd::After::Paused(text) => output::err(&text),
        upd::After::Nothing => {}
    }
    failed.map_or(Ok(()), |e| Err(AppError::Backend(e)))
}

async fn resume(backends: &Backends, ctx: &Context) -> Result<(), AppError> {
    let target = crate::ops::wait::target(backends.ops.as_ref(), &ctx.stack).await?;
    match plan::resume(&target) {
        Ok(p) => {
            output::err(&format!("{} (after the update)", p.title));
            run_calls(backends, ctx, &p).await?.map_or(Ok(()), |(_, e)| Err(AppError::Backend(e)))
        }
        Err(e) => {
            output::err(&format!("not resumed: {e}"));
            Ok(())
        }
    }
}
