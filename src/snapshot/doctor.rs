//! What `bkops doctor` reads of each stack, and what it finds: the stack's own reads (group,
//! activities, scaler log) with the log groups' retention, checked against the pitfalls.

use futures::future::join_all;
use serde::Serialize;

use super::Read;
use crate::analysis::doctor::{Finding, Inputs, check};
use crate::backend::Backends;
use crate::domain::groups::{INSTANCE_GROUPS, LogGroup, scaler_prefix};
use crate::domain::{BackendError, Timestamp};

#[derive(Debug, Serialize)]
pub struct DoctorReport {
    pub schema_version: u32,
    pub generated_at: String,
    pub backend: String,
    pub stacks: Vec<StackDoctor>,
}

#[derive(Debug, Serialize)]
pub struct StackDoctor {
    pub stack: String,
    /// The worst first.
    pub findings: Vec<Finding>,
    /// What could not be read, so its checks were not made.
    pub unread: Vec<String>,
}

/// Every stack's findings, or with `only` that stack's.
pub async fn collect(backends: &Backends, only: Option<&str>) -> Result<DoctorReport, BackendError> {
    let stacks = backends.stacks.stacks().await?;
    let now = backends.clock.now();
    let wanted: Vec<&crate::domain::StackSummary> =
        stacks.iter().filter(|s| only.is_none_or(|o| s.name == o)).collect();
    let names: Vec<String> = wanted.iter().map(|s| s.name.clone()).collect();
    backends.stacks.prepare(&names).await;
    let shared = backends.logs.log_groups(&[INSTANCE_GROUPS.to_string()]).await;
    // Unknown is said by `bkops status`; the doctor finds nothing of what it cannot know.
    let latest = crate::deadline::within(backends.releases.latest()).await.ok().flatten();
    let latest = latest.as_deref();
    let all = &stacks;
    let shared = &shared;
    let reads = wanted.into_iter().map(|stack| async move {
        let prefix = [scaler_prefix(&stack.name)];
        let (read, own) = tokio::join!(
            async { Read::of(backends, &stack.name).await.with_boots(backends).await },
            crate::deadline::within(backends.logs.log_groups(&prefix))
        );
        let mut unread = read.unread.clone();
        let groups: Option<Vec<LogGroup>> = match (shared, own) {
            (Ok(s), Ok(o)) => Some(s.iter().cloned().chain(o).collect()),
            (Err(e), _) => {
                unread.push(format!("log groups: {e}"));
                None
            }
            (_, Err(e)) => {
                unread.push(format!("log groups: {e}"));
                None
            }
        };
        let findings = check(&Inputs {
            now,
            stack,
            stacks: all,
            fleet: read.fleet.as_ref(),
            activities: &read.activities,
            scaler: &read.scaler,
            log_groups: groups.as_deref(),
            boots: read.boots.as_ref().map(|b| &b.boots[..]),
            latest,
        });
        StackDoctor { stack: stack.name.clone(), findings, unread }
    });
    Ok(DoctorReport {
        schema_version: super::SCHEMA_VERSION,
        generated_at: Timestamp::rfc3339(now),
        backend: backends.label.to_string(),
        stacks: join_all(reads).await,
    })
}
