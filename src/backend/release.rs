//! The latest published release of the Elastic CI Stack: the version the published template's
//! description names. Read over plain HTTP(S) with no credentials of any kind, from the URL the
//! operator's config names (`[updates] latest_template_url`, Buildkite's by default, never one
//! read from an account), at most once a day, and kept in the cache
//! (`~/.cache/bkops/latest-release.json`) so that every run after the first is offline.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::domain::release::template_version;
use crate::domain::{BackendError, Timestamp};

/// Where Buildkite publishes the latest template.
pub const LATEST_TEMPLATE_URL: &str = "https://s3.amazonaws.com/buildkite-aws-stack/aws-stack.yml";

/// A version read is kept this long.
const KEEP_SECS: i64 = 24 * 3600;
/// A read that failed is tried again after this long (offline, every run would wait).
const RETRY_SECS: i64 = 3600;
/// The published template is about 100 kB; more than this is not it.
const MAX_BYTES: usize = 4 * 1024 * 1024;

/// The latest release, as some source knows it.
#[async_trait]
pub trait Releases: Send + Sync {
    /// Its version (`v6.80.0`); `Ok(None)` when the operator turned the check off.
    async fn latest(&self) -> Result<Option<String>, BackendError>;
    /// Where its template is, for an update to it (the URL the operator's config names).
    fn template_url(&self) -> String {
        LATEST_TEMPLATE_URL.to_string()
    }
}

/// A release known in advance: the demo's (it never reaches the network), and tests'.
pub struct Fixed(pub Option<String>);

#[async_trait]
impl Releases for Fixed {
    async fn latest(&self) -> Result<Option<String>, BackendError> {
        Ok(self.0.clone())
    }
}

/// `[updates]`: whether to look, where, and where the answer is kept. Off unless asked for:
/// the command line turns it on from the config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateSettings {
    pub check: bool,
    pub url: String,
    /// `~/.cache/bkops/latest-release.json`; `None`: not kept.
    pub cache: Option<PathBuf>,
}

/// What the cache keeps: the URL read, the version it named (none when the read failed), and
/// when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Kept {
    url: String,
    version: Option<String>,
    /// Why the read failed, when it did.
    error: Option<String>,
    checked_at_ms: i64,
}

/// The published template, read over HTTP(S) and kept in the cache.
pub struct Published {
    settings: UpdateSettings,
    clock: Clock,
}

impl Published {
    pub fn new(settings: UpdateSettings, clock: Clock) -> Self {
        Self { settings, clock }
    }

    fn kept(&self) -> Option<Kept> {
        let text = crate::paths::read_regular(self.settings.cache.as_ref()?, 64 * 1024, false).ok()?;
        serde_json::from_str::<Kept>(&text).ok().filter(|k| k.url == self.settings.url)
    }

    fn keep(&self, kept: &Kept) {
        if let (Some(path), Ok(bytes)) = (&self.settings.cache, serde_json::to_vec(kept)) {
            // A cache that cannot be written costs a read next time, nothing more.
            let _ = crate::paths::write_private(path, &bytes);
        }
    }

    async fn fetch(&self) -> Result<String, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("bkops/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let response = http.get(&self.settings.url).send().await.map_err(|e| e.without_url().to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        // Read a chunk at a time, and no further than a template can be: a server that sends
        // without end is cut off, not kept in memory.
        let (mut response, mut body) = (response, Vec::new());
        while let Some(chunk) = response.chunk().await.map_err(|e| e.without_url().to_string())? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(format!("over {} MB: not a stack template", MAX_BYTES >> 20));
            }
        }
        template_version(&String::from_utf8_lossy(&body)).ok_or_else(|| "it names no version".to_string())
    }
}

#[async_trait]
impl Releases for Published {
    fn template_url(&self) -> String {
        self.settings.url.clone()
    }

    async fn latest(&self) -> Result<Option<String>, BackendError> {
        if !self.settings.check {
            return Ok(None);
        }
        let now = self.clock.now();
        let kept = self.kept();
        let age = |k: &Kept| now.secs_since(Timestamp(k.checked_at_ms));
        match &kept {
            Some(k @ Kept { version: Some(v), .. }) if age(k) < KEEP_SECS => return Ok(Some(v.clone())),
            Some(k @ Kept { error: Some(e), .. }) if age(k) < RETRY_SECS => {
                return Err(unknown(&self.settings.url, e));
            }
            _ => {}
        }
        let read = self.fetch().await;
        let stale = kept.and_then(|k| k.version);
        let (version, error) = match read {
            Ok(v) => (Some(v), None),
            // The last version known is still the best answer while the read fails.
            Err(e) => (stale.clone(), Some(e)),
        };
        self.keep(&Kept {
            url: self.settings.url.clone(),
            version: version.clone(),
            error: error.clone(),
            checked_at_ms: now.millis(),
        });
        match (version, error) {
            (Some(v), _) => Ok(Some(v)),
            (None, e) => Err(unknown(&self.settings.url, &e.unwrap_or_default())),
        }
    }
}

fn unknown(url: &str, why: &str) -> BackendError {
    BackendError::Other(format!("the latest release is unknown: {url} could not be read ({why})"))
}
