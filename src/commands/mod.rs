//! The command line: its arguments and each command that prints and exits (`status`, `logs`,
//! `scaling`, `terminate`, `ssm`). Only this layer and `run.rs` read the config file or end
//! with the top-level error; everything they call below returns its own errors.

pub mod check;
pub mod cli;
pub mod doctor;
mod generated;
pub mod logs;
pub mod operate;
pub mod ssm;
pub mod status;
pub mod timeline;
pub mod why;

pub use cli::{Cli, Cmd, Format};
pub use generated::{completions, man_page, man_pages_to};
