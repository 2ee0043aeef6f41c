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
