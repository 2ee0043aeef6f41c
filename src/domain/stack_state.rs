//! What a stack's CloudFormation status means for its builds: whether CloudFormation is
//! changing it now, undoing a change that failed, or stuck where only an operator can help.

use serde::Serialize;

/// A stack status, in the few kinds an operator acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StackState {
    /// `CREATE_COMPLETE`, `UPDATE_COMPLETE`, `IMPORT_COMPLETE`: nothing under way.
    Stable,
    /// An update (or creation, import, review) is under way: `UPDATE_IN_PROGRESS`,
    /// `UPDATE_COMPLETE_CLEANUP_IN_PROGRESS` (the replaced group is being deleted), …
    Updating,
    /// A change failed and CloudFormation is undoing it: `UPDATE_ROLLBACK_IN_PROGRESS`,
    /// `ROLLBACK_IN_PROGRESS`, `UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`.
    RollingBack,
    /// The last change failed and was undone: `UPDATE_ROLLBACK_COMPLETE` (the stack runs as
    /// before the update), `ROLLBACK_COMPLETE` (a creation failed; the stack can only be
    /// deleted).
    RolledBack,
    /// The stack is being deleted.
    Deleting,
    /// CloudFormation gave up: `UPDATE_ROLLBACK_FAILED`, `DELETE_FAILED`, `CREATE_FAILED`,
    /// `ROLLBACK_FAILED`, `UPDATE_FAILED`. No update can run until an operator acts.
    Failed,
}

impl StackState {
    pub fn of(status: &str) -> Self {
        if status.ends_with("_FAILED") {
            StackState::Failed
        } else if status.starts_with("DELETE_") {
            StackState::Deleting
        } else if status.contains("ROLLBACK") && status.ends_with("_IN_PROGRESS") {
            StackState::RollingBack
        } else if status.contains("ROLLBACK") {
            StackState::RolledBack
        } else if status.ends_with("_IN_PROGRESS") {
            StackState::Updating
        } else {
            StackState::Stable
        }
    }

    /// CloudFormation is changing the stack now: its group may be replaced under it.
    pub fn is_changing(self) -> bool {
        matches!(self, StackState::Updating | StackState::RollingBack | StackState::Deleting)
    }

    /// Worth a warning: anything but a stable stack.
    pub fn is_loud(self) -> bool {
        self != StackState::Stable
    }
}

/// What a stack CloudFormation gave up on asks of its operator before it can be updated.
pub fn what_to_do(name: &str, status: &str) -> String {
    match status {
        "UPDATE_ROLLBACK_FAILED" => format!(
            "find the resource that could not roll back (`bkops events --stack {name}`), fix it by hand or skip it, then `aws cloudformation continue-update-rollback --stack-name {name} [--resources-to-skip LOGICAL_ID]`"
        ),
        "DELETE_FAILED" => format!(
            "`bkops events --stack {name}` names what could not be deleted; empty or remove it, or delete again keeping it: `aws cloudformation delete-stack --stack-name {name} --retain-resources LOGICAL_ID`"
        ),
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" => format!(
            "the stack never finished being created and cannot be updated: `bkops events --stack {name}` says why; delete it and create it again"
        ),
        _ => format!("`bkops events --stack {name}` says what failed and why"),
    }
}

#[cfg(test)]
mod tests {
    use super::StackState::*;
    use super::*;

    #[test]
    fn every_status_cloudformation_documents_has_its_kind() {
        for (status, state) in [
            ("CREATE_IN_PROGRESS", Updating),
            ("CREATE_FAILED", Failed),
            ("CREATE_COMPLETE", Stable),
            ("ROLLBACK_IN_PROGRESS", RollingBack),
            ("ROLLBACK_FAILED", Failed),
            ("ROLLBACK_COMPLETE", RolledBack),
            ("DELETE_IN_PROGRESS", Deleting),
            ("DELETE_FAILED", Failed),
            ("DELETE_COMPLETE", Deleting),
            ("UPDATE_IN_PROGRESS", Updating),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", Updating),
            ("UPDATE_COMPLETE", Stable),
            ("UPDATE_FAILED", Failed),
            ("UPDATE_ROLLBACK_IN_PROGRESS", RollingBack),
            ("UPDATE_ROLLBACK_FAILED", Failed),
            ("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", RollingBack),
            ("UPDATE_ROLLBACK_COMPLETE", RolledBack),
            ("REVIEW_IN_PROGRESS", Updating),
            ("IMPORT_IN_PROGRESS", Updating),
            ("IMPORT_COMPLETE", Stable),
            ("IMPORT_ROLLBACK_IN_PROGRESS", RollingBack),
            ("IMPORT_ROLLBACK_FAILED", Failed),
            ("IMPORT_ROLLBACK_COMPLETE", RolledBack),
        ] {
            assert_eq!(StackState::of(status), state, "{status}");
        }
        assert!(Updating.is_changing() && RollingBack.is_changing() && !Failed.is_changing());
        assert!(!Stable.is_loud() && RolledBack.is_loud());
    }
}
