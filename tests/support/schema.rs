//! Checks bkops' JSON output against `schema/output.v1.schema.json`, the schema scripts and
//! chat bots are told to rely on.

use serde_json::Value;

/// The errors of `doc` against the output named `def` (`status`, `why`, …); empty when valid.
pub fn errors(def: &str, doc: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/output.v1.schema.json"))
        .expect("the schema file");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert!(schema["$defs"].get(def).is_some(), "the schema has no output named {def}");
    schema["$ref"] = Value::String(format!("#/$defs/{def}"));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Fails naming every error of `doc` against the output named `def`.
pub fn assert_valid(def: &str, doc: &Value) {
    let found = errors(def, doc);
    assert!(found.is_empty(), "{def} does not follow its schema:\n{}", found.join("\n"));
}
