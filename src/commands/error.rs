//! Errors that end a command, each with its exit code: 2 for bad input (the operator can fix
//! the command line or a file), 1 for everything else.

use super::config::ConfigError;
use crate::domain::BackendError;
use crate::theme::ThemeError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("theme: {0}")]
    Theme(#[from] ThemeError),
    #[error("config: {0}")]
    Config(#[from] ConfigError),
    #[error("no stack named '{name}'; the stacks here are: {known}")]
    UnknownStack { name: String, known: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Backend(#[from] BackendError),
    #[error("terminal: {0}")]
    Terminal(String),
    /// A write stopped half-way by a signal: what was done and what is left.
    #[error("{text}")]
    Abandoned { text: String, code: u8 },
    /// The remote command ran and exited with this status: bkops exits with it.
    #[error("{text}")]
    Remote { text: String, code: u8 },
    /// Part of what was asked could not be read; the rest was printed, and this says what.
    #[error("{0}")]
    Partial(String),
    /// The dashboard was ended by a signal (a lost terminal is a hang-up), nothing left undone.
    #[error("stopped by {}", .0.name())]
    Stopped(crate::stop::Stop),
    /// The operator did not confirm (a wrong typed confirmation): nothing was done.
    #[error("cancelled: nothing changed")]
    Cancelled,
}

impl From<crate::ssm::session::SessionError> for AppError {
    fn from(e: crate::ssm::session::SessionError) -> Self {
        use crate::ssm::session::SessionError;
        match e {
            SessionError::Refused(text) => AppError::Usage(text),
            SessionError::Backend(e) => AppError::Backend(e),
            SessionError::Audit(text) => AppError::Terminal(text),
        }
    }
}

impl AppError {
    /// Said by the exit status alone: a dashboard ended by a signal prints nothing (its
    /// terminal may be gone; a shell reads 128 + the signal's number as it does for any
    /// program a signal ends).
    pub fn is_quiet(&self) -> bool {
        matches!(self, AppError::Stopped(_))
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Theme(_) | AppError::Config(_) | AppError::UnknownStack { .. } | AppError::Usage(_) => {
                2
            }
            AppError::Backend(_) | AppError::Terminal(_) | AppError::Cancelled | AppError::Partial(_) => 1,
            AppError::Abandoned { code, .. } | AppError::Remote { code, .. } => *code,
            AppError::Stopped(stop) => stop.exit_code(),
        }
    }
}
