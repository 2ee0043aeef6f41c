//! `[watch]` in the config file: the thresholds, the kinds turned off, and where events go
//! besides stdout. Webhooks and the command come from here or from flags only.

use serde::Deserialize;

use crate::snapshot::incidents::{KINDS, Rules};

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WatchFile {
    /// Jobs wait (and nothing can take them) this many minutes before it is an incident (5).
    pub waiting_minutes: Option<u32>,
    /// The scaler has not run for this many minutes (10).
    pub scaler_silent_minutes: Option<u32>,
    /// A stack paused this many hours (4).
    pub paused_hours: Option<u32>,
    /// An instance still booting after this many minutes (off unless set: boots are then
    /// read each evaluation).
    pub slow_boot_minutes: Option<u32>,
    /// Kinds never said (`["unreadable"]`).
    #[serde(default)]
    pub off: Vec<String>,
    /// Webhooks every event is posted to, besides `--webhook`.
    #[serde(default)]
    pub webhooks: Vec<String>,
    /// A command run with each event on its standard input, unless `--exec` names another.
    pub exec: Option<String>,
    /// The dashboard reads every context in the background each minute, for the incidents of
    /// stacks not on screen (true).
    pub dashboard: Option<bool>,
    /// The dashboard rings the terminal's bell when one opens (false).
    #[serde(default)]
    pub bell: bool,
}

impl WatchFile {
    pub fn rules(&self) -> Rules {
        let d = Rules::default();
        let mins = |v: Option<u32>, d: i64| v.map_or(d, |m| i64::from(m.max(1)) * 60);
        Rules {
            waiting_secs: mins(self.waiting_minutes, d.waiting_secs),
            scaler_silent_secs: mins(self.scaler_silent_minutes, d.scaler_silent_secs),
            paused_secs: self.paused_hours.map_or(d.paused_secs, |h| i64::from(h.max(1)) * 3600),
            slow_boot_secs: self.slow_boot_minutes.map(|m| i64::from(m.max(1)) * 60),
            off: self.off.clone(),
        }
    }

    /// A kind that is not one, or a webhook that is not https (or http to a loopback address).
    pub fn check(&self) -> Result<(), String> {
        if let Some(k) = self.off.iter().find(|k| !KINDS.contains(&k.as_str())) {
            return Err(format!("[watch] off: {k:?} is not a kind; the kinds are {}", KINDS.join(", ")));
        }
        for url in &self.webhooks {
            crate::backend::buildkite::trust::plain_url_ok(url)
                .map_err(|m| format!("[watch] webhooks: {m}"))?;
        }
        Ok(())
    }
}
