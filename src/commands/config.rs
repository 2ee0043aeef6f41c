//! `config.toml`: settings an operator keeps between runs. Every field is optional; an unknown
//! or malformed one is refused with the file's path, line and column.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::RefreshIntervals;
use crate::theme::line_col;

/// `time = "local"` or `"utc"`.
#[derive(Debug, Default, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TimeSetting {
    #[default]
    Local,
    Utc,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub theme: Option<String>,
    /// Make no change anywhere, as `--read-only` does.
    #[serde(default)]
    pub read_only: bool,
    /// A few of the focused pane's keys on the status bar (true by default).
    pub hints: Option<bool>,
    /// The zone the dashboard's times are in: `"local"` (the default) or `"utc"`, as `--utc`.
    #[serde(default)]
    pub time: TimeSetting,
    #[serde(default)]
    pub refresh: RefreshFile,
    #[serde(default)]
    pub logs: LogsFile,
    #[serde(default)]
    pub ssm: SsmFile,
    #[serde(default)]
    pub buildkite: BuildkiteFile,
    #[serde(default)]
    pub aws: AwsFile,
    #[serde(default)]
    pub updates: UpdatesFile,
    #[serde(default)]
    pub watch: super::watch_settings::WatchFile,
    /// `[[contexts]]`: the profile and region pairs `--context` and `--all-contexts` use.
    #[serde(default, deserialize_with = "few_contexts")]
    pub contexts: Vec<super::contexts::ContextFile>,
    /// `[[theme_rules]]`: a theme by profile, region, account or stack name.
    #[serde(default)]
    pub theme_rules: Vec<crate::app::theme_rules::ThemeRule>,
    /// `[keys]`: `"scope.action" = "key"` or a list of keys.
    #[serde(default)]
    keys: std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>,
    /// The keymap with `[keys]` applied (checked when the file is read).
    #[serde(skip)]
    pub keymap: crate::app::rebind::Keymap,
}

/// `[aws]`: how long an AWS call may take, in seconds.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsFile {
    /// To open a connection (10 by default; 1 to 3600).
    #[serde(default, deserialize_with = "within::<_, u64, 1, 3600>")]
    pub connect_timeout: Option<u64>,
    /// For an answer to start once the request is sent (60 by default, as the AWS CLI).
    #[serde(default, deserialize_with = "within::<_, u64, 1, 3600>")]
    pub read_timeout: Option<u64>,
    /// For a whole call, retries included (150 by default).
    #[serde(default, deserialize_with = "within::<_, u64, 1, 3600>")]
    pub operation_timeout: Option<u64>,
    /// For a whole command (`status`, `why`, `doctor`, `timeline`): what is not read by then
    /// is named, and what was read is printed (45 by default).
    #[serde(default, deserialize_with = "within::<_, u64, 1, 3600>")]
    pub command_timeout: Option<u64>,
}

/// `[buildkite]`: where tokens may go, beyond Buildkite's own hosts and the environment's
/// `BUILDKITE_AGENT_ENDPOINT`/`BUILDKITE_API_ENDPOINT`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BuildkiteFile {
    /// Hosts (or URLs) a stack's `AgentEndpoint` may name and be sent its agent token: an
    /// agent API proxy of your own, for example. https, or http to a loopback address.
    #[serde(default)]
    pub trusted_endpoints: Vec<String>,
    /// Agent token parameters bkops may read although they are not under the stack's own
    /// `/<stack-name>/` (a token shared by several stacks, say).
    #[serde(default)]
    pub trusted_token_parameters: Vec<String>,
}

/// `[updates]`: the latest release, to say when a stack is behind it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UpdatesFile {
    /// `false` never asks (true by default).
    pub check: Option<bool>,
    /// The published template whose description names the latest release (Buildkite's by
    /// default; a mirror of your own: https, or http to a loopback address).
    pub latest_template_url: Option<String>,
}

/// `[ssm]`: how shells on instances are opened.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SsmFile {
    /// auto (the plugin when installed), plugin, or native; `--ssm-client` wins.
    pub client: Option<crate::ssm::session::ClientChoice>,
    /// Where session-manager-plugin is, when it is not on PATH.
    pub plugin: Option<std::path::PathBuf>,
}

/// `[logs]`: the log view.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogsFile {
    /// Lines the log view keeps (100,000 by default; 100 to 10,000,000).
    #[serde(default, deserialize_with = "within::<_, usize, 100, 10_000_000>")]
    pub buffer: Option<usize>,
    /// Follow with CloudWatch Live Tail instead of polling (billed per minute).
    #[serde(default)]
    pub live: bool,
}

/// Seconds between refreshes, per pane.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RefreshFile {
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub stacks: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub queue: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub history: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub fleet: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub activity: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub scaler: Option<u32>,
    #[serde(default, deserialize_with = "within::<_, u32, 1, 86400>")]
    pub timeline: Option<u32>,
}

/// A command's overall deadline unless the config file sets one: shorter than one stalled
/// call's own (`operation_timeout`), so that a stalled service costs the operator one wait.
pub const COMMAND_TIMEOUT_SECS: u64 = 45;

impl Config {
    /// Whether and where to look for the latest release. Not with `BKOPS_NO_UPDATE_CHECK` set,
    /// nor against another endpoint (`--endpoint-url`: a local or private API, where the
    /// published template may not be reachable) unless the config names a URL itself.
    pub fn updates(&self, endpoint_override: bool) -> crate::backend::release::UpdateSettings {
        let u = &self.updates;
        let named = u.latest_template_url.is_some();
        let check = u.check.unwrap_or(true)
            && std::env::var_os("BKOPS_NO_UPDATE_CHECK").is_none()
            && (named || !endpoint_override);
        crate::backend::release::UpdateSettings {
            check,
            url: u
                .latest_template_url
                .clone()
                .unwrap_or_else(|| crate::backend::release::LATEST_TEMPLATE_URL.into()),
            cache: crate::paths::cache_dir().map(|d| d.join("latest-release.json")),
        }
    }

    pub fn timeouts(&self) -> crate::backend::live::Timeouts {
        let d = crate::backend::live::Timeouts::default();
        let secs = |v: Option<u64>, d: std::time::Duration| {
            v.map_or(d, |s| std::time::Duration::from_secs(s.max(1)))
        };
        crate::backend::live::Timeouts {
            connect: secs(self.aws.connect_timeout, d.connect),
            read: secs(self.aws.read_timeout, d.read),
            operation: secs(self.aws.operation_timeout, d.operation),
        }
    }

    pub fn refresh(&self) -> RefreshIntervals {
        let d = RefreshIntervals::default();
        let r = &self.refresh;
        RefreshIntervals {
            stacks: r.stacks.unwrap_or(d.stacks),
            queue: r.queue.unwrap_or(d.queue),
            history: r.history.unwrap_or(d.history),
            fleet: r.fleet.unwrap_or(d.fleet),
            activity: r.activity.unwrap_or(d.activity),
            scaler: r.scaler.unwrap_or(d.scaler),
            timeline: r.timeline.unwrap_or(d.timeline),
        }
    }
}

/// A config file is a page of settings, not a data set.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// At most this many `[[contexts]]`: the fleet view reads every one at once.
const MAX_CONTEXTS: usize = 64;

/// A setting within its range, refused where it is written (file:line:column) otherwise.
fn within<'de, D, T, const LO: u64, const HI: u64>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Copy + TryInto<u64>,
{
    let v: Option<T> = Option::deserialize(d)?;
    match v.map(|n| n.try_into().unwrap_or(u64::MAX)) {
        Some(n) if !(LO..=HI).contains(&n) => {
            Err(serde::de::Error::custom(format!("{n} is out of range: {LO} to {HI}")))
        }
        _ => Ok(v),
    }
}

/// `[[contexts]]`, at most `MAX_CONTEXTS` of them.
fn few_contexts<'de, D>(d: D) -> Result<Vec<super::contexts::ContextFile>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let v: Vec<super::contexts::ContextFile> = Vec::deserialize(d)?;
    if v.len() > MAX_CONTEXTS {
        return Err(serde::de::Error::custom(format!(
            "{} contexts: at most {MAX_CONTEXTS} can be read at once",
            v.len()
        )));
    }
    Ok(v)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid { path: PathBuf, line: usize, column: usize, message: String },
}

pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        ConfigError::Invalid { path: path.to_path_buf(), line, column, message }
    };
    let mut config: Config = toml::from_str(text)
        .map_err(|e| invalid(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
    let rebindings: Vec<crate::app::rebind::Rebinding> = config
        .keys
        .iter()
        .map(|(name, value)| {
            // A key, or a list of keys; anything else reads as no key (refused, at the value).
            let at = value.span().start;
            let keys = match value.get_ref() {
                toml::Value::String(k) => vec![(k.clone(), at)],
                toml::Value::Array(ks) => {
                    ks.iter().map(|k| (k.as_str().unwrap_or("(not a string)").to_string(), at)).collect()
                }
                other => vec![(other.to_string(), at)],
            };
            crate::app::rebind::Rebinding { name: name.get_ref().clone(), keys, at: name.span().start }
        })
        .collect();
    config.keymap =
        crate::app::rebind::Keymap::with(&rebindings).map_err(|(at, message)| invalid(at, message))?;
    if let Some(url) = &config.updates.latest_template_url {
        crate::backend::buildkite::trust::plain_url_ok(url)
            .map_err(|m| invalid(text.find("latest_template_url").unwrap_or(0), m))?;
    }
    config.watch.check().map_err(|m| invalid(text.find("[watch]").unwrap_or(0), m))?;
    Ok(config)
}

/// Reads `explicit` (which must exist), or the default file if there is one.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match crate::paths::config_dir() {
            Some(d) => (d.join("config.toml"), false),
            None => return Ok(Config::default()),
        },
    };
    match crate::paths::read_regular(&path, MAX_FILE_BYTES, false) {
        Ok(text) => parse(&path, &text),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError::Io { path, reason: e.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_and_default() {
        let c = parse(
            Path::new("c.toml"),
            "theme = \"light\"\n[refresh]\nqueue = 2\n[logs]\nbuffer = 500\nlive = true\n\
             [ssm]\nclient = \"plugin\"\nplugin = \"/opt/aws/session-manager-plugin\"\n\
             [buildkite]\ntrusted_endpoints = [\"bk-proxy.internal\"]\ntrusted_token_parameters = [\"/shared/token\"]\n",
        )
        .expect("parses");
        assert_eq!(c.buildkite.trusted_endpoints, ["bk-proxy.internal"]);
        assert_eq!(c.buildkite.trusted_token_parameters, ["/shared/token"]);
        assert_eq!(c.logs.buffer, Some(500));
        assert!(c.logs.live);
        assert_eq!(c.ssm.client, Some(crate::ssm::session::ClientChoice::Plugin));
        assert_eq!(c.ssm.plugin.as_deref(), Some(Path::new("/opt/aws/session-manager-plugin")));
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.refresh().queue, 2);
        assert_eq!(c.refresh().stacks, RefreshIntervals::default().stacks);
    }

    #[test]
    fn mistakes_are_located() {
        let err = parse(Path::new("c.toml"), "theme = \"light\"\n[refresh]\nqueue = \"fast\"\n")
            .expect_err("refused");
        let ConfigError::Invalid { line, column, .. } = &err else { panic!("{err:?}") };
        assert_eq!((*line, *column), (3, 9));
        let err = parse(Path::new("c.toml"), "colour = 1\n").expect_err("refused");
        assert!(err.to_string().starts_with("c.toml:1:1: unknown field `colour`"), "{err}");
    }

    #[test]
    fn keys_rebind_by_name_and_mistakes_are_located() {
        let c = parse(Path::new("c.toml"), "[keys]\n\"instances.sort-next\" = \"S\"\n").expect("fine");
        let s = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('S'),
            crossterm::event::KeyModifiers::NONE,
        );
        assert_eq!(
            c.keymap.resolve(&[crate::app::keymap::Scope::Instances], &s),
            Some(crate::app::keymap::Action::SortNext)
        );
        for (text, want) in [
            ("[keys]\n\"instances.nope\" = \"S\"\n", "c.toml:2:1: no action 'nope' in scope 'instances'"),
            ("[keys]\n\"instances.sort-next\" = [\"S\", \"banana\"]\n", "c.toml:2:25: 'banana' is not a key"),
            (
                "[keys]\n\"instances.sort-next\" = \"l\"\n",
                "c.toml:2:1: l is bound to both sort-next and open-logs",
            ),
        ] {
            let err = parse(Path::new("c.toml"), text).expect_err("refused");
            assert!(err.to_string().starts_with(want), "{err} (wanted {want})");
        }
    }

    #[test]
    fn the_latest_release_is_looked_for_unless_turned_off_or_against_another_endpoint() {
        let parsed = |text: &str| parse(Path::new("c.toml"), text).expect("parses");
        let plain = parsed("");
        assert!(plain.updates(false).check, "on by default");
        assert_eq!(plain.updates(false).url, crate::backend::release::LATEST_TEMPLATE_URL);
        assert!(!plain.updates(true).check, "not against --endpoint-url unless a URL is named");
        let mirror = parsed("[updates]\nlatest_template_url = \"https://mirror.internal/aws-stack.yml\"\n");
        assert!(mirror.updates(true).check);
        assert_eq!(mirror.updates(true).url, "https://mirror.internal/aws-stack.yml");
        assert!(!parsed("[updates]\ncheck = false\n").updates(false).check);
        assert!(parse(Path::new("c.toml"), "[updates]\nlatest_template_url = \"ftp://x/y\"\n").is_err());
    }
}
