//! Shells on instances through AWS Systems Manager Session Manager: StartSession, then
//! `session-manager-plugin` with the terminal handed to it, or bkops' own client of the data
//! channel, and TerminateSession when the session cannot start or fails.

pub mod channel;
mod console;
mod ending;
pub mod frame;
pub(crate) mod ids;
pub mod native;
pub mod plugin;
pub mod port;
pub mod session;
pub mod signing;
pub mod tty;

pub use port::{PluginContext, Registration, Session, SessionRequest, Sessions};
