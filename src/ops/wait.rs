//! The waits of a plan, which send nothing: a drain's wait for the jobs on some instances, a
//! drain's wait for the group to empty, and following a stack's update to its end. Each says
//! how it is going through `progress`, and gives up after its timeout; reads that fail are
//! tried again (backing off) until then, since a throttled read is no reason to stop.

use std::collections::HashSet;
use std::time::Duration;

// Tokio's clock, so that a test can run a ten-minute drain in no time.
use tokio::time::Instant;

use super::port::Operations;
use crate::clock::Clock;
use crate::domain::{BackendError, StackEvent, StackState};

/// How often a wait asks again.
const POLL: Duration = Duration::from_secs(5);
/// The longest a wait backs off after failed reads.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

fn left_text(left: Duration) -> String {
    format!("{}m{:02}s left", left.as_secs() / 60, left.as_secs() % 60)
}

pub(super) async fn jobs(
    op: &dyn Operations,
    stack: &str,
    instances: &[String],
    timeout: Duration,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<(), BackendError> {
    let deadline = Instant::now() + timeout;
    loop {
        let busy: Vec<String> =
            op.agents_on(stack, instances).await?.into_iter().filter(|a| a.busy).map(|a| a.name).collect();
        if busy.is_empty() {
            return Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(BackendError::Other(format!(
                "{} still running a job after {}m, so nothing was terminated",
                busy.join(", "),
                timeout.as_secs() / 60
            )));
        }
        progress(format!(
            "draining: {} job{} still running ({}); {}",
            busy.len(),
            if busy.len() == 1 { "" } else { "s" },
            busy.join(", "),
            left_text(left)
        ));
        tokio::time::sleep(POLL.min(left)).await;
    }
}

/// Until the stack's group has no instance (protected instances leave as their agents go
/// idle, after the stack's idle timeout).
pub(super) async fn empty(
    op: &dyn Operations,
    stack: &str,
    timeout: Duration,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<(), BackendError> {
    let deadline = Instant::now() + timeout;
    let mut backoff = POLL;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match op.scaling_target(stack).await {
            Ok(t) if t.instances.is_empty() => return Ok(()),
            Ok(t) => {
                backoff = POLL;
                if left.is_zero() {
                    return Err(BackendError::Other(format!(
                        "{} instance{} still in the group after {}m, so the update was not started",
                        t.instances.len(),
                        if t.instances.len() == 1 { "" } else { "s" },
                        timeout.as_secs() / 60
                    )));
                }
                progress(format!(
                    "draining: {} instance{} left in the group ({}); {}",
                    t.instances.len(),
                    if t.instances.len() == 1 { "" } else { "s" },
                    t.instances.join(" "),
                    left_text(left)
                ));
            }
            Err(e) if left.is_zero() => return Err(e),
            Err(e) => {
                progress(format!("draining: reading the group failed ({e}); trying again"));
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        tokio::time::sleep(backoff.min(left.max(Duration::from_millis(1)))).await;
    }
}

/// The stack's scaling read fresh around an update. Its group may have been replaced since
/// bkops last read it: the read that finds the old group gone makes the backend learn the stack
/// again, and a second read gets the new group.
pub async fn target(op: &dyn Operations, stack: &str) -> Result<super::ScalingTarget, BackendError> {
    match op.scaling_target(stack).await {
        Ok(t) => Ok(t),
        Err(_) => op.scaling_target(stack).await,
    }
}

/// How to follow an update.
#[derive(Debug, Clone, Copy)]
pub(super) struct Follow {
    /// Made elsewhere: it has not necessarily begun yet.
    pub external: bool,
    pub timeout: Duration,
}

/// One event as the follow prints it.
pub fn event_line(e: &StackEvent) -> String {
    let reason = e.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    format!("{} {} {}{reason}", e.at.clock(), e.logical_id, e.status)
}

/// Until the stack's update ends: its events said as they come. An update that rolls back
/// ends the wait with its cause; one whose rollback fails ends it loudly. A Terraform stack
/// has no CloudFormation events: its update is over when its group changes (a new launch
/// template version, or a new group).
pub(super) async fn update(
    op: &dyn Operations,
    stack: &str,
    clock: &Clock,
    how: Follow,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<(), BackendError> {
    let deadline = Instant::now() + how.timeout;
    // A CloudFormation stack is followed by its status whatever its group; a Terraform one
    // needs its group as it was.
    let start = target(op, stack).await.ok();
    let terraform = start.as_ref().filter(|t| t.terraform);
    // Events a little older than now: the execute just made may be stamped before this read.
    let since = clock.now().plus_secs(-30);
    let mut seen: HashSet<String> = HashSet::new();
    // Begun once the stack is seen changing, or its own events since the start show it turned
    // (an update quicker than a read, or a status read a moment before the execute took).
    let mut began = false;
    let mut backoff = POLL;
    let mut status = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let read = if let Some(start) = terraform {
            terraform_step(op, stack, start).await
        } else {
            op.stack_progress(stack, since).await.map(|p| {
                let mut fresh: Vec<&StackEvent> =
                    p.events.iter().filter(|e| !seen.contains(&e.event_id)).collect();
                fresh.sort_by_key(|e| e.at);
                for e in fresh {
                    progress(event_line(e));
                    seen.insert(e.event_id.clone());
                }
                status = p.status.clone();
                let state = StackState::of(&p.status);
                began |= state.is_changing()
                    || p.events
                        .iter()
                        .any(|e| e.is_of_stack() && e.stack == stack && e.status.ends_with("_IN_PROGRESS"));
                (began && !state.is_changing()).then(|| ended(stack, &p.status, &p.events))
            })
        };
        match read {
            Ok(Some(end)) => return end,
            Ok(None) => backoff = POLL,
            Err(e) => {
                progress(format!("reading {stack} failed ({e}); trying again"));
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        if left.is_zero() {
            let what = match (began, how.external) {
                (true, _) => format!("still {status}"),
                (false, true) => "not begun (no update was started elsewhere)".to_string(),
                (false, false) => "not begun".to_string(),
            };
            return Err(BackendError::TimedOut(format!(
                "the update of {stack} is {what} after {}m: bkops stopped following it (CloudFormation goes on; `bkops events --stack {stack} --follow` follows it)",
                how.timeout.as_secs() / 60
            )));
        }
        tokio::time::sleep(backoff.min(left)).await;
    }
}

async fn terraform_step(
    op: &dyn Operations,
    stack: &str,
    start: &crate::ops::ScalingTarget,
) -> Result<Option<Result<(), BackendError>>, BackendError> {
    let now = op.scaling_target(stack).await?;
    let changed = now.group != start.group || now.template_version != start.template_version;
    Ok(changed.then_some(Ok(())))
}

/// The end of an update, from its final status: done, rolled back (with the failure that
/// caused it), or a rollback that failed too.
fn ended(stack: &str, status: &str, events: &[StackEvent]) -> Result<(), BackendError> {
    let causes = crate::domain::stack_event::causes(events, stack);
    let cause = events
        .iter()
        .find(|e| causes.contains(&e.event_id))
        .map(|e| {
            format!("{} {}: {}", e.logical_id, e.status, e.reason.as_deref().unwrap_or("no reason given"))
        })
        .unwrap_or_else(|| "no failure was found in its events".to_string());
    match StackState::of(status) {
        StackState::Stable => Ok(()),
        StackState::RolledBack => Err(BackendError::Other(format!(
            "the update failed and was rolled back ({status}); the cause: {cause}"
        ))),
        _ => Err(BackendError::Other(format!(
            "{status}: the update failed and so did its rollback; the cause: {cause}. {}",
            crate::domain::stack_state::what_to_do(stack, status)
        ))),
    }
}

/// How long a change set may take to be made (CloudFormation takes seconds, a nested stack's
/// a minute or so).
const CHANGE_SET: Duration = Duration::from_secs(300);

/// Until the change set is made (or has failed), reading it every two seconds.
pub async fn change_set(
    op: &dyn Operations,
    stack: &str,
    name: &str,
) -> Result<super::port::ChangeSetView, BackendError> {
    let deadline = Instant::now() + CHANGE_SET;
    loop {
        let view = op.change_set(stack, name).await?;
        if !super::update::is_pending(&view) {
            return Ok(view);
        }
        if Instant::now() >= deadline {
            return Err(BackendError::TimedOut(format!(
                "the change set {name} was still {} after {}m",
                view.status,
                CHANGE_SET.as_secs() / 60
            )));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::domain::stack_event::STACK_TYPE;
    use crate::ops::port::{Call, Identity, ScalingTarget, StackProgress};

    /// A stack whose group was replaced before the follow's first read (that read fails, as
    /// a read of a group that is gone does), and whose update is over.
    struct Replaced {
        reads: Mutex<u32>,
    }

    #[async_trait]
    impl Operations for Replaced {
        async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
            let mut n = self.reads.lock().expect("lock");
            *n += 1;
            match *n {
                1 => Err(BackendError::NotFound {
                    what: "Auto Scaling group ci-AgentAutoScaleGroup-OLD".into(),
                }),
                _ => Ok(ScalingTarget {
                    stack: "ci".into(),
                    group: "ci-AgentAutoScaleGroup-NEW".into(),
                    ..Default::default()
                }),
            }
        }
        async fn identity(&self) -> Result<Identity, BackendError> {
            Ok(Identity { arn: "arn".into(), account: "1".into() })
        }
        async fn execute(&self, _: &Call) -> Result<(), BackendError> {
            Ok(())
        }
        async fn stack_progress(
            &self,
            stack: &str,
            _: crate::domain::Timestamp,
        ) -> Result<StackProgress, BackendError> {
            let e = |secs, status: &str| StackEvent::example(secs, stack, stack, STACK_TYPE, status, None);
            Ok(StackProgress {
                status: "UPDATE_COMPLETE".into(),
                events: vec![e(2, "UPDATE_COMPLETE"), e(1, "UPDATE_IN_PROGRESS")],
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_replaced_before_the_follow_began_is_learnt_again_and_the_update_seen_to_end() {
        let op = Replaced { reads: Mutex::new(0) };
        let clock = Clock::virtual_at(crate::domain::Timestamp::from_secs(0));
        let how = Follow { external: true, timeout: Duration::from_secs(600) };
        let ended = update(&op, "ci", &clock, how, &|_| {}).await;
        assert!(ended.is_ok(), "{ended:?}");
        assert_eq!(*op.reads.lock().expect("lock"), 2, "read again once");
    }
}
