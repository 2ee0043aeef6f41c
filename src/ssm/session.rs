//! One session, from the checks to its end, for `bkops ssm` and the dashboard's `s` alike:
//! which client, whether the instance can take a session, StartSession (audited, refused in
//! read-only mode), then the plugin or the built-in client on the terminal, and
//! TerminateSession whenever a session fails rather than ends.

use std::future::Future;
use std::path::PathBuf;

pub use super::ending::Ending;
use super::native::{self, StreamUrl};
use super::plugin;
use super::port::{Registration, Session, SessionRequest, Sessions};
use crate::clock::Clock;
use crate::domain::{BackendError, Lifecycle};
use crate::ops::{Operations, audit};

/// Which client runs sessions (`--ssm-client`, `[ssm] client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientChoice {
    /// The plugin when it is installed.
    Auto,
    Plugin,
    /// The built-in client.
    Native,
}

/// How sessions are run here: the choice, and where the plugin is when it is not on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    pub choice: ClientChoice,
    pub plugin: Option<PathBuf>,
}

impl ClientSettings {
    /// The client to run a session with now, looking for the plugin where it was said to be.
    pub fn client(&self) -> Result<Client, SessionError> {
        choose(self.choice, plugin::find(self.plugin.as_deref()))
    }
}

/// Why a session could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The operator can fix it: a client that is not installed, an instance that is not in a
    /// stack or not InService.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// The audit log could not be written: no session is left open without a record.
    #[error("terminal: {0}")]
    Audit(String),
}

/// What opening a session needs: SSM, who is calling, and where the start is recorded.
pub struct Env<'a> {
    pub sessions: &'a dyn Sessions,
    pub operations: &'a dyn Operations,
    /// The backend's label, for the audit log.
    pub backend: String,
    pub audit_log: Option<&'a std::path::Path>,
    pub clock: &'a Clock,
}

/// What runs the session on this terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// `session-manager-plugin`, at this path.
    Plugin(PathBuf),
    /// bkops' own data-channel client.
    Native,
}

/// The client for a choice: `auto` takes the plugin when it is installed, else the built-in one.
pub fn choose(choice: ClientChoice, found: Option<PathBuf>) -> Result<Client, SessionError> {
    match (choice, found) {
        (ClientChoice::Plugin, None) => Err(SessionError::Refused(format!(
            "the plugin client was chosen, and {} is neither on PATH nor at [ssm] plugin; install it (AWS documentation: \"Install the Session Manager plugin for the AWS CLI\"), or use --ssm-client native",
            plugin::PLUGIN
        ))),
        (ClientChoice::Plugin | ClientChoice::Auto, Some(p)) => Ok(Client::Plugin(p)),
        (ClientChoice::Native, _) | (ClientChoice::Auto, None) => Ok(Client::Native),
    }
}

impl std::fmt::Display for Client {
    /// How the session runs, for the line printed before it starts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Client::Plugin(p) => write!(f, "{}", p.display()),
            Client::Native => write!(f, "the built-in client"),
        }
    }
}

/// A started session, and how it will be run.
#[derive(Debug)]
pub struct Opened {
    pub instance: String,
    pub session: Session,
    pub request: SessionRequest,
    pub client: Client,
}

impl Ending {
    /// A line for the operator, and whether it reports a failure.
    pub fn describe(&self, opened: &Opened) -> (String, bool) {
        let (id, on) = (&opened.session.session_id, &opened.instance);
        // The instance first: the status line cuts what does not fit at the end.
        match self {
            Ending::Closed(said) if !said.trim().is_empty() => {
                (format!("{on}: session {id} ended: {}", said.trim()), false)
            }
            Ending::Closed(_) | Ending::Exit(0) => (format!("{on}: session {id} ended"), false),
            Ending::Exit(n) => {
                (format!("{on}: the plugin exited with status {n}; session {id} was terminated"), true)
            }
            Ending::Signal => (format!("{on}: a signal ended the plugin; session {id} was terminated"), true),
            Ending::Command(0) => (format!("{on}: session {id} ended: the command succeeded"), false),
            // Not bkops' failure: the command's own, which `bkops ssm` exits with.
            Ending::Command(n) => {
                (format!("{on}: session {id} ended: the command exited with status {n}"), false)
            }
        }
    }
}

/// Checks that the instance can take a session (InService, its SSM agent online), then starts
/// one. The start is written to the audit log, refused or not.
pub async fn open(
    env: &Env<'_>,
    instance: &str,
    located: Option<(String, Lifecycle)>,
    document: Option<String>,
    command: Option<&str>,
    client: Client,
) -> Result<Opened, SessionError> {
    let Some((stack, lifecycle)) = located else {
        return Err(SessionError::Refused(format!(
            "{instance} is in no Elastic CI Stack's Auto Scaling group here"
        )));
    };
    if lifecycle != Lifecycle::InService {
        return Err(SessionError::Refused(format!(
            "{instance} is {}: a session needs an InService instance",
            lifecycle.as_str()
        )));
    }
    match env.sessions.registration(instance).await? {
        Registration::Online => {}
        Registration::Offline(status) => {
            return Err(SessionError::Backend(BackendError::Other(format!(
                "SSM cannot reach {instance} now (PingStatus {status}): its SSM agent is not connected"
            ))));
        }
        Registration::NotRegistered => {
            return Err(SessionError::Backend(BackendError::Other(format!(
                "{instance} is not registered with SSM: its agent has not checked in (still booting, or no route to the ssm and ssmmessages endpoints)"
            ))));
        }
    }
    let who = env.operations.identity().await?;
    let request = SessionRequest::new(instance, document, command, &who.arn);
    let ctx = crate::ops::CallContext { identity: who, backend: env.backend.clone(), stack };
    let line =
        serde_json::json!({"target": request.target, "document": request.document, "reason": request.reason});
    let log = env.audit_log;
    // No session is started that the audit log cannot show.
    let title = format!("Start a session on {instance}");
    audit::record_intent_of(log, &ctx, &title, vec![line.clone()], env.clock.now())
        .map_err(|e| SessionError::Audit(format!("audit log: {e}; no session was started")))?;
    let started = env.sessions.start_session(&request).await;
    let result = started.as_ref().map(|s| format!("session {}", s.session_id)).map_err(|e| e.to_string());
    let recorded = audit::record_action(log, &ctx, "ssm:StartSession", &line, env.clock.now(), &result);
    if let Err(e) = recorded {
        // Started but not recorded: it is ended rather than left open without a trace.
        if let Ok(s) = &started {
            let _ = env.sessions.terminate_session(&s.session_id).await;
        }
        return Err(SessionError::Audit(format!("audit log: {e}; the session was terminated")));
    }
    let session = started?;
    Ok(Opened { instance: instance.to_string(), session, request, client })
}

/// Where the built-in client may connect: AWS's own hosts, or loopback for the demo's agent.
fn stream_url(session: &Session) -> Result<StreamUrl, String> {
    if session.local_agent {
        StreamUrl::loopback(&session.stream_url)
    } else {
        StreamUrl::aws(&session.stream_url)
    }
}

/// ResumeSession through the backend, for the built-in client's reconnects.
struct Resumer {
    sessions: std::sync::Arc<dyn Sessions>,
    session_id: String,
    local_agent: bool,
}

#[async_trait::async_trait]
impl native::Resume for Resumer {
    async fn resume(&self) -> Result<(StreamUrl, crate::domain::Secret), String> {
        let s = self.sessions.resume_session(&self.session_id).await.map_err(|e| e.to_string())?;
        let s = Session { local_agent: self.local_agent, ..s };
        Ok((stream_url(&s)?, s.token))
    }
}

/// Runs a session; when it fails rather than ends, terminates it so that nothing is left open
/// on the instance (best effort: the agent may already have closed it).
pub async fn terminate_on_failure<T>(
    sessions: &dyn Sessions,
    session_id: &str,
    session: impl Future<Output = Result<T, String>>,
) -> Result<T, BackendError> {
    match session.await {
        Ok(t) => Ok(t),
        Err(e) => {
            let _ = sessions.terminate_session(session_id).await;
            Err(BackendError::Other(format!("{e}; the session was terminated")))
        }
    }
}

/// Runs a started session on this terminal, which must be in its ordinary modes (not the
/// dashboard's), until the shell exits.
pub async fn attach(opened: &Opened, sessions: std::sync::Arc<dyn Sessions>) -> Result<Ending, BackendError> {
    let ops = sessions.as_ref();
    let session = &opened.session;
    match &opened.client {
        Client::Plugin(path) => {
            let ctx = match ops.plugin_context().await {
                Ok(c) => c,
                Err(e) => {
                    let _ = ops.terminate_session(&session.session_id).await;
                    return Err(e);
                }
            };
            let _modes = super::tty::Modes::save();
            plugin::run_plugin(path, session, &opened.request, &ctx, ops).await
        }
        Client::Native => {
            let signer = if session.local_agent { None } else { ops.upgrade_signer().await };
            let resume: std::sync::Arc<dyn native::Resume> = std::sync::Arc::new(Resumer {
                sessions: sessions.clone(),
                session_id: session.session_id.clone(),
                local_agent: session.local_agent,
            });
            let options = native::Options { signer, resume: Some(resume), ..native::Options::default() };
            let run = async {
                let url = stream_url(session)?;
                super::console::run(&url, &session.token, options).await
            };
            let native::Ended::Closed(said, status) =
                terminate_on_failure(ops, &session.session_id, run).await?;
            Ok(match status {
                Some(n) => Ending::Command(n),
                None => Ending::Closed(crate::domain::text::sanitize(&said).into_owned()),
            })
        }
    }
}
