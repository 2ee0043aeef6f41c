//! The tags bkops writes on a stack's Auto Scaling group when it pauses scaling: who paused
//! it, when, and the sizes to go back to. Every backend reads and writes these names.

pub const PAUSED_BY: &str = "bkops:paused-by";
pub const PAUSED_AT: &str = "bkops:paused-at";
pub const PRE_PAUSE_MIN: &str = "bkops:pre-pause-min-size";
pub const PRE_PAUSE_DESIRED: &str = "bkops:pre-pause-desired";

/// The time a `bkops:paused-at` tag holds (RFC 3339), if it is one.
pub fn time(value: &str) -> Option<super::Timestamp> {
    value.parse::<jiff::Timestamp>().ok().map(|t| super::Timestamp(t.as_millisecond()))
}
