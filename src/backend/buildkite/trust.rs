//! Where a Buildkite token may go: the one place that decides.
//!
//! bkops holds an on-call engineer's tokens (`BUILDKITE_AGENT_TOKEN`, `BUILDKITE_API_TOKEN`, and
//! agent tokens it reads from SSM with the operator's credentials). Anyone who can create a
//! CloudFormation stack can write its parameters, so nothing read from the account or from
//! Buildkite decides where a token is sent: only Buildkite's own hosts and what the operator
//! configured (`BUILDKITE_AGENT_ENDPOINT`, `BUILDKITE_API_ENDPOINT`, `[buildkite]
//! trusted_endpoints`). A request carrying a token can only be built from a [`TrustedUrl`],
//! which only this module makes.

use reqwest::Url;

/// Buildkite's agent API hosts: `agent.buildkite.com` is the API's default, `agent-edge` the
/// Elastic CI Stack's default `AgentEndpoint`.
const BUILDKITE_AGENT_HOSTS: [&str; 2] = ["agent.buildkite.com", "agent-edge.buildkite.com"];
pub const DEFAULT_AGENT_ENDPOINT: &str = "https://agent.buildkite.com/v3";
pub const DEFAULT_API_ENDPOINT: &str = "https://api.buildkite.com/v2";

/// A URL a token may be sent to. Made only here, after the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedUrl(Url);

impl TrustedUrl {
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// This URL with `segments` appended to its path, each percent-encoded as one segment (an
    /// organization slug `acme/../x?y#z` stays one segment and cannot change the path or the
    /// query), and the query pairs set. Same origin, so still trusted. An empty, `.` or `..`
    /// segment (which a URL resolves against its parent) is refused.
    pub fn join(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<TrustedUrl, String> {
        if let Some(bad) = segments.iter().find(|s| matches!(**s, "" | "." | "..")) {
            return Err(format!("{bad:?} is not a name bkops puts in an API address"));
        }
        let mut url = self.0.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(TrustedUrl(url))
    }

    /// `next`, a URL from an API's answer (a `Link` header), if it has this URL's origin: a
    /// page link is followed with the token only on the host the token was sent to.
    pub fn same_origin(&self, next: &str) -> Result<TrustedUrl, String> {
        let url = Url::parse(next).map_err(|e| format!("an unreadable next-page link ({e})"))?;
        if url.origin() == self.0.origin() {
            Ok(TrustedUrl(url))
        } else {
            Err(format!(
                "a next-page link to another host ({}): not followed with the token",
                url.host_str().unwrap_or("?")
            ))
        }
    }
}

/// Whether `url` may carry a token at all: HTTPS, or plain HTTP to a loopback address (a local
/// stand-in), and no user name or password in it.
fn transport_ok(url: &Url) -> Result<(), String> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{} has credentials in it", redacted(url)));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!("{url} is plain http: a token is sent over http only to a loopback address")),
        other => Err(format!("{url}: {other}:// is not an API address")),
    }
}

/// A URL the operator configured for bkops to read without any credential (the latest
/// template): the same transport rules as an endpoint that carries one.
pub fn plain_url_ok(text: &str) -> Result<(), String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    match url.scheme() {
        "http" if !is_loopback(&url) => Err(format!(
            "{} is plain http: https, or http to a loopback address (a local mirror)",
            redacted(&url)
        )),
        _ => transport_ok(&url),
    }
}

fn redacted(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An endpoint the operator gave: a URL, or a bare host for `trusted_endpoints`.
fn parse_endpoint(what: &str, text: &str) -> Result<Url, String> {
    let text = text.trim();
    let full = if text.contains("://") { text.to_string() } else { format!("https://{text}") };
    let url = Url::parse(&full).map_err(|e| format!("{what}: {text:?} is not a URL ({e})"))?;
    if url.host().is_none() {
        return Err(format!("{what}: {text:?} names no host"));
    }
    transport_ok(&url).map_err(|e| format!("{what}: {e}"))?;
    Ok(url)
}

/// The operator's choices, checked once at start: a bad one stops bkops with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destinations {
    /// `BUILDKITE_AGENT_ENDPOINT`: every stack's queue is read there.
    agent_override: Option<Url>,
    /// The REST API: `BUILDKITE_API_ENDPOINT` or Buildkite's.
    api: Url,
    /// Origins a stack's `AgentEndpoint` may name: Buildkite's, `BUILDKITE_AGENT_ENDPOINT`'s
    /// and `trusted_endpoints`.
    trusted: Vec<url::Origin>,
}

impl Default for Destinations {
    #[allow(clippy::expect_used)] // Buildkite's own addresses, which a test checks.
    fn default() -> Self {
        Self::new(None, None, &[]).expect("the built-in endpoints pass every check")
    }
}

impl Destinations {
    pub fn new(
        agent_endpoint: Option<&str>,
        api_endpoint: Option<&str>,
        trusted_endpoints: &[String],
    ) -> Result<Self, String> {
        let agent_override =
            agent_endpoint.map(|e| parse_endpoint("BUILDKITE_AGENT_ENDPOINT", e)).transpose()?;
        let api = parse_endpoint("BUILDKITE_API_ENDPOINT", api_endpoint.unwrap_or(DEFAULT_API_ENDPOINT))?;
        let mut trusted: Vec<url::Origin> = BUILDKITE_AGENT_HOSTS
            .iter()
            .filter_map(|h| Url::parse(&format!("https://{h}/")).ok())
            .map(|u| u.origin())
            .collect();
        trusted.extend(agent_override.iter().map(Url::origin));
        for e in trusted_endpoints {
            trusted.push(parse_endpoint("[buildkite] trusted_endpoints", e)?.origin());
        }
        Ok(Self { agent_override, api, trusted })
    }

    /// Where a stack's queue is read with an agent token: `BUILDKITE_AGENT_ENDPOINT`, else
    /// the stack's `AgentEndpoint` when its host is trusted, else Buildkite's. A stack that
    /// names an untrusted endpoint is refused with the reason; no token goes there.
    pub fn agent_endpoint(&self, stack_endpoint: Option<&str>) -> Result<TrustedUrl, String> {
        if let Some(url) = &self.agent_override {
            return Ok(TrustedUrl(url.clone()));
        }
        let Some(named) = stack_endpoint.map(str::trim).filter(|e| !e.is_empty()) else {
            return Url::parse(DEFAULT_AGENT_ENDPOINT).map(TrustedUrl).map_err(|e| e.to_string());
        };
        let untrusted = |why: String| {
            format!(
                "the stack's AgentEndpoint {named:?} {why}: no agent token is sent there (list its host in [buildkite] trusted_endpoints in config.toml, or set BUILDKITE_AGENT_ENDPOINT)"
            )
        };
        let url = Url::parse(named).map_err(|e| untrusted(format!("is not a URL ({e})")))?;
        transport_ok(&url).map_err(|_| untrusted("is not https".into()))?;
        if self.trusted.contains(&url.origin()) {
            Ok(TrustedUrl(url))
        } else {
            Err(untrusted("is not a trusted endpoint".into()))
        }
    }

    /// The REST API, for `BUILDKITE_API_TOKEN`.
    pub fn api(&self) -> TrustedUrl {
        TrustedUrl(self.api.clone())
    }
}

/// Where the Terraform module keeps each stack's token (`/buildkite/elastic-ci-stack/<base>/
/// agent-token`): its stacks' own, and no other stack's, whatever its name.
pub const MODULE_TOKENS: &str = "/buildkite/elastic-ci-stack/";

/// Whether a stack's agent token parameter may be read with the operator's credentials (and
/// KMS): the stack's own parameter (a CloudFormation stack's `BuildkiteAgentTokenParameter`
/// resource; a Terraform-deployed stack's path under `MODULE_TOKENS`), a name under the
/// stack's own `/<stack-name>/` outside the module's tokens (a stack named `buildkite` does
/// not own them), or one the operator listed. Otherwise the reason, and nothing is read.
pub fn token_parameter_ok(
    stack: &str,
    parameter: &str,
    own_resource: Option<&str>,
    operator_listed: &[String],
) -> Result<(), String> {
    let under_own_name = parameter
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(stack))
        .is_some_and(|rest| rest.starts_with('/') && !rest.split('/').any(|s| s == ".."))
        && !parameter.starts_with(MODULE_TOKENS);
    if under_own_name || own_resource == Some(parameter) || operator_listed.iter().any(|p| p == parameter) {
        return Ok(());
    }
    Err(format!(
        "the stack's agent token parameter {parameter:?} is not under /{stack}/ nor the stack's own: bkops does not read it (set BUILDKITE_AGENT_TOKEN, or list it in [buildkite] trusted_token_parameters in config.toml)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(trusted: &[&str]) -> Destinations {
        Destinations::new(None, None, &trusted.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_stack_names_only_buildkite_or_operator_trusted_endpoints() {
        let plain = d(&[]);
        assert_eq!(plain.agent_endpoint(None).unwrap().url().as_str(), DEFAULT_AGENT_ENDPOINT);
        assert_eq!(plain.agent_endpoint(Some(" ")).unwrap().url().as_str(), DEFAULT_AGENT_ENDPOINT);
        for ok in ["https://agent.buildkite.com/v3", "https://agent-edge.buildkite.com/v3"] {
            assert!(plain.agent_endpoint(Some(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://agent.buildkite.com/v3",
            "https://agent.buildkite.com.evil.example/v3",
            "https://evil.example/v3",
            "http://127.0.0.1:9/v3",
            "https://user:pw@agent.buildkite.com/v3",
            "ftp://agent.buildkite.com/",
            "not a url",
        ] {
            let e = plain.agent_endpoint(Some(bad)).unwrap_err();
            assert!(e.contains("no agent token is sent there"), "{bad}: {e}");
        }
        let listed = d(&["bk-proxy.internal", "http://127.0.0.1:8080"]);
        assert!(listed.agent_endpoint(Some("https://bk-proxy.internal/v3")).is_ok());
        assert!(listed.agent_endpoint(Some("http://127.0.0.1:8080/v3")).is_ok());
        assert!(listed.agent_endpoint(Some("http://127.0.0.1:8081/v3")).is_err(), "another port");
        assert!(listed.agent_endpoint(Some("http://bk-proxy.internal/v3")).is_err(), "not https");
        // Look-alikes that end or start with a trusted name are other hosts.
        for bad in [
            "https://evil-bk-proxy.internal/v3",
            "https://xbk-proxy.internal/v3",
            "https://bk-proxy.internal.evil.example/v3",
            "https://sub.bk-proxy.internal/v3",
        ] {
            assert!(listed.agent_endpoint(Some(bad)).is_err(), "{bad}");
        }
        for bad in [
            "https://xagent.buildkite.com/v3",
            "https://evil-agent.buildkite.com/v3",
            "https://agent.buildkite.co/v3",
        ] {
            assert!(plain.agent_endpoint(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_operators_endpoint_wins_and_plain_http_is_loopback_only() {
        let o = Destinations::new(Some("http://127.0.0.1:9/v3"), None, &[]).unwrap();
        assert_eq!(
            o.agent_endpoint(Some("https://evil.example")).unwrap().url().as_str(),
            "http://127.0.0.1:9/v3"
        );
        assert!(Destinations::new(Some("http://[::1]:9/v3"), Some("http://localhost:9/v2"), &[]).is_ok());
        let bad = [
            "http://10.0.0.5/v3",
            "http://bk.example/v3",
            "https://u:p@bk.example/",
            "https://user@bk.example/",
            "https://:secret@bk.example/",
        ];
        for bad in bad {
            assert!(Destinations::new(Some(bad), None, &[]).is_err(), "{bad}");
            assert!(Destinations::new(None, Some(bad), &[]).is_err(), "{bad}");
            assert!(Destinations::new(None, None, &[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_url_with_credentials_is_refused_without_repeating_them() {
        for bad in ["https://user:secret@bk.example/v3", "https://:secret@bk.example/v3"] {
            let said = Destinations::new(Some(bad), None, &[]).expect_err("refused");
            assert!(said.contains("https://bk.example/v3 has credentials in it"), "{said}");
            assert!(!said.contains("secret") && !said.contains("user"), "{said}");
        }
    }

    #[test]
    fn an_org_slug_is_one_path_segment() {
        let api = d(&[]).api();
        for slug in ["acme/../x", "acme?per_page=1", "acme#frag", "acme\u{1b}[2J", "a%2Fb", "../..", "./"] {
            let url = api.join(&["organizations", slug, "agents"], &[("per_page", "100")]).unwrap();
            let u = url.url();
            assert_eq!(u.host_str(), Some("api.buildkite.com"), "{slug}");
            let segs: Vec<&str> = u.path_segments().unwrap().collect();
            assert_eq!(segs.len(), 4, "{slug}: {u}");
            assert_eq!((segs[0], segs[1], segs[3]), ("v2", "organizations", "agents"), "{slug}: {u}");
            assert_eq!(u.query(), Some("per_page=100"), "{slug}: {u}");
            assert_eq!(u.fragment(), None, "{slug}: {u}");
        }
        for slug in ["..", ".", ""] {
            assert!(api.join(&["organizations", slug, "agents"], &[]).is_err(), "{slug:?}");
        }
    }

    #[test]
    fn page_links_stay_on_the_host_the_token_went_to() {
        let api = d(&[]).api();
        assert!(api.same_origin("https://api.buildkite.com/v2/organizations/acme/agents?page=2").is_ok());
        assert!(api.same_origin("https://evil.example/v2/organizations/acme/agents?page=2").is_err());
        assert!(api.same_origin("http://api.buildkite.com/v2/x").is_err());
    }

    #[test]
    fn token_parameters_under_the_stacks_own_name_or_its_own_resource() {
        let ok = |stack, p, own| token_parameter_ok(stack, p, own, &[]).is_ok();
        assert!(ok("ci", "/ci/buildkite/agent-token", None));
        assert!(ok("ci", "/custom/path", Some("/custom/path")));
        assert!(!ok("ci", "/ci-prod/buildkite/agent-token", None), "another stack's name");
        assert!(!ok("ci", "/other/buildkite/agent-token", None));
        assert!(!ok("ci", "/ci/../other/agent-token", None));
        assert!(!ok("ci", "ci/buildkite/agent-token", None));
        assert!(!ok("ci", "/ci", None));
        // The module's tokens are each its own stack's: a stack named buildkite owns none.
        assert!(!ok("buildkite", "/buildkite/elastic-ci-stack/ci-1a2b3c4d/agent-token", None));
        assert!(ok("buildkite", "/buildkite/agent-token", None));
        let own = "/buildkite/elastic-ci-stack/ci-1a2b3c4d/agent-token";
        assert!(ok("ci-1a2b3c4d", own, Some(own)), "a Terraform stack's own, as discovery names it");
        assert!(token_parameter_ok("ci", "/shared/token", None, &["/shared/token".into()]).is_ok());
        let e = token_parameter_ok("ci", "/victim/buildkite/agent-token", None, &[]).unwrap_err();
        assert!(e.contains("/victim/buildkite/agent-token") && e.contains("not under /ci/"), "{e}");
    }
}
