//! The core without a terminal: tests and the benchmark drive `update` with it.

use std::collections::VecDeque;

use super::jobs::read;
use crate::app::{AppState, Effect, Msg, update};
use crate::backend::Backends;

/// Applies `msg`, then runs each fetch and operator action it asks for to completion and feeds
/// the result back, until nothing more is asked. Returns the other effects (quit, theme, cancel).
pub async fn settle(state: &mut AppState, backends: &Backends, msg: Msg) -> Vec<Effect> {
    let mut queue = VecDeque::from([msg]);
    let mut other = Vec::new();
    while let Some(msg) = queue.pop_front() {
        for effect in update(state, msg) {
            match effect {
                Effect::Fetch(r) => {
                    let result = read(backends, &r).await;
                    queue.push_back(Msg::Loaded { resource: r, result, at: backends.clock.now() });
                }
                Effect::PrepareAction { stack, kind } => {
                    queue.push_back(super::actions::prepare(backends, &stack, kind).await);
                }
                Effect::CheckDisk { stack, instances, windows } => {
                    queue.push_back(super::actions::check_disk(backends, &stack, instances, windows).await);
                }
                Effect::Apply { plan, ctx } => {
                    queue.push_back(
                        super::actions::apply(backends, plan, ctx, &|_| {}, &crate::ops::Ledger::default())
                            .await,
                    );
                }
                e => other.push(e),
            }
        }
    }
    other
}
