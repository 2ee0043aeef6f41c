//! A stack CloudFormation gave up on, or whose creation failed: nothing fixes it by itself,
//! and no update can run until an operator does what its status asks.

use super::{Finding, Inputs, Severity, finding};
use crate::domain::StackState;

pub(super) fn stack_failed(i: &Inputs<'_>) -> Vec<Finding> {
    let s = i.stack;
    let (status, name) = (s.status.as_str(), s.name.as_str());
    let fix = crate::domain::stack_state::what_to_do(name, status);
    let failed = s.state() == StackState::Failed || status == "ROLLBACK_COMPLETE";
    if !failed {
        return Vec::new();
    }
    vec![finding(
        "stack_failed",
        Severity::Bad,
        format!("the stack is {status}"),
        "CloudFormation will run no update on it: a fix to the stack's parameters or a new release cannot be deployed, and whatever half-changed stays as it is",
        &fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::doctor::tests::{inputs, stack};

    fn found(status: &str) -> Vec<Finding> {
        let s = crate::domain::StackSummary { status: status.into(), ..stack("ci", "default") };
        stack_failed(&inputs(&s, &[]))
    }

    #[test]
    fn a_stack_cloudformation_gave_up_on_is_found_with_what_its_status_asks() {
        let f = found("UPDATE_ROLLBACK_FAILED");
        assert_eq!((f.len(), f[0].severity), (1, Severity::Bad));
        assert_eq!(f[0].what, "the stack is UPDATE_ROLLBACK_FAILED");
        assert!(f[0].fix.contains("continue-update-rollback --stack-name ci"), "{}", f[0].fix);
        assert!(found("DELETE_FAILED")[0].fix.contains("--retain-resources"));
        assert!(found("ROLLBACK_COMPLETE")[0].fix.contains("delete it and create it again"));
        for fine in ["UPDATE_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"] {
            assert!(found(fine).is_empty(), "{fine}");
        }
    }
}
