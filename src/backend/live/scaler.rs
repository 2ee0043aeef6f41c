//! The scaler's own log on AWS: its function is the nested scaler stack's
//! `AutoscalingFunction` (looked up once per stack), its log group `/aws/lambda/<function>`,
//! read for the last minutes through FilterLogEvents (under the same quota as every log read).

use super::LiveBackend;
use crate::backend::{FilterQuery, LogSource};
use crate::domain::scaler_log::ScalerRead;
use crate::domain::scaler_log::parse;
use crate::domain::{BackendError, Timestamp};

/// The scaler function's logical ID in the nested stack.
pub const FUNCTION_LOGICAL_ID: &str = "AutoscalingFunction";
/// Pages read at most: ten minutes of a scaler is a few hundred lines.
const MAX_PAGES: usize = 5;

impl LiveBackend {
    /// The scaler function's name, looked up once per stack.
    async fn scaler_function(&self, stack: &str, nested: &str) -> Result<Option<String>, BackendError> {
        if let Some(f) = self.scaler_functions.fresh(&stack.to_string(), std::time::Duration::MAX) {
            return Ok(Some(f));
        }
        let name = self.resource(stack, nested, FUNCTION_LOGICAL_ID).await?;
        if let Some(n) = &name {
            self.scaler_functions.put(stack.to_string(), n.clone());
        }
        Ok(name)
    }

    pub(super) async fn read_scaler(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<ScalerRead, BackendError> {
        let known = self.known(stack).await?;
        if known.rule.is_none() {
            return Ok(ScalerRead::None);
        }
        let function = match (known.scaler_function.clone(), &known.scaler_stack) {
            (Some(f), _) => f,
            (None, Some(nested)) => match self.scaler_function(stack, nested).await? {
                Some(f) => f,
                None => return Ok(ScalerRead::None),
            },
            (None, None) => return Ok(ScalerRead::None),
        };
        let group = format!("/aws/lambda/{function}");
        let mut q = FilterQuery { group: group.clone(), start: Some(since), ..FilterQuery::default() };
        let mut events = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = match self.filter_log_events(&q).await {
                Ok(p) => p,
                Err(BackendError::NotFound { .. }) => return Ok(ScalerRead::Missing { group }),
                Err(BackendError::PermissionDenied { action }) => {
                    return Err(BackendError::PermissionDenied { action: format!("{action} on {group}") });
                }
                Err(e) => return Err(e),
            };
            events.extend(page.events);
            match page.next_token {
                Some(t) if Some(&t) != q.next_token.as_ref() => q.next_token = Some(t),
                _ => break,
            }
        }
        if events.is_empty() {
            return Ok(ScalerRead::Missing { group });
        }
        events.sort_by(|a, b| (a.timestamp, &a.event_id).cmp(&(b.timestamp, &b.event_id)));
        Ok(ScalerRead::Read(parse(events.iter().map(|e| (e.timestamp, e.message.as_str())))))
    }
}
