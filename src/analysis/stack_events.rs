//! A stack's CloudFormation events read as an operator reads them: what failed, and which
//! failure started a rollback (the first one; those after it are mostly "Resource update
//! cancelled", its consequences), and where the stack stands now.

use crate::domain::StackEvent;

pub use crate::domain::stack_event::causes;

/// The newest status of the root stack among the events, if one is there.
pub fn latest_status<'a>(events: &'a [StackEvent], root: &str) -> Option<&'a str> {
    events
        .iter()
        .filter(|e| e.is_of_stack() && e.stack == root)
        .max_by_key(|e| e.at)
        .map(|e| e.status.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stack_event::STACK_TYPE;

    fn ev(secs: i64, stack: &str, logical: &str, kind: &str, status: &str, why: Option<&str>) -> StackEvent {
        StackEvent::example(secs, stack, logical, kind, status, why)
    }

    /// A failed update of a nested stack's resource, as CloudFormation tells it: the nested
    /// resource fails first, the root's nested-stack resource and the root follow, the rest
    /// is cancelled, and the rollback completes.
    fn failed_update() -> Vec<StackEvent> {
        let nested = "ci-Autoscaling-1ABC";
        vec![
            ev(0, "ci", "ci", STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            ev(5, "ci", "Autoscaling", STACK_TYPE, "UPDATE_IN_PROGRESS", None),
            ev(6, "ci", "AgentLaunchTemplate", "AWS::EC2::LaunchTemplate", "UPDATE_IN_PROGRESS", None),
            ev(
                9,
                nested,
                "AutoscalingFunction",
                "AWS::Lambda::Function",
                "UPDATE_FAILED",
                Some(
                    "Resource handler returned message: \"Unzipped size must be smaller than 262144000 bytes\"",
                ),
            ),
            ev(
                10,
                "ci",
                "AgentLaunchTemplate",
                "AWS::EC2::LaunchTemplate",
                "UPDATE_FAILED",
                Some("Resource update cancelled"),
            ),
            ev(
                11,
                "ci",
                "Autoscaling",
                STACK_TYPE,
                "UPDATE_FAILED",
                Some(
                    "Embedded stack arn:aws:cloudformation:us-east-1:1:stack/ci-Autoscaling-1ABC/x was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with reason: The following resource(s) failed to update: [AutoscalingFunction].",
                ),
            ),
            ev(
                12,
                "ci",
                "ci",
                STACK_TYPE,
                "UPDATE_ROLLBACK_IN_PROGRESS",
                Some("The following resource(s) failed to update: [Autoscaling, AgentLaunchTemplate]."),
            ),
            ev(40, "ci", "ci", STACK_TYPE, "UPDATE_ROLLBACK_COMPLETE", None),
        ]
    }

    #[test]
    fn the_first_failure_of_an_update_is_named_as_its_rollbacks_cause() {
        let events = failed_update();
        assert_eq!(causes(&events, "ci"), ["ci-Autoscaling-1ABC-AutoscalingFunction-9"]);
        // In the order DescribeStackEvents gives them (newest first), the same.
        let mut newest_first = events.clone();
        newest_first.reverse();
        assert_eq!(causes(&newest_first, "ci"), ["ci-Autoscaling-1ABC-AutoscalingFunction-9"]);
        assert_eq!(latest_status(&events, "ci"), Some("UPDATE_ROLLBACK_COMPLETE"));
    }

    #[test]
    fn a_rollback_that_fails_names_what_failed_during_the_rollback() {
        let mut events = failed_update();
        events.pop();
        events.push(ev(
            30,
            "ci",
            "AgentAutoScaleGroup",
            "AWS::AutoScaling::AutoScalingGroup",
            "UPDATE_FAILED",
            Some("Group ci-asg could not be updated: instances did not signal"),
        ));
        events.push(ev(
            41,
            "ci",
            "ci",
            STACK_TYPE,
            "UPDATE_ROLLBACK_FAILED",
            Some("The following resource(s) failed to update: [AgentAutoScaleGroup]."),
        ));
        let found = causes(&events, "ci");
        assert_eq!(found, ["ci-Autoscaling-1ABC-AutoscalingFunction-9", "ci-AgentAutoScaleGroup-30"]);
    }

    #[test]
    fn an_update_that_succeeds_has_no_cause() {
        let events = vec![
            ev(0, "ci", "ci", STACK_TYPE, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            ev(20, "ci", "ci", STACK_TYPE, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None),
            ev(30, "ci", "ci", STACK_TYPE, "UPDATE_COMPLETE", None),
        ];
        assert!(causes(&events, "ci").is_empty());
        assert_eq!(latest_status(&events, "ci"), Some("UPDATE_COMPLETE"));
    }
}
