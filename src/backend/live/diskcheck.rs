//! The live disk check on AWS: SSM SendCommand with the check's script (through `execute`, so
//! read-only mode refuses it and the audit log records it), then GetCommandInvocation for each
//! instance until it answers.

use std::time::Duration;

use super::errors::Checked;
use super::{ACCOUNT, LiveBackend};
use crate::domain::BackendError;
use crate::ops::port::DiskAnswer;
use crate::ops::port::disk::{self, LINUX_DOCUMENT};

/// How long the check may take on an instance, and how often its answer is asked for.
const TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_secs(1);

impl LiveBackend {
    pub(super) async fn send_disk_check(
        &self,
        document: &str,
        instances: &[String],
    ) -> Result<(), BackendError> {
        let script = if document == LINUX_DOCUMENT { disk::LINUX_SCRIPT } else { disk::WINDOWS_SCRIPT };
        let out = self
            .clients
            .ssm
            .send_command()
            .document_name(document)
            .set_instance_ids(Some(instances.to_vec()))
            .parameters("commands", vec![script.to_string()])
            .timeout_seconds(TIMEOUT.as_secs() as i32)
            .comment("bkops: disk usage")
            .send()
            .await
            .checked(self, ACCOUNT, "ssm:SendCommand")?;
        let id = out.command().and_then(|c| c.command_id()).unwrap_or_default().to_string();
        let windows = document != LINUX_DOCUMENT;
        *self.disk_command.lock().unwrap_or_else(|p| p.into_inner()) = Some((id, windows));
        Ok(())
    }

    pub(super) async fn read_disk_answers(
        &self,
        instances: &[String],
    ) -> Result<Vec<DiskAnswer>, BackendError> {
        let Some((command, windows)) = self.disk_command.lock().unwrap_or_else(|p| p.into_inner()).clone()
        else {
            return Err(BackendError::Other("no disk check was sent".into()));
        };
        let deadline = tokio::time::Instant::now() + TIMEOUT + POLL * 5;
        let mut answers: Vec<DiskAnswer> = Vec::new();
        let mut pending: Vec<String> = instances.to_vec();
        while !pending.is_empty() {
            let mut still = Vec::new();
            for id in pending {
                let got = self
                    .clients
                    .ssm
                    .get_command_invocation()
                    .command_id(&command)
                    .instance_id(&id)
                    .send()
                    .await;
                // Just sent: the invocation may not exist yet.
                if got.as_ref().is_err_and(|e| format!("{e:?}").contains("InvocationDoesNotExist")) {
                    self.calls.record(ACCOUNT, "ssm:GetCommandInvocation");
                    still.push(id);
                    continue;
                }
                let inv = match got.checked(self, ACCOUNT, "ssm:GetCommandInvocation") {
                    Ok(inv) => inv,
                    Err(e) => {
                        answers.push((id, Err(e.to_string())));
                        continue;
                    }
                };
                let status = inv.status().map(|s| s.as_str().to_string()).unwrap_or_default();
                match status.as_str() {
                    "Pending" | "InProgress" | "Delayed" | "" => still.push(id),
                    "Success" => {
                        let out = inv.standard_output_content().unwrap_or_default();
                        let reading = if windows { disk::parse_windows(out) } else { disk::parse_df(out) };
                        answers
                            .push((id, reading.ok_or_else(|| "the check printed no disk usage".to_string())));
                    }
                    other => {
                        let err = inv.standard_error_content().unwrap_or_default().trim().to_string();
                        answers.push((id, Err(format!("{other}: {err}").trim_end_matches(": ").to_string())));
                    }
                }
            }
            pending = still;
            if !pending.is_empty() {
                if tokio::time::Instant::now() >= deadline {
                    answers.extend(
                        pending
                            .drain(..)
                            .map(|id| (id, Err("no answer in time (is the SSM agent online?)".into()))),
                    );
                    break;
                }
                tokio::time::sleep(POLL).await;
            }
        }
        Ok(answers)
    }
}
