//! Checks of the command line against the account, before anything else runs.

use super::error::AppError;
use crate::backend::Backends;

/// The stacks' names, for checking `--stack` before anything else runs.
pub async fn check_stack(backends: &Backends, name: &str) -> Result<(), AppError> {
    let stacks = crate::deadline::within(backends.stacks.stacks()).await?;
    if stacks.iter().any(|s| s.name == name) {
        return Ok(());
    }
    let known = stacks.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    let known = if known.is_empty() { "(none found)".to_string() } else { known };
    Err(AppError::UnknownStack { name: name.to_string(), known })
}

/// The stack and the moment a look-back command reads from (`--stack`, `--since`): a usage
/// error without a stack or with a moment it cannot read, the unknown stack's error otherwise.
pub async fn stack_and_since(
    backends: &Backends,
    stack: Option<&str>,
    since: &str,
    usage: &str,
) -> Result<(String, crate::domain::Timestamp), AppError> {
    let Some(name) = stack else { return Err(AppError::Usage(format!("which stack? {usage}"))) };
    let since = crate::domain::parse_when(since, backends.clock.now()).map_err(AppError::Usage)?;
    check_stack(backends, name).await?;
    Ok((name.to_string(), since))
}
