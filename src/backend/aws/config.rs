//! AWS configuration as the AWS CLI's users expect it: the default chain (environment,
//! profiles, SSO, assume-role), `--profile`, `--region`, and `--endpoint-url` or the standard
//! `AWS_ENDPOINT_URL` for a local endpoint.

use aws_config::{BehaviorVersion, Region, SdkConfig};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// No mutating call leaves bkops (`--read-only`, `read_only = true`).
    pub read_only: bool,
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
    loader.load().await
}
