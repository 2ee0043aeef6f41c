//! What a stack update needs from the world, as CloudFormation gives it: the stack's
//! parameters now, the template's parameter declarations (GetTemplateSummary), a change set's
//! preview (DescribeChangeSet) and the stack's status and events while it changes.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::domain::StackEvent;
use crate::domain::text::Sanitize;

/// One parameter as a change set is given it: a value, or the stack's previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackParameter {
    pub key: String,
    /// `None`: `UsePreviousValue`.
    pub value: Option<String>,
    /// The template declares it `NoEcho` (the agent token): its value is never shown or logged.
    pub secret: bool,
}

/// How a secret's value is shown, logged and printed.
pub const MASK: &str = "****";

impl StackParameter {
    /// The value as it may be shown: the previous one, masked, or itself.
    pub fn shown(&self) -> String {
        match &self.value {
            None => "(previous)".to_string(),
            Some(_) if self.secret => MASK.to_string(),
            Some(v) => v.clone(),
        }
    }
}

/// The audit log records the parameter as it is shown: a secret never reaches it.
impl Serialize for StackParameter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("StackParameter", 2)?;
        st.serialize_field("key", &self.key)?;
        match &self.value {
            None => st.serialize_field("use_previous_value", &true)?,
            Some(_) => st.serialize_field("value", &self.shown())?,
        }
        st.end()
    }
}

/// A parameter the template declares (GetTemplateSummary's `ParameterDeclarations`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParamDecl {
    pub key: String,
    pub default: Option<String>,
    pub no_echo: bool,
    /// `ParameterConstraints.AllowedValues`; empty when any value goes.
    pub allowed: Vec<String>,
}

/// The stack as an update starts from it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateSource {
    pub stack: String,
    /// `StackStatus` now.
    pub status: String,
    /// The stack's parameters as DescribeStacks gives them (NoEcho ones come back as `****`).
    pub parameters: BTreeMap<String, String>,
    /// The template the update would deploy: its parameters.
    pub declared: Vec<ParamDecl>,
    /// The stack's version now, and the template's (from their descriptions), when known.
    pub version: Option<String>,
    pub template_version: Option<String>,
    /// Deployed with the Terraform module: CloudFormation cannot update it.
    pub terraform: bool,
}

/// One resource in a change set's preview (`ResourceChange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for a `Modify`.
    pub replacement: Option<String>,
}

/// A change set as DescribeChangeSet gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeSetView {
    /// `CREATE_PENDING`, `CREATE_IN_PROGRESS`, `CREATE_COMPLETE`, `FAILED`, …
    pub status: String,
    pub reason: Option<String>,
    pub changes: Vec<ResourceChange>,
}

/// The stack while it changes: its status and its events since the change began, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackProgress {
    pub status: String,
    pub events: Vec<StackEvent>,
}

/// Parameter values and reasons are shown; the stack's account decides them.
impl Sanitize for UpdateSource {
    fn sanitize(&mut self) {
        for v in self.parameters.values_mut() {
            v.sanitize();
        }
        for d in &mut self.declared {
            d.default.sanitize();
            d.allowed.iter_mut().for_each(Sanitize::sanitize);
        }
        self.version.sanitize();
        self.template_version.sanitize();
    }
}

impl Sanitize for ChangeSetView {
    fn sanitize(&mut self) {
        self.reason.sanitize();
        for c in &mut self.changes {
            c.logical_id.sanitize();
            c.resource_type.sanitize();
        }
    }
}

impl Sanitize for StackProgress {
    fn sanitize(&mut self) {
        self.status.sanitize();
        self.events.sanitize();
    }
}
