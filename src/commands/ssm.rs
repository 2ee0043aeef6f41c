//! `bkops ssm <instance-id>`: checks that the instance can take a session, starts one, and runs
//! it on this terminal (with `session-manager-plugin`, or the built-in client) until the shell
//! exits.

use super::error::AppError;
use crate::backend::Backends;
use crate::domain::BackendError;
use crate::ssm::session::{self, ClientChoice, ClientSettings, Env};

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

pub async fn run(
    args: SsmArgs,
    backends: &Backends,
    config: &super::config::SsmFile,
) -> Result<(), AppError> {
    let id = crate::domain::instance_id(&args.instance).map_err(AppError::Usage)?;
    // Which client, before anything is started on the instance.
    let settings = ClientSettings {
        choice: args.ssm_client.or(config.client).unwrap_or(ClientChoice::Auto),
        plugin: config.plugin.clone(),
    };
    let client = settings.client()?;
    let located = backends.locate(&id).await?;
    let env = Env {
        sessions: backends.sessions.as_ref(),
        operations: backends.ops.as_ref(),
        backend: backends.label.to_string(),
        audit_log: backends.audit_log.as_deref(),
        clock: &backends.clock,
    };
    let opened =
        session::open(&env, &id, located, args.document.clone(), args.command.as_deref(), client).await?;
    crate::output::err(&format!(
        "bkops: session {} on {id} through {} (exit the shell to come back)",
        opened.session.session_id, opened.client
    ));
    let ending = session::attach(&opened, backends.sessions.clone()).await?;
    let (text, failed) = ending.describe(&opened);
    if failed {
        return Err(AppError::Backend(BackendError::Other(text)));
    }
    // The remote command's status is the command's (as `ssh host cmd` does), when reported.
    if let crate::ssm::session::Ending::Command(n) = ending
        && n != 0
    {
        return Err(AppError::Remote { text, code: u8::try_from(n.clamp(1, 255)).unwrap_or(1) });
    }
    crate::output::err(&format!("bkops: {text}"));
    Ok(())
}
