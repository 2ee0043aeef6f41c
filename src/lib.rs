//! bkops: a terminal operations console for the Buildkite Elastic CI Stack for AWS.

pub mod backend;
pub mod domain;
pub mod signals;
