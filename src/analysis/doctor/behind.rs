//! A stack several releases behind the latest published one: the fixes and the new
//! parameters of the releases since are not in it.

use super::{Finding, Inputs, Severity, finding};
use crate::domain::release::{Behind, behind};

/// Minor releases behind from which the doctor says so.
pub const RELEASES_BEHIND: u32 = 5;

pub(super) fn stack_behind(i: &Inputs<'_>) -> Vec<Finding> {
    let (Some(latest), current) = (i.latest, i.stack.version.as_str()) else { return Vec::new() };
    let what = match behind(current, latest) {
        Some(Behind::Major) => {
            format!("the stack runs {current}, a major version behind the latest release, {latest}")
        }
        Some(Behind::Minor(n)) if n >= RELEASES_BEHIND => {
            format!("the stack runs {current}, {n} minor releases behind the latest, {latest}")
        }
        _ => return Vec::new(),
    };
    vec![finding(
        "stack_behind",
        Severity::Warn,
        what,
        "the releases since carry fixes (the scaler's, the agent's, the AMI's security updates) that its instances do not have",
        "read the release notes (github.com/buildkite/elastic-ci-stack-for-aws/releases), preview the change with a change set, and update it with scaling paused (the README's runbook)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::doctor::tests::{inputs, stack};

    fn found(current: &str, latest: Option<&str>) -> Vec<Finding> {
        let s = crate::domain::StackSummary { version: current.into(), ..stack("ci", "default") };
        stack_behind(&Inputs { latest, ..inputs(&s, &[]) })
    }

    #[test]
    fn several_minor_releases_or_a_major_one_behind_is_found_and_unknown_is_not() {
        let f = found("v6.70.0", Some("v6.75.0"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].what, "the stack runs v6.70.0, 5 minor releases behind the latest, v6.75.0");
        assert!(found("v5.22.1", Some("v6.75.0"))[0].what.contains("a major version behind"));
        assert!(found("v6.71.1", Some("v6.75.0")).is_empty(), "four releases are not several");
        assert!(found("v6.70.0", None).is_empty(), "not checked, or unknown: nothing said");
        assert!(found("?", Some("v6.75.0")).is_empty(), "a version the stack does not name");
    }
}
