//! A command's overall deadline (`[aws] command_timeout`): each read it makes gives up when
//! the deadline passes, and the command prints what it read and names what it could not. The
//! per-call timeouts alone let a command against a stalled service run for minutes (one call
//! after another, each waiting its full time). The dashboard has none: it reads for ever, on
//! its own intervals.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::domain::BackendError;

tokio::task_local! {
    static DEADLINE: (Instant, u64);
}

/// Runs a command with its deadline, `secs` from now.
pub async fn scope<F: Future>(secs: u64, command: F) -> F::Output {
    DEADLINE.scope((Instant::now() + Duration::from_secs(secs), secs), command).await
}

/// `read`, unless the command's deadline passes first: then a timeout that says whose.
pub async fn within<T>(read: impl Future<Output = Result<T, BackendError>>) -> Result<T, BackendError> {
    let Ok((at, secs)) = DEADLINE.try_with(|d| *d) else { return read.await };
    tokio::time::timeout_at(at, read).await.unwrap_or_else(|_| {
        Err(BackendError::TimedOut(format!(
            "not read within the command's {secs} s (`[aws] command_timeout` in config.toml)"
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_read_past_the_deadline_gives_up_and_says_whose_and_one_without_none_waits() {
        let stalled = std::future::pending::<Result<(), BackendError>>;
        let started = Instant::now();
        let (slow, quick) =
            scope(30, async { tokio::join!(within(stalled()), within(async { Ok::<_, BackendError>(7) })) })
                .await;
        assert_eq!(quick.ok(), Some(7));
        let said = slow.expect_err("given up").to_string();
        assert!(said.contains("within the command's 30 s"), "{said}");
        assert_eq!(started.elapsed(), Duration::from_secs(30), "at the deadline, not later");
        // Outside a command (the dashboard) a read is not cut.
        let free = tokio::time::timeout(Duration::from_secs(3600), within(stalled())).await;
        assert!(free.is_err(), "still waiting after an hour");
    }
}
