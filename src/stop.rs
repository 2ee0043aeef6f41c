//! The Unix signals that ask bkops to stop, as one future: what a long-running write waits on
//! beside its work, so that it can be abandoned with a record instead of cut off.

/// A signal that stops bkops, and the exit status a shell expects after it (128 + its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Hangup,
    Interrupt,
    Quit,
    Terminate,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::Hangup => "SIGHUP",
            Stop::Interrupt => "SIGINT",
            Stop::Quit => "SIGQUIT",
            Stop::Terminate => "SIGTERM",
        }
    }

    pub fn exit_code(self) -> u8 {
        128 + match self {
            Stop::Hangup => 1,
            Stop::Interrupt => 2,
            Stop::Quit => 3,
            Stop::Terminate => 15,
        }
    }
}

/// Resolves with the first of SIGHUP, SIGINT, SIGQUIT or SIGTERM. While it is being awaited
/// those signals no longer end the process by themselves.
pub async fn requested() -> Stop {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::hangup(), Stop::Hangup),
        (SignalKind::interrupt(), Stop::Interrupt),
        (SignalKind::quit(), Stop::Quit),
        (SignalKind::terminate(), Stop::Terminate),
    ];
    let mut streams = Vec::new();
    for (kind, stop) in kinds {
        if let Ok(s) = signal(kind) {
            streams.push((s, stop));
        }
    }
    if streams.is_empty() {
        return std::future::pending().await;
    }
    let waits = streams.iter_mut().map(|(s, stop)| {
        let stop = *stop;
        Box::pin(async move {
            s.recv().await;
            stop
        })
    });
    futures::future::select_all(waits).await.0
}
