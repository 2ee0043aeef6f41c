//! Lines of the instances' shared log groups, read for a stack's instances since a moment:
//! each group once per hundred instances (FilterLogEvents takes at most 100 stream names),
//! a few pages at most, for the timeline and the boots alike.

use crate::backend::{FilterQuery, LogSource};
use crate::domain::LogLine;
use crate::domain::{BackendError, Timestamp};

/// FilterLogEvents takes at most 100 stream names.
const STREAMS_PER_CALL: usize = 100;
/// Pages read per group and call at most: a look back, not an archive.
const MAX_PAGES: usize = 10;

/// The lines of `group` in the instances' streams since `since` that `keep` wants; a group
/// that does not exist has none.
pub async fn log_lines(
    logs: &dyn LogSource,
    group: &str,
    pattern: Option<&str>,
    instances: &[String],
    since: Timestamp,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<LogLine>, BackendError> {
    let mut out = Vec::new();
    for chunk in instances.chunks(STREAMS_PER_CALL) {
        let mut q = FilterQuery {
            group: group.to_string(),
            streams: chunk.to_vec(),
            start: Some(since),
            pattern: pattern.map(str::to_string),
            ..FilterQuery::default()
        };
        for _ in 0..MAX_PAGES {
            let page = match logs.filter_log_events(&q).await {
                Ok(p) => p,
                Err(BackendError::NotFound { .. }) => return Ok(out),
                Err(e) => return Err(e),
            };
            out.extend(page.events.into_iter().filter(|e| keep(&e.message)).map(|e| LogLine {
                at: e.timestamp,
                group: group.to_string(),
                instance: e.stream,
                message: e.message,
            }));
            match page.next_token {
                Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
                _ => break,
            }
        }
    }
    Ok(out)
}
