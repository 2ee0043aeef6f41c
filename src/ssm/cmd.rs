//! `bkops ssm <instance-id>`: checks that the instance can take a session, starts one, and hands
//! the terminal to `session-manager-plugin` until the shell exits.

use std::path::Path;

use super::plugin::{self, PluginContext};
use super::{Registration, Session, SessionRequest};
use crate::backend::{BackendError, Backends, Operator};
use crate::domain::Lifecycle;
use crate::error::AppError;
use crate::ops::audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientChoice {
    /// The plugin when it is installed.
    Auto,
    Plugin,
    /// The built-in client (not in this version yet).
    Native,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SsmArgs {
    /// The instance ID (i-0123456789abcdef0), or an agent name.
    pub instance: String,
    /// A Session Manager document (default: the account's shell preferences).
    #[arg(long)]
    pub document: Option<String>,
    /// A command instead of a shell, e.g. 'sudo -iu buildkite-agent' (AWS-StartInteractiveCommand).
    #[arg(long)]
    pub command: Option<String>,
    /// auto (the plugin when installed), plugin, or native (also `[ssm] client`).
    #[arg(long, value_enum)]
    pub ssm_client: Option<ClientChoice>,
}

/// How a plugin session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The plugin exited with this status (0: the shell exited).
    Exit(i32),
    /// A signal ended the plugin.
    Signal,
}

/// Keeps Ctrl-C, Ctrl-\ and Ctrl-Z from ending or stopping bkops while the plugin owns the
/// terminal: they reach the whole foreground process group, and the plugin forwards them to
/// the remote shell. Handlers, not SIG_IGN, so the child starts with the defaults.
fn guard_signals() -> Vec<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    [SignalKind::interrupt(), SignalKind::quit(), SignalKind::from_raw(libc::SIGTSTP)]
        .into_iter()
        .filter_map(|k| signal(k).ok())
        .collect()
}

/// Runs the plugin for a started session. When it cannot run, or fails, the session is
/// terminated so that no session is left open on the instance.
pub async fn run_plugin(
    path: &Path,
    session: &Session,
    request: &SessionRequest,
    ctx: &PluginContext,
    ops: &dyn Operator,
) -> Result<Ended, BackendError> {
    let version = tokio::process::Command::new(path).arg("--version").output().await;
    let version = match version {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => {
            let _ = ops.terminate_session(&session.session_id).await;
            return Err(BackendError::Other(format!(
                "{} --version failed ({}); the session was terminated",
                path.display(),
                out.status
            )));
        }
        Err(e) => {
            let _ = ops.terminate_session(&session.session_id).await;
            return Err(BackendError::Other(format!(
                "cannot run {}: {e}; the session was terminated",
                path.display()
            )));
        }
    };
    let (args, env) = plugin::invocation(session, request, ctx, plugin::takes_env_var(&version));
    let _guard = guard_signals();
    let status = tokio::process::Command::new(path).args(&args).envs(env).status().await;
    let ended = match status {
        Ok(s) => s.code().map_or(Ended::Signal, Ended::Exit),
        Err(e) => {
            let _ = ops.terminate_session(&session.session_id).await;
            return Err(BackendError::Other(format!(
                "cannot run {}: {e}; the session was terminated",
                path.display()
            )));
        }
    };
    if ended != Ended::Exit(0) {
        // Best effort: the agent may already have closed it.
        let _ = ops.terminate_session(&session.session_id).await;
    }
    Ok(ended)
}

/// The stack whose group has the instance, and its lifecycle there.
async fn find(backends: &Backends, instance: &str) -> Result<(String, Lifecycle), AppError> {
    for s in backends.stacks.stacks().await? {
        if let Ok(f) = backends.stacks.fleet(&s.name).await
            && let Some(i) = f.instances.iter().find(|i| i.id == instance)
        {
            return Ok((s.name, i.lifecycle));
        }
    }
    Err(AppError::Usage(format!("{instance} is in no Elastic CI Stack's Auto Scaling group here")))
}

pub async fn run(
    args: SsmArgs,
    backends: &Backends,
    config: &crate::config::SsmFile,
) -> Result<(), AppError> {
    let id = crate::logs::instance_id(&args.instance).map_err(AppError::Usage)?;
    // Which client, before anything is started on the instance.
    let choice = args.ssm_client.or(config.client).unwrap_or(ClientChoice::Auto);
    let path = match (choice, plugin::find(config.plugin.as_deref())) {
        (ClientChoice::Plugin, None) => {
            return Err(AppError::Usage(format!(
                "the plugin client was chosen, and {} is neither on PATH nor at [ssm] plugin; install it (AWS documentation: \"Install the Session Manager plugin for the AWS CLI\")",
                plugin::PLUGIN
            )));
        }
        (ClientChoice::Native, _) | (ClientChoice::Auto, None) => {
            return Err(AppError::Usage(format!(
                "this version of bkops opens sessions through {}, which is not on PATH; install it, or use `aws ssm start-session --target {id}`",
                plugin::PLUGIN
            )));
        }
        (_, Some(p)) => p,
    };
    let (stack, lifecycle) = find(backends, &id).await?;
    if lifecycle != Lifecycle::InService {
        return Err(AppError::Usage(format!(
            "{id} is {}: a session needs an InService instance",
            lifecycle.as_str()
        )));
    }
    match backends.ops.registration(&id).await? {
        Registration::Online => {}
        Registration::Offline(status) => {
            return Err(AppError::Backend(BackendError::Other(format!(
                "SSM cannot reach {id} now (PingStatus {status}): its SSM agent is not connected"
            ))));
        }
        Registration::NotRegistered => {
            return Err(AppError::Backend(BackendError::Other(format!(
                "{id} is not registered with SSM: its agent has not checked in (still booting, or no route to the ssm and ssmmessages endpoints)"
            ))));
        }
    }
    let who = backends.ops.identity().await?;
    let request = SessionRequest::new(&id, args.document.clone(), args.command.as_deref(), &who.arn);
    let started = backends.ops.start_session(&request).await;
    let ctx = audit::Context { identity: who, backend: backends.label.to_string(), stack };
    let line =
        serde_json::json!({"target": request.target, "document": request.document, "reason": request.reason});
    let result = started.as_ref().map(|_| ()).map_err(|e| e.to_string());
    audit::record_action(
        backends.audit_log.as_deref(),
        &ctx,
        "ssm:StartSession",
        &line,
        backends.clock.now(),
        &result,
    )
    .map_err(|e| AppError::Terminal(format!("audit log: {e}")))?;
    let session = started?;
    let pctx = backends.ops.plugin_context().await?;
    eprintln!("bkops: session {} on {id} (exit the shell to come back)", session.session_id);
    let ended = run_plugin(&path, &session, &request, &pctx, backends.ops.as_ref()).await?;
    match ended {
        Ended::Exit(0) => {
            eprintln!("bkops: session {} ended", session.session_id);
            Ok(())
        }
        Ended::Exit(n) => Err(AppError::Backend(BackendError::Other(format!(
            "session {} ended with status {n}; it was terminated",
            session.session_id
        )))),
        Ended::Signal => Err(AppError::Backend(BackendError::Other(format!(
            "session {} ended by a signal; it was terminated",
            session.session_id
        )))),
    }
}
