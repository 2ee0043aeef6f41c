//! Themes per context: `[[theme_rules]]` in `config.toml` pick a theme by AWS profile, region,
//! account or stack name (prod red, staging calm). The first rule whose every given field
//! matches wins (`*` matches any run of characters); with none, the configured theme.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ThemeRule {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    pub stack: Option<String>,
    pub theme: String,
}

/// `pattern` matches all of `text`, a `*` standing for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(after) = text.strip_prefix(head) else { return false };
            (0..=after.len()).filter(|&i| after.is_char_boundary(i)).any(|i| glob(rest, &after[i..]))
        }
    }
}

/// Where the dashboard is: profile and region (from the backend's label, `aws PROFILE
/// REGION`), account and stack.
struct Context<'a> {
    profile: Option<&'a str>,
    region: Option<&'a str>,
    account: Option<&'a str>,
    stack: Option<&'a str>,
}

impl ThemeRule {
    fn matches(&self, c: &Context<'_>) -> bool {
        let field = |pattern: &Option<String>, value: Option<&str>| {
            pattern.as_deref().is_none_or(|p| value.is_some_and(|v| glob(p, v)))
        };
        field(&self.profile, c.profile)
            && field(&self.region, c.region)
            && field(&self.account, c.account)
            && field(&self.stack, c.stack)
    }
}

/// The theme the first matching rule picks where the dashboard is: `backend` is its label
/// (`aws PROFILE REGION`, or the demo's), `account` and `stack` what is known of them.
pub fn pick<'a>(
    rules: &'a [ThemeRule],
    backend: &str,
    account: Option<&str>,
    stack: Option<&str>,
) -> Option<&'a str> {
    let mut words = backend.split_whitespace();
    let aws = words.next() == Some("aws");
    let context = Context {
        profile: if aws { words.next() } else { None },
        region: if aws { words.next() } else { None },
        account,
        stack,
    };
    rules.iter().find(|r| r.matches(&context)).map(|r| r.theme.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names() {
        assert!(glob("ci-prod-*", "ci-prod-linux"));
        assert!(glob("*prod*", "ci-prod-linux"));
        assert!(!glob("ci-prod-*", "ci-staging"));
        assert!(glob("123456789012", "123456789012"));
        assert!(!glob("prod", "production"));
    }

    #[test]
    fn the_first_matching_rule_picks_the_theme() {
        let rules = vec![
            ThemeRule { stack: Some("ci-staging*".into()), theme: "light".into(), ..Default::default() },
            ThemeRule { profile: Some("prod*".into()), theme: "prod".into(), ..Default::default() },
            ThemeRule { account: Some("123456789012".into()), theme: "acct".into(), ..Default::default() },
        ];
        assert_eq!(pick(&rules, "aws prod-admin us-east-1", None, Some("ci-linux")), Some("prod"));
        assert_eq!(pick(&rules, "aws prod-admin us-east-1", None, Some("ci-staging-1")), Some("light"));
        assert_eq!(pick(&rules, "aws dev us-east-1", Some("123456789012"), None), Some("acct"));
        assert_eq!(pick(&rules, "aws dev us-east-1", None, Some("ci-linux")), None);
        assert_eq!(pick(&rules, "demo", None, None), None, "the demo has no profile");
    }
}
