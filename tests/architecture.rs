//! The direction of every seam, read from the source: each `crate::…` and `super::…` path in
//! the production code (tests excluded) is an arrow from one module to another, and the arrows
//! must point the way README's "How it is built" says. This is the rule a contributor meets
//! when a change makes a layer reach the wrong way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file's module path (`["app", "update", "keys"]`), the module paths it names, and the
/// external crates it uses.
struct File {
    path: PathBuf,
    module: Vec<String>,
    uses: BTreeSet<Vec<String>>,
    crates: BTreeSet<String>,
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
    // `main.rs` is the binary, a module of its own; `lib.rs` the crate's root, `[]`.
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code without comments, without the text of its string and character literals, and
/// without its `#[cfg(test)] mod tests` (inline or `mod tests;`). Only that module is left out:
/// any other item is read, test-only or not.
fn production_code(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        // A trailing comment: `//` after whitespace (a URL's `://` is not one).
        code.push_str(line.find(" //").map_or(line, |i| &line[..i]));
        code.push('\n');
    }
    without_test_module(&without_literals(&code))
}

/// The text with every string's and character literal's contents emptied, so that a `{`, a
/// `crate::` or a crate's name inside quotes is not read as code.
fn without_literals(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || (c == 'r' && matches!(chars.get(i + 1), Some('"' | '#')) && !prev_is_ident(&chars, i))
        {
            // `"…"` with escapes, or `r"…"`, `r#"…"#`.
            let raw = c == 'r';
            let mut hashes = 0;
            if raw {
                i += 1;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
                if chars.get(i) != Some(&'"') {
                    continue;
                }
            }
            i += 1;
            let mut newlines = 0;
            while i < chars.len() {
                if chars[i] == '\n' {
                    newlines += 1;
                }
                if !raw && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            // The lines stay where they were, for the sizes read from them.
            out.push('"');
            out.extend(std::iter::repeat_n('\n', newlines));
            out.push('"');
            continue;
        }
        // `'x'` and `'\n'`; a lifetime (`'a`) has no closing quote.
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\\') {
                let close = (i + 2..chars.len()).find(|&k| chars[k] == '\'').unwrap_or(chars.len());
                out.push_str("' '");
                i = close + 1;
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && is_ident(chars[i - 1])
}

/// The code without `#[cfg(test)] mod tests { … }` or `#[cfg(test)] mod tests;`.
fn without_test_module(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = rest[at + "#[cfg(test)]".len()..].trim_start();
        let Some(body) = after.strip_prefix("mod tests") else {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        out.push_str(&rest[..at]);
        let body = body.trim_start();
        if let Some(tail) = body.strip_prefix(';') {
            rest = tail;
            continue;
        }
        let mut depth = 0usize;
        let mut end = body.len();
        for (k, ch) in body.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &body[end..];
    }
    out.push_str(rest);
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
        let crates = crates_named(&code, &dependencies());
        files.push(File { path, module, uses, crates });
    }
    files
}

/// The crates of Cargo.toml's `[dependencies]`, as code names them (`aws-sdk-ssm` is `aws_sdk_ssm`).
fn dependencies() -> Vec<String> {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("Cargo.toml");
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside
            && !line.starts_with('#')
            && let Some((name, _)) = line.split_once('=')
        {
            names.push(name.trim().replace('-', "_"));
        }
    }
    names
}

/// The dependencies the code names: `name::` where `name` starts a path (not `x::name::`).
fn crates_named(code: &str, dependencies: &[String]) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for name in dependencies {
        let needle = format!("{name}::");
        let mut from = 0;
        while let Some(at) = code[from..].find(&needle) {
            let at = from + at;
            let before = code[..at].chars().last();
            if !before.is_some_and(|c| is_ident(c) || c == ':') {
                named.insert(name.clone());
                break;
            }
            from = at + needle.len();
        }
    }
    named
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The leaves: small modules every layer may use; each names only `domain` and other leaves
/// (`domain` names none, and `analysis` only `domain`).
const LEAVES: &[&str] =
    &["domain", "analysis", "clock", "deadline", "logging", "output", "paths", "stop", "theme", "version"];

/// The layers, bottom up (README's "How it is built"): the top-level modules each may name
/// besides itself and the leaves. A top-level module missing here fails the test: where a new
/// one sits is decided in this table.
const LAYERS: &[(&str, &[&str], &str)] = &[
    ("domain", &[], "domain is pure data: it names nothing else of bkops"),
    ("analysis", &[], "an analysis is a pure function of the model: it names only domain"),
    ("clock", &[], "a leaf names only domain and other leaves"),
    ("deadline", &[], "a leaf names only domain and other leaves"),
    ("logging", &[], "a leaf names only domain and other leaves"),
    ("output", &[], "a leaf names only domain and other leaves"),
    ("paths", &[], "a leaf names only domain and other leaves"),
    ("stop", &[], "a leaf names only domain and other leaves"),
    ("theme", &[], "a leaf names only domain and other leaves"),
    ("version", &[], "a leaf names only domain and other leaves"),
    ("ops", &[], "operator actions reach the world through their own port, ops::port"),
    ("ssm", &["ops"], "sessions reach the world through their own port, ssm::port"),
    ("logs", &["backend"], "the log engine knows nothing of the dashboard or sessions"),
    ("snapshot", &["backend", "ops"], "a snapshot is read through the read traits, for every layer above"),
    ("backend", &["ops", "ssm"], "a backend knows nothing of the dashboard, the log engine or the commands"),
    (
        "app",
        &["logs", "ops"],
        "the core knows no backend, no session transport, no runtime and not how it is drawn",
    ),
    ("ui", &["app"], "the drawing is a function of the core's state: it knows no backend and no runtime"),
    (
        "runtime",
        &["app", "ui", "backend", "logs", "ops", "snapshot", "ssm"],
        "only the command layer starts the runtime",
    ),
    (
        "commands",
        &["app", "ui", "backend", "logs", "ops", "snapshot", "ssm", "runtime"],
        "the command layer is the top",
    ),
    ("main", &["commands"], "the binary only starts the command layer"),
];

/// Finer rules, for a pair of layers the table lets through: which modules of the target the
/// named layer may reach (`Allow`) or may not (`Deny`).
enum Only {
    Allow(&'static [&'static str]),
    Deny(&'static [&'static str]),
}
const WITHIN: &[(&str, &str, Only, &str)] = &[
    ("app", "logs", Only::Allow(&["format"]), "the core uses only the log format of logs/"),
    (
        "app",
        "ops",
        Only::Deny(&["apply", "audit", "audit_read"]),
        "the core makes plans and says what they call; applying them and the audit log are the runtime's",
    ),
    (
        "backend",
        "ops",
        Only::Allow(&["port"]),
        "a backend implements ops::port and names nothing else of ops",
    ),
    (
        "backend",
        "ssm",
        // The session port, and the wire protocol the demo's agent speaks.
        Only::Allow(&["port", "channel", "frame", "ids"]),
        "a backend implements ssm::port and names no session",
    ),
    (
        "logs",
        "backend",
        Only::Deny(&["live", "sim", "buildkite"]),
        "the log engine reads through the backend's traits, not one backend",
    ),
    (
        "snapshot",
        "backend",
        Only::Deny(&["live", "sim", "buildkite"]),
        "a snapshot reads through the backend's traits, not one backend",
    ),
    (
        "runtime",
        "snapshot",
        Only::Deny(&["doctor"]),
        "the runtime asks the model which log groups a stack has, not the doctor's report",
    ),
];

/// Where each layer may reach from, for a module path.
fn layer(module: &[String]) -> &str {
    // lib.rs declares the modules: it is the crate's root, not a layer.
    module.first().map_or("", String::as_str)
}

/// Why `from` may not name `to`, if it may not.
fn forbidden(from: &[String], to: &[String]) -> Option<&'static str> {
    let top = layer(from);
    let target = to[0].as_str();
    let second = to.get(1).map(String::as_str).unwrap_or("");
    if target == top || top.is_empty() {
        return None;
    }
    let Some((_, may, why)) = LAYERS.iter().find(|(name, ..)| *name == top) else {
        return Some("a top-level module with no row in LAYERS: say where it sits first");
    };
    let leaf_may_name = match top {
        "domain" => false,
        "analysis" => target == "domain",
        _ => LEAVES.contains(&target),
    };
    if !leaf_may_name && !may.contains(&target) {
        return Some(why);
    }
    for (from_layer, to_layer, only, why) in WITHIN {
        if *from_layer == top && *to_layer == target {
            let allowed = match only {
                Only::Allow(these) => these.contains(&second),
                Only::Deny(these) => !these.contains(&second),
            };
            if !allowed {
                return Some(why);
            }
        }
    }
    None
}

/// The external crates, and the modules that may use each (a path prefix: `app::layout` is
/// that file, `app` all of the core). A dependency missing here fails the test.
const CRATES: &[(&str, &[&str])] = &[
    // Plain data and its helpers: anywhere.
    ("serde", &["*"]),
    ("serde_json", &["*"]),
    ("thiserror", &["*"]),
    ("jiff", &["*"]),
    ("regex", &["*"]),
    ("unicode_width", &["*"]),
    ("tracing", &["*"]),
    ("futures", &["*"]),
    ("async_trait", &["*"]),
    // Doing things: never the core, the drawing or the pure model.
    (
        "tokio",
        &["backend", "commands", "deadline", "logs", "ops", "runtime", "snapshot", "ssm", "stop", "main"],
    ),
    ("tokio_util", &["backend", "commands", "logs", "runtime", "ssm"]),
    ("rustix", &["runtime", "ssm", "stop", "paths", "ops"]),
    ("sha2", &["ssm", "backend"]),
    ("tracing_subscriber", &["logging"]),
    // The terminal: drawn by ui/, held by the runtime; the core reads key and mouse events
    // and lays out its panes (for drawing and clicks alike), and writes its windows' text as
    // pieces with roles (app::text) that ui/ styles.
    ("ratatui", &["ui", "theme", "runtime", "app::layout"]),
    ("crossterm", &["app", "runtime", "ssm::console"]),
    // The command line.
    ("clap", &["commands", "main"]),
    ("clap_complete", &["commands"]),
    ("clap_mangen", &["commands"]),
    ("toml", &["commands::config", "theme"]),
    // AWS and Buildkite: the live backend, and the session transport it signs.
    ("aws_config", &["backend::live"]),
    ("aws_credential_types", &["backend::live", "ssm"]),
    ("aws_sdk_autoscaling", &["backend::live"]),
    ("aws_sdk_cloudformation", &["backend::live"]),
    ("aws_sdk_cloudwatch", &["backend::live"]),
    ("aws_sdk_cloudwatchlogs", &["backend::live"]),
    ("aws_sdk_eventbridge", &["backend::live"]),
    ("aws_sdk_lambda", &["backend::live"]),
    ("aws_sdk_ssm", &["backend::live"]),
    ("aws_sdk_sts", &["backend::live"]),
    ("aws_sigv4", &["ssm"]),
    ("aws_smithy_runtime_api", &["backend::live"]),
    ("aws_smithy_types", &["backend::live"]),
    // HTTP: Buildkite's APIs, the live backend, and the published template (no credentials).
    ("reqwest", &["backend::buildkite", "backend::live", "backend::release", "backend::webhook"]),
    ("http", &["backend::live", "backend::buildkite", "ssm"]),
    ("url", &["backend::buildkite", "ssm"]),
    // The built-in session client, and the demo's SSM agent it talks to.
    ("tokio_tungstenite", &["ssm", "backend::sim::agent"]),
];

/// Why `module` may not use `krate`, if it may not.
fn crate_forbidden(module: &[String], krate: &str) -> Option<String> {
    let Some((_, allowed)) = CRATES.iter().find(|(name, _)| *name == krate) else {
        return Some(format!("{krate} has no row in CRATES: say which layers may use it first"));
    };
    let path = module.join("::");
    let ok = allowed.iter().any(|p| *p == "*" || path == *p || path.starts_with(&format!("{p}::")));
    (!ok).then(|| format!("{krate} is for {} only", allowed.join(", ")))
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

#[test]
fn every_crate_is_used_where_its_layer_allows() {
    let mut wrong = Vec::new();
    for f in read(&src()) {
        for krate in &f.crates {
            if let Some(why) = crate_forbidden(&f.module, krate) {
                wrong.push(format!("{} uses {krate}: {why}", f.path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{} crates used out of their layer:\n{}", wrong.len(), wrong.join("\n"));
}

/// Every top-level module and every dependency has its row: the tables are whole.
#[test]
fn every_module_and_dependency_has_a_row() {
    let tops: BTreeSet<String> = read(&src()).iter().filter_map(|f| f.module.first().cloned()).collect();
    let missing: Vec<&String> = tops.iter().filter(|t| !LAYERS.iter().any(|(n, ..)| n == t)).collect();
    assert!(missing.is_empty(), "top-level modules with no row in LAYERS: {missing:?}");
    let deps = dependencies();
    assert!(deps.len() > 20, "Cargo.toml's dependencies are read: {deps:?}");
    let missing: Vec<&String> = deps.iter().filter(|d| !CRATES.iter().any(|(n, _)| n == d)).collect();
    assert!(missing.is_empty(), "dependencies with no row in CRATES: {missing:?}");
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

/// The reader's blind spots are closed: only the test module is skipped, quoted text is not
/// code, and a crate is named only where a path starts with it.
#[test]
fn the_reader_skips_only_the_test_module_and_quoted_text() {
    let code = production_code(
        "use crate::a;\n#[cfg(test)]\nfn only_in_tests() { crate::b::x(); }\nconst S: &str = \"crate::c { ratatui::d\";\nconst C: char = '{';\nfn f<'a>(x: &'a str) {}\n#[cfg(test)]\nmod tests {\n    use crate::d;\n    fn g() { let _ = \"}\"; }\n}\nuse crate::e;\n",
    );
    assert!(code.contains("crate::a") && code.contains("crate::b") && code.contains("crate::e"), "{code}");
    assert!(!code.contains("crate::c") && !code.contains("crate::d"), "{code}");
    assert!(code.contains("fn f<'a>(x: &'a str)"), "a lifetime is not a character: {code}");
    let deps = ["ratatui".to_string(), "http".to_string()];
    assert_eq!(crates_named("use ratatui::text::Line;", &deps), BTreeSet::from(["ratatui".to_string()]));
    assert!(crates_named("crate::backend::http::get(); xhttp::y", &deps).is_empty());
    // sim/mod.rs declares a test-only module near its top: what follows it is still read.
    let files = read(&src());
    let sim = files.iter().find(|f| f.module == ["backend", "sim"]).expect("sim/mod.rs is read");
    assert!(sim.uses.contains(&vec!["domain".to_string(), "groups".to_string(), "LogGroup".to_string()]));
}

/// Every row of the tables refuses something: each rule, broken once, is seen.
#[test]
fn every_rule_refuses_what_it_is_for() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    for (layer, may, _) in LAYERS {
        if *layer != "commands" && *layer != "main" {
            assert!(
                forbidden(&m(layer), &m("commands::run")).is_some(),
                "{layer} may not name the command layer"
            );
        }
        if *layer != "domain" {
            assert!(forbidden(&m(layer), &m("domain::ids")).is_none(), "{layer} may name domain");
        }
        for target in *may {
            assert!(
                forbidden(&m(layer), &m(target)).is_none()
                    || WITHIN.iter().any(|(f, t, ..)| f == layer && t == target)
            );
        }
    }
    assert!(forbidden(&m("domain"), &m("clock")).is_some());
    assert!(forbidden(&m("domain"), &m("analysis::why")).is_some(), "the model names no analysis");
    assert!(forbidden(&m("analysis::why"), &m("domain::scaler")).is_none());
    assert!(forbidden(&m("analysis::why"), &m("clock")).is_some(), "an analysis names only the model");
    assert!(forbidden(&m("theme"), &m("app::state")).is_some());
    assert!(forbidden(&m("app"), &m("ui::status")).is_some());
    assert!(forbidden(&m("app"), &m("backend")).is_some());
    assert!(forbidden(&m("ui"), &m("runtime::executor")).is_some());
    assert!(forbidden(&m("newcomer"), &m("domain")).is_some(), "a module with no row is refused");
    for (from, to, only, _) in WITHIN {
        let refused = match only {
            Only::Allow(_) => "not_allowed",
            Only::Deny(these) => these[0],
        };
        assert!(forbidden(&m(from), &m(&format!("{to}::{refused}"))).is_some(), "{from} -> {to}::{refused}");
    }
    assert!(crate_forbidden(&m("app::update::keys"), "ratatui").is_some());
    assert!(crate_forbidden(&m("app::layout"), "ratatui").is_none());
    assert!(crate_forbidden(&m("ui::status"), "aws_sdk_ssm").is_some());
    assert!(crate_forbidden(&m("backend::sim::stack"), "aws_sdk_ssm").is_some());
    assert!(crate_forbidden(&m("analysis::why"), "tokio").is_some());
    assert!(crate_forbidden(&m("ops"), "left_pad").is_some(), "a crate with no row is refused");
}

/// A file's production lines as written (comments and all), up to its test module, and the
/// same lines with comments and quoted text emptied, for finding where functions end.
fn sized_lines(text: &str) -> (usize, Vec<String>) {
    let cut = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    let written = text[..cut].lines().count();
    let uncommented: String = text[..cut]
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") { "" } else { l.find(" //").map_or(l, |i| &l[..i]) }
        })
        .collect::<Vec<_>>()
        .join("\n");
    (written, without_literals(&uncommented).lines().map(String::from).collect())
}

/// Each function's name, first line and length in lines (its signature to its closing brace).
fn functions(lines: &[String]) -> Vec<(String, usize, usize)> {
    let start =
        regex::Regex::new(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)").expect("regex");
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = start.captures(line) else { continue };
        let mut depth = 0i32;
        let mut opened = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            if !opened && l.trim_end().ends_with(';') && !l.contains('{') {
                break; // a trait's signature, no body
            }
            for ch in l.chars() {
                match ch {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                found.push((c[5].to_string(), i + 1, j - i + 1));
                break;
            }
        }
    }
    found
}

const LONGEST_FUNCTION: usize = 100;
const LONGEST_FILE: usize = 400;

/// Small parts: no production function over 100 lines, no production file over 400 (tests
/// aside). A feature that grows a function past this splits it into named steps.
#[test]
fn functions_and_files_stay_small() {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    let mut long = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(src()).expect("under src");
        if rel.iter().any(|c| c == "tests") || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let (written, lines) = sized_lines(&std::fs::read_to_string(&path).expect("read"));
        if written > LONGEST_FILE {
            long.push(format!("{}: {written} lines (at most {LONGEST_FILE})", rel.display()));
        }
        for (name, at, length) in functions(&lines) {
            if length > LONGEST_FUNCTION {
                long.push(format!(
                    "{}:{at}: fn {name} is {length} lines (at most {LONGEST_FUNCTION})",
                    rel.display()
                ));
            }
        }
    }
    assert!(long.is_empty(), "{} too long:\n{}", long.len(), long.join("\n"));
}

#[test]
fn the_sizes_are_read_from_the_code() {
    let text = "fn short() {\n    let c = '{';\n}\n\n/// doc {\npub async fn two(\n    x: u8,\n) -> u8 {\n    // }\n    if x > 0 { x } else { \"}\".len() as u8 }\n}\ntrait T { fn sig(&self); }\n#[cfg(test)]\nmod tests {\n    fn hidden() {}\n}\n";
    let (written, lines) = sized_lines(text);
    assert_eq!(written, 12);
    let found = functions(&lines);
    assert_eq!(found, [("short".to_string(), 1, 3), ("two".to_string(), 6, 6)]);
}

/// Every file under src/ is declared by its parent (`mod name;`): a file nobody declares is not
/// compiled, and a test file nobody declares passes without running (a split once left the
/// diagnosis's 32 tests out this way).
#[test]
fn every_file_is_declared_by_its_parent() {
    let src = src();
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let mut orphans = Vec::new();
    for path in &paths {
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else { continue };
        let dir = path.parent().expect("in a folder");
        if dir == src && matches!(name, "lib" | "main") || name == "mod" {
            continue;
        }
        // `a/b.rs` is declared in `a.rs`, `a/mod.rs`, or the crate's root for `src/b.rs`.
        let parents = if dir == src {
            vec![src.join("lib.rs"), src.join("main.rs")]
        } else {
            vec![dir.with_extension("rs"), dir.join("mod.rs")]
        };
        let declared = parents.iter().filter_map(|p| std::fs::read_to_string(p).ok()).any(|text| {
            text.lines().map(str::trim_start).any(|l| {
                let l = l.strip_prefix("pub ").or_else(|| l.strip_prefix("pub(crate) ")).unwrap_or(l);
                l.strip_prefix("mod ").is_some_and(|rest| {
                    rest.strip_prefix(name).is_some_and(|after| after.starts_with([';', ' ', '{']))
                })
            })
        });
        if !declared {
            orphans.push(path.strip_prefix(&src).expect("under src").display().to_string());
        }
    }
    assert!(orphans.len() < paths.len() / 2, "the check reads the declarations: {orphans:?}");
    assert!(orphans.is_empty(), "files no module declares (not compiled, their tests not run): {orphans:?}");
}
