//! The Unix signals that ask bkops to stop, as one listener: what a long-running write waits on
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

/// The signals that stop bkops, listened for from the moment this is made: from then on they
/// no longer end the process by themselves, and `next` tells which came.
pub struct Listener {
    streams: Vec<(tokio::signal::unix::Signal, Stop)>,
}

/// Starts listening now, not when first awaited: a write registers before its first call, so
/// that no signal can end bkops between two calls with nothing said.
pub fn listen() -> Listener {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::hangup(), Stop::Hangup),
        (SignalKind::interrupt(), Stop::Interrupt),
        (SignalKind::quit(), Stop::Quit),
        (SignalKind::terminate(), Stop::Terminate),
    ];
    Listener {
        streams: kinds.into_iter().filter_map(|(kind, stop)| Some((signal(kind).ok()?, stop))).collect(),
    }
}

impl Listener {
    /// The first of SIGHUP, SIGINT, SIGQUIT or SIGTERM to arrive.
    pub async fn next(&mut self) -> Stop {
        if self.streams.is_empty() {
            return std::future::pending().await;
        }
        let waits = self.streams.iter_mut().map(|(s, stop)| {
            let stop = *stop;
            Box::pin(async move {
                s.recv().await;
                stop
            })
        });
        futures::future::select_all(waits).await.0
    }
}
