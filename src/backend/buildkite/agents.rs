//! The Buildkite REST API's agent list (`GET /v2/organizations/{org}/agents`, scope
//! `read_agents`), joined to EC2 instances through the `aws:instance-id` meta-data that
//! Elastic CI Stack agents carry.

use serde::Deserialize;
use std::collections::HashMap;

use super::http::{Api, get, put_json};
use super::trust::TrustedUrl;
use crate::domain::BackendError;
use crate::domain::Secret;
use crate::domain::{AgentState, AgentSummary, Stranger, StrangerKind};

/// Pages read at most per refresh (100 agents a page).
const MAX_PAGES: usize = 50;

#[derive(Debug, Clone, Deserialize)]
struct Job {
    id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Agent {
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub connection_state: String,
    job: Option<Job>,
    #[serde(default)]
    meta_data: Vec<String>,
}

impl Agent {
    fn meta(&self, key: &str) -> Option<&str> {
        self.meta_data.iter().find_map(|m| m.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }

    /// Whether the agent is running a job now.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    pub fn instance_id(&self) -> Option<&str> {
        self.meta("aws:instance-id")
    }

    pub fn spot(&self) -> Option<bool> {
        self.meta("aws:instance-life-cycle").map(|v| v == "spot")
    }

    /// The queue it serves (its `queue` tag).
    pub fn queue(&self) -> Option<&str> {
        self.meta("queue")
    }

    /// The stack it says it belongs to (the Elastic CI Stack's `stack` tag).
    pub fn stack(&self) -> Option<&str> {
        self.meta("stack")
    }

    pub fn job_id(&self) -> Option<&str> {
        self.job.as_ref().map(|j| j.id.as_str())
    }
}

/// The agents of one instance, summarised for its row.
pub fn summary(agents: &[&Agent]) -> AgentSummary {
    let busy = agents.iter().filter(|a| a.job.is_some()).count() as u32;
    let state = if agents.is_empty() {
        AgentState::None
    } else if agents.iter().any(|a| a.connection_state == "lost") {
        AgentState::Lost
    } else if agents.iter().any(|a| a.connection_state == "stopping") {
        AgentState::Stopping
    } else if busy > 0 {
        AgentState::Busy
    } else {
        AgentState::Idle
    };
    let job = agents.iter().find_map(|a| a.job_id()).map(str::to_string);
    AgentSummary { state, busy, total: agents.len() as u32, job }
}

/// Agents by the instance they run on.
pub fn by_instance(agents: &[Agent]) -> HashMap<&str, Vec<&Agent>> {
    let mut map: HashMap<&str, Vec<&Agent>> = HashMap::new();
    for a in agents {
        if let Some(id) = a.instance_id() {
            map.entry(id).or_default().push(a);
        }
    }
    map
}

/// The agents serving `stack`'s `queue` that are not the agents of its group's `instances`:
/// no `stack` tag, one naming no stack in `known`, or this stack's name without an instance
/// of its group under it. Another known stack's agents are left out: two stacks on one queue
/// is a reason of its own.
pub fn strangers(
    list: &[Agent],
    queue: &str,
    stack: &str,
    known: &[String],
    instances: &[&str],
) -> Vec<Stranger> {
    list.iter()
        .filter(|a| a.queue() == Some(queue))
        .filter(|a| a.instance_id().is_none_or(|id| !instances.contains(&id)))
        .filter_map(|a| {
            let kind = match (a.stack(), a.instance_id()) {
                (None, _) => StrangerKind::NoStack,
                (Some(s), None) if s == stack => StrangerKind::NoInstanceTag,
                (Some(s), Some(id)) if s == stack => StrangerKind::NotInGroup(id.to_string()),
                (Some(s), _) if known.iter().any(|k| k == s) => return None,
                (Some(s), _) => StrangerKind::UnknownStack(s.to_string()),
            };
            let idle = a.connection_state == "connected" && !a.busy();
            Some(Stranger { name: a.name.clone(), idle, kind })
        })
        .collect()
}

/// The `rel="next"` target of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find(|part| part.contains("rel=\"next\"")).and_then(|part| {
        let start = part.find('<')? + 1;
        let end = part.find('>')?;
        part.get(start..end).map(str::to_string)
    })
}

const API: Api = Api {
    service: "Buildkite REST API",
    token: "BUILDKITE_API_TOKEN",
    fix: "it needs the read_agents scope",
};

const WRITE_API: Api = Api {
    service: "Buildkite REST API",
    token: "BUILDKITE_API_TOKEN",
    fix: "stopping agents needs the write_agents scope",
};

fn bad_name(e: String) -> BackendError {
    crate::domain::text::sanitized(BackendError::Untrusted(format!(
        "an organization or agent from Buildkite: {e}"
    )))
}

/// `PUT /organizations/{org}/agents/{id}/stop` with `force: false`: the agent finishes its job,
/// takes no other, and disconnects.
pub async fn stop(
    http: &reqwest::Client,
    api: &TrustedUrl,
    token: &Secret,
    org: &str,
    id: &str,
) -> Result<(), BackendError> {
    let url = api.join(&["organizations", org, "agents", id, "stop"], &[]).map_err(bad_name)?;
    put_json(http, &WRITE_API, &url, format!("Bearer {}", token.expose()), r#"{"force":false}"#.into()).await
}

/// Every agent of the organization, following the `Link` header's next page on the same host
/// only (a link elsewhere is an error, and the token is not sent there).
pub async fn list(
    http: &reqwest::Client,
    api: &TrustedUrl,
    token: &Secret,
    org: &str,
) -> Result<Vec<Agent>, BackendError> {
    let first = api.join(&["organizations", org, "agents"], &[("per_page", "100")]).map_err(bad_name)?;
    let mut url = Some(first.clone());
    let mut agents = Vec::new();
    let mut pages = 0;
    while let Some(u) = url.take() {
        pages += 1;
        let (headers, body) = get(http, &API, &u, format!("Bearer {}", token.expose())).await?;
        let page: Vec<Agent> = serde_json::from_str(&body).map_err(|e| {
            BackendError::Other(format!("Buildkite REST API sent an unexpected agent list: {e}"))
        })?;
        agents.extend(page);
        if pages < MAX_PAGES
            && let Some(next) = headers.get("Link").and_then(|l| l.to_str().ok()).and_then(next_link)
        {
            url = Some(first.same_origin(&next).map_err(|e| {
                crate::domain::text::sanitized(BackendError::Other(format!("Buildkite REST API sent {e}")))
            })?);
        }
    }
    Ok(agents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(state: &str, job: Option<&str>, instance: &str) -> Agent {
        Agent {
            id: format!("a-{instance}"),
            name: format!("ci-linux-{instance}-1"),
            connection_state: state.into(),
            job: job.map(|id| Job { id: id.into() }),
            meta_data: vec![format!("aws:instance-id={instance}"), "aws:instance-life-cycle=spot".into()],
        }
    }

    #[test]
    fn agents_summarise_per_instance() {
        let a = agent("connected", Some("j1"), "i-1");
        let b = agent("connected", None, "i-1");
        let s = summary(&[&a, &b]);
        assert_eq!((s.state, s.busy, s.total, s.job.as_deref()), (AgentState::Busy, 1, 2, Some("j1")));
        assert_eq!(summary(&[&b]).state, AgentState::Idle);
        assert_eq!(summary(&[&agent("lost", None, "i-2")]).state, AgentState::Lost);
        assert_eq!(summary(&[]).state, AgentState::None);
        assert_eq!(a.spot(), Some(true));
    }

    fn on_queue(name: &str, state: &str, job: Option<&str>, meta: &[&str]) -> Agent {
        let mut meta_data: Vec<String> = meta.iter().map(|m| m.to_string()).collect();
        meta_data.push("queue=default".into());
        Agent {
            id: format!("a-{name}"),
            name: name.into(),
            connection_state: state.into(),
            job: job.map(|id| Job { id: id.into() }),
            meta_data,
        }
    }

    #[test]
    fn strangers_are_the_queues_agents_no_instance_of_the_group_runs() {
        let list = [
            on_queue("own", "connected", None, &["stack=ci", "aws:instance-id=i-1"]),
            on_queue("laptop", "connected", None, &[]),
            on_queue("ghost", "connected", Some("j"), &["stack=gone"]),
            on_queue("other", "connected", None, &["stack=ci-arm", "aws:instance-id=i-9"]),
            on_queue("untagged", "connected", None, &["stack=ci"]),
            on_queue("detached", "lost", None, &["stack=ci", "aws:instance-id=i-7"]),
            // An agent of the group without the stack tag is still the group's.
            on_queue("old", "connected", None, &["aws:instance-id=i-1"]),
        ];
        let known = ["ci".to_string(), "ci-arm".to_string()];
        let found = strangers(&list, "default", "ci", &known, &["i-1"]);
        let got: Vec<(&str, bool, &StrangerKind)> =
            found.iter().map(|s| (s.name.as_str(), s.idle, &s.kind)).collect();
        assert_eq!(
            got,
            [
                ("laptop", true, &StrangerKind::NoStack),
                ("ghost", false, &StrangerKind::UnknownStack("gone".into())),
                ("untagged", true, &StrangerKind::NoInstanceTag),
                ("detached", false, &StrangerKind::NotInGroup("i-7".into())),
            ]
        );
        assert!(strangers(&list, "other-queue", "ci", &known, &["i-1"]).is_empty());
    }

    #[test]
    fn link_headers_give_the_next_page() {
        let link = r#"<https://api.buildkite.com/v2/organizations/acme/agents?page=3&per_page=100>; rel="next", <https://api.buildkite.com/v2/organizations/acme/agents?page=9&per_page=100>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.buildkite.com/v2/organizations/acme/agents?page=3&per_page=100")
        );
        assert_eq!(next_link(r#"<https://x/y?page=1>; rel="prev""#), None);
    }
}
