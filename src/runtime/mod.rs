//! The runtime (the imperative shell around the functional core): reads input and signals,
//! hands the effects `update` asks for to the executor, and draws when the state changed, at
//! most ~30 times a second.

mod action_tasks;
mod executor;
mod handoff;
mod headless;
mod input;
mod jobs;
mod save;
mod switch;
mod tail;
pub mod terminal;
mod update_tasks;

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

pub use executor::{Done, Executor};
pub use headless::settle;
pub use jobs::Jobs;
pub use switch::Reconnect;

use crate::app::{AppState, Effect, Msg, update_at};
use crate::backend::Backends;
use crate::clock::Clock;
use crate::theme::{self, Theme};

const FRAME: Duration = Duration::from_millis(33);
/// How long after a session ends the dashboard is painted whole again.
const REPAINT_AFTER_SESSION: Duration = Duration::from_millis(300);

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end the dashboard the way `q` does (the terminal put
/// back, an action under way abandoned with a record), instead of killing it mid-frame.
fn spawn_signals(tx: UnboundedSender<Msg>) {
    // Listening from now, not from when the task first runs.
    let mut signals = crate::stop::listen();
    tokio::spawn(async move {
        use crate::stop::Stop;
        loop {
            let stop = signals.next().await;
            if handoff::session_owns_signals() && matches!(stop, Stop::Interrupt | Stop::Quit) {
                continue;
            }
            tracing::info!("{}", stop.name());
            let _ = tx.send(Msg::Stopped(stop));
            return;
        }
    });
}

/// How the dashboard ended: what an action under way left unfinished, and the signal that
/// ended it (a terminal that is gone is a hang-up).
#[derive(Debug)]
pub struct Ending {
    pub left: Option<String>,
    pub stopped_by: Option<crate::stop::Stop>,
}

/// What the dashboard runs with.
pub struct Dashboard {
    pub backends: Backends,
    pub theme: Theme,
    pub themes_dir: Option<std::path::PathBuf>,
    /// `None` in the demo, which has no profile or region to switch to.
    pub reconnect: Option<Reconnect>,
    /// How sessions on instances are opened.
    pub ssm: crate::ssm::session::ClientSettings,
    /// `[watch]`'s thresholds, for the incidents of stacks not on screen.
    pub watch: crate::snapshot::incidents::Rules,
}

/// Runs the dashboard until the operator quits.
pub async fn run(
    dashboard: Dashboard,
    mut state: AppState,
    tui: &mut terminal::Tui,
) -> std::io::Result<Ending> {
    let Dashboard { backends, mut theme, themes_dir, reconnect, ssm, watch } = dashboard;
    let (tx, mut rx) = unbounded_channel();
    let mut input = input::Input::started(tx.clone());
    spawn_signals(tx.clone());
    let mut suspends = handoff::spawn_suspend_signal();
    if reconnect.is_some() {
        switch::learn_account(&backends, &tx);
    }
    let mut executor =
        Executor::new(backends, tx.clone(), ssm).with_reconnect(reconnect).with_watch_rules(watch);
    let mut tick = interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut next_frame = Instant::now();
    let mut draws: u64 = 0;
    let mut repaint_at: Option<Instant> = None;
    let mut stopped_by: Option<crate::stop::Stop> = None;

    loop {
        let msg = tokio::select! {
            biased;
            Some(msg) = rx.recv() => msg,
            done = executor.next_done() => match done {
                Done::Session(Ok(o)) => {
                    let ended = handoff::hand_over(tui, &mut input, &tx, executor.backends(), o).await;
                    // Whatever a session's processes still write after it ended lands on
                    // the dashboard's screen: paint it whole once more when that is over.
                    repaint_at = Some(Instant::now() + REPAINT_AFTER_SESSION);
                    ended
                }
                Done::Session(Err(text)) => Msg::ShellEnded { text, is_error: true },
                Done::Switched => continue,
            },
            Some(()) = suspends.recv() => {
                handoff::suspend(tui, &mut input, &tx).await;
                state.dirty = true;
                continue;
            }
            _ = tick.tick() => Msg::Tick(executor.backends().clock.now()),
            // A message goes when its time is up, not at the next second's tick.
            _ = sleep_until(flash_ends(&state)), if state.flash.is_some() => Msg::Tick(executor.backends().clock.now()),
            _ = sleep_until(repaint_at.unwrap_or(next_frame)), if repaint_at.is_some() => {
                repaint_at = None;
                if let Err(e) = tui.clear() {
                    lost(&tx, &e);
                }
                state.dirty = true;
                continue;
            }
            _ = sleep_until(next_frame), if state.dirty => {
                if let Err(e) = tui.draw(|f| crate::ui::draw(f, &state, &theme)) {
                    lost(&tx, &e);
                    state.dirty = false;
                    continue;
                }
                draws += 1;
                state.dirty = false;
                next_frame = Instant::now() + FRAME;
                continue;
            }
        };
        executor.observe(&msg);
        if let Msg::Stopped(signal) = &msg {
            stopped_by = Some(*signal);
        }
        for effect in update_at(&mut state, msg, Clock::System.now()) {
            // Only what the drawing and the terminal hold is not the executor's to do.
            if let Some(effect) = executor.run(effect) {
                terminal_effect(effect, &mut state, &mut theme, themes_dir.as_deref(), &tx);
            }
        }
        if state.exit.is_quit() {
            break;
        }
    }
    input.stop().await;
    let reads = executor.reads();
    // An action still running is stopped here, and what it leaves is recorded and said.
    let why = stopped_by.map_or("quit by the operator", crate::stop::Stop::name);
    let left = executor.shut_down(why).await;
    tracing::info!(draws, reads, "dashboard closed");
    Ok(Ending { left, stopped_by })
}

/// An effect on what the dashboard itself holds: the theme, or the terminal's bell.
fn terminal_effect(
    effect: Effect,
    state: &mut AppState,
    theme: &mut Theme,
    themes_dir: Option<&std::path::Path>,
    tx: &UnboundedSender<Msg>,
) {
    match effect {
        // An incident opened elsewhere (`[watch] bell`).
        Effect::Bell => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07").and_then(|()| out.flush());
        }
        Effect::SetTheme(name) => match theme::load_for_terminal(&name, themes_dir) {
            Ok(t) => {
                state.settings.theme = t.name.clone();
                *theme = t;
                state.dirty = true;
            }
            Err(e) => {
                tracing::warn!("theme: {e}");
                let _ = tx.send(Msg::Notice { text: e.to_string(), is_error: true });
            }
        },
        other => tracing::warn!(?other, "an effect nobody runs"),
    }
}

/// The terminal cannot be drawn on: it is gone. Ended as a hang-up is (what is under way
/// abandoned with a record), not by an error that skips the record.
fn lost(tx: &UnboundedSender<Msg>, e: &std::io::Error) {
    tracing::warn!("the terminal is gone: {e}");
    let _ = tx.send(Msg::Stopped(crate::stop::Stop::Hangup));
}

/// When the status bar's message is due to go, on the runtime's clock.
fn flash_ends(state: &AppState) -> Instant {
    let left = state.flash.as_ref().map_or(0, |f| f.until.millis() - Clock::System.now().millis());
    Instant::now() + Duration::from_millis(u64::try_from(left).unwrap_or(0))
}
