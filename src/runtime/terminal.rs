//! Owns the terminal: raw mode, alternate screen and mouse on entry; all of it undone on
//! drop, on error, and on panic (the hook restores before the panic message prints).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// The dashboard's modes: raw input, the alternate screen, the mouse, bracketed paste (a
/// paste arrives as text, so it can never press a dialog's button), no cursor.
fn take() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste, Hide)
}

/// Leaves the dashboard's modes; with `clear`, on an empty screen (what a session starts on).
pub fn leave(clear: bool) -> io::Result<()> {
    let mut out = io::stdout();
    let modes = execute!(out, DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen, Show);
    let cleared = if clear { execute!(out, Clear(ClearType::All), MoveTo(0, 0)) } else { Ok(()) };
    let raw = disable_raw_mode();
    let _ = out.flush();
    modes.and(cleared).and(raw)
}

/// Takes the terminal back after a session or a suspension, and draws everything again at
/// the size it has now (ratatui's last frame is stale).
pub fn take_back(tui: &mut Tui) -> io::Result<()> {
    take()?;
    tui.clear()
}

/// Puts the terminal back as the login shell expects it. Safe to call more than once.
pub fn restore() {
    let _ = leave(false);
}

static HOOK: Once = Once::new();

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!("panic: {info}");
            previous(info);
        }));
    });
}

pub struct TerminalGuard {
    /// Never dropped: ratatui's `Terminal` shows the cursor when dropped and prints to stderr
    /// (with `eprintln!`, which panics) when it cannot, as on a terminal that is gone.
    /// `restore` shows the cursor, and ignores a terminal that is gone.
    pub terminal: std::mem::ManuallyDrop<Tui>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        if let Err(e) = take() {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(terminal) => Ok(Self { terminal: std::mem::ManuallyDrop::new(terminal) }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
