//! The stack's log groups (`amazon-cloudwatch-agent.json`): every stream is named by the bare
//! instance ID, and the groups are shared by every stack in the region. Which of them hold an
//! instance's logs, and the short names operators type for them.

use super::Os;

pub const BUILDKITE_AGENT: &str = "/buildkite/buildkite-agent";
pub const ELASTIC_STACK: &str = "/buildkite/elastic-stack";
pub const DOCKER_DAEMON: &str = "/buildkite/docker-daemon";
pub const CLOUD_INIT_OUTPUT: &str = "/buildkite/cloud-init/output";
pub const CLOUD_INIT: &str = "/buildkite/cloud-init";
pub const CFN_INIT: &str = "/buildkite/cfn-init";
pub const SYSTEM: &str = "/buildkite/system";
pub const AUTH: &str = "/buildkite/auth";
pub const LIFECYCLED: &str = "/buildkite/lifecycled";
pub const EC2LAUNCH_USERDATA: &str = "/buildkite/EC2Launch/UserdataExecution";

/// The prefix of the instances' log groups, shared by every stack in the region.
pub const INSTANCE_GROUPS: &str = "/buildkite/";

/// The scaler's log group of a CloudFormation stack: its function is named after the nested
/// scaler stack, `<stack>-Autoscaling-…`.
pub fn scaler_prefix(stack: &str) -> String {
    format!("/aws/lambda/{stack}-Autoscaling")
}

/// The log groups whose retention the doctor's checks read: the instances' shared ones and
/// the stack's scaler's.
pub fn retention_prefixes(stack: &str) -> [String; 2] {
    [INSTANCE_GROUPS.to_string(), scaler_prefix(stack)]
}

pub fn default_groups(os: Os) -> Vec<&'static str> {
    match os {
        Os::Linux => vec![BUILDKITE_AGENT, ELASTIC_STACK, DOCKER_DAEMON, CLOUD_INIT_OUTPUT],
        Os::Windows => vec![ELASTIC_STACK, BUILDKITE_AGENT, EC2LAUNCH_USERDATA],
    }
}

/// `--all-groups`: every group the stack ships to.
pub fn all_groups(os: Os) -> Vec<&'static str> {
    let mut g = default_groups(os);
    match os {
        Os::Linux => g.extend([SYSTEM, CLOUD_INIT, CFN_INIT, LIFECYCLED, AUTH]),
        Os::Windows => g.extend([CFN_INIT, LIFECYCLED, SYSTEM]),
    }
    g
}

const SHORT: &[(&str, &str)] = &[
    ("agent", BUILDKITE_AGENT),
    ("buildkite-agent", BUILDKITE_AGENT),
    ("elastic-stack", ELASTIC_STACK),
    ("stack", ELASTIC_STACK),
    ("docker", DOCKER_DAEMON),
    ("docker-daemon", DOCKER_DAEMON),
    ("cloud-init", CLOUD_INIT_OUTPUT),
    ("cloud-init-output", CLOUD_INIT_OUTPUT),
    ("cloud-init-log", CLOUD_INIT),
    ("cfn-init", CFN_INIT),
    ("system", SYSTEM),
    ("auth", AUTH),
    ("lifecycled", LIFECYCLED),
    ("userdata", EC2LAUNCH_USERDATA),
];

/// A group from what was typed: a short name, a name without `/buildkite/`, or a full name.
pub fn resolve(name: &str) -> Result<String, String> {
    let n = name.trim();
    if let Some((_, g)) = SHORT.iter().find(|(s, _)| *s == n) {
        return Ok((*g).to_string());
    }
    if n.starts_with('/') {
        return Ok(n.to_string());
    }
    if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.#".contains(c)) {
        return Ok(format!("/buildkite/{n}"));
    }
    let names: Vec<&str> = SHORT.iter().map(|(s, _)| *s).collect();
    Err(format!(
        "'{name}' is not a log group; use a full name (/buildkite/...) or one of: {}",
        names.join(", ")
    ))
}

/// The short label a line is shown with.
/// The shortest name an operator types for a group (`agent`, `stack`, `docker`, …).
pub fn short(group: &str) -> &str {
    SHORT
        .iter()
        .filter(|(_, g)| *g == group)
        .map(|(s, _)| *s)
        .min_by_key(|s| s.len())
        .unwrap_or_else(|| label(group))
}

pub fn label(group: &str) -> &str {
    group.strip_prefix("/buildkite/").unwrap_or(group)
}

/// A log group's name and how many days it keeps events (`None`: for ever).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogGroup {
    pub name: String,
    pub retention_days: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_resolve() {
        assert_eq!(resolve("agent").as_deref(), Ok("/buildkite/buildkite-agent"));
        assert_eq!(resolve("cloud-init").as_deref(), Ok("/buildkite/cloud-init/output"));
        assert_eq!(resolve("lifecycled").as_deref(), Ok("/buildkite/lifecycled"));
        assert_eq!(resolve("/aws/lambda/x").as_deref(), Ok("/aws/lambda/x"));
        assert_eq!(
            resolve("EC2Launch/UserdataExecution").as_deref(),
            Ok("/buildkite/EC2Launch/UserdataExecution")
        );
        assert!(resolve("no way!").expect_err("bad").contains("one of: agent"));
    }

    #[test]
    fn defaults_follow_the_os() {
        assert_eq!(default_groups(Os::Linux).len(), 4);
        assert!(all_groups(Os::Linux).contains(&LIFECYCLED));
        assert!(default_groups(Os::Windows).contains(&EC2LAUNCH_USERDATA));
        assert!(!all_groups(Os::Windows).contains(&DOCKER_DAEMON));
    }
}
