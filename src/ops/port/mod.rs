//! What operator actions need from the world, owned here and implemented by each backend:
//! the stack's scaling read fresh before a plan, who is calling, the one write (`execute`),
//! the agents a drain waits for, and the disk check's answers. Every backend refuses
//! `execute` in read-only mode, in `execute` itself, so nothing above it can get round it.

pub mod call;
pub mod disk;
pub mod stack_update;

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use call::{AgentRef, Call, CallContext, Identity};
pub use disk::DiskReading;
pub use stack_update::{ChangeSetView, ParamDecl, StackParameter, StackProgress, UpdateSource};

use crate::domain::BackendError;

/// What a plan needs to know about a stack's scaling.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingTarget {
    pub stack: String,
    pub group: String,
    /// The scaler's `AutoscalingFunctionTimer` rule; none on a fixed-size stack.
    pub rule: Option<String>,
    /// Whether the rule fires; unknown when it could not be read.
    pub rule_enabled: Option<bool>,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    /// The group's `bkops:` tags.
    pub tags: BTreeMap<String, String>,
    /// Scheduled actions that move MinSize under a paused stack.
    pub scheduled: Vec<String>,
    /// The group's instances that can be terminated.
    pub instances: Vec<String>,
    /// Deployed with the Terraform module, which does not hold the rule's state: a later
    /// `terraform apply` may enable the rule again.
    pub terraform: bool,
    /// The group's launch template version: an update made elsewhere changes it.
    pub template_version: Option<String>,
}

/// The tags' values are shown (who paused, and when) and parsed (sizes to restore); the
/// group and rule names go into calls as they are.
impl crate::domain::text::Sanitize for ScalingTarget {
    fn sanitize(&mut self) {
        for v in self.tags.values_mut() {
            v.sanitize();
        }
    }
}

/// One instance's answer to the disk check: a reading, or why there is none.
pub type DiskAnswer = (String, Result<DiskReading, String>);

/// The only way bkops changes a stack, and the fresh reads an action is planned from.
#[async_trait]
pub trait Operations: Send + Sync {
    /// What a pause, resume or terminate plan needs to know about the stack now.
    async fn scaling_target(&self, stack: &str) -> Result<ScalingTarget, BackendError>;
    /// Who the calls are made as, for the confirmation and the audit log.
    async fn identity(&self) -> Result<Identity, BackendError>;
    /// Makes one call; refused in read-only mode.
    async fn execute(&self, call: &Call) -> Result<(), BackendError>;
    /// The Buildkite agents on these instances now (not cached): what a drain stops and waits
    /// for. Only with a Buildkite API token.
    async fn agents_on(&self, stack: &str, instances: &[String]) -> Result<Vec<AgentRef>, BackendError> {
        let _ = (stack, instances);
        Err(BackendError::Unconfigured("no Buildkite API here to drain agents through".into()))
    }
    /// What the instances answered to the last disk check sent with `execute`. Waits for the
    /// answers (at most about 30 s).
    async fn disk_readings(&self, instances: &[String]) -> Result<Vec<DiskAnswer>, BackendError> {
        let _ = instances;
        Err(BackendError::Other("no disk check was sent".into()))
    }
    /// The stack as an update would start from it: its status and parameters now, and the
    /// parameters of the template it would deploy (the stack's own without a URL).
    async fn update_source(
        &self,
        stack: &str,
        template_url: Option<&str>,
    ) -> Result<UpdateSource, BackendError> {
        let _ = (stack, template_url);
        Err(BackendError::Unconfigured("this backend cannot update a stack".into()))
    }
    /// A change set made with `execute(CreateChangeSet)`, as it is now.
    async fn change_set(&self, stack: &str, name: &str) -> Result<ChangeSetView, BackendError> {
        let _ = (stack, name);
        Err(BackendError::Unconfigured("this backend has no change sets".into()))
    }
    /// The stack's status now and its events since `since`, newest first.
    async fn stack_progress(
        &self,
        stack: &str,
        since: crate::domain::Timestamp,
    ) -> Result<StackProgress, BackendError> {
        let _ = (stack, since);
        Err(BackendError::Unconfigured("this backend has no stack events".into()))
    }
}
