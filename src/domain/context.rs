//! An AWS context: a profile and a region, under the name the operator gave it.

use serde::Serialize;

/// A context of `[[contexts]]`, checked: its profile exists here and its region is spelt as
/// regions are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Context {
    pub name: String,
    pub profile: Option<String>,
    pub region: String,
}
