//! The live backend: Elastic CI Stacks discovered through CloudFormation, their Auto Scaling
//! groups, scaling activity, logs and sessions through the AWS SDK, and their queues and
//! agents through Buildkite's APIs. It writes only in `execute` and `start_session`, each
//! refused in read-only mode (and read-only clients carry a guard that refuses the rest).

mod agents;
mod batch;
mod calls;
mod cfn_stack;
mod config;
mod contexts;
mod discovery;
mod discovery_file;
mod disk;
mod diskcheck;
mod errors;
mod fleet;
mod history;
mod identity;
mod known;
mod livetail;
mod logpage;
mod logs;
mod operate;
pub mod profiles;
mod queue;
mod scaler;
mod sessions;
mod stack_events;
mod stack_update;
mod terraform;
mod ttl;
mod whereabouts;

use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use aws_config::SdkConfig;

pub use calls::{ACCOUNT, CallCounter};
pub use config::{AwsOptions, Timeouts};
pub use contexts::{Connect, Connector};
pub use errors::credentials_hint;

use super::buildkite::{BuildkiteSettings, MetricsClient};
use super::release::{Fixed, Published, Releases};
use super::{BackendLabel, Backends, QueueSource, StackSource};
use crate::clock::Clock;
use crate::domain::BackendError;
use crate::domain::text::sanitized;
use crate::domain::{Fleet, QueueMetrics, QueueSample, ScalingActivity, StackEvent, StackSummary, Timestamp};

/// The live backend: AWS through the SDK, and Buildkite's hosted APIs with the operator's
/// tokens. Each service's reads are in their own file (discovery, fleet and activities, queue
/// and history, agents, disk signals, logs, sessions, operations), with what that service
/// keeps between reads; this struct only composes them.
pub struct LiveBackend {
    /// One SDK client per AWS service.
    clients: Clients,
    /// Where the calls go, and as whom.
    account: Account,
    /// The operator's Buildkite tokens and trust lists, and the client that sends them.
    buildkite: Buildkite,
    discovery: Mutex<discovery::Cache>,
    groups: fleet::Cache,
    queues: queue::Cache,
    /// Organization → its agents.
    agent_lists: ttl::TtlCache<String, agents::AgentList>,
    /// Stack → its scaler function's name (it changes only with the stack).
    scaler_functions: ttl::TtlCache<String, String>,
    /// A Terraform-deployed stack's scaler function → its environment (`None`: no such
    /// function, a fixed-size stack).
    terraform_env: ttl::TtlCache<String, Option<std::collections::HashMap<String, String>>>,
    /// The names of the Terraform module's groups, as last looked for.
    terraform_groups: ttl::TtlCache<(), Vec<String>>,
    /// FilterLogEvents' quota (about 5 a second per account and region), shared by every log poller.
    logs_limit: crate::backend::ratelimit::RateLimiter,
    /// The last disk check's command ID, and whether it ran the Windows script.
    disk_command: Mutex<Option<(String, bool)>>,
    pub calls: Arc<CallCounter>,
    /// The latest release, as `[updates]` asks for it (not looked for unless connected so).
    releases: Arc<dyn Releases>,
}

/// Where the calls go, and as whom.
struct Account {
    profile: Option<String>,
    region: String,
    read_only: bool,
    /// Whether `--endpoint-url` (or AWS_ENDPOINT_URL) names one endpoint for every API.
    endpoint_override: bool,
    /// `--endpoint-url`, for the session plugin's own calls.
    endpoint_url: Option<String>,
    /// The resolved credentials, handed to the session plugin when there is no profile.
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
}

/// The Buildkite side.
struct Buildkite {
    settings: BuildkiteSettings,
    /// `None` when the HTTP client could not be built (said in the log).
    client: Option<MetricsClient>,
}

/// The SDK clients the backend reads with.
pub struct Clients {
    pub cfn: aws_sdk_cloudformation::Client,
    pub asg: aws_sdk_autoscaling::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub cw: aws_sdk_cloudwatch::Client,
    pub cwl: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    /// Read-only clients carry a guard that refuses every operation that is not a read.
    pub fn new(sdk: &SdkConfig, read_only: bool) -> Self {
        macro_rules! client {
            ($krate:ident) => {{
                let mut c = $krate::config::Builder::from(sdk);
                if read_only {
                    c = c.interceptor(operate::ReadOnlyGuard);
                }
                $krate::Client::from_conf(c.build())
            }};
        }
        Self {
            cfn: client!(aws_sdk_cloudformation),
            asg: client!(aws_sdk_autoscaling),
            events: client!(aws_sdk_eventbridge),
            lambda: client!(aws_sdk_lambda),
            ssm: client!(aws_sdk_ssm),
            cw: client!(aws_sdk_cloudwatch),
            cwl: client!(aws_sdk_cloudwatchlogs),
            sts: client!(aws_sdk_sts),
        }
    }
}

impl LiveBackend {
    pub async fn connect(opts: &AwsOptions, buildkite: BuildkiteSettings) -> Self {
        let sdk = config::load(opts).await;
        let mut me = Self::build(&sdk, opts.profile.clone(), buildkite, opts.read_only);
        me.keep_discovery_in(opts.discovery_file.clone());
        me.releases = Arc::new(Published::new(opts.updates.clone(), Clock::System));
        me
    }

    /// Clients built from `sdk` (tests build their own, to point at a local endpoint).
    pub fn new(sdk: &SdkConfig, profile: Option<String>, buildkite: BuildkiteSettings) -> Self {
        Self::build(sdk, profile, buildkite, false)
    }

    /// As `new`, and nothing that is not a read can be called.
    pub fn read_only(sdk: &SdkConfig, profile: Option<String>, buildkite: BuildkiteSettings) -> Self {
        Self::build(sdk, profile, buildkite, true)
    }

    fn build(
        sdk: &SdkConfig,
        profile: Option<String>,
        buildkite: BuildkiteSettings,
        read_only: bool,
    ) -> Self {
        let region = sdk.region().map_or_else(|| "(no region)".to_string(), |r| r.to_string());
        let mut me = Self::from_clients(Clients::new(sdk, read_only), profile, region, buildkite);
        me.account.endpoint_override = sdk.endpoint_url().is_some();
        me.account.endpoint_url = sdk.endpoint_url().map(str::to_string);
        me.account.credentials = sdk.credentials_provider();
        me.account.read_only = read_only;
        me
    }

    /// From ready-made clients (tests hand in mocked ones for what no local server offers).
    pub fn from_clients(
        clients: Clients,
        profile: Option<String>,
        region: String,
        buildkite: BuildkiteSettings,
    ) -> Self {
        let client = MetricsClient::new().map_err(|e| tracing::error!("{e}")).ok();
        Self {
            clients,
            account: Account {
                profile,
                region,
                read_only: false,
                endpoint_override: false,
                endpoint_url: None,
                credentials: None,
            },
            buildkite: Buildkite { settings: buildkite, client },
            discovery: Mutex::default(),
            groups: fleet::Cache::default(),
            queues: Default::default(),
            agent_lists: Default::default(),
            scaler_functions: Default::default(),
            terraform_env: Default::default(),
            terraform_groups: Default::default(),
            logs_limit: crate::backend::ratelimit::RateLimiter::new(5.0, 5.0),
            disk_command: Mutex::default(),
            calls: Arc::default(),
            releases: Arc::new(Fixed(None)),
        }
    }

    /// Refuses every mutating call from now on (`--read-only`).
    pub fn into_read_only(mut self) -> Self {
        self.account.read_only = true;
        self
    }

    pub fn label(&self) -> BackendLabel {
        let profile = self
            .account
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .unwrap_or_else(|| "default".into());
        BackendLabel::Aws { profile, region: self.account.region.clone() }
    }

    pub fn backends(self) -> Backends {
        let (label, releases) = (self.label(), self.releases.clone());
        let me = Arc::new(self);
        Backends {
            label,
            clock: Clock::System,
            stacks: me.clone(),
            queues: me.clone(),
            logs: me.clone(),
            ops: me.clone(),
            sessions: me,
            audit_log: crate::paths::audit_log(),
            contexts: None,
            releases,
        }
    }

    fn profile(&self) -> Option<&str> {
        self.account.profile.as_deref()
    }

    fn cache(&self) -> MutexGuard<'_, discovery::Cache> {
        self.discovery.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn activities_of(&self, asg: &str) -> Vec<ScalingActivity> {
        self.groups.activities.lock().unwrap_or_else(|p| p.into_inner()).get(asg).cloned().unwrap_or_default()
    }

    fn store_activities(&self, asg: &str, list: Vec<ScalingActivity>) {
        self.groups.activities.lock().unwrap_or_else(|p| p.into_inner()).insert(asg.to_string(), list);
    }

    /// What the stack's reads need, discovering the stacks first if needed. A stack whose
    /// resources could not be read says so until the next discovery, without trying again.
    async fn known(&self, stack: &str) -> Result<known::KnownStack, BackendError> {
        let lookup = |cache: &discovery::Cache| match (cache.known.get(stack), cache.unreadable.get(stack)) {
            (Some(k), _) => Some(Ok(k.clone())),
            (None, Some(e)) => Some(Err(BackendError::Other(format!(
                "the resources of stack {stack} could not be read: {e}"
            )))),
            (None, None) => None,
        };
        if let Some(found) = lookup(&self.cache()) {
            return found;
        }
        self.discover().await?;
        lookup(&self.cache())
            .unwrap_or_else(|| Err(BackendError::NotFound { what: format!("Elastic CI Stack {stack}") }))
    }

    async fn asg_of(&self, stack: &str) -> Result<String, BackendError> {
        Ok(self.known(stack).await?.asg)
    }
}

impl Drop for LiveBackend {
    /// What this session cost, in AWS and Buildkite calls per stack and operation.
    fn drop(&mut self) {
        for ((stack, op), n) in self.calls.snapshot() {
            tracing::info!(stack, op, calls = n, "API calls");
        }
    }
}

#[async_trait]
impl StackSource for LiveBackend {
    async fn stacks(&self) -> Result<Vec<StackSummary>, BackendError> {
        self.discover().await.map(sanitized)
    }

    async fn fleet(&self, stack: &str) -> Result<Fleet, BackendError> {
        self.read_fleet(stack).await.map(sanitized)
    }

    async fn prepare(&self, stacks: &[String]) {
        self.prepare_stacks(stacks).await;
    }

    async fn activities(&self, stack: &str) -> Result<Vec<ScalingActivity>, BackendError> {
        let asg = self.asg_of(stack).await?;
        self.refresh_activities(stack, &asg).await.map(sanitized)
    }

    async fn scaler_log(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<crate::domain::scaler_log::ScalerRead, BackendError> {
        self.read_scaler(stack, since).await.map(sanitized)
    }

    async fn instance_os(&self, instance: &str) -> Result<Option<crate::domain::Os>, BackendError> {
        LiveBackend::instance_os(self, instance).await
    }

    async fn stack_events(&self, stack: &str, since: Timestamp) -> Result<Vec<StackEvent>, BackendError> {
        self.read_stack_events(stack, since).await.map(sanitized)
    }
}

#[async_trait]
impl crate::ssm::port::Sessions for LiveBackend {
    async fn registration(&self, instance: &str) -> Result<crate::ssm::port::Registration, BackendError> {
        self.read_registration(instance).await
    }

    async fn start_session(
        &self,
        request: &crate::ssm::port::SessionRequest,
    ) -> Result<crate::ssm::port::Session, BackendError> {
        self.open_session(request).await
    }

    async fn terminate_session(&self, session_id: &str) -> Result<(), BackendError> {
        self.close_session(session_id).await
    }

    async fn plugin_context(&self) -> Result<crate::ssm::port::PluginContext, BackendError> {
        self.context_for_plugin().await
    }

    async fn resume_session(&self, session_id: &str) -> Result<crate::ssm::port::Session, BackendError> {
        self.reopen_session(session_id).await
    }

    async fn upgrade_signer(&self) -> Option<crate::ssm::port::UpgradeSigner> {
        self.signer_for_upgrade().await
    }
}

#[async_trait]
impl QueueSource for LiveBackend {
    async fn queue(&self, stack: &str) -> Result<QueueMetrics, BackendError> {
        self.read_queue(stack).await
    }

    async fn queue_history(&self, stack: &str, since: Timestamp) -> Result<Vec<QueueSample>, BackendError> {
        self.read_history(stack, since).await
    }
}
