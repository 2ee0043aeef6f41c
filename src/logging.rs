//! Tracing goes to a file, never to the screen the dashboard draws on.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Logs to `$XDG_STATE_HOME/bkops/bkops.log` at the level in `BKOPS_LOG` (default `info`).
/// Returns the file's path, or `None` when it cannot be opened (bkops runs on without a log).
pub fn init() -> Option<PathBuf> {
    let dir = crate::paths::state_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("bkops.log");
    let file = OpenOptions::new().create(true).append(true).open(&path).ok()?;
    let filter = EnvFilter::try_from_env("BKOPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
