//! The discovery file: what was learnt of each stack's resources, kept between runs so that a
//! refresh of an unchanged account does not list every stack's resources again.

use std::collections::HashMap;

use super::known::Resources;

/// One stack's entry in the discovery file: its version key, what its resources say, and when
/// that was learnt (seconds since the epoch).
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Kept {
    pub version: String,
    pub resources: Resources,
    pub learnt: i64,
}

/// A kept entry older than this is learnt again, whatever its version says.
const KEPT_SECS: i64 = 24 * 3600;

pub(super) fn now_secs() -> i64 {
    crate::clock::Clock::System.now().secs()
}

/// The discovery file's entries still young enough; an unreadable or malformed file is none.
pub(super) fn read_kept(path: &std::path::Path) -> HashMap<String, Kept> {
    let Ok(text) = crate::paths::read_regular(path, 16 << 20, false) else { return HashMap::new() };
    let mut kept: HashMap<String, Kept> = serde_json::from_str(&text).unwrap_or_default();
    let now = now_secs();
    kept.retain(|_, k| now - k.learnt < KEPT_SECS);
    kept
}

/// Writes the file whole, through a temporary file renamed over it, so that two bkops writing
/// at once leave one whole file or the other.
pub(super) fn write_kept(path: &std::path::Path, kept: &HashMap<String, Kept>) -> std::io::Result<()> {
    let text = serde_json::to_string(kept).map_err(std::io::Error::other)?;
    crate::paths::write_private(path, text.as_bytes())
}
