//! What bkops works out from the model (`domain`): why jobs wait, the doctor's findings, the
//! timeline, the warnings, the fleet view's rows, the scaler's decision. Pure functions over
//! plain data: they name the model and nothing else of bkops.

pub mod boot;
pub mod doctor;
pub mod forensics;
pub mod log_signals;
pub mod overview;
pub mod rollover;
pub mod scaler_decision;
pub mod stack_events;
pub mod timeline;
mod warnings;
pub mod watch;
pub mod why;

pub use warnings::{Warning, stack_state, warnings};
