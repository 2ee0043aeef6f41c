//! The command layer, the top of bkops: the command line and its arguments, `run.rs` (which
//! builds the backend and starts a command or the dashboard), each command that prints and exits
//! (`status`, `logs`, `scaling`, `terminate`, `ssm`, …), the config file, the contexts it names,
//! and the top-level error. Only this layer reads the config file or ends with that error;
//! everything it calls below returns its own errors.

pub mod boot;
pub mod check;
pub mod cli;
pub mod config;
pub mod contexts;
pub mod doctor;
pub mod error;
pub mod events;
mod generated;
pub mod logs;
pub mod operate;
pub mod run;
pub mod ssm;
pub mod status;
pub mod timeline;
pub mod update;
pub mod watch;
pub mod watch_settings;
pub mod why;

pub use cli::{Cli, Cmd, Format};
pub use generated::{completions, man_page, man_pages_to};
