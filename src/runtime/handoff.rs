//! Hands the terminal to a session and takes it back. Before: the input reader is stopped (a
//! reader left running would steal the shell's keystrokes), mouse capture, the alternate screen
//! and raw mode are left, and the exact terminal modes are saved. After: those modes are put
//! back whatever the session left behind, keys typed meanwhile are discarded, the dashboard's
//! modes return, and the whole screen is repainted.

use std::io::Write;

use tokio::sync::mpsc::UnboundedSender;

use super::input::Input;
use super::terminal::{self, Tui};
use crate::app::Msg;
use crate::backend::Backends;
use crate::ssm::session::{self, ClientSettings, Env, Opened};
use crate::ssm::tty;

/// Checks the instance and starts a session on it, while the dashboard goes on. An error is
/// the status line's text.
pub async fn open(backends: Backends, ssm: ClientSettings, instance: String) -> Result<Opened, String> {
    let env = Env {
        sessions: backends.sessions.as_ref(),
        operations: backends.ops.as_ref(),
        backend: backends.label.to_string(),
        audit_log: backends.audit_log.as_deref(),
        clock: &backends.clock,
    };
    let opened = async {
        let client = ssm.client()?;
        let located = backends.locate(&instance).await?;
        session::open(&env, &instance, located, None, None, client).await
    };
    opened.await.map_err(|e| {
        // Most reasons name the instance already (the status line is short).
        let e = e.to_string();
        if e.contains(&instance) { e } else { format!("{instance}: {e}") }
    })
}

/// Runs a started session on the terminal until the shell exits, and gives the terminal back
/// to the dashboard. Returns what the status line should say.
/// SIGTSTP from outside (`kill -TSTP`; in the dashboard Ctrl-Z is a key): the terminal is put
/// back as the login shell expects it, bkops stops itself, and on SIGCONT it takes the terminal again
/// and redraws it whole, as vim and less do.
pub async fn suspend(tui: &mut Tui, input: &mut Input, tx: &UnboundedSender<Msg>) {
    input.stop().await;
    terminal::restore();
    let _ = rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::STOP);
    // Here again after SIGCONT.
    if let Err(e) = terminal::take_back(tui) {
        tracing::warn!("cannot take the terminal back after SIGCONT: {e}");
    }
    input.start(tx.clone());
    if let Ok((w, h)) = crossterm::terminal::size() {
        let _ = tx.send(Msg::Resize(w, h));
    }
}

/// SIGTSTP, when no session has the terminal (a session's Ctrl-Z is its own).
pub fn spawn_suspend_signal() -> tokio::sync::mpsc::UnboundedReceiver<()> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut tstp) = signal(SignalKind::from_raw(rustix::process::Signal::TSTP.as_raw())) else {
            return;
        };
        while tstp.recv().await.is_some() {
            if !session_owns_signals() && tx.send(()).is_err() {
                return;
            }
        }
    });
    rx
}

/// Whether a session has the terminal: its Ctrl-C and Ctrl-\\ reach bkops too (the terminal is
/// cooked and bkops is in its foreground group), and are the session's, not a request to stop.
static IN_SESSION: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// When the last session ended, in milliseconds from `EPOCH`.
static ENDED_AT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
/// A signal handled this soon after a session ended may have come during it: the task that
/// handles it can run late on a busy machine.
const LATE_SIGNAL_MS: u64 = 2_000;

fn since_epoch_ms() -> u64 {
    u64::try_from(EPOCH.get_or_init(std::time::Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Whether a Ctrl-C, Ctrl-\\ or Ctrl-Z handled now belongs to a session: one has the
/// terminal, or had it a moment ago.
pub fn session_owns_signals() -> bool {
    use std::sync::atomic::Ordering::SeqCst;
    let ended = ENDED_AT.load(SeqCst);
    IN_SESSION.load(SeqCst) || (ended > 0 && since_epoch_ms().saturating_sub(ended) < LATE_SIGNAL_MS)
}

pub async fn hand_over(
    tui: &mut Tui,
    input: &mut Input,
    tx: &UnboundedSender<Msg>,
    backends: &Backends,
    opened: Opened,
) -> Msg {
    let ended = |text: String, is_error: bool| Msg::ShellEnded { text, is_error };
    let instance = opened.instance.clone();
    // Stopped before anything else: keys typed from here on belong to the shell.
    input.stop().await;
    let left = terminal::leave(true);
    // The ordinary modes, saved once the dashboard's raw mode is off: what the session gets,
    // and what the dashboard's raw mode will later return to at exit.
    let modes = tty::Modes::save();
    let result = match left {
        Ok(()) => {
            let mut out = std::io::stdout();
            let _ = write!(
                out,
                "bkops: session {} on {instance} through {}; exit the shell to return to the dashboard\r\n",
                opened.session.session_id, opened.client
            );
            let _ = out.flush();
            IN_SESSION.store(true, std::sync::atomic::Ordering::SeqCst);
            let ended = session::attach(&opened, backends.sessions.clone()).await;
            ENDED_AT.store(since_epoch_ms().max(1), std::sync::atomic::Ordering::SeqCst);
            IN_SESSION.store(false, std::sync::atomic::Ordering::SeqCst);
            ended
        }
        Err(e) => {
            let _ = backends.sessions.terminate_session(&opened.session.session_id).await;
            Err(crate::domain::BackendError::Other(format!(
                "cannot hand over the terminal ({e}); the session was terminated"
            )))
        }
    };
    // Dropping puts the saved modes back (and must happen before raw mode is set again).
    drop(modes);
    tty::discard_input();
    let back = terminal::take_back(tui);
    input.start(tx.clone());
    // The terminal may have been resized during the session, when nobody read the event.
    if let Ok((w, h)) = crossterm::terminal::size() {
        let _ = tx.send(Msg::Resize(w, h));
    }
    if let Err(e) = back {
        return ended(format!("cannot take the terminal back: {e}"), true);
    }
    match result {
        Ok(ending) => {
            let (text, failed) = ending.describe(&opened);
            ended(text, failed)
        }
        Err(e) => ended(format!("{instance}: session {}: {e}", opened.session.session_id), true),
    }
}
