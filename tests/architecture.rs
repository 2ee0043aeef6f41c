//! The direction of every seam, read from the source: each `crate::…` and `super::…` path in
//! the production code (tests excluded) is an arrow from one module to another, and the arrows
//! must point the way README's "How it is built" says. This is the rule a contributor meets
//! when a change makes a layer reach the wrong way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file's module path (`["app", "update", "keys"]`) and the module paths it names.
struct File {
    path: PathBuf,
    module: Vec<String>,
    uses: BTreeSet<Vec<String>>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The code without comments and without its test module.
fn production_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        // A trailing comment: `//` after whitespace (a URL's `://` is not one).
        let code = match line.find(" //") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a use tree or path that starts at `text` (after `crate::` or `super::`): `a::b`,
/// `a::{b, c::d}`, `{a, b::{c}}`. Returns the paths and where the tree ended.
fn expand(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut path = prefix.to_vec();
    loop {
        while i < bytes.len() && bytes[i].is_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == '{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_whitespace() || bytes[i] == ',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == '}' {
                    return i + 1;
                }
                let rest: String = bytes[i..].iter().collect();
                i += expand(&rest, &path, out);
            }
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let word: String = bytes[start..i].iter().collect();
        if word.is_empty() || word == "self" {
            out.push(path);
            return i;
        }
        path.push(word);
        if bytes.get(i) == Some(&':') && bytes.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

fn read(src: &Path) -> Vec<File> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    let mut files = Vec::new();
    for path in paths {
        // `mod tests;` files, and the files of a `tests/` folder beside them, are test code.
        let in_tests = path.strip_prefix(src).is_ok_and(|p| p.iter().any(|c| c == "tests"));
        if path.file_name().is_some_and(|n| n == "tests.rs") || in_tests {
            continue;
        }
        let module = module_of(src, &path);
        let code = production_code(&std::fs::read_to_string(&path).expect("read"));
        let mut found = Vec::new();
        let mut rest = code.as_str();
        while let Some(at) = rest.find(['c', 's']) {
            let before = rest[..at].chars().last();
            let tail = &rest[at..];
            rest = &rest[at + 1..];
            if before.is_some_and(is_ident) {
                continue;
            }
            if let Some(after) = tail.strip_prefix("crate::") {
                expand(after, &[], &mut found);
            } else if tail.starts_with("super::") {
                // `super::super::x` from `a/b/c.rs` is `a::x`; from `a/b/mod.rs`, `x`.
                let mut base = module.clone();
                let mut t = tail;
                while let Some(after) = t.strip_prefix("super::") {
                    base.pop();
                    t = after;
                }
                expand(t, &base, &mut found);
            }
        }
        let uses = found.into_iter().filter(|p| !p.is_empty()).collect();
        files.push(File { path, module, uses });
    }
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules no lower layer may name, by layer, and what each may not import.
fn forbidden(from: &[String], to: &[String]) -> Option<&'static str> {
    let top = from.first().map(String::as_str).unwrap_or("");
    let target = to[0].as_str();
    let second = to.get(1).map(String::as_str).unwrap_or("");
    const LEAVES: [&str; 7] = ["domain", "clock", "output", "paths", "stop", "theme", "logging"];
    if target == top {
        return None;
    }
    if top == "domain" {
        return Some("domain is pure data: it imports nothing else of bkops");
    }
    if LEAVES.contains(&top) && !LEAVES.contains(&target) {
        return Some("a leaf module imports only domain and other leaves");
    }
    if target == "runtime" && !matches!(top, "run" | "main" | "") {
        return Some("only run.rs starts the runtime");
    }
    if target == "commands" && !matches!(top, "run" | "main" | "" | "error") {
        return Some("the command layer is the top: nothing below it names it");
    }
    if matches!(target, "config" | "run") && !matches!(top, "commands" | "run" | "main" | "" | "error") {
        return Some("only the command layer and run.rs read the config file");
    }
    if target == "error" && !matches!(top, "commands" | "run" | "main" | "") {
        return Some("only the command layer and run.rs end with the top-level error");
    }
    match top {
        "app" | "ui" => {
            if matches!(target, "backend" | "ssm") {
                return Some("the core and the drawing know no backend and no session transport");
            }
            if top == "app" && target == "ui" {
                return Some("the core does not know how it is drawn");
            }
            if target == "logs" && second != "format" {
                return Some("the core uses only the log format of logs/");
            }
        }
        "backend" => {
            if matches!(target, "app" | "ui" | "logs") {
                return Some("a backend knows nothing of the dashboard or the log engine");
            }
            if target == "ops" && second != "port" {
                return Some("a backend implements ops::port and names nothing else of ops");
            }
            // The session port, and the wire protocol the demo's agent speaks.
            if target == "ssm" && !matches!(second, "port" | "channel" | "frame" | "ids") {
                return Some("a backend implements ssm::port and names no session");
            }
        }
        "ops" | "logs" if matches!(target, "app" | "ui" | "ssm") => {
            return Some("operator actions and logs know nothing of the dashboard or sessions");
        }
        "ops" if target == "backend" => {
            return Some("operator actions reach the world through their own port, ops::port");
        }
        "logs" if target == "backend" && matches!(second, "aws" | "sim" | "buildkite") => {
            return Some("the log engine reads through the backend's traits, not one backend");
        }
        "ssm" if matches!(target, "backend" | "app" | "ui" | "logs") => {
            return Some("sessions reach the world through their own port, ssm::port");
        }
        _ => {}
    }
    None
}

#[test]
fn every_arrow_points_the_way_the_layers_go() {
    let mut wrong = Vec::new();
    for f in read(&src()) {
        for to in &f.uses {
            if let Some(why) = forbidden(&f.module, to) {
                wrong.push(format!("{} names crate::{}: {why}", f.path.display(), to.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "{} arrows point the wrong way:\n{}", wrong.len(), wrong.join("\n"));
}

/// A cycle in `edges`, if any, as the nodes on it.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut c = stack[at..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if !state.contains_key(n.as_str())
            && let Some(c) = visit(n, edges, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// No circle between modules: neither between the top-level modules nor between the files
/// of any one folder (a folder's `mod.rs`, which declares and re-exports its files, is left
/// out: its arrows to its own files are not a layer's).
#[test]
fn no_module_circles() {
    let files = read(&src());
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    // Edges between siblings, grouped by the folder they share.
    let mut within: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        for to in &f.uses {
            let shared = f.module.iter().zip(to).take_while(|(a, b)| a == b).count();
            let (Some(from), Some(target)) = (f.module.get(shared), to.get(shared)) else { continue };
            // Only names of files or folders count, not items a `mod.rs` re-exports.
            let target_module: Vec<String> = to[..=shared].to_vec();
            if !modules.iter().any(|m| m.starts_with(&target_module)) {
                continue;
            }
            within
                .entry(f.module[..shared].to_vec())
                .or_default()
                .entry(from.clone())
                .or_default()
                .insert(target.clone());
        }
    }
    let circles: Vec<String> = within
        .iter()
        .filter_map(|(folder, edges)| {
            let c = cycle(edges)?;
            let name = if folder.is_empty() {
                "the top-level modules".to_string()
            } else {
                format!("{}/", folder.join("/"))
            };
            Some(format!("{name}: {}", c.join(" -> ")))
        })
        .collect();
    assert!(circles.is_empty(), "module circles:\n{}", circles.join("\n"));
}

/// The reader itself: it must see the arrows it is meant to judge, or the tests above pass on
/// nothing.
#[test]
fn the_reader_sees_use_trees_super_paths_and_inline_paths() {
    let mut found = Vec::new();
    expand("a::{b, c::{d, e}, f::g}", &[], &mut found);
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["a::b", "a::c::d", "a::c::e", "a::f::g"]);
    let files = read(&src());
    let uses_of = |module: &[&str]| {
        let f = files.iter().find(|f| f.module == module).expect("the file is read");
        f.uses.iter().map(|p| p.join("::")).collect::<Vec<_>>()
    };
    // `use super::{lists, …}` in app/update/keys.rs, and `crate::domain::{…}` in loads.rs.
    assert!(uses_of(&["app", "update", "keys"]).contains(&"app::update::lists".to_string()));
    assert!(uses_of(&["app", "update", "loads"]).contains(&"domain::BackendError".to_string()));
    assert!(forbidden(&["app".into()], &["backend".into()]).is_some());
    assert!(forbidden(&["backend".into()], &["ops".into(), "plan".into()]).is_some());
    assert!(forbidden(&["backend".into()], &["ops".into(), "port".into()]).is_none());
    assert!(forbidden(&["domain".into()], &["clock".into()]).is_some());
    assert!(forbidden(&["ui".into()], &["runtime".into()]).is_some());
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert!(cycle(&edges).is_some());
    edges.remove("b");
    assert!(cycle(&edges).is_none());
}
