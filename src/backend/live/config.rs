//! AWS configuration as the AWS CLI's users expect it: the default chain (environment,
//! profiles, SSO, assume-role), `--profile`, `--region`, and `--endpoint-url` or the standard
//! `AWS_ENDPOINT_URL` for a local endpoint.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// How long any AWS call may take. A call that stalls (a proxy, a network that drops packets,
/// an overloaded endpoint) ends with a timeout instead of hanging bkops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open a connection.
    pub connect: Duration,
    /// For the first byte of an answer once the request is sent (the AWS CLI waits 60 s).
    pub read: Duration,
    /// For the whole call, retries included.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
            operation: Duration::from_secs(150),
        }
    }
}
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// No mutating call leaves bkops (`--read-only`, `read_only = true`).
    pub read_only: bool,
    pub timeouts: Timeouts,
    /// Where what each stack's resources are is kept between runs (`None`: not kept).
    pub discovery_file: Option<std::path::PathBuf>,
    /// Whether and where to look for the latest release (`[updates]`).
    pub updates: crate::backend::release::UpdateSettings,
}

pub async fn load(opts: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &opts.profile {
        // An explicit profile wins over credentials in the environment, as in the AWS CLI:
        // otherwise `--profile prod` would show "prod" while calls went out as whoever
        // AWS_ACCESS_KEY_ID is.
        let credentials =
            aws_config::profile::ProfileFileCredentialsProvider::builder().profile_name(p).build();
        loader = loader.profile_name(p).credentials_provider(credentials);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let t = opts.timeouts;
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(t.connect)
            .read_timeout(t.read)
            .operation_attempt_timeout(t.read + t.connect)
            .operation_timeout(t.operation)
            .build(),
    );
    loader.load().await
}
