//! What ended an instance, read from its termination activity's cause as Auto Scaling words
//! it: the termination forensics of the activity list.

use serde::Serialize;

use super::ScalingActivity;

/// Who or what took an instance out of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// Marked Unhealthy with SetInstanceHealth: the stack does it for a full disk or a failed
    /// bootstrap (and the scaler's Elastic CI mode for a dangling instance).
    Unhealthy,
    /// EC2 stopped or terminated it: a Spot interruption, or someone in the EC2 console.
    Ec2,
    /// EC2's own status checks failed (impaired hardware or network).
    Impaired,
    /// TerminateInstanceInAutoScalingGroup with the capacity decremented: the instance's own
    /// `terminate-instance` when its agents idled out (or an operator shrinking the group).
    SelfTerminated,
    /// TerminateInstanceInAutoScalingGroup, replaced: an operator (bkops' `X`, the console).
    User,
    /// The desired capacity was set lower (SetDesiredCapacity: the scaler in Elastic CI mode,
    /// or an operator), or a scheduled action.
    ScaleIn,
    /// Something else; the cause says what.
    Other,
}

impl EndedBy {
    /// A few words for the activity list.
    pub fn label(self) -> &'static str {
        match self {
            EndedBy::Unhealthy => "marked Unhealthy (disk full or failed boot)",
            EndedBy::Ec2 => "stopped by EC2 (Spot interruption or the console)",
            EndedBy::Impaired => "failed EC2 status checks",
            EndedBy::SelfTerminated => "terminated itself (agents idle) or a shrinking terminate",
            EndedBy::User => "terminated by a user, replaced",
            EndedBy::ScaleIn => "scaled in (desired capacity lowered)",
            EndedBy::Other => "see the cause",
        }
    }
}

/// What ended the instance of a termination activity; `None` for any other activity.
pub fn ended_by(a: &ScalingActivity) -> Option<EndedBy> {
    if !a.description.starts_with("Terminating EC2 instance") {
        return None;
    }
    let c = a.cause.as_str();
    Some(if c.contains("in response to a user health-check") {
        EndedBy::Unhealthy
    } else if c.contains("indicating it has been terminated or stopped") {
        EndedBy::Ec2
    } else if c.contains("EC2 health check") || c.contains("system health check failure") {
        EndedBy::Impaired
    } else if c.contains("in response to a user request, shrinking the capacity") {
        EndedBy::SelfTerminated
    } else if c.contains("in response to a user request") {
        EndedBy::User
    } else if c.contains("difference between desired and actual capacity, shrinking the capacity")
        || c.contains("scheduled action")
    {
        EndedBy::ScaleIn
    } else {
        EndedBy::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActivityStatus, Timestamp};

    fn terminated(cause: &str) -> ScalingActivity {
        ScalingActivity {
            id: "a".into(),
            description: "Terminating EC2 instance: i-0123456789abcdef0".into(),
            cause: cause.into(),
            status: ActivityStatus::Successful,
            status_message: None,
            start: Timestamp(0),
            end: None,
        }
    }

    #[test]
    fn auto_scalings_own_words_say_what_ended_an_instance() {
        let cases = [
            (
                "At 2026-11-30T07:00:00Z an instance was taken out of service in response to a user health-check.",
                EndedBy::Unhealthy,
            ),
            (
                "At 2026-11-30T07:00:00Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.",
                EndedBy::Ec2,
            ),
            (
                "At 2026-11-30T07:00:00Z an instance was taken out of service in response to an EC2 health check indicating it has been impaired.",
                EndedBy::Impaired,
            ),
            (
                "At 2026-11-30T07:00:00Z instance i-0123456789abcdef0 was taken out of service in response to a user request, shrinking the capacity from 5 to 4.",
                EndedBy::SelfTerminated,
            ),
            (
                "At 2026-11-30T07:00:00Z instance i-0123456789abcdef0 was taken out of service in response to a user request.",
                EndedBy::User,
            ),
            (
                "At 2026-11-30T06:59:00Z a user request explicitly set group desired capacity changing the desired capacity from 5 to 3.  At 2026-11-30T07:00:00Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 5 to 3.",
                EndedBy::ScaleIn,
            ),
            (
                "At 2026-11-30T07:00:00Z a scheduled action update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from 2 to 0.",
                EndedBy::ScaleIn,
            ),
            ("At 2026-11-30T07:00:00Z something new.", EndedBy::Other),
        ];
        for (cause, want) in cases {
            assert_eq!(ended_by(&terminated(cause)), Some(want), "{cause}");
        }
        let launch =
            ScalingActivity { description: "Launching a new EC2 instance: i-1".into(), ..terminated("x") };
        assert_eq!(ended_by(&launch), None);
    }
}
