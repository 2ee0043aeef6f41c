//! A `Sessions` that only records TerminateSession: what a session that fails must call.

use std::sync::Mutex;

use async_trait::async_trait;
use bkops::domain::BackendError;
use bkops::ssm::{PluginContext, Registration, Session, SessionRequest, Sessions};

#[derive(Default)]
pub struct Recorder {
    pub terminated: Mutex<Vec<String>>,
}

#[async_trait]
impl Sessions for Recorder {
    async fn registration(&self, _: &str) -> Result<Registration, BackendError> {
        Err(BackendError::Other("unused".into()))
    }
    async fn start_session(&self, _: &SessionRequest) -> Result<Session, BackendError> {
        Err(BackendError::Other("unused".into()))
    }
    async fn terminate_session(&self, id: &str) -> Result<(), BackendError> {
        self.terminated.lock().expect("lock").push(id.to_string());
        Ok(())
    }
    async fn plugin_context(&self) -> Result<PluginContext, BackendError> {
        Err(BackendError::Other("unused".into()))
    }
}
