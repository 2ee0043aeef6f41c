//! The AGENT column on AWS: the organization's agents from the Buildkite REST API (with
//! `BUILDKITE_API_TOKEN`), joined to the group's instances by their `aws:instance-id`.

use std::time::{Duration, Instant};

use super::AwsBackend;
use crate::backend::buildkite::agents;
use crate::domain::Fleet;

/// One agent list serves every stack of the organization for this long: the REST API allows
/// 200 requests a minute per organization.
const AGENTS_TTL: Duration = Duration::from_secs(30);

pub const NO_TOKEN: &str = "AGENT: set BUILDKITE_API_TOKEN (scope read_agents) to see each instance's agents";

impl AwsBackend {
    pub(super) async fn join_agents(&self, stack: &str, fleet: &mut Fleet) {
        let Some(token) = self.buildkite.api_token.clone() else {
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
                    return;
                }
            },
        };
        let cached = self.agent_cache(&org).filter(|(_, at)| at.elapsed() < AGENTS_TTL).map(|(list, _)| list);
        let list = match cached {
            Some(list) => list,
            None => {
                let Some(client) = self.metrics.as_ref() else { return };
                self.calls.record(stack, "buildkite:GET /agents");
                match client.agents(&self.buildkite.destinations.api(), &token, &org).await {
                    Ok(list) => {
                        self.store_agents(&org, list.clone());
                        list
                    }
                    Err(e) => {
                        fleet.agents_note = Some(format!("AGENT: {e}"));
                        return;
                    }
                }
            }
        };
        let by_instance = agents::by_instance(&list);
        for instance in &mut fleet.instances {
            let mine = by_instance.get(instance.id.as_str()).cloned().unwrap_or_default();
            instance.agents = agents::summary(&mine);
            if let Some(spot) = mine.iter().find_map(|a| a.spot()) {
                instance.spot = Some(spot);
            }
        }
    }

    fn agent_cache(&self, org: &str) -> Option<(Vec<agents::Agent>, Instant)> {
        self.agent_lists.lock().unwrap_or_else(|p| p.into_inner()).get(org).cloned()
    }

    fn store_agents(&self, org: &str, list: Vec<agents::Agent>) {
        self.agent_lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org.to_string(), (list, Instant::now()));
    }
}
