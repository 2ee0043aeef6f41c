//! The profile names in the AWS CLI's files, for completing `:profile`.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn aws_file(var: &str, name: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws").join(name)))
}

/// Section names of `~/.aws/config` (`[profile x]`, `[default]`) and `~/.aws/credentials` (`[x]`).
pub fn names_in(config: &str, credentials: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    let sections = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']').map(|s| s.trim().to_string()))
            .collect()
    };
    for s in sections(config) {
        if s == "default" {
            out.insert(s);
        } else if let Some(p) = s.strip_prefix("profile ") {
            out.insert(p.trim().to_string());
        }
    }
    out.extend(sections(credentials));
    out.into_iter().collect()
}

pub fn names() -> Vec<String> {
    let read = |p: Option<PathBuf>| {
        p.and_then(|p| crate::paths::read_regular(&p, 4 << 20, false).ok()).unwrap_or_default()
    };
    names_in(
        &read(aws_file("AWS_CONFIG_FILE", "config")),
        &read(aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")),
    )
}

/// `Ok` when `name` is a profile of the AWS CLI's files; otherwise what to tell the operator,
/// with the profiles there are (as the AWS CLI refuses an unknown `--profile`).
pub fn check(name: &str, known: &[String]) -> Result<(), String> {
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    let listed = if known.is_empty() { "none".to_string() } else { known.join(", ") };
    Err(format!(
        "--profile: no AWS profile named '{name}' in ~/.aws/config or ~/.aws/credentials; the profiles here are: {listed}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_come_from_both_files() {
        let config = "[default]\nregion = us-east-1\n[profile ci-prod]\nsso_session = x\n[sso-session x]\n";
        let credentials = "[legacy]\naws_access_key_id = AKIA\n";
        assert_eq!(names_in(config, credentials), ["ci-prod", "default", "legacy"]);
    }
}
