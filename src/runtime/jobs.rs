//! Backend reads on tokio tasks: at most one in flight and one queued per resource (a refresh
//! asked for while one runs is run once when it ends), each cancellable.

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::{Msg, Payload, Resource};
use crate::backend::{BackendError, Backends};

#[derive(Default)]
pub struct Jobs {
    in_flight: HashMap<Resource, CancellationToken>,
    queued: HashSet<Resource>,
    started: u64,
}

impl Jobs {
    pub fn fetch(&mut self, resource: Resource, backends: &Backends, tx: &UnboundedSender<Msg>) {
        if self.in_flight.contains_key(&resource) {
            self.queued.insert(resource);
            return;
        }
        let token = CancellationToken::new();
        self.in_flight.insert(resource.clone(), token.clone());
        self.started += 1;
        let (backends, tx) = (backends.clone(), tx.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                result = read(&backends, &resource) => {
                    let at = backends.clock.now();
                    let _ = tx.send(Msg::Loaded { resource, result, at });
                }
            }
        });
    }

    /// A read finished: start the queued one, if any. Returns whether one was started.
    pub fn finished(&mut self, resource: &Resource, backends: &Backends, tx: &UnboundedSender<Msg>) -> bool {
        self.in_flight.remove(resource);
        if self.queued.remove(resource) {
            self.fetch(resource.clone(), backends, tx);
            return true;
        }
        false
    }

    pub fn cancel(&mut self, resource: &Resource) {
        self.queued.remove(resource);
        if let Some(token) = self.in_flight.remove(resource) {
            token.cancel();
        }
    }

    pub fn cancel_all(&mut self) {
        self.queued.clear();
        for (_, token) in self.in_flight.drain() {
            token.cancel();
        }
    }

    /// Reads started since the dashboard opened (for the log and the benchmark).
    pub fn started(&self) -> u64 {
        self.started
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

pub async fn read(backends: &Backends, resource: &Resource) -> Result<Payload, BackendError> {
    match resource {
        Resource::Stacks => backends.stacks.stacks().await.map(Payload::Stacks),
        Resource::Queue(s) => backends.queues.queue(s).await.map(Payload::Queue),
        Resource::History(s) => {
            let since = backends.clock.now().plus_secs(-3600);
            backends.queues.queue_history(s, since).await.map(Payload::History)
        }
        Resource::Fleet(s) => backends.stacks.fleet(s).await.map(Payload::Fleet),
        Resource::Activities(s) => backends.stacks.activities(s).await.map(Payload::Activities),
    }
}
