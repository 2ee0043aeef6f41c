//! Where `bkops watch` sends its events besides stdout: each webhook through its own queue
//! (a hook that fails is retried with back-off and said on stderr, never holds up evaluation,
//! and loses no event unless its queue overflows, which is said), and `--exec`, a command run
//! with the event on its standard input.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::backend::webhook::Webhook;
use crate::output;

/// Events kept for a hook that does not answer, at most: about a day of a busy fleet.
pub const QUEUE: usize = 1000;
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(60);
/// How long `--exec` may take with one event.
const EXEC_SECS: u64 = 30;

/// A hook's sender: events go into its queue at once.
pub struct Hook {
    tx: mpsc::UnboundedSender<Value>,
}

impl Hook {
    pub fn start(hook: Webhook) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(hook, rx));
        Hook { tx }
    }

    pub fn send(&self, body: Value) {
        let _ = self.tx.send(body);
    }
}

async fn run(hook: Webhook, mut rx: mpsc::UnboundedReceiver<Value>) {
    let mut queue: VecDeque<Value> = VecDeque::new();
    let mut dropped = 0usize;
    let mut wait = FIRST_RETRY;
    let mut failing = false;
    loop {
        // Take what has come; wait for more only when there is nothing to send.
        if queue.is_empty() {
            match rx.recv().await {
                Some(v) => queue.push_back(v),
                None => return,
            }
        }
        while let Ok(v) = rx.try_recv() {
            queue.push_back(v);
        }
        while queue.len() > QUEUE {
            queue.pop_front();
            dropped += 1;
        }
        if dropped > 0 {
            output::err(&format!(
                "{}: {dropped} events dropped, the oldest, over {QUEUE} waiting",
                hook.shown()
            ));
            dropped = 0;
        }
        let Some(next) = queue.front() else { continue };
        match hook.post(next).await {
            Ok(()) => {
                queue.pop_front();
                if failing {
                    output::err(&format!(
                        "{}: answering again; {} events still to send",
                        hook.shown(),
                        queue.len()
                    ));
                }
                failing = false;
                wait = FIRST_RETRY;
            }
            Err(e) => {
                if !failing {
                    output::err(&format!("{}: {e}; retrying with back-off, the events kept", hook.shown()));
                }
                failing = true;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_RETRY);
            }
        }
    }
}

/// `--exec`'s sender: each event is given to the command in turn, in the order said (a pager
/// must see an incident open before it resolves), on a worker of its own, so a slow or
/// failing command is said on stderr and holds up nothing else. A command taking over
/// `EXEC_SECS` is stopped, so the events behind it wait at most that long each.
pub struct Exec {
    tx: mpsc::UnboundedSender<String>,
    worker: tokio::task::JoinHandle<()>,
}

/// How long the watch, ending, waits for the command to be given the events it has not had.
const EXEC_DRAIN: Duration = Duration::from_secs(2);

impl Exec {
    pub fn start(command: String) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        let worker = tokio::spawn(async move {
            while let Some(input) = rx.recv().await {
                let command = command.clone();
                let _ = tokio::task::spawn_blocking(move || exec(&command, &input)).await;
            }
        });
        Exec { tx, worker }
    }

    /// No more events: those queued are given to the command, for up to `EXEC_DRAIN`.
    pub async fn finish(self) {
        let Exec { tx, worker } = self;
        drop(tx);
        if tokio::time::timeout(EXEC_DRAIN, worker).await.is_err() {
            output::err(&format!(
                "--exec: ending before the command was given every event (it had {} s)",
                EXEC_DRAIN.as_secs()
            ));
        }
    }

    pub fn send(&self, event: &Value) {
        let _ = self.tx.send(format!("{event}\n"));
    }
}

/// Runs `command` (through `sh -c`) with `input` on its standard input, until it ends or
/// `EXEC_SECS` pass.
fn exec(command: &str, input: &str) {
    use std::io::Write;
    let child = std::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return output::err(&format!("--exec: cannot run it: {e}")),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(EXEC_SECS);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return,
            Ok(Some(status)) => return output::err(&format!("--exec: exited with {status}")),
            Ok(None) if std::time::Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return output::err(&format!("--exec: still running after {EXEC_SECS}s: stopped"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return output::err(&format!("--exec: {e}")),
        }
    }
}
