//! The built-in client on this process's own terminal: raw mode (the remote shell echoes, and
//! Ctrl-C travels to it as a byte), keystrokes from standard input, the size at the start and
//! on every SIGWINCH, and the session's bytes to standard output.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::native::{self, Ended, Options, StreamUrl, Terminal};
use super::tty;
use crate::domain::Secret;

/// How often the input thread looks at its stop flag.
const POLL: Timespec = Timespec { tv_sec: 0, tv_nsec: 50_000_000 };

/// Reads standard input on its own thread until stopped. It polls with a timeout rather than
/// blocking in read(2), so that once the session is over it reads nothing more: a reader left
/// behind would steal the dashboard's next keystroke.
struct InputPump {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InputPump {
    fn start(tx: UnboundedSender<Vec<u8>>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut buf = vec![0u8; 16 * 1024];
            while !flag.load(Ordering::Relaxed) {
                let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
                match poll(&mut fds, Some(&POLL)) {
                    Ok(0) => continue,
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => return,
                }
                match rustix::io::read(&stdin, &mut buf) {
                    // End of input (a pipe, not a terminal): nothing more to send.
                    Ok(0) => return,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            return;
                        }
                    }
                    Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                    Err(_) => return,
                }
            }
        });
        Self { stop, thread: Some(thread) }
    }

    /// Stops the thread and waits for it (at most one poll timeout).
    async fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

/// The terminal's size now, in columns and rows.
fn size() -> (u16, u16) {
    crossterm::terminal::size().unwrap_or((80, 24))
}

/// Runs a session on this terminal until it ends. The terminal's modes are put back exactly
/// as they were, whatever happens.
pub async fn run(url: &StreamUrl, token: &Secret, options: Options) -> Result<Ended, String> {
    let stop_signal = tty::hangup_or_terminate();
    let modes = tty::Modes::save();
    let raw = std::io::stdin().is_terminal();
    if raw {
        crossterm::terminal::enable_raw_mode().map_err(|e| format!("cannot set the terminal's mode: {e}"))?;
    }
    let (in_tx, input) = unbounded_channel();
    let pump = InputPump::start(in_tx);
    let (resize_tx, resize) = unbounded_channel();
    let winch = tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut changes) = signal(SignalKind::window_change()) else { return };
        while changes.recv().await.is_some() {
            if resize_tx.send(size()).is_err() {
                return;
            }
        }
    });
    let (output, mut shown) = unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(bytes) = shown.recv().await {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&bytes);
            let _ = out.flush();
        }
    });
    let term = Terminal { input, resize, output, size: size() };
    let ended = tokio::select! {
        ended = native::run(url, token, term, options) => ended,
        signal = stop_signal => Err(format!("bkops got {signal}")),
    };
    pump.stop().await;
    winch.abort();
    // The session dropped its sender: the writer ends once everything shown is written.
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
    if raw {
        let _ = crossterm::terminal::disable_raw_mode();
    }
    drop(modes);
    ended
}
