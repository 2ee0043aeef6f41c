//! The terminal's events as messages, on a task that can be stopped and started again: a
//! session needs the terminal to itself, and crossterm's reader keeps reading until its
//! `EventStream` is dropped.

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::app::Msg;

pub struct Input {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Input {
    pub fn started(tx: UnboundedSender<Msg>) -> Self {
        let mut input = Self { stop: CancellationToken::new(), task: None };
        input.start(tx);
        input
    }

    /// Reads events into `tx` until stopped.
    pub fn start(&mut self, tx: UnboundedSender<Msg>) {
        let stop = CancellationToken::new();
        self.stop = stop.clone();
        self.task = Some(tokio::spawn(async move {
            let mut events = EventStream::new();
            loop {
                let event = tokio::select! {
                    _ = stop.cancelled() => return,
                    e = events.next() => e,
                };
                let msg = match event {
                    Some(Ok(Event::Key(k))) => Msg::Key(k),
                    Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                    Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                    Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                    Some(Ok(_)) => continue,
                    // The terminal is gone (its window closed, the SSH connection lost): a
                    // hang-up, whether or not SIGHUP comes first.
                    Some(Err(e)) => {
                        tracing::warn!("terminal input failed: {e}");
                        Msg::Stopped(crate::stop::Stop::Hangup)
                    }
                    None => Msg::Stopped(crate::stop::Stop::Hangup),
                };
                let end = matches!(msg, Msg::Stopped(_));
                if tx.send(msg).is_err() || end {
                    return;
                }
            }
        }));
    }

    /// Stops reading, and waits until the reader is gone (its `EventStream` dropped, which
    /// stops crossterm's reading thread).
    pub async fn stop(&mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
