//! Running `session-manager-plugin` exactly as AWS CLI v2 does (`aws ssm start-session`): the
//! six arguments, the StartSession response in `AWS_SSM_START_SESSION_RESPONSE` for plugins
//! newer than 1.2.497.0 (so the token is not in `ps`), and the caller's profile or resolved
//! credentials in the child's environment.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::ending::Ending;
use super::port::{PluginContext, Session, SessionRequest, Sessions};
use crate::domain::BackendError;

pub const PLUGIN: &str = "session-manager-plugin";
/// The newest plugin that only takes the response as an argument.
const LAST_VERSION_WITHOUT_ENV_VAR: [u64; 4] = [1, 2, 497, 0];
pub const RESPONSE_VAR: &str = "AWS_SSM_START_SESSION_RESPONSE";

/// Where the plugin is: the configured path, else the first on PATH.
pub fn find(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = configured {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(PLUGIN)).find(|p| p.is_file())
}

/// `1.2.536.0` → its parts; anything unreadable is treated as old.
fn parse_version(text: &str) -> Vec<u64> {
    text.trim().split('.').map(|p| p.trim().parse().unwrap_or(0)).collect()
}

/// Whether the plugin reads the response from the environment (versions after 1.2.497.0).
pub fn takes_env_var(version: &str) -> bool {
    parse_version(version).as_slice() > LAST_VERSION_WITHOUT_ENV_VAR.as_slice()
}

/// The plugin's argv after its name, and the environment to add.
pub fn invocation(
    session: &Session,
    request: &SessionRequest,
    ctx: &PluginContext,
    env_var: bool,
) -> (Vec<String>, Vec<(String, String)>) {
    let response = json!({
        "SessionId": session.session_id,
        "TokenValue": session.token.expose(),
        "StreamUrl": session.stream_url,
    })
    .to_string();
    let mut params = serde_json::Map::new();
    params.insert("Target".into(), json!(request.target));
    if let Some(d) = &request.document {
        params.insert("DocumentName".into(), json!(d));
    }
    if !request.parameters.is_empty() {
        params.insert("Parameters".into(), json!(request.parameters));
    }
    params.insert("Reason".into(), json!(request.reason));
    let mut env = ctx.credentials_env.clone();
    env.push(("AWS_REGION".into(), ctx.region.clone()));
    let first = if env_var {
        env.push((RESPONSE_VAR.into(), response));
        RESPONSE_VAR.to_string()
    } else {
        response
    };
    let args = vec![
        first,
        ctx.region.clone(),
        "StartSession".into(),
        ctx.profile.clone(),
        serde_json::Value::Object(params).to_string(),
        ctx.endpoint.clone(),
    ];
    (args, env)
}

/// Keeps Ctrl-C, Ctrl-\ and Ctrl-Z from ending or stopping bkops while the plugin owns the
/// terminal: they reach the whole foreground process group, and the plugin forwards them to
/// the remote shell. Handlers, not SIG_IGN, so the child starts with the defaults.
fn guard_signals() -> Vec<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    [
        SignalKind::interrupt(),
        SignalKind::quit(),
        SignalKind::from_raw(rustix::process::Signal::TSTP.as_raw()),
    ]
    .into_iter()
    .filter_map(|k| signal(k).ok())
    .collect()
}

/// Asks the plugin to stop (SIGTERM, which it handles by closing its session), and kills it
/// if it has not within two seconds.
async fn stop(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id().and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
    if tokio::time::timeout(std::time::Duration::from_secs(2), child.wait()).await.is_err() {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
}

/// The plugin as a child process, without bkops' Buildkite tokens (or any other `BUILDKITE_`
/// variable) in its environment: it needs AWS credentials, and nothing of Buildkite's.
fn plugin_command(path: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(path);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("BUILDKITE_") {
            command.env_remove(&name);
        }
    }
    command
}

/// Runs the plugin for a started session. When it cannot run, or fails, the session is
/// terminated so that no session is left open on the instance.
pub async fn run_plugin(
    path: &Path,
    session: &Session,
    request: &SessionRequest,
    ctx: &PluginContext,
    ops: &dyn Sessions,
) -> Result<Ending, BackendError> {
    let version = plugin_command(path).arg("--version").output().await;
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
    let (args, env) = invocation(session, request, ctx, takes_env_var(&version));
    let _guard = guard_signals();
    let stop_signal = super::tty::hangup_or_terminate();
    let child = plugin_command(path).args(&args).envs(env).spawn();
    let status = match child {
        Ok(mut child) => tokio::select! {
            status = child.wait() => status,
            signal = stop_signal => {
                stop(&mut child).await;
                let _ = ops.terminate_session(&session.session_id).await;
                return Err(BackendError::Other(format!("bkops got {signal}; the session was terminated")));
            }
        },
        Err(e) => Err(e),
    };
    let ended = match status {
        Ok(s) => s.code().map_or(Ending::Signal, Ending::Exit),
        Err(e) => {
            let _ = ops.terminate_session(&session.session_id).await;
            return Err(BackendError::Other(format!(
                "cannot run {}: {e}; the session was terminated",
                path.display()
            )));
        }
    };
    if ended != Ending::Exit(0) {
        // Best effort: the agent may already have closed it.
        let _ = ops.terminate_session(&session.session_id).await;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Secret;

    fn session() -> Session {
        Session {
            session_id: "ana-0123456789abcdef0".into(),
            token: Secret::new("AAEAAToken"),
            stream_url: "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ana-0123456789abcdef0?role=publish_subscribe".into(),
            local_agent: false,
        }
    }

    fn request() -> SessionRequest {
        SessionRequest {
            target: "i-0123456789abcdef0".into(),
            document: None,
            parameters: Default::default(),
            reason: "bkops: shell by arn:aws:sts::1:assumed-role/ops/ana".into(),
        }
    }

    #[test]
    fn six_arguments_in_the_cli_order() {
        let ctx = PluginContext {
            region: "us-east-1".into(),
            profile: "ci-prod".into(),
            endpoint: "https://ssm.us-east-1.amazonaws.com".into(),
            credentials_env: Vec::new(),
        };
        let (args, env) = invocation(&session(), &request(), &ctx, true);
        assert_eq!(
            args,
            [
                "AWS_SSM_START_SESSION_RESPONSE",
                "us-east-1",
                "StartSession",
                "ci-prod",
                r#"{"Target":"i-0123456789abcdef0","Reason":"bkops: shell by arn:aws:sts::1:assumed-role/ops/ana"}"#,
                "https://ssm.us-east-1.amazonaws.com"
            ]
        );
        let response = env.iter().find(|(k, _)| k == RESPONSE_VAR).map(|(_, v)| v.as_str()).expect("in env");
        assert!(response.contains(r#""TokenValue":"AAEAAToken""#));
        let (args, env) = invocation(&session(), &request(), &ctx, false);
        assert!(
            args[0].starts_with(r#"{"SessionId":"ana-0123456789abcdef0""#),
            "old plugins take it as argv[1]"
        );
        assert!(!env.iter().any(|(k, _)| k == RESPONSE_VAR));
    }

    #[test]
    fn versions_after_1_2_497_0_read_the_environment() {
        assert!(takes_env_var("1.2.536.0\n"));
        assert!(takes_env_var("1.2.707.0"));
        assert!(!takes_env_var("1.2.497.0"));
        assert!(!takes_env_var("1.1.61.0"));
        assert!(!takes_env_var("garbage"));
    }
}
