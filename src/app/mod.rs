//! The functional core: the dashboard's state, the messages that change it, and `update`,
//! which returns the work to do as data. Nothing here does I/O or reads a clock.

mod actions;
pub mod command;
pub mod confirm;
pub mod filter;
pub mod keymap;
mod logkeys;
pub mod logview;
mod msg;
mod state;
mod update;
pub mod views;

pub use msg::{Effect, Msg, Payload};
pub use state::{
    AppState, InstanceColumn, Loadable, Overlay, Pane, Prompt, PromptKind, RefreshIntervals, Resource, Sort,
};
pub use update::update;
