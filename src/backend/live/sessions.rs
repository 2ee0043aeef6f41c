//! Session Manager on AWS: whether an instance is reachable, StartSession (refused in
//! read-only mode), TerminateSession, and what the plugin needs for its own calls.

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_ssm::types::InstanceInformationStringFilter;

use super::errors::Checked;
use super::{ACCOUNT, LiveBackend};
use crate::domain::BackendError;
use crate::domain::Secret;
use crate::ssm::port::PluginContext;
use crate::ssm::port::{Registration, Session, SessionRequest};

impl LiveBackend {
    pub(super) async fn read_registration(&self, instance: &str) -> Result<Registration, BackendError> {
        let filter = InstanceInformationStringFilter::builder()
            .key("InstanceIds")
            .values(instance)
            .build()
            .map_err(|e| BackendError::Other(e.to_string()))?;
        let out = self.clients.ssm.describe_instance_information().filters(filter).send().await.checked(
            self,
            ACCOUNT,
            "ssm:DescribeInstanceInformation",
        )?;
        Ok(match out.instance_information_list().first() {
            None => Registration::NotRegistered,
            Some(i) => match i.ping_status().map(|p| p.as_str()) {
                Some("Online") => Registration::Online,
                other => Registration::Offline(other.unwrap_or("unknown").to_string()),
            },
        })
    }

    pub(super) async fn open_session(&self, r: &SessionRequest) -> Result<Session, BackendError> {
        if self.account.read_only {
            return Err(BackendError::ReadOnly { action: "ssm:StartSession".into() });
        }
        let out = self
            .clients
            .ssm
            .start_session()
            .target(&r.target)
            .set_document_name(r.document.clone())
            .set_parameters((!r.parameters.is_empty()).then(|| r.parameters.clone().into_iter().collect()))
            .reason(&r.reason)
            .send()
            .await
            .checked(self, ACCOUNT, "ssm:StartSession")?;
        Ok(Session {
            session_id: out.session_id().unwrap_or_default().to_string(),
            token: Secret::new(out.token_value().unwrap_or_default()),
            stream_url: out.stream_url().unwrap_or_default().to_string(),
            local_agent: false,
        })
    }

    pub(super) async fn reopen_session(&self, id: &str) -> Result<Session, BackendError> {
        let out = self.clients.ssm.resume_session().session_id(id).send().await.checked(
            self,
            ACCOUNT,
            "ssm:ResumeSession",
        )?;
        match (out.token_value(), out.stream_url()) {
            (Some(token), Some(url)) => Ok(Session {
                session_id: out.session_id().unwrap_or(id).to_string(),
                token: Secret::new(token),
                stream_url: url.to_string(),
                local_agent: false,
            }),
            // The plugin's words for it: the session is gone.
            _ => Err(BackendError::Other(format!("session {id} timed out"))),
        }
    }

    pub(super) async fn close_session(&self, id: &str) -> Result<(), BackendError> {
        self.clients.ssm.terminate_session().session_id(id).send().await.map(drop).checked(
            self,
            ACCOUNT,
            "ssm:TerminateSession",
        )
    }

    /// The plugin gets the profile by name when there is one; otherwise the credentials bkops
    /// resolved (an SSO cache, an assumed role) go into its environment.
    pub(super) async fn context_for_plugin(&self) -> Result<PluginContext, BackendError> {
        let endpoint = self
            .account
            .endpoint_url
            .clone()
            .unwrap_or_else(|| format!("https://ssm.{}.amazonaws.com", self.account.region));
        let mut ctx = PluginContext {
            region: self.account.region.clone(),
            profile: self.account.profile.clone().unwrap_or_default(),
            endpoint,
            credentials_env: Vec::new(),
        };
        if ctx.profile.is_empty()
            && let Some(provider) = &self.account.credentials
        {
            let c = provider
                .provide_credentials()
                .await
                .map_err(|e| BackendError::Credentials { hint: format!("the session's credentials: {e}") })?;
            ctx.credentials_env.push(("AWS_ACCESS_KEY_ID".into(), c.access_key_id().to_string()));
            ctx.credentials_env.push(("AWS_SECRET_ACCESS_KEY".into(), c.secret_access_key().to_string()));
            if let Some(t) = c.session_token() {
                ctx.credentials_env.push(("AWS_SESSION_TOKEN".into(), t.to_string()));
            }
        }
        Ok(ctx)
    }

    /// The resolved credentials sign the data channel's upgrade, as the plugin signs it.
    pub(super) async fn signer_for_upgrade(&self) -> Option<crate::ssm::port::UpgradeSigner> {
        let credentials = self.account.credentials.as_ref()?.provide_credentials().await.ok()?;
        Some(crate::ssm::port::UpgradeSigner { credentials, region: self.account.region.clone() })
    }
}
