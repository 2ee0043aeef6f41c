//! The AWS contexts bkops can show: `[[contexts]]` in the config file, a profile and a region
//! each, chosen one at a time by `--context NAME` or all at once by `--all-contexts`.

use serde::Deserialize;

pub use crate::domain::Context;

/// One `[[contexts]]` entry as written.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContextFile {
    /// What bkops calls it (default: `profile/region`, or the region alone).
    pub name: Option<String>,
    /// An AWS profile of `~/.aws/config` or `~/.aws/credentials`; none: the default chain.
    pub profile: Option<String>,
    pub region: String,
}

/// The configured contexts, checked against the profiles there are; the first mistake is
/// named, with where it is.
pub fn resolve(files: &[ContextFile], profiles: &[String]) -> Result<Vec<Context>, String> {
    let mut out: Vec<Context> = Vec::new();
    for (n, f) in files.iter().enumerate() {
        let name = f.name.clone().unwrap_or_else(|| match &f.profile {
            Some(p) => format!("{p}/{}", f.region),
            None => f.region.clone(),
        });
        let at = format!("config: [[contexts]] {} ({name})", n + 1);
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(format!("{at}: a context's name must be visible text"));
        }
        if !crate::domain::regions::looks_like_region(&f.region) {
            return Err(format!(
                "{at}: '{}' is not an AWS region (regions are spelt like us-east-1 or eu-west-2)",
                crate::domain::text::sanitized(f.region.clone())
            ));
        }
        if let Some(p) = &f.profile {
            crate::backend::live::profiles::check(p, profiles)
                .map_err(|e| format!("{at}: {}", e.trim_start_matches("--profile: ")))?;
        }
        if out.iter().any(|c| c.name == name) {
            return Err(format!("{at}: two contexts are named '{name}'; give one a `name`"));
        }
        out.push(Context { name, profile: f.profile.clone(), region: f.region.clone() });
    }
    Ok(out)
}

/// The context named `name`, or what to tell the operator.
pub fn pick<'a>(contexts: &'a [Context], name: &str) -> Result<&'a Context, String> {
    contexts.iter().find(|c| c.name == name).ok_or_else(|| {
        let listed = if contexts.is_empty() {
            "none are configured (add [[contexts]] to config.toml)".to_string()
        } else {
            format!(
                "the contexts are: {}",
                contexts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
            )
        };
        format!(
            "--context: no context named '{}'; {listed}",
            crate::domain::text::sanitized(name.to_string())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: Option<&str>, profile: Option<&str>, region: &str) -> ContextFile {
        ContextFile { name: name.map(Into::into), profile: profile.map(Into::into), region: region.into() }
    }

    #[test]
    fn contexts_are_named_after_their_profile_and_region_unless_named() {
        let profiles = vec!["ci-prod".to_string()];
        let got = resolve(
            &[
                file(None, Some("ci-prod"), "us-east-1"),
                file(Some("eu"), None, "eu-west-1"),
                file(None, None, "ap-southeast-7"),
            ],
            &profiles,
        )
        .expect("valid");
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ci-prod/us-east-1", "eu", "ap-southeast-7"]);
        assert_eq!(pick(&got, "eu").map(|c| c.region.as_str()), Ok("eu-west-1"));
        let e = pick(&got, "us").expect_err("unknown");
        assert!(e.contains("no context named 'us'") && e.contains("ci-prod/us-east-1, eu"), "{e}");
    }

    #[test]
    fn an_unknown_profile_a_misspelt_region_or_a_twice_used_name_is_named() {
        let profiles = vec!["ci-prod".to_string()];
        let e = resolve(&[file(None, Some("ci-stage"), "us-east-1")], &profiles).expect_err("profile");
        assert!(e.contains("[[contexts]] 1") && e.contains("no AWS profile named 'ci-stage'"), "{e}");
        assert!(e.contains("the profiles here are: ci-prod"), "{e}");
        let e = resolve(&[file(None, None, "us-east-1"), file(None, None, "useast1")], &profiles)
            .expect_err("region");
        assert!(e.contains("[[contexts]] 2") && e.contains("'useast1' is not an AWS region"), "{e}");
        let e = resolve(&[file(Some("a"), None, "us-east-1"), file(Some("a"), None, "us-west-2")], &profiles)
            .expect_err("twice");
        assert!(e.contains("two contexts are named 'a'"), "{e}");
    }
}
