//! Which log groups hold an instance's logs (the stack's CloudWatch agent configuration), and
//! the short names operators type for them.

use crate::domain::{Os, groups};

pub fn default_groups(os: Os) -> Vec<&'static str> {
    match os {
        Os::Linux => vec![
            groups::BUILDKITE_AGENT,
            groups::ELASTIC_STACK,
            groups::DOCKER_DAEMON,
            groups::CLOUD_INIT_OUTPUT,
        ],
        Os::Windows => vec![groups::ELASTIC_STACK, groups::BUILDKITE_AGENT, groups::EC2LAUNCH_USERDATA],
    }
}

/// `--all-groups`: every group the stack ships to.
pub fn all_groups(os: Os) -> Vec<&'static str> {
    let mut g = default_groups(os);
    match os {
        Os::Linux => {
            g.extend([groups::SYSTEM, groups::CLOUD_INIT, groups::CFN_INIT, groups::LIFECYCLED, groups::AUTH])
        }
        Os::Windows => g.extend([groups::CFN_INIT, groups::LIFECYCLED, groups::SYSTEM]),
    }
    g
}

const SHORT: &[(&str, &str)] = &[
    ("agent", groups::BUILDKITE_AGENT),
    ("buildkite-agent", groups::BUILDKITE_AGENT),
    ("elastic-stack", groups::ELASTIC_STACK),
    ("stack", groups::ELASTIC_STACK),
    ("docker", groups::DOCKER_DAEMON),
    ("docker-daemon", groups::DOCKER_DAEMON),
    ("cloud-init", groups::CLOUD_INIT_OUTPUT),
    ("cloud-init-output", groups::CLOUD_INIT_OUTPUT),
    ("cloud-init-log", groups::CLOUD_INIT),
    ("cfn-init", groups::CFN_INIT),
    ("system", groups::SYSTEM),
    ("auth", groups::AUTH),
    ("lifecycled", groups::LIFECYCLED),
    ("userdata", groups::EC2LAUNCH_USERDATA),
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
pub fn label(group: &str) -> &str {
    group.strip_prefix("/buildkite/").unwrap_or(group)
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
        assert!(all_groups(Os::Linux).contains(&groups::LIFECYCLED));
        assert!(default_groups(Os::Windows).contains(&groups::EC2LAUNCH_USERDATA));
        assert!(!all_groups(Os::Windows).contains(&groups::DOCKER_DAEMON));
    }
}
