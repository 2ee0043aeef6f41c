//! Carries out a plan: each call through the backend's `execute` (where read-only is
//! enforced), each one written to the audit log, stopping at the first that fails. A drain's
//! wait polls the agents until their jobs are done, saying how long is left.

use std::time::Duration;

// Tokio's clock, so that a test can run a ten-minute drain in no time.
use tokio::time::Instant;

use super::audit::{self, Context};
use super::call::Call;
use super::plan::Plan;
use crate::backend::{BackendError, Operator};
use crate::clock::Clock;

/// How often a drain asks whether the jobs are done.
const DRAIN_POLL: Duration = Duration::from_secs(5);

/// What happened to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub call: Call,
    pub result: Result<(), BackendError>,
}

async fn wait_for_jobs(
    op: &dyn Operator,
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
            "draining: {} job{} still running ({}); {}m{:02}s left",
            busy.len(),
            if busy.len() == 1 { "" } else { "s" },
            busy.join(", "),
            left.as_secs() / 60,
            left.as_secs() % 60
        ));
        tokio::time::sleep(DRAIN_POLL.min(left)).await;
    }
}

/// Makes the plan's calls in order. The first failure ends it: later calls depend on the
/// earlier ones (the record of a pause before the rule is disabled; no terminate before the
/// jobs are done).
pub async fn apply(
    op: &dyn Operator,
    plan: &Plan,
    ctx: &Context,
    clock: &Clock,
    audit_log: Option<&std::path::Path>,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<Vec<Outcome>, std::io::Error> {
    let mut done = Vec::new();
    for call in &plan.calls {
        let result = match call {
            Call::WaitForJobs { instances, timeout_secs } => {
                wait_for_jobs(op, &ctx.stack, instances, Duration::from_secs(*timeout_secs), progress).await
            }
            _ => {
                let result = op.execute(call).await;
                let text = result.as_ref().map(|_| ()).map_err(BackendError::to_string);
                audit::record(audit_log, ctx, call, clock.now(), &text)?;
                result
            }
        };
        let failed = result.is_err();
        done.push(Outcome { call: call.clone(), result });
        if failed {
            break;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::ops::{AgentRef, Identity, ScalingTarget};

    /// An operator whose one agent stays busy for `busy_polls` reads, recording its calls.
    struct Scripted {
        busy_polls: Mutex<u32>,
        made: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl Operator for Scripted {
        async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
            Ok(ScalingTarget::default())
        }
        async fn identity(&self) -> Result<Identity, BackendError> {
            Ok(Identity { arn: "arn".into(), account: "1".into() })
        }
        async fn execute(&self, call: &Call) -> Result<(), BackendError> {
            self.made.lock().expect("lock").push(call.action().to_string());
            Ok(())
        }
        async fn agents_on(&self, _: &str, _: &[String]) -> Result<Vec<AgentRef>, BackendError> {
            let mut left = self.busy_polls.lock().expect("lock");
            let busy = *left > 0;
            *left = left.saturating_sub(1);
            Ok(vec![AgentRef {
                org: "acme".into(),
                id: "a1".into(),
                name: "ci-linux-i-0aaaaaaaaaaaaaaa1-1".into(),
                instance: "i-0aaaaaaaaaaaaaaa1".into(),
                busy,
            }])
        }
    }

    fn drain_plan() -> Plan {
        let instances = vec!["i-0aaaaaaaaaaaaaaa1".to_string()];
        Plan {
            title: "t".into(),
            calls: vec![
                Call::StopAgent { org: "acme".into(), agent_id: "a1".into(), name: "n".into() },
                Call::WaitForJobs { instances: instances.clone(), timeout_secs: 600 },
                Call::Terminate { group: "g".into(), instance: instances[0].clone(), decrement: false },
            ],
            warnings: Vec::new(),
        }
    }

    fn ctx() -> Context {
        Context {
            identity: Identity { arn: "arn".into(), account: "1".into() },
            backend: "demo".into(),
            stack: "ci-linux".into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_drain_counts_down_and_terminates_once_the_job_is_done() {
        let op = Scripted { busy_polls: Mutex::new(3), made: Mutex::default() };
        let log = std::env::temp_dir().join(format!("bkops-apply-drain-{}.jsonl", std::process::id()));
        let said = Mutex::new(Vec::new());
        let say = |t: String| said.lock().expect("lock").push(t);
        let clock = Clock::virtual_at(crate::domain::Timestamp(0));
        let out = apply(&op, &drain_plan(), &ctx(), &clock, Some(&log), &say).await.expect("audited");
        assert!(out.iter().all(|o| o.result.is_ok()));
        let said = said.lock().expect("lock").clone();
        assert_eq!(said.len(), 3, "one line per poll while the job runs: {said:?}");
        assert!(
            said[0]
                .starts_with("draining: 1 job still running (ci-linux-i-0aaaaaaaaaaaaaaa1-1); 10m00s left")
        );
        assert!(said[2].contains("9m50s left"), "{said:?}");
        assert_eq!(
            *op.made.lock().expect("lock"),
            ["buildkite:StopAgent", "autoscaling:TerminateInstanceInAutoScalingGroup"]
        );
        let _ = std::fs::remove_file(log);
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_that_outlasts_the_drain_means_no_terminate() {
        let op = Scripted { busy_polls: Mutex::new(u32::MAX), made: Mutex::default() };
        let log = std::env::temp_dir().join(format!("bkops-apply-timeout-{}.jsonl", std::process::id()));
        let clock = Clock::virtual_at(crate::domain::Timestamp(0));
        let out = apply(&op, &drain_plan(), &ctx(), &clock, Some(&log), &|_| {}).await.expect("audited");
        let last = out.last().expect("outcomes");
        assert!(matches!(last.call, Call::WaitForJobs { .. }));
        assert!(last.result.as_ref().is_err_and(|e| e.to_string().contains("still running a job after 10m")));
        assert_eq!(*op.made.lock().expect("lock"), ["buildkite:StopAgent"], "nothing terminated");
        let _ = std::fs::remove_file(log);
    }
}
