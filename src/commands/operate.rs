//! `bkops scaling pause|resume|status` and `bkops terminate`, for runbooks and scripts: the
//! plan is printed with the account, region and stack it touches; nothing happens without a
//! typed confirmation on a terminal or `--yes`; `--dry-run` stops after printing.

use std::io::{BufRead, IsTerminal};

use super::error::AppError;
use crate::backend::Backends;
use crate::ops::CallContext as Context;
use crate::ops::plan::{self, Plan, PlanError, TerminateMode};
use crate::ops::{Identity, Ledger, ScalingTarget, abandon, apply};
use crate::output;

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ScalingAction {
    /// Stop the scaler (disable its AutoscalingFunctionTimer rule), recording what it was.
    Pause {
        /// Also empty the group: DesiredCapacity 0, and MinSize 0 where needed.
        #[arg(long)]
        drain: bool,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Start the scaler again and restore the MinSize from before the pause.
    Resume {
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Whether the stack is paused, by whom and since when, and its sizes.
    Status,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Confirm {
    /// Do it without asking (for scripts).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the calls that would be made, and make none.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct TerminateArgs {
    /// Instance IDs (or agent names) in one stack's group.
    #[arg(required = true, value_name = "INSTANCE")]
    pub instances: Vec<String>,
    /// Launch a replacement for each (the group keeps its size). The default.
    #[arg(long, conflicts_with = "shrink")]
    pub replace: bool,
    /// Lower the group's desired capacity instead of replacing them.
    #[arg(long)]
    pub shrink: bool,
    /// Stop their Buildkite agents first and wait (up to 10 minutes) for their jobs to finish
    /// (needs BUILDKITE_API_TOKEN with write_agents).
    #[arg(long)]
    pub drain: bool,
    #[command(flatten)]
    pub confirm: Confirm,
}

fn stack_of(stack: Option<&str>, command: &str) -> Result<String, AppError> {
    stack.map(str::to_string).ok_or_else(|| AppError::Usage(format!("bkops {command} needs --stack NAME")))
}

fn refused(e: PlanError) -> AppError {
    AppError::Usage(e.to_string())
}

/// The confirmation screen: what will change, where, and as whom.
pub fn describe(plan: &Plan, target: &ScalingTarget, who: &Identity, backend: &str) -> String {
    let mut out = format!("{}\n", plan.title);
    out.push_str(&format!("  as      {} (account {})\n", who.arn, who.account));
    out.push_str(&format!("  on      {backend}\n"));
    out.push_str(&format!(
        "  stack   {}: group {} (min {}, desired {}, max {})\n",
        target.stack, target.group, target.min, target.desired, target.max
    ));
    out.push_str("  calls\n");
    for c in &plan.calls {
        out.push_str(&format!("    {c}\n"));
    }
    for w in &plan.warnings {
        out.push_str(&format!("  note    {w}\n"));
    }
    out
}

/// Asks on the terminal; only `expected`, typed exactly, goes ahead.
pub(super) fn ask(question: &str, expected: &str) -> Result<bool, AppError> {
    if !std::io::stdin().is_terminal() {
        return Err(AppError::Usage(
            "this changes the stack and there is no terminal to confirm on: pass --yes to go ahead, or --dry-run to see the calls"
                .into(),
        ));
    }
    output::ask(question);
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| AppError::Terminal(e.to_string()))?;
    let answer = answer.trim();
    // "y" also takes "yes", in any case; a typed ID must match exactly.
    let yes = expected == "y" && (answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"));
    Ok(answer == expected || yes)
}

/// Confirms, makes the calls, and reports each; a failed call fails the command.
async fn carry_out(
    backends: &Backends,
    who: Identity,
    plan: Plan,
    target: &ScalingTarget,
    confirm: &Confirm,
    question: (&str, &str),
) -> Result<(), AppError> {
    let backend = backends.label.to_string();
    let plan_text = describe(&plan, target, &who, &backend);
    // A dry run's plan is its output (stdout, for a script or a change ticket); otherwise it is
    // said on stderr before the question.
    if confirm.dry_run {
        let _ = output::out(plan_text.trim_end());
        output::err("dry run: no call made");
        return Ok(());
    }
    output::err(plan_text.trim_end());
    if !confirm.yes && !ask(question.0, question.1)? {
        return Err(AppError::Cancelled);
    }
    let ctx = Context { identity: who, backend, stack: target.stack.clone() };
    run_calls(backends, &ctx, &plan).await?.map_or(Ok(()), |(_, e)| Err(AppError::Backend(e)))
}

/// Makes a confirmed plan's calls, each said as it is done, and returns the call that failed
/// and why (later calls are skipped). A signal abandons the run with a record of where it
/// stopped, rather than ending bkops between two calls with nothing said.
pub(super) async fn run_calls(
    backends: &Backends,
    ctx: &Context,
    plan: &Plan,
) -> Result<Option<(crate::ops::Call, crate::domain::BackendError)>, AppError> {
    let log = backends.audit_log.as_deref();
    let ledger = Ledger::default();
    // Listening before the first call: a signal from here on abandons the run with a record.
    let mut stop = crate::stop::listen();
    // Each call is said as it lands, before anything a wait after it says.
    let said: std::sync::Mutex<Said> = Default::default();
    let flush = || said.lock().unwrap_or_else(|p| p.into_inner()).flush(&ledger.progress().done);
    let progress = |text: String| {
        flush();
        output::err(&text);
    };
    let run = apply(backends.ops.as_ref(), plan, ctx, &backends.clock, log, &progress, &ledger);
    tokio::pin!(run);
    let outcomes = loop {
        tokio::select! {
            biased;
            stop = stop.next() => {
                flush();
                let text = abandon(plan, &ledger, ctx, &backends.clock, log, stop.name());
                return Err(AppError::Abandoned { text, code: stop.exit_code() });
            }
            outcomes = &mut run => break outcomes.map_err(|e| {
                let p = ledger.progress();
                let when = if p.done.is_empty() && p.in_flight.is_none() {
                    "nothing was done"
                } else {
                    "stopped before any further call"
                };
                AppError::Terminal(format!("audit log: {e}; {when}"))
            })?,
            _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => flush(),
        }
    };
    let failed = {
        let mut s = said.lock().unwrap_or_else(|p| p.into_inner());
        s.flush(&outcomes);
        s.failed.take()
    };
    for c in plan.calls.iter().skip(outcomes.len()) {
        output::err(&format!("skipped {c}"));
    }
    if let Some(p) = &backends.audit_log {
        output::err(&format!("audit   {}", p.display()));
    }
    Ok(failed)
}

/// The calls of a run said so far, and the one that failed.
#[derive(Default)]
struct Said {
    count: usize,
    failed: Option<(crate::ops::Call, crate::domain::BackendError)>,
}

impl Said {
    fn flush(&mut self, outcomes: &[crate::ops::Outcome]) {
        for o in outcomes.iter().skip(self.count) {
            match &o.result {
                Ok(()) => output::err(&format!("done    {}", o.call)),
                Err(e) => {
                    output::err(&format!("FAILED  {}: {e}", o.call));
                    self.failed = Some((o.call.clone(), e.clone()));
                }
            }
        }
        self.count = self.count.max(outcomes.len());
    }
}

async fn target(backends: &Backends, stack: &str) -> Result<ScalingTarget, AppError> {
    super::check::check_stack(backends, stack).await?;
    Ok(backends.ops.scaling_target(stack).await?)
}

pub async fn scaling(
    action: ScalingAction,
    backends: &Backends,
    stack: Option<&str>,
) -> Result<(), AppError> {
    let stack = stack_of(stack, "scaling")?;
    let t = target(backends, &stack).await?;
    match action {
        ScalingAction::Status => {
            let _ = output::out(status_text(&t).trim_end());
            Ok(())
        }
        ScalingAction::Pause { drain, confirm } => {
            let who = backends.ops.identity().await?;
            match plan::pause(&t, drain, &who.arn, backends.clock.now()) {
                Err(e @ PlanError::AlreadyPaused { .. }) => {
                    output::err(&e.to_string());
                    Ok(())
                }
                Err(e) => Err(refused(e)),
                Ok(p) => carry_out(backends, who, p, &t, &confirm, ("Pause? [y/N]", "y")).await,
            }
        }
        ScalingAction::Resume { confirm } => match plan::resume(&t) {
            Err(e @ PlanError::NotPaused { .. }) => {
                output::err(&e.to_string());
                Ok(())
            }
            Err(e) => Err(refused(e)),
            Ok(p) => {
                let who = backends.ops.identity().await?;
                carry_out(backends, who, p, &t, &confirm, ("Resume? [y/N]", "y")).await
            }
        },
    }
}

/// `bkops scaling status`: the truth about a stack's scaling, in lines a runbook can grep.
pub fn status_text(t: &ScalingTarget) -> String {
    let state = match (&t.rule, t.rule_enabled) {
        (None, _) => "fixed size (no scaler)".to_string(),
        (Some(_), Some(true)) => "enabled".to_string(),
        (Some(_), Some(false)) => "PAUSED".to_string(),
        (Some(_), None) => "unknown".to_string(),
    };
    let mut out = format!("{}: scaling {state}\n", t.stack);
    out.push_str(&format!("  group {}: min {} desired {} max {}\n", t.group, t.min, t.desired, t.max));
    if let Some(rule) = &t.rule {
        out.push_str(&format!("  rule {rule}\n"));
    }
    for (k, v) in &t.tags {
        out.push_str(&format!("  {k} = {v}\n"));
    }
    for s in &t.scheduled {
        out.push_str(&format!("  scheduled action {s}\n"));
    }
    if let Some(stale) = t.stale_record() {
        out.push_str(&format!(
            "  note  {stale}: `scaling pause` completes the pause, `scaling resume` removes the record\n"
        ));
    }
    out.trim_end().to_string()
}

pub async fn terminate(
    args: TerminateArgs,
    backends: &Backends,
    stack: Option<&str>,
) -> Result<(), AppError> {
    let ids: Vec<String> = args
        .instances
        .iter()
        .map(|i| crate::domain::instance_id(i).map_err(AppError::Usage))
        .collect::<Result<_, _>>()?;
    let stack = match stack {
        Some(s) => s.to_string(),
        None => stack_holding(backends, &ids[0]).await?,
    };
    let t = target(backends, &stack).await?;
    let mode = if args.shrink { TerminateMode::Shrink } else { TerminateMode::Replace };
    let agents = if args.drain {
        let found = backends.ops.agents_on(&stack, &ids).await;
        plan::Agents::Read(found.map_err(|e| AppError::Usage(format!("--drain: {e}")))?)
    } else {
        plan::Agents::NotAsked
    };
    let p = plan::terminate(&t, &ids, mode, &agents).map_err(refused)?;
    let expected = if ids.len() == 1 { ids[0].clone() } else { ids.len().to_string() };
    let question = if ids.len() == 1 {
        "Type the instance ID to terminate it:".to_string()
    } else {
        format!("Type the number of instances ({}) to terminate them:", ids.len())
    };
    let who = backends.ops.identity().await?;
    carry_out(backends, who, p, &t, &args.confirm, (&question, &expected)).await
}

/// The stack whose group has the instance.
async fn stack_holding(backends: &Backends, instance: &str) -> Result<String, AppError> {
    for s in backends.stacks.stacks().await? {
        if backends.stacks.fleet(&s.name).await.is_ok_and(|f| f.instances.iter().any(|i| i.id == instance)) {
            return Ok(s.name);
        }
    }
    Err(AppError::Usage(format!("{instance} is in no Elastic CI Stack's Auto Scaling group here")))
}
