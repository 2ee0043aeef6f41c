//! An `Operator` that only records TerminateSession: what a session that fails must call.

use std::sync::Mutex;

use async_trait::async_trait;
use bkops::backend::{BackendError, Operator};
use bkops::ops::{Call, Identity, ScalingTarget};

#[derive(Default)]
pub struct Recorder {
    pub terminated: Mutex<Vec<String>>,
}

#[async_trait]
impl Operator for Recorder {
    async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
        Err(BackendError::Other("unused".into()))
    }
    async fn identity(&self) -> Result<Identity, BackendError> {
        Err(BackendError::Other("unused".into()))
    }
    async fn execute(&self, _: &Call) -> Result<(), BackendError> {
        Err(BackendError::Other("unused".into()))
    }
    async fn terminate_session(&self, id: &str) -> Result<(), BackendError> {
        self.terminated.lock().expect("lock").push(id.to_string());
        Ok(())
    }
}
