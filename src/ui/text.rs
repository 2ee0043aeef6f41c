//! The TUI's text helpers: the one definition of dangerous text lives in `domain::text`.

pub use crate::domain::text::{sanitize, truncate};
