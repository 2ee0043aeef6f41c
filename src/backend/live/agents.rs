//! The AGENT column on AWS: the organization's agents from the Buildkite REST API (with
//! `BUILDKITE_API_TOKEN`), joined to the group's instances by their `aws:instance-id`.

use std::time::{Duration, Instant};

use super::LiveBackend;
use crate::backend::buildkite::agents;
use crate::domain::BackendError;
use crate::domain::Fleet;

/// One agent list serves every stack of the organization for this long: the REST API allows
/// 200 requests a minute per organization.
const AGENTS_TTL: Duration = Duration::from_secs(30);

/// An organization's agent list, and when the API allows the next read.
#[derive(Debug, Clone)]
pub struct AgentList {
    /// `None` until a list has been read (a 429 before any list leaves only the wait).
    pub list: Option<Vec<agents::Agent>>,
    pub not_before: Option<Instant>,
}

pub const NO_TOKEN: &str = "AGENT: set BUILDKITE_API_TOKEN (scope read_agents) to see each instance's agents";

impl LiveBackend {
    pub(super) async fn join_agents(&self, stack: &str, fleet: &mut Fleet) {
        let Some(token) = self.buildkite.settings.api_token.clone() else {
            fleet.agents_note = Some(NO_TOKEN.into());
            return;
        };
        let org = match self.org_of(stack) {
            Some(org) => org,
            None => match self.read_queue(stack).await.map(|_| self.org_of(stack)) {
                Ok(Some(org)) => org,
                Ok(None) => return,
                Err(e) => {
                    fleet.agents_note = Some(format!("AGENT: the organization is unknown: {e}"));
                    fleet.agents_error = Some(format!("agents: the organization is unknown: {e}"));
                    return;
                }
            },
        };
        let cached = self.agent_lists.last(&org);
        let fresh = cached.as_ref().filter(|(_, age)| *age < AGENTS_TTL).and_then(|(c, _)| c.list.clone());
        let list = match fresh {
            Some(list) => list,
            None => match self.read_agents(stack, &org, &token).await {
                Ok(list) => list,
                Err(e) => {
                    // The last list read stays on screen, with its age; the error is said.
                    fleet.agents_error = Some(format!("agents: {e}"));
                    match cached.and_then(|(c, age)| c.list.map(|list| (list, age))) {
                        Some((list, age)) => {
                            let age = crate::domain::format_age(age.as_secs() as i64);
                            fleet.agents_note = Some(format!("AGENT: as of {age} ago: {e}"));
                            list
                        }
                        None => {
                            fleet.agents_note = Some(format!("AGENT: {e}"));
                            return;
                        }
                    }
                }
            },
        };
        if let Ok(k) = self.known(stack).await
            && let Some(queue) = &k.queue
        {
            let known: Vec<String> = self.cache().known.keys().cloned().collect();
            let ids: Vec<&str> = fleet.instances.iter().map(|i| i.id.as_str()).collect();
            fleet.strangers = agents::strangers(&list, queue, stack, &known, &ids);
        }
        let by_instance = agents::by_instance(&list);
        for instance in &mut fleet.instances {
            let mine = by_instance.get(instance.id.as_str()).cloned().unwrap_or_default();
            instance.agents = agents::summary(&mine);
            if let Some(spot) = mine.iter().find_map(|a| a.spot()) {
                instance.spot = Some(spot);
            }
        }
    }

    /// The organization's agents, unless the API asked to wait (429 with `RateLimit-Reset`):
    /// then the wait is honoured and no request is sent before it is over.
    async fn read_agents(
        &self,
        stack: &str,
        org: &str,
        token: &crate::domain::Secret,
    ) -> Result<Vec<agents::Agent>, BackendError> {
        let client = self.buildkite.client.as_ref().ok_or_else(|| {
            BackendError::Other("the Buildkite client could not be set up (see the log)".into())
        })?;
        if let Some(until) = self.agent_lists.last(&org.to_string()).and_then(|(c, _)| c.not_before)
            && let Some(left) = until.checked_duration_since(Instant::now())
        {
            return Err(BackendError::Throttled { service: "Buildkite REST API".into(), retry_after: left });
        }
        self.calls.record(stack, "buildkite:GET /agents");
        let read = client.agents(&self.buildkite.settings.destinations.api(), token, org).await;
        match &read {
            Ok(list) => {
                self.agent_lists
                    .put(org.to_string(), AgentList { list: Some(list.clone()), not_before: None });
            }
            Err(BackendError::Throttled { retry_after, .. }) => {
                let not_before = Some(Instant::now() + *retry_after);
                if !self.agent_lists.modify(&org.to_string(), |c| c.not_before = not_before) {
                    self.agent_lists.put(org.to_string(), AgentList { list: None, not_before });
                }
            }
            Err(_) => {}
        }
        read
    }

    /// Makes every agent list read `by` earlier (and any wait the API asked for over), as if
    /// that much time had passed: for tests of what happens when a list is due again.
    #[doc(hidden)]
    pub fn age_agent_lists(&self, by: Duration) {
        self.agent_lists.age_all(by, |c| c.not_before = None);
    }
}
