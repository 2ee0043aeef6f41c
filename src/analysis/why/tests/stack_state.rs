//! The stack in CloudFormation's hands explains waiting jobs first.

use super::*;

#[test]
fn a_stack_updating_rolling_back_or_failed_is_the_first_reason_and_a_stable_one_is_none() {
    let g = fleet(0, 10, Vec::new());
    let scaler = quiet_scaler();
    for (status, code) in [
        ("UPDATE_IN_PROGRESS", Some("stack_updating")),
        ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", Some("stack_updating")),
        ("UPDATE_ROLLBACK_IN_PROGRESS", Some("stack_rolling_back")),
        ("UPDATE_ROLLBACK_FAILED", Some("stack_failed")),
        ("UPDATE_COMPLETE", None),
        ("UPDATE_ROLLBACK_COMPLETE", None),
    ] {
        // Paused as well: the stack's own state still comes first.
        let s = StackSummary {
            status: status.into(),
            ..stack("ci", "default", ScalingState::Paused { schedule: "rate(1 minute)".into() })
        };
        let r = reasons(&facts(&s, &[], &g, &[], &scaler));
        assert_eq!(r.first().map(|r| r.code).filter(|c| c.starts_with("stack_")), code, "{status}: {r:?}");
        if let Some(first) = r.first().filter(|_| code.is_some()) {
            assert!(first.headline.ends_with(&format!("({status})")), "{}", first.headline);
            assert!(
                first.evidence.iter().any(|e| e.contains("bkops events --stack ci")),
                "{:?}",
                first.evidence
            );
            assert_eq!(r[1].code, "paused", "{status}");
        }
    }
}
