//! `bkops ssm <instance-id>`: checks that the instance can take a session, starts one, and runs
//! it on this terminal (with `session-manager-plugin`, or the built-in client) until the shell
//! exits.

use super::plugin;
use super::session;
use crate::backend::{BackendError, Backends};
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientChoice {
    /// The plugin when it is installed.
    Auto,
    Plugin,
    /// The built-in client.
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

pub async fn run(
    args: SsmArgs,
    backends: &Backends,
    config: &crate::config::SsmFile,
) -> Result<(), AppError> {
    let id = crate::logs::instance_id(&args.instance).map_err(AppError::Usage)?;
    // Which client, before anything is started on the instance.
    let choice = args.ssm_client.or(config.client).unwrap_or(ClientChoice::Auto);
    let client = session::choose(choice, plugin::find(config.plugin.as_deref()))?;
    let opened = session::open(backends, &id, args.document.clone(), args.command.as_deref(), client).await?;
    crate::output::err(&format!(
        "bkops: session {} on {id} through {} (exit the shell to come back)",
        opened.session.session_id, opened.client
    ));
    let ending = session::attach(&opened, backends).await?;
    let (text, failed) = ending.describe(&opened);
    if failed {
        return Err(AppError::Backend(BackendError::Other(text)));
    }
    crate::output::err(&format!("bkops: {text}"));
    Ok(())
}
