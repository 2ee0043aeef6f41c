//! The one place effects become work: every task `update` asks for is started, owned and
//! tracked here (reads coalesced per resource, the confirmation's reads, the disk check, the
//! operator action under way, the log view's reader, sessions being opened, a switch to another
//! profile, region or context), for the dashboard and for `settle` alike. What needs the
//! terminal or the theme is left to the dashboard.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use super::switch::{Reconnect, Switcher, learn_account};
use super::{action_tasks, jobs::Jobs, tail};
use crate::app::{Effect, Msg};
use crate::backend::Backends;
use crate::ssm::session::{ClientSettings, Opened};

/// An operator action running on its own task, with what is needed to say where it stopped
/// if it has to be abandoned.
struct Write {
    task: tokio::task::JoinHandle<()>,
    ledger: crate::ops::Ledger,
    plan: crate::ops::Plan,
    ctx: crate::ops::CallContext,
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

/// A session started in the background, numbered: only the latest one not cancelled is handed
/// the terminal.
pub type OpenedSession = (u64, Result<Opened, String>);

/// What finished in the background. Made once per event and handed on at once, never kept:
/// the size of a session's answer costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Done {
    /// A session the operator waits for: it is handed the terminal (or its error is said).
    Session(Result<Opened, String>),
    /// A switch was taken over, or failed and said so: nothing more to do.
    Switched,
}

pub struct Executor {
    backends: Backends,
    tx: UnboundedSender<Msg>,
    ssm: ClientSettings,
    jobs: Jobs,
    /// Tasks that end in exactly one message (the confirmation's reads, the disk check, an
    /// action): `settle` waits for them.
    pending: usize,
    tail: Option<CancellationToken>,
    write: Option<Write>,
    opened_tx: UnboundedSender<OpenedSession>,
    opened_rx: UnboundedReceiver<OpenedSession>,
    /// The session the operator waits for, if any.
    opening: Option<u64>,
    openings: u64,
    switcher: Switcher,
}

impl Executor {
    pub fn new(backends: Backends, tx: UnboundedSender<Msg>, ssm: ClientSettings) -> Self {
        let (opened_tx, opened_rx) = unbounded_channel();
        Self {
            backends,
            tx,
            ssm,
            jobs: Jobs::default(),
            pending: 0,
            tail: None,
            write: None,
            opened_tx,
            opened_rx,
            opening: None,
            openings: 0,
            switcher: Switcher::default(),
        }
    }

    /// Lets `:profile` and `:region` connect another backend (the dashboard against AWS).
    pub fn with_reconnect(mut self, reconnect: Option<Reconnect>) -> Self {
        self.switcher = Switcher::new(reconnect);
        self
    }

    /// `[watch]`'s thresholds, for the incidents of each context's read.
    pub fn with_watch_rules(mut self, rules: crate::snapshot::incidents::Rules) -> Self {
        self.jobs.rules = std::sync::Arc::new(rules);
        self
    }

    pub fn backends(&self) -> &Backends {
        &self.backends
    }

    /// Runs one effect; those that need the terminal or the theme (`SetTheme`, `Bell`) are
    /// given back.
    pub fn run(&mut self, effect: Effect) -> Option<Effect> {
        // What a task takes with it; a read, the commonest effect, needs neither.
        let task = |me: &Self| (me.backends.clone(), me.tx.clone());
        match effect {
            Effect::Fetch(r) => self.jobs.fetch(r, &self.backends, &self.tx),
            Effect::Cancel(r) => self.jobs.cancel(&r),
            Effect::PrepareAction { stack, kind } => {
                let (b, tx) = task(self);
                self.pending += 1;
                tokio::spawn(async move {
                    let _ = tx.send(action_tasks::prepare(&b, &stack, kind).await);
                });
            }
            Effect::PrepareUpdate { stack } => {
                let (b, tx) = task(self);
                self.pending += 1;
                tokio::spawn(async move {
                    let _ = tx.send(super::update_tasks::prepare(&b, &stack).await);
                });
            }
            Effect::CheckDisk { stack, instances, windows } => {
                let (b, tx) = task(self);
                self.pending += 1;
                tokio::spawn(async move {
                    let _ = tx.send(action_tasks::check_disk(&b, &stack, instances, windows).await);
                });
            }
            Effect::Apply { plan, ctx } => {
                let (b, tx) = task(self);
                self.pending += 1;
                let ledger = crate::ops::Ledger::default();
                let (p, c, l) = (plan.clone(), ctx.clone(), ledger.clone());
                let task = tokio::spawn(async move {
                    let say = {
                        let tx = tx.clone();
                        move |text: String| {
                            let _ = tx.send(Msg::Notice { text, is_error: false });
                        }
                    };
                    let landed = watch_calls(l.clone(), tx.clone());
                    let done = action_tasks::apply(&b, p.clone(), c.clone(), &say, &l).await;
                    landed.abort();
                    // An update ends with a resume, or with why scaling stays paused.
                    let updated =
                        p.calls.iter().any(|call| matches!(call, crate::ops::Call::WaitForUpdate { .. }));
                    let done =
                        if updated { super::update_tasks::after(&b, &p, &c, &l, done).await } else { done };
                    let _ = tx.send(done);
                });
                self.write = Some(Write { task, ledger, plan, ctx });
            }
            Effect::StartTail { instance, groups, from, live } => {
                let (b, tx) = task(self);
                self.stop_tail();
                self.tail = Some(tail::spawn(b, tx, instance, groups, from, live));
            }
            Effect::StopTail => self.stop_tail(),
            Effect::SaveLogs { instance, text } => {
                let _ = self.tx.send(super::save::save_logs(&instance, &text));
            }
            Effect::OpenShell { instance } => {
                let b = self.backends.clone();
                self.openings += 1;
                self.opening = Some(self.openings);
                let (n, ssm, done) = (self.openings, self.ssm.clone(), self.opened_tx.clone());
                tokio::spawn(async move {
                    let _ = done.send((n, super::handoff::open(b, ssm, instance).await));
                });
            }
            Effect::CancelShell => self.opening = None,
            Effect::SwitchAws { profile, region } => {
                self.switcher.start_aws(profile, region, self.backends.contexts.clone(), &self.tx)
            }
            Effect::SwitchContext(n) => {
                if let Some(contexts) = self.backends.contexts.clone() {
                    self.switcher.start_context(n, contexts);
                }
            }
            Effect::CancelSwitch => self.switcher.cancel(),
            e @ (Effect::SetTheme(_) | Effect::Bell) => return Some(e),
        }
        None
    }

    /// Keeps the books on every message before `update` sees it: a finished read lets the
    /// queued one start, and the tasks that end in one message are counted off.
    pub fn observe(&mut self, msg: &Msg) {
        match msg {
            Msg::Loaded { resource, .. } => {
                self.jobs.finished(resource, &self.backends, &self.tx);
            }
            Msg::ActionReady(_) | Msg::ActionNotNeeded(_) | Msg::DiskChecked(_) => {
                self.pending = self.pending.saturating_sub(1)
            }
            Msg::ActionDone { .. } => {
                self.pending = self.pending.saturating_sub(1);
                self.write = None;
            }
            _ => {}
        }
    }

    /// Whether a read or a one-message task is still to report.
    pub fn busy(&self) -> bool {
        self.jobs.in_flight() > 0 || self.pending > 0
    }

    /// What finished in the background: the next session that finished opening and that the
    /// operator still waits for, or a switch (taken over here). A session that started after
    /// the operator gave up on it is terminated, so that nothing is left open; one that failed
    /// after that is dropped.
    pub async fn next_done(&mut self) -> Done {
        loop {
            let next = tokio::select! {
                Some(opened) = self.opened_rx.recv() => Ok(opened),
                switched = self.switcher.done() => Err(switched),
            };
            let (n, opened) = match next {
                Ok(opened) => opened,
                Err(switched) => {
                    self.take_over(switched);
                    return Done::Switched;
                }
            };
            if self.opening == Some(n) {
                self.opening = None;
                return Done::Session(opened);
            }
            if let Ok(o) = opened {
                let sessions = self.backends.sessions.clone();
                tokio::spawn(async move { sessions.terminate_session(&o.session.session_id).await });
            }
        }
    }

    /// A switch connected: nothing read from the old account or region may land after this.
    fn take_over(&mut self, switched: Result<Backends, String>) {
        match switched {
            Ok(backends) => {
                self.stop_reads();
                tracing::info!(backend = %backends.label, "switched");
                let _ = self.tx.send(Msg::BackendChanged(backends.label.to_string()));
                learn_account(&backends, &self.tx);
                self.switch(backends);
            }
            Err(text) => {
                let _ = self.tx.send(Msg::SwitchFailed(text));
            }
        }
    }

    /// Cancels every read and the log reader: what they would report no longer matters.
    pub fn stop_reads(&mut self) {
        self.jobs.cancel_all();
        self.stop_tail();
    }

    /// Reads from now on go to another backend.
    pub fn switch(&mut self, backends: Backends) {
        self.stop_reads();
        self.backends = backends;
    }

    fn stop_tail(&mut self) {
        if let Some(t) = self.tail.take() {
            t.cancel();
        }
    }

    /// Reads started since the dashboard opened (for the log and the benchmark).
    pub fn reads(&self) -> u64 {
        self.jobs.started()
    }

    /// Stops everything: sessions still being opened are waited for (briefly) and terminated
    /// if they started, reads and the log reader are cancelled, and an action still running is
    /// stopped, with what it leaves recorded and returned.
    pub async fn shut_down(mut self, why: &str) -> Option<String> {
        // Only the opening tasks hold a sender now: the channel ends when the last one does.
        let (closed, _) = unbounded_channel();
        drop(std::mem::replace(&mut self.opened_tx, closed));
        let sessions = self.backends.sessions.clone();
        let opened = &mut self.opened_rx;
        let leftovers = async move {
            while let Some((_, o)) = opened.recv().await {
                if let Ok(o) = o {
                    let _ = sessions.terminate_session(&o.session.session_id).await;
                }
            }
        };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), leftovers).await;
        self.jobs.cancel_all();
        self.stop_tail();
        self.write.take().and_then(|w| w.abandon(&self.backends, why))
    }
}

/// Says each call of a running action as it lands, until aborted: a long action (an update's
/// pause, then its wait) would otherwise leave the screen on the stack from before its first
/// call.
fn watch_calls(
    ledger: crate::ops::Ledger,
    tx: tokio::sync::mpsc::UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen = 0;
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let now = ledger.progress().done.len();
            if now > seen {
                seen = now;
                if tx.send(Msg::CallLanded).is_err() {
                    return;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Resource;
    use crate::backend::sim::{SimBackend, World};
    use crate::clock::Clock;
    use crate::domain::Timestamp;
    use crate::ssm::session::ClientChoice;

    fn executor() -> (Executor, tokio::sync::mpsc::UnboundedReceiver<Msg>) {
        let sim = SimBackend::new(World::new(0, Timestamp(0), Vec::new()), Clock::virtual_at(Timestamp(0)));
        let (tx, rx) = unbounded_channel();
        let ssm = ClientSettings { choice: ClientChoice::Native, plugin: None };
        (Executor::new(sim.backends(1.0), tx, ssm), rx)
    }

    #[tokio::test]
    async fn a_read_keeps_it_busy_until_its_answer_is_seen_and_terminal_effects_are_given_back() {
        let (mut ex, mut rx) = executor();
        assert!(!ex.busy());
        assert_eq!(ex.run(Effect::Fetch(Resource::Stacks)), None);
        assert!(ex.busy(), "a read is in flight");
        let msg = rx.recv().await.expect("the read reports");
        assert!(matches!(msg, Msg::Loaded { resource: Resource::Stacks, .. }));
        assert!(ex.busy(), "until the answer is seen");
        ex.observe(&msg);
        assert!(!ex.busy());
        assert_eq!(ex.reads(), 1);
        let theme = Effect::SetTheme("light".into());
        assert_eq!(ex.run(theme.clone()), Some(theme), "the theme is the dashboard's to load");
        assert_eq!(ex.shut_down("test").await, None, "no action was under way");
    }

    fn sim_backends(speed: f64) -> Backends {
        SimBackend::new(World::new(0, Timestamp(0), Vec::new()), Clock::virtual_at(Timestamp(0)))
            .backends(speed)
    }

    /// A switch is the executor's: connected on a task, taken over when ready (the old reads
    /// stopped, the new backend's label said), and said to have failed in the demo.
    #[tokio::test]
    async fn a_switch_runs_on_a_task_and_is_taken_over_by_the_executor() {
        let (mut ex, mut rx) = executor();
        let switch = Effect::SwitchAws { profile: None, region: Some("eu-west-1".into()) };
        assert_eq!(ex.run(switch.clone()), None);
        assert!(matches!(rx.recv().await, Some(Msg::SwitchFailed(t)) if t.contains("demo")));

        let reconnect: Reconnect = Box::new(|_, _| Box::pin(async { sim_backends(7.0) }));
        let (mut ex, mut rx) = {
            let (ex, rx) = executor();
            (ex.with_reconnect(Some(reconnect)), rx)
        };
        let before = ex.backends().label.to_string();
        assert_eq!(ex.run(switch), None, "nothing is handed back: the executor switches");
        assert!(matches!(ex.next_done().await, Done::Switched));
        let after = ex.backends().label.to_string();
        assert_ne!(before, after, "reads go to the new backend");
        assert!(matches!(rx.recv().await, Some(Msg::BackendChanged(l)) if l == after));

        // Cancelled before it is done: nothing is taken over.
        let slow: Reconnect = Box::new(|_, _| {
            Box::pin(async {
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                sim_backends(9.0)
            })
        });
        let (mut ex, _rx) = {
            let (ex, rx) = executor();
            (ex.with_reconnect(Some(slow)), rx)
        };
        ex.run(Effect::SwitchAws { profile: Some("other".into()), region: None });
        ex.run(Effect::CancelSwitch);
        let waited = tokio::time::timeout(std::time::Duration::from_millis(200), ex.next_done()).await;
        assert!(waited.is_err(), "a cancelled switch never finishes");
    }
}
