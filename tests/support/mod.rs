// Each test binary uses part of these helpers.
#![allow(dead_code)]

pub mod buildkite;
pub mod faults;
pub mod hooks;
pub mod moto;
pub mod schema;
pub mod sessions;
pub mod tmux;
