//! Tracing goes to a file, never to the screen the dashboard draws on. The file is the
//! operator's alone (0600), and no credential reaches it at any level.

use std::path::PathBuf;
use std::sync::Mutex;

use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// Libraries that, below INFO, write requests with their headers (SigV4's canonical request
/// with `x-amz-security-token`, `Authorization` headers): held at INFO whatever `BKOPS_LOG`
/// asks for, so no token or credential is ever logged.
const HEADER_LOGGERS: [&str; 12] = [
    "aws_sigv4",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_smithy_http",
    "aws_config",
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "tungstenite",
    "tokio_tungstenite",
];

/// What may be logged at all: everything the operator's filter allows, except the header
/// loggers below INFO.
fn never_secrets() -> Targets {
    HEADER_LOGGERS
        .iter()
        .fold(Targets::new().with_default(Level::TRACE), |t, target| t.with_target(*target, Level::INFO))
}

/// Logs to `$XDG_STATE_HOME/bkops/bkops.log` at the level in `BKOPS_LOG` (default `info`).
/// Returns the file's path, or `None` when it cannot be opened (bkops runs on without a log).
pub fn init() -> Option<PathBuf> {
    let path = crate::paths::state_dir()?.join("bkops.log");
    let file = crate::paths::append_private(&path).ok()?;
    let wanted = EnvFilter::try_from_env("BKOPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let layer =
        fmt::layer().with_writer(Mutex::new(file)).with_ansi(false).with_filter(wanted.and(never_secrets()));
    tracing_subscriber::registry().with(layer).try_init().ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_loggers_never_go_below_info() {
        let t = never_secrets();
        for target in
            ["aws_sigv4::http_request::sign", "aws_smithy_runtime::client::orchestrator", "hyper::proto"]
        {
            assert!(!t.would_enable(target, &Level::DEBUG), "{target}");
            assert!(t.would_enable(target, &Level::INFO), "{target}");
        }
        assert!(t.would_enable("bkops::backend::live", &Level::TRACE));
    }
}
