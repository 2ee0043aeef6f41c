//! The functional core: the dashboard's state, the messages that change it, and `update`,
//! which returns the work to do as data. Nothing here does I/O or reads a clock.

pub mod command;
pub mod confirm;
pub mod diagnosis;
pub mod dialog;
pub mod exit;
pub mod filter;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod logview;
mod msg;
pub mod overview;
mod panes;
pub mod rebind;
mod resource;
mod selection;
pub mod shown;
mod state;
pub mod text;
pub mod theme_rules;
mod update;
pub mod windows;
pub mod wrap;

pub use msg::{Effect, Msg, Payload};
pub use panes::{InstanceColumn, ListState, Lists, Overlay, Pane, Prompt, PromptKind, Sort};
pub use resource::{BOOTS_WINDOW_SECS, EVENTS_WINDOW_SECS, Loadable, RefreshIntervals, Resource, Tracked};
pub use state::{AppState, Flash, Settings};
pub use update::{update, update_at};
