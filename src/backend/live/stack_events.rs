//! A stack's CloudFormation events: DescribeStackEvents on the stack, newest first, read
//! back to the moment asked for; and on each nested stack whose resource moved in that time
//! (a nested stack untouched since then has nothing to say, and is not read).

use aws_sdk_cloudformation::types::StackEvent as Event;

use super::LiveBackend;
use super::errors::Checked;
use crate::domain::stack_event::STACK_TYPE;
use crate::domain::{BackendError, StackEvent, Timestamp};

/// Pages read per stack at most (100 events a page): an update of the whole stack writes a
/// few hundred.
const MAX_PAGES: usize = 10;

impl LiveBackend {
    pub(super) async fn read_stack_events(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<Vec<StackEvent>, BackendError> {
        if self.known(stack).await?.terraform {
            return Err(BackendError::Unconfigured(format!(
                "{stack} was deployed with Terraform: it has no CloudFormation events (terraform apply says what it changes)"
            )));
        }
        let mut out = self.events_of(stack, stack, since).await?;
        let mut nested: Vec<String> = out
            .iter()
            .filter(|e| {
                e.resource_type == STACK_TYPE && !e.is_of_stack() && e.physical_id.starts_with("arn:")
            })
            .map(|e| e.physical_id.clone())
            .collect();
        nested.sort();
        nested.dedup();
        for arn in nested {
            out.extend(self.events_of(stack, &arn, since).await?);
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.event_id.cmp(&a.event_id)));
        Ok(out)
    }

    /// One stack's events since `since` (`id` is its name or ARN), counted under `stack`.
    async fn events_of(
        &self,
        stack: &str,
        id: &str,
        since: Timestamp,
    ) -> Result<Vec<StackEvent>, BackendError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .clients
                .cfn
                .describe_stack_events()
                .stack_name(id)
                .set_next_token(token.clone())
                .send()
                .await
                .checked(self, stack, "cloudformation:DescribeStackEvents")?;
            let mut older = false;
            for e in page.stack_events() {
                match event(e) {
                    Some(e) if e.at >= since => out.push(e),
                    Some(_) => older = true,
                    None => {}
                }
            }
            match page.next_token() {
                Some(t) if !older && Some(t) != token.as_deref() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

fn event(e: &Event) -> Option<StackEvent> {
    let at = e.timestamp()?;
    Some(StackEvent {
        at: Timestamp(at.to_millis().ok()?),
        stack: e.stack_name().unwrap_or_default().to_string(),
        logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
        physical_id: e.physical_resource_id().unwrap_or_default().to_string(),
        resource_type: e.resource_type().unwrap_or_default().to_string(),
        status: e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        reason: e.resource_status_reason().map(str::to_string),
        event_id: e.event_id().unwrap_or_default().to_string(),
    })
}
