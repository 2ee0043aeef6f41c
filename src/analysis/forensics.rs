//! What ended an instance, read from its termination activity's cause as Auto Scaling words
//! it: the termination forensics of the activity list.

use serde::Serialize;

use crate::domain::ScalingActivity;

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

/// A job an agent started and had not finished, from the agent's own lines:
/// `Starting job <id> for build at <BUILDKITE_BUILD_URL>` and `Finished job <id> for build at …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRef {
    pub id: String,
    /// `https://buildkite.com/<org>/<pipeline>/builds/<n>`.
    pub build_url: String,
}

impl JobRef {
    /// `acme/app #1234`, from the build's URL; the URL itself when it is not shaped so.
    pub fn name(&self) -> String {
        let parts: Vec<&str> = self.build_url.split('/').collect();
        match parts.as_slice() {
            [.., org, pipeline, "builds", n] if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                format!("{org}/{pipeline} #{n}")
            }
            _ => self.build_url.clone(),
        }
    }

    /// The job's own page: the build's, at the job.
    pub fn web_url(&self) -> String {
        format!("{}#{}", self.build_url, self.id)
    }
}

/// For scripts: the build by name, and both pages.
impl Serialize for JobRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("JobRef", 4)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("build", &self.name())?;
        out.serialize_field("build_url", &self.build_url)?;
        out.serialize_field("web_url", &self.web_url())?;
        out.end()
    }
}

const STARTING: &str = "Starting job ";
const FINISHED: &str = "Finished job ";
const FOR_BUILD: &str = " for build at ";
/// Words both lines have: the filter a server can apply.
pub const JOB_LINE: &str = "for build at";

/// The jobs an instance's agents were running when its lines stop, oldest first: each started
/// and not finished. An instance runs `AgentsPerInstance` agents, so there may be several.
pub fn unfinished_jobs<'a>(messages: impl IntoIterator<Item = &'a str>) -> Vec<JobRef> {
    let mut open: Vec<JobRef> = Vec::new();
    for m in messages {
        if let Some((id, url)) = job_line(m, STARTING) {
            open.retain(|j| j.id != id);
            open.push(JobRef { id: id.to_string(), build_url: url.to_string() });
        } else if let Some((id, _)) = job_line(m, FINISHED) {
            open.retain(|j| j.id != id);
        }
    }
    open
}

/// The job ID and build URL of a `Starting job …` or `Finished job …` line.
fn job_line<'a>(message: &'a str, verb: &str) -> Option<(&'a str, &'a str)> {
    let rest = &message[message.find(verb)? + verb.len()..];
    let (id, url) = rest.split_once(FOR_BUILD)?;
    let url = url.split_whitespace().next()?;
    (!id.is_empty() && !id.contains(char::is_whitespace) && url.starts_with("https://")).then_some((id, url))
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

    #[test]
    fn the_job_an_agent_was_running_is_the_one_it_started_and_did_not_finish() {
        let url = "https://buildkite.com/acme/app/builds/1234";
        let lines = [
            "Nov 30 08:00:01 ip-10-0-1-7 buildkite-agent[812]: 2026-11-30 08:00:01 INFO   ci-linux-i-0123456789abcdef0-1 Starting job 0190aaaa-0000-4000-8000-000000000001 for build at https://buildkite.com/acme/app/builds/1233",
            "Nov 30 08:04:01 ip-10-0-1-7 buildkite-agent[812]: 2026-11-30 08:04:01 INFO   ci-linux-i-0123456789abcdef0-1 Finished job 0190aaaa-0000-4000-8000-000000000001 for build at https://buildkite.com/acme/app/builds/1233",
            "2026-11-30 08:05:00 INFO   ci-linux-i-0123456789abcdef0-1 Starting job 0190aaaa-0000-4000-8000-000000000002 for build at https://buildkite.com/acme/app/builds/1234",
            "2026-11-30 08:05:02 INFO   ci-linux-i-0123456789abcdef0-2 Starting job 0190aaaa-0000-4000-8000-000000000003 for build at http://evil.example/x",
            "2026-11-30 08:05:03 INFO   Starting job for build at https://buildkite.com/acme/app/builds/9",
        ];
        let jobs = unfinished_jobs(lines);
        assert_eq!(
            jobs,
            [JobRef { id: "0190aaaa-0000-4000-8000-000000000002".into(), build_url: url.into() }]
        );
        assert_eq!(jobs[0].name(), "acme/app #1234");
        assert_eq!(jobs[0].web_url(), format!("{url}#0190aaaa-0000-4000-8000-000000000002"));
        assert!(unfinished_jobs(lines[..2].iter().copied()).is_empty(), "finished: none running");
        let odd = JobRef { id: "j".into(), build_url: "https://buildkite.example/somewhere".into() };
        assert_eq!(odd.name(), "https://buildkite.example/somewhere");
    }
}
