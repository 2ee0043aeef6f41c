//! A webhook `bkops watch` posts its events to: a URL the operator named (a flag or the
//! config file, never anything read from AWS or Buildkite), checked before the first event
//! (https, or http to a loopback address), posted as JSON with no credentials of bkops' own.
//! The URL itself is the secret of most webhooks (Slack's): it is never printed whole.

use std::time::Duration;

pub struct Webhook {
    url: String,
    http: reqwest::Client,
}

impl Webhook {
    pub fn new(url: &str) -> Result<Self, String> {
        super::buildkite::trust::plain_url_ok(url)?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("bkops/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            // A redirect would send the event somewhere the operator did not name.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Webhook { url: url.trim().to_string(), http })
    }

    /// The hook as it may be shown: its scheme and host, not its path (where Slack keeps
    /// the hook's secret).
    pub fn shown(&self) -> String {
        match reqwest::Url::parse(&self.url) {
            Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("?")),
            Err(_) => "the webhook".to_string(),
        }
    }

    /// One POST; an answer outside 2xx is a failure.
    pub async fn post(&self, body: &serde_json::Value) -> Result<(), String> {
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        if response.status().is_success() { Ok(()) } else { Err(format!("HTTP {}", response.status())) }
    }
}
