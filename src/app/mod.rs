//! The functional core: the dashboard's state, the messages that change it, and `update`,
//! which returns the work to do as data. Nothing here does I/O or reads a clock.

pub mod command;
pub mod confirm;
pub mod dialog;
pub mod filter;
pub mod keymap;
pub mod layout;
pub mod logview;
mod msg;
pub mod shown;
mod state;
mod update;

pub use msg::{Effect, Msg, Payload};
pub use state::{
    AppState, InstanceColumn, ListState, Lists, Loadable, Overlay, Pane, Prompt, PromptKind,
    RefreshIntervals, Resource, Settings, Sort, Tracked,
};
pub use update::update;
