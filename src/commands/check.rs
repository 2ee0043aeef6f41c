//! Checks of the command line against the account, before anything else runs.

use super::error::AppError;
use crate::backend::Backends;

/// The stacks' names, for checking `--stack` before anything else runs.
pub async fn check_stack(backends: &Backends, name: &str) -> Result<(), AppError> {
    find_stack(backends, name).await.map(|_| ())
}

/// The stack `--stack` names, as the stack list gives it; an unknown one is the error that
/// lists the stacks there are.
pub async fn find_stack(backends: &Backends, name: &str) -> Result<crate::domain::StackSummary, AppError> {
    let stacks = crate::deadline::within(backends.stacks.stacks()).await?;
    if let Some(s) = stacks.iter().find(|s| s.name == name) {
        return Ok(s.clone());
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
) -> Result<(crate::domain::StackSummary, crate::domain::Timestamp), AppError> {
    let Some(name) = stack else { return Err(AppError::Usage(format!("which stack? {usage}"))) };
    let since = crate::domain::parse_when(since, backends.clock.now()).map_err(AppError::Usage)?;
    Ok((find_stack(backends, name).await?, since))
}
