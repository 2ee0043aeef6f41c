//! The controlling terminal's exact modes, kept across a session: a plugin killed mid-session
//! (or a session that dies without channel_closed) leaves the terminal in `-echo -icanon`, and
//! whatever restores raw mode afterwards would adopt that as the state to return to.

use std::io::IsTerminal;

use rustix::termios::{OptionalActions, QueueSelector, Termios, tcflush, tcgetattr, tcsetattr};

/// The termios of standard input, taken before a session; put back when dropped, so a panic
/// on the way restores it too.
pub struct Modes {
    saved: Option<Termios>,
}

impl Modes {
    /// The current modes; nothing to keep when standard input is not a terminal.
    pub fn save() -> Self {
        let stdin = std::io::stdin();
        let saved = if stdin.is_terminal() { tcgetattr(&stdin).ok() } else { None };
        Self { saved }
    }

    /// Puts the saved modes back now. Safe to call more than once.
    pub fn restore(&self) {
        if let Some(t) = &self.saved {
            let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, t);
        }
    }
}

impl Drop for Modes {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Drops what was typed but not read yet: keys pressed as a session ended, and terminals'
/// answers to mode switches, would otherwise arrive as keys in the dashboard.
pub fn discard_input() {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let _ = tcflush(&stdin, QueueSelector::IFlush);
    }
}

/// Resolves when the terminal goes away (SIGHUP) or bkops is told to stop (SIGTERM), with the
/// signal's name. A session must end then, and be terminated, rather than stay open on the
/// instance with nobody at the keyboard. The handlers are in place when this returns, not when
/// the future is first polled: a signal that comes as soon as the session shows anything must
/// not find the default action (which would end bkops and leave the session open).
pub fn hangup_or_terminate() -> impl std::future::Future<Output = &'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (signal(SignalKind::hangup()), signal(SignalKind::terminate()));
    async move {
        match handlers {
            (Ok(mut hup), Ok(mut term)) => tokio::select! {
                _ = hup.recv() => "SIGHUP",
                _ = term.recv() => "SIGTERM",
            },
            _ => std::future::pending().await,
        }
    }
}
