//! The CloudFormation side of a stack update: the stack's parameters and status
//! (DescribeStacks), the template's declarations (GetTemplateSummary, on the stack's own
//! template or the URL asked for), change sets made, described, executed and deleted, and the
//! stack's progress while it changes.

use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter};

use super::errors::Checked;
use super::{ACCOUNT, LiveBackend};
use crate::domain::{BackendError, Timestamp};
use crate::ops::port::stack_update::{
    ChangeSetView, ParamDecl, ResourceChange, StackParameter, StackProgress, UpdateSource,
};

/// The stack's template makes IAM roles by name and nests stacks (the scaler's): a change set
/// needs all three acknowledgements, as the stack's own documentation passes them.
const CAPABILITIES: [Capability; 3] =
    [Capability::CapabilityIam, Capability::CapabilityNamedIam, Capability::CapabilityAutoExpand];

impl LiveBackend {
    async fn described_stack(
        &self,
        stack: &str,
    ) -> Result<aws_sdk_cloudformation::types::Stack, BackendError> {
        let out = self.clients.cfn.describe_stacks().stack_name(stack).send().await.checked(
            self,
            stack,
            "cloudformation:DescribeStacks",
        )?;
        out.stacks().first().cloned().ok_or_else(|| BackendError::NotFound { what: format!("stack {stack}") })
    }

    pub(super) async fn read_update_source(
        &self,
        stack: &str,
        template_url: Option<&str>,
    ) -> Result<UpdateSource, BackendError> {
        if self.known(stack).await?.terraform {
            return Ok(UpdateSource { stack: stack.to_string(), terraform: true, ..UpdateSource::default() });
        }
        let s = self.described_stack(stack).await?;
        let summary = self.clients.cfn.get_template_summary();
        let summary = match template_url {
            Some(url) => summary.template_url(url),
            None => summary.stack_name(stack),
        };
        let summary = summary.send().await.checked(self, stack, "cloudformation:GetTemplateSummary")?;
        let declared = summary
            .parameters()
            .iter()
            .filter_map(|p| {
                Some(ParamDecl {
                    key: p.parameter_key()?.to_string(),
                    default: p.default_value().map(str::to_string),
                    no_echo: p.no_echo().unwrap_or(false),
                    allowed: p
                        .parameter_constraints()
                        .map(|c| c.allowed_values().to_vec())
                        .unwrap_or_default(),
                })
            })
            .collect();
        let version = super::cfn_stack::version_of(s.description());
        let template_version = super::cfn_stack::version_of(summary.description());
        let known = |v: String| (v != "?").then_some(v);
        Ok(UpdateSource {
            stack: stack.to_string(),
            status: s.stack_status().map(|x| x.as_str().to_string()).unwrap_or_default(),
            parameters: s
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((p.parameter_key()?.to_string(), p.parameter_value().unwrap_or("").to_string()))
                })
                .collect(),
            declared,
            version: known(version),
            template_version: known(template_version),
            terraform: false,
        })
    }

    pub(super) async fn read_change_set(
        &self,
        stack: &str,
        name: &str,
    ) -> Result<ChangeSetView, BackendError> {
        let mut view = ChangeSetView::default();
        let mut token: Option<String> = None;
        // A change set's changes come a page at a time; the stack's template has about fifty resources.
        for _ in 0..10 {
            let out = self
                .clients
                .cfn
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(name)
                .set_next_token(token.clone())
                .send()
                .await
                .checked(self, stack, "cloudformation:DescribeChangeSet")?;
            view.status = out.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            view.reason = out.status_reason().map(str::to_string);
            view.changes.extend(out.changes().iter().filter_map(|c| {
                let r = c.resource_change()?;
                Some(ResourceChange {
                    action: r.action().map(|a| a.as_str().to_string()).unwrap_or_default(),
                    logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                    resource_type: r.resource_type().unwrap_or_default().to_string(),
                    replacement: r.replacement().map(|x| x.as_str().to_string()),
                })
            }));
            match out.next_token() {
                Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(view)
    }

    pub(super) async fn read_progress(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<StackProgress, BackendError> {
        // A Terraform stack has no CloudFormation status: stable as far as bkops can tell, as
        // its summary says.
        if self.known(stack).await?.terraform {
            return Ok(StackProgress { status: "TERRAFORM".into(), events: Vec::new() });
        }
        let s = self.described_stack(stack).await?;
        let events = self.read_stack_events(stack, since).await?;
        Ok(StackProgress {
            status: s.stack_status().map(|x| x.as_str().to_string()).unwrap_or_default(),
            events,
        })
    }

    /// The change set calls of `execute` (read-only was refused before this).
    pub(super) async fn change_set_call(&self, call: &crate::ops::port::Call) -> Result<(), BackendError> {
        use crate::ops::port::Call;
        let action = call.action();
        match call {
            Call::CreateChangeSet { stack, name, template_url, parameters } => {
                let request = self
                    .clients
                    .cfn
                    .create_change_set()
                    .stack_name(stack)
                    .change_set_name(name)
                    .change_set_type(ChangeSetType::Update)
                    .set_capabilities(Some(CAPABILITIES.to_vec()))
                    .set_parameters(Some(parameters.iter().map(parameter).collect()))
                    .description("made by bkops update");
                let request = match template_url {
                    Some(url) => request.template_url(url),
                    None => request.use_previous_template(true),
                };
                request.send().await.map(drop).checked(self, ACCOUNT, action)
            }
            Call::ExecuteChangeSet { stack, name } => {
                let sent = self
                    .clients
                    .cfn
                    .execute_change_set()
                    .stack_name(stack)
                    .change_set_name(name)
                    .send()
                    .await
                    .map(drop)
                    .checked(self, ACCOUNT, action);
                // An update may replace the group: what was learnt of the stack is learnt again.
                self.forget(stack);
                sent
            }
            Call::DeleteChangeSet { stack, name } => self
                .clients
                .cfn
                .delete_change_set()
                .stack_name(stack)
                .change_set_name(name)
                .send()
                .await
                .map(drop)
                .checked(self, ACCOUNT, action),
            _ => Err(BackendError::Other(format!("{action} is not a change set call"))),
        }
    }
}

fn parameter(p: &StackParameter) -> Parameter {
    let b = Parameter::builder().parameter_key(&p.key);
    match &p.value {
        Some(v) => b.parameter_value(v),
        None => b.use_previous_value(true),
    }
    .build()
}
