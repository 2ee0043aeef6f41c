//! Session Manager in the demo: InService instances are Online, StartSession hands out a
//! session on the simulated agent (refused in read-only mode, as on AWS), and the shell
//! answers from the instance as it was when the session started.

use super::SimBackend;
use super::agent::SessionAgent;
use super::operate::DISK_TOTAL_KB;
use super::shell::Facts;
use crate::domain::BackendError;
use crate::domain::Lifecycle;
use crate::domain::Secret;
use crate::ssm::port::{Registration, Session, SessionRequest};

impl SimBackend {
    pub(super) fn sim_registration(&self, instance: &str) -> Registration {
        let world = self.world();
        let found = world.stacks.iter().flat_map(|s| &s.instances).find(|i| i.id == instance);
        match found {
            Some(i) if i.lifecycle == Lifecycle::InService => Registration::Online,
            Some(i) if i.is_active() && i.lifecycle != Lifecycle::Pending => {
                Registration::Offline("ConnectionLost".into())
            }
            _ => Registration::NotRegistered,
        }
    }

    fn facts(&self, instance: &str) -> Result<Facts, BackendError> {
        let world = self.world();
        let now = world.now();
        let i = world
            .stacks
            .iter()
            .flat_map(|s| &s.instances)
            .find(|i| i.id == instance && i.is_active())
            .ok_or_else(|| BackendError::NotFound { what: format!("instance {instance}") })?;
        Ok(Facts {
            instance: i.id.clone(),
            host: i.host.clone(),
            os: i.os,
            instance_type: i.instance_type.clone(),
            az: i.az.clone(),
            uptime_secs: now.secs_since(i.launched_at),
            disk_free_kb: i.disk_free_kb.min(DISK_TOTAL_KB),
            disk_total_kb: DISK_TOTAL_KB,
            agents: i.agents.iter().map(|a| (a.name.clone(), a.job.as_ref().map(|j| j.id.clone()))).collect(),
            date: now.rfc3339(),
        })
    }

    pub(super) async fn sim_start_session(&self, r: &SessionRequest) -> Result<Session, BackendError> {
        if self.read_only {
            return Err(BackendError::ReadOnly { action: "ssm:StartSession".into() });
        }
        let facts = self.facts(&r.target)?;
        let agent = self
            .agent
            .get_or_try_init(SessionAgent::start)
            .await
            .map_err(|e| BackendError::Other(format!("the demo's session agent cannot listen: {e}")))?;
        // Shaped like AWS's: the caller's name, then 17 hex digits.
        let mut seed = self.clock.now().millis() as u64 ^ r.target.len() as u64;
        let hex = crate::ssm::ids::uuid_text(&crate::ssm::ids::uuid_v4(&mut seed)).replace('-', "");
        let session_id = format!("operator-{}", &hex[..17]);
        let token = crate::ssm::ids::uuid_text(&crate::ssm::ids::uuid_v4(&mut seed));
        let command = r.parameters.get("command").and_then(|c| c.first()).cloned();
        let stream_url = agent.register(&session_id, &token, facts, command);
        Ok(Session { session_id, token: Secret::new(token), stream_url, local_agent: true })
    }

    pub(super) fn sim_terminate_session(&self, session_id: &str) {
        // Recorded as AWS would record it (CloudTrail), so that what ends a session can be
        // checked from outside the process.
        tracing::info!(session_id, "ssm:TerminateSession (demo)");
        if let Some(agent) = self.agent.get() {
            agent.forget(session_id);
        }
    }
}
