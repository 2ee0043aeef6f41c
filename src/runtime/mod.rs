//! The imperative shell: reads input and signals, runs the effects `update` asks for on tokio
//! tasks, and draws when the state changed, at most ~30 times a second.

mod actions;
mod handoff;
mod headless;
mod input;
mod jobs;
mod tail;
pub mod terminal;

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};
use tokio_util::sync::CancellationToken;

pub use headless::settle;
pub use jobs::Jobs;

use crate::app::{AppState, Effect, Msg, update};
use crate::backend::Backends;
use crate::backend::aws::{AwsBackend, AwsOptions};
use crate::backend::buildkite::BuildkiteSettings;
use crate::theme::{self, Theme};

const FRAME: Duration = Duration::from_millis(33);
/// How long after a session ends the dashboard is painted whole again.
const REPAINT_AFTER_SESSION: Duration = Duration::from_millis(300);

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end the dashboard the way `q` does (the terminal put
/// back, an action under way abandoned with a record), instead of killing it mid-frame.
fn spawn_signals(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        use crate::stop::Stop;
        loop {
            let stop = crate::stop::requested().await;
            let in_session = handoff::IN_SESSION.load(std::sync::atomic::Ordering::SeqCst);
            if in_session && matches!(stop, Stop::Interrupt | Stop::Quit) {
                continue;
            }
            tracing::info!("{}", stop.name());
            let _ = tx.send(Msg::Stopped(stop));
            return;
        }
    });
}

/// An operator action running on its own task, with what is needed to say where it stopped
/// if it has to be abandoned.
struct Write {
    task: tokio::task::JoinHandle<()>,
    ledger: crate::ops::Ledger,
    plan: crate::ops::Plan,
    ctx: crate::ops::audit::Context,
}

impl Write {
    /// Stops the task and records what it leaves behind; `None` if it had already finished.
    fn abandon(self, backends: &Backends, why: &str) -> Option<String> {
        self.task.abort();
        let p = self.ledger.progress();
        let finished = p.in_flight.is_none()
            && (p.done.len() == self.plan.calls.len() || p.done.iter().any(|o| o.result.is_err()));
        if finished {
            return None;
        }
        Some(crate::ops::abandon(
            &self.plan,
            &self.ledger,
            &self.ctx,
            &backends.clock,
            backends.audit_log.as_deref(),
            why,
        ))
    }
}

/// How the dashboard ended when it left something unfinished.
#[derive(Debug)]
pub struct Abandoned {
    pub text: String,
    pub code: u8,
}

/// Writes a log view's lines to `$XDG_STATE_HOME/bkops/logs/<instance>-<unix seconds>.log`.
fn save_logs(instance: &str, text: &str) -> std::io::Result<std::path::PathBuf> {
    let dir = crate::paths::state_dir()
        .ok_or_else(|| std::io::Error::other("no state directory (set HOME or XDG_STATE_HOME)"))?
        .join("logs");
    // The instance ID was checked when the view opened; keep the name plain all the same.
    let name: String = instance.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let path = dir.join(format!("{name}-{}.log", crate::clock::Clock::System.now().secs()));
    // Build logs can hold secrets: the file is the operator's alone.
    let mut file = crate::paths::private_file(&path, false)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(path)
}

pub struct Shell {
    pub backends: Backends,
    pub theme: Theme,
    pub themes_dir: Option<std::path::PathBuf>,
    /// How the AWS backend was built, to build it again for another profile or region;
    /// `None` in the demo.
    pub aws: Option<(AwsOptions, BuildkiteSettings)>,
    /// How sessions on instances are opened.
    pub ssm: crate::ssm::session::ClientSettings,
}

/// Asks whose credentials these are, for the status bar; a failure is left to the panes, which
/// say it in their own words.
fn learn_account(backends: &Backends, tx: &tokio::sync::mpsc::UnboundedSender<Msg>) {
    let (ops, backend, tx) = (backends.ops.clone(), backends.label.to_string(), tx.clone());
    tokio::spawn(async move {
        if let Ok(who) = ops.identity().await {
            let _ = tx.send(Msg::Account { backend, account: who.account });
        }
    });
}

/// Runs the dashboard until the operator quits.
pub async fn run(
    shell: Shell,
    mut state: AppState,
    tui: &mut terminal::Tui,
) -> anyhow::Result<Option<Abandoned>> {
    let Shell { mut backends, mut theme, themes_dir, mut aws, ssm } = shell;
    let (tx, mut rx) = unbounded_channel();
    let mut input = input::Input::started(tx.clone());
    spawn_signals(tx.clone());
    let mut suspends = handoff::spawn_suspend_signal();
    if aws.is_some() {
        learn_account(&backends, &tx);
    }
    let mut jobs = Jobs::default();
    let mut tick = interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut next_frame = Instant::now();
    let mut tail: Option<CancellationToken> = None;
    let mut draws: u64 = 0;
    // Sessions are opened in the background, numbered: only the latest one not cancelled is
    // handed the terminal; any other that starts after all is terminated.
    let (opened_tx, mut opened_rx) =
        unbounded_channel::<(u64, Result<crate::ssm::session::Opened, String>)>();
    let mut opening: Option<u64> = None;
    let mut openings: u64 = 0;
    let mut write: Option<Write> = None;
    let mut repaint_at: Option<Instant> = None;
    let mut stopped_by: Option<crate::stop::Stop> = None;

    loop {
        let msg = tokio::select! {
            biased;
            Some(msg) = rx.recv() => msg,
            Some((n, opened)) = opened_rx.recv() => {
                let wanted = opening == Some(n);
                if wanted {
                    opening = None;
                }
                match (opened, wanted) {
                    (Ok(o), true) => {
                        let ended = handoff::hand_over(tui, &mut input, &tx, &backends, o).await;
                        // Whatever a session's processes still write after it ended lands on
                        // the dashboard's screen: paint it whole once more when that is over.
                        repaint_at = Some(Instant::now() + REPAINT_AFTER_SESSION);
                        ended
                    }
                    (Err(text), true) => Msg::ShellEnded { text, is_error: true },
                    (Ok(o), false) => {
                        // Started after the operator gave up on it: leave nothing open.
                        let sessions = backends.sessions.clone();
                        tokio::spawn(async move { sessions.terminate_session(&o.session.session_id).await });
                        continue;
                    }
                    (Err(_), false) => continue,
                }
            }
            Some(()) = suspends.recv() => {
                handoff::suspend(tui, &mut input, &tx).await;
                state.dirty = true;
                continue;
            }
            _ = tick.tick() => Msg::Tick(backends.clock.now()),
            _ = sleep_until(repaint_at.unwrap_or(next_frame)), if repaint_at.is_some() => {
                repaint_at = None;
                tui.clear()?;
                state.dirty = true;
                continue;
            }
            _ = sleep_until(next_frame), if state.dirty => {
                tui.draw(|f| crate::ui::draw(f, &state, &theme))?;
                draws += 1;
                state.dirty = false;
                next_frame = Instant::now() + FRAME;
                continue;
            }
        };
        if let Msg::Loaded { resource, .. } = &msg {
            jobs.finished(resource, &backends, &tx);
        }
        match &msg {
            Msg::ActionDone { .. } => write = None,
            Msg::Stopped(signal) => stopped_by = Some(*signal),
            _ => {}
        }
        for effect in update(&mut state, msg) {
            match effect {
                Effect::Fetch(r) => jobs.fetch(r, &backends, &tx),
                Effect::PrepareAction { stack, kind } => {
                    let (b, tx) = (backends.clone(), tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(actions::prepare(&b, &stack, kind).await);
                    });
                }
                Effect::CheckDisk { stack, instances, windows } => {
                    let (b, tx) = (backends.clone(), tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(actions::check_disk(&b, &stack, instances, windows).await);
                    });
                }
                Effect::Apply { plan, ctx } => {
                    let (b, tx, ledger) = (backends.clone(), tx.clone(), crate::ops::Ledger::default());
                    let (p, c, l) = (plan.clone(), ctx.clone(), ledger.clone());
                    let task = tokio::spawn(async move {
                        let say = {
                            let tx = tx.clone();
                            move |text: String| {
                                let _ = tx.send(Msg::Notice { text, is_error: false });
                            }
                        };
                        let _ = tx.send(actions::apply(&b, p, c, &say, &l).await);
                    });
                    write = Some(Write { task, ledger, plan, ctx });
                }
                Effect::OpenShell { instance } => {
                    openings += 1;
                    opening = Some(openings);
                    let (n, b, ssm, done) = (openings, backends.clone(), ssm.clone(), opened_tx.clone());
                    tokio::spawn(async move {
                        let _ = done.send((n, handoff::open(b, ssm, instance).await));
                    });
                }
                Effect::CancelShell => opening = None,
                Effect::Cancel(r) => jobs.cancel(&r),
                Effect::SetTheme(name) => match theme::load(&name, themes_dir.as_deref()) {
                    Ok(t) => {
                        state.settings.theme = t.name.clone();
                        theme = t;
                        state.dirty = true;
                    }
                    Err(e) => {
                        tracing::warn!("theme: {e}");
                        let _ = tx.send(Msg::Notice { text: e.to_string(), is_error: true });
                    }
                },
                Effect::SwitchAws { profile, region } => {
                    if let Some((opts, settings)) = aws.as_mut() {
                        if profile.is_some() {
                            opts.profile = profile;
                        }
                        if region.is_some() {
                            opts.region = region;
                        }
                        // Nothing read from the old account or region may land after this.
                        jobs.cancel_all();
                        if let Some(t) = tail.take() {
                            t.cancel();
                        }
                        backends = AwsBackend::connect(opts, settings.clone()).await.backends();
                        tracing::info!(backend = %backends.label, "switched");
                        let _ = tx.send(Msg::BackendChanged(backends.label.to_string()));
                        learn_account(&backends, &tx);
                    }
                }
                Effect::StartTail { instance, groups, live } => {
                    if let Some(t) = tail.take() {
                        t.cancel();
                    }
                    tail = Some(tail::spawn(backends.clone(), tx.clone(), instance, groups, live));
                }
                Effect::SaveLogs { instance, text } => {
                    let notice = match save_logs(&instance, &text) {
                        Ok(path) => {
                            // ~/… reads shorter than the home directory spelt out.
                            let shown = match std::env::var_os("HOME").map(std::path::PathBuf::from) {
                                Some(home) if path.starts_with(&home) => {
                                    format!("~/{}", path.strip_prefix(&home).unwrap_or(&path).display())
                                }
                                _ => path.display().to_string(),
                            };
                            Msg::Notice { text: format!("saved to {shown}"), is_error: false }
                        }
                        Err(e) => Msg::Notice { text: format!("cannot save the lines: {e}"), is_error: true },
                    };
                    let _ = tx.send(notice);
                }
                Effect::StopTail => {
                    if let Some(t) = tail.take() {
                        t.cancel();
                    }
                }
            }
        }
        if state.quit {
            break;
        }
    }
    input.stop().await;
    // Sessions still being opened are waited for (briefly), and terminated if they started.
    drop(opened_tx);
    let leftovers = async {
        while let Some((_, opened)) = opened_rx.recv().await {
            if let Ok(o) = opened {
                let _ = backends.sessions.terminate_session(&o.session.session_id).await;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), leftovers).await;
    jobs.cancel_all();
    if let Some(t) = tail.take() {
        t.cancel();
    }
    tracing::info!(draws, reads = jobs.started(), "dashboard closed");
    // An action still running is stopped here, and what it leaves is recorded and said.
    let why = stopped_by.map_or("quit by the operator", crate::stop::Stop::name);
    let left = write.and_then(|w| w.abandon(&backends, why));
    Ok(left.map(|text| Abandoned { text, code: stopped_by.map_or(1, crate::stop::Stop::exit_code) }))
}
