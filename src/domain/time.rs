use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, the unit every AWS API in bkops speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_secs(secs: i64) -> Self {
        Self(secs * 1000)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
    /// Saturates rather than wrapping: a nonsense offset gives the earliest or latest time,
    /// never a time on the other side of the epoch.
    pub fn plus_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs.saturating_mul(1000)))
    }
    /// Seconds from `earlier` to `self`, never negative.
    pub fn secs_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).max(0) / 1000
    }
    /// `2026-11-23T10:04:05Z`: the form AWS prints in scaling-activity causes.
    pub fn rfc3339(self) -> String {
        match jiff::Timestamp::from_second(self.secs()) {
            Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Err(_) => format!("@{}", self.secs()),
        }
    }
    /// RFC 3339 to the millisecond (`2026-12-07T16:30:05.123Z`), for times read from lines.
    pub fn rfc3339_millis(self) -> String {
        match jiff::Timestamp::from_millisecond(self.millis()) {
            Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            Err(_) => format!("@{}ms", self.millis()),
        }
    }

    /// `10:04:05`, UTC, for dense tables.
    /// `HH:MM:SS` in a time zone: what the dashboard shows (the operator's zone, or UTC).
    pub fn clock_in(self, zone: &jiff::tz::TimeZone) -> String {
        match jiff::Timestamp::from_second(self.secs()) {
            Ok(ts) => ts.to_zoned(zone.clone()).strftime("%H:%M:%S").to_string(),
            Err(_) => "--:--:--".to_string(),
        }
    }

    pub fn clock(self) -> String {
        match jiff::Timestamp::from_second(self.secs()) {
            Ok(ts) => ts.strftime("%H:%M:%S").to_string(),
            Err(_) => "--:--:--".to_string(),
        }
    }
}

/// Serializes a time as RFC 3339 text (`#[serde(serialize_with = …)]`): what scripts read.
pub fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339())
}

/// Serializes a time as RFC 3339 text to the millisecond.
pub fn rfc3339_millis<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339_millis())
}

/// A compact age such as `42s`, `7m`, `3h12m` or `2d4h`, as k9s prints them.
pub fn format_age(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m", secs / 60),
        3600..=86_399 => {
            let (h, m) = (secs / 3600, (secs % 3600) / 60);
            if m == 0 { format!("{h}h") } else { format!("{h}h{m}m") }
        }
        _ => {
            let (d, h) = (secs / 86_400, (secs % 86_400) / 3600);
            if h == 0 { format!("{d}d") } else { format!("{d}d{h}h") }
        }
    }
}

/// A length of time to the second while under an hour (`53s`, `5m40s`), for how long a step
/// took, where `format_age`'s whole minutes would hide the difference.
pub fn format_span(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 if secs % 60 == 0 => format!("{}m", secs / 60),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format_age(secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_keeps_its_seconds_under_an_hour() {
        let spans: Vec<String> =
            [0, 53, 60, 71, 340, 3599, 3600, 3725, -5].iter().map(|&s| format_span(s)).collect();
        assert_eq!(spans, ["0s", "53s", "1m", "1m11s", "5m40s", "59m59s", "1h", "1h2m", "0s"]);
    }

    #[test]
    fn ages_are_compact() {
        assert_eq!(format_age(-3), "0s");
        assert_eq!(format_age(59), "59s");
        assert_eq!(format_age(60), "1m");
        assert_eq!(format_age(3600), "1h");
        assert_eq!(format_age(3600 + 12 * 60), "1h12m");
        assert_eq!(format_age(2 * 86_400 + 4 * 3600), "2d4h");
    }

    #[test]
    fn rfc3339_is_utc_seconds() {
        assert_eq!(Timestamp::from_secs(1_795_000_000).rfc3339(), "2026-11-18T11:06:40Z");
        assert_eq!(Timestamp(1_795_000_000_999).clock(), "11:06:40");
    }
}
