//! The parameters an update sends, from the stack's now, the template's declarations and
//! what the operator asked to change: a changed value is checked against the template's
//! allowed values; everything else keeps its previous value (`UsePreviousValue`), so that an
//! update never resets a parameter to the template's default by leaving it out.

use super::UpdateError;
use crate::ops::port::stack_update::{ParamDecl, StackParameter, UpdateSource};

/// One parameter's change, as the plan shows it (a secret's values masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamChange {
    pub key: String,
    /// `None`: the template adds the parameter.
    pub old: Option<String>,
    /// `None`: the template drops it.
    pub new: Option<String>,
}

/// What the change set is given, and what changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParamPlan {
    pub parameters: Vec<StackParameter>,
    pub changes: Vec<ParamChange>,
}

/// `KEY=VALUE` pairs from the command line, each key once.
pub fn parse_overrides(texts: &[String]) -> Result<Vec<(String, String)>, UpdateError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for text in texts {
        let (key, value) = text.split_once('=').ok_or_else(|| UpdateError::Syntax(text.clone()))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(UpdateError::Syntax(text.clone()));
        }
        if out.iter().any(|(k, _)| k == key) {
            return Err(UpdateError::Duplicate(key.to_string()));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

fn allowed_text(d: &ParamDecl) -> String {
    d.allowed.join(", ")
}

fn mask(d: &ParamDecl, v: &str) -> String {
    if d.no_echo { super::super::port::stack_update::MASK.to_string() } else { v.to_string() }
}

/// The parameters of the update: the operator's values, checked; the stack's previous values
/// for the rest of what the template declares (each checked against the template's allowed
/// values too, as a new release may drop one); the template's default for a parameter it adds.
pub fn parameters(source: &UpdateSource, overrides: &[(String, String)]) -> Result<ParamPlan, UpdateError> {
    if let Some((key, _)) = overrides.iter().find(|(k, _)| !source.declared.iter().any(|d| &d.key == k)) {
        let mut known: Vec<&str> = source.declared.iter().map(|d| d.key.as_str()).collect();
        known.sort_unstable();
        let known = if known.is_empty() { "no parameters".to_string() } else { known.join(", ") };
        return Err(UpdateError::UnknownParameter { key: key.clone(), known });
    }
    let mut plan = ParamPlan::default();
    for d in &source.declared {
        let given = overrides.iter().find(|(k, _)| *k == d.key).map(|(_, v)| v.as_str());
        let previous = source.parameters.get(&d.key);
        let allows = |v: &str| d.allowed.is_empty() || d.allowed.iter().any(|a| a == v);
        match (given, previous) {
            (Some(v), _) => {
                if !allows(v) {
                    return Err(UpdateError::NotAllowed {
                        key: d.key.clone(),
                        value: mask(d, v),
                        allowed: allowed_text(d),
                    });
                }
                let secret = d.no_echo;
                // A secret's old value is not known (DescribeStacks masks it): giving one is a change.
                if secret || previous.map(String::as_str) != Some(v) {
                    plan.changes.push(ParamChange {
                        key: d.key.clone(),
                        old: previous.map(|p| mask(d, p)),
                        new: Some(mask(d, v)),
                    });
                }
                plan.parameters.push(StackParameter {
                    key: d.key.clone(),
                    value: Some(v.to_string()),
                    secret,
                });
            }
            (None, Some(p)) => {
                if !d.no_echo && !allows(p) {
                    return Err(UpdateError::PreviousNotAllowed {
                        stack: source.stack.clone(),
                        key: d.key.clone(),
                        value: p.clone(),
                        allowed: allowed_text(d),
                    });
                }
                plan.parameters.push(StackParameter { key: d.key.clone(), value: None, secret: d.no_echo });
            }
            (None, None) => plan.changes.push(ParamChange {
                key: d.key.clone(),
                old: None,
                new: Some(d.default.as_deref().map_or_else(|| "(empty)".to_string(), |v| mask(d, v))),
            }),
        }
    }
    for (key, old) in &source.parameters {
        if !source.declared.iter().any(|d| &d.key == key) {
            plan.changes.push(ParamChange { key: key.clone(), old: Some(old.clone()), new: None });
        }
    }
    Ok(plan)
}
