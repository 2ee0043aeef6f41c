//! bkops: a terminal operations console for the Buildkite Elastic CI Stack for AWS.

pub mod app;
pub mod backend;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod logging;
pub mod paths;
pub mod run;
pub mod runtime;
pub mod signals;
pub mod status;
pub mod theme;
pub mod ui;
