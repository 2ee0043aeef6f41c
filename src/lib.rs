//! bkops: a terminal operations console for the Buildkite Elastic CI Stack for AWS.

// Bad input gets a message and an exit code, never a panic: outside tests, no unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![forbid(unsafe_code)]

pub mod analysis;
pub mod app;
pub mod backend;
pub mod clock;
pub mod commands;
pub mod deadline;
pub mod domain;
pub mod logging;
pub mod logs;
pub mod ops;
pub mod output;
pub mod paths;
pub mod runtime;
pub mod snapshot;
pub mod ssm;
pub mod stop;
pub mod theme;
pub mod ui;
pub mod version;
