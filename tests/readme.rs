//! The README documents the keys and commands the code has: its key tables are the `?` help,
//! rendered as markdown, so they cannot drift from the keymap.

use bkops::app::command::COMMANDS;
use bkops::app::keymap::key_label;
use bkops::app::rebind::{Keymap, action_name, scope_name};

/// The key tables: every binding of the built-in keymap by the help's sections, with the name
/// `[keys]` in the config file rebinds it by.
fn keys_markdown() -> String {
    let map = Keymap::default();
    let mut titles: Vec<&str> = Vec::new();
    for b in &map.bindings {
        if !titles.contains(&b.scope.title()) {
            titles.push(b.scope.title());
        }
    }
    let mut out = String::new();
    for title in titles {
        out.push_str(&format!("**{title}**\n\n| Keys | Does | Name in `[keys]` |\n|---|---|---|\n"));
        for b in map.bindings.iter().filter(|b| b.scope.title() == title) {
            let keys = b.keys.iter().map(|k| format!("`{}`", key_label(k))).collect::<Vec<_>>().join(" ");
            let name = format!("`{}.{}`", scope_name(b.scope), action_name(b.action));
            out.push_str(&format!("| {keys} | {} | {name} |\n", b.desc.replace('|', "\\|")));
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_readme_lists_every_key_binding() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let expected = keys_markdown();
    assert!(readme.contains(&expected), "README.md should contain exactly:\n\n{expected}");
}

#[test]
fn the_readme_lists_every_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    for (name, args, desc) in COMMANDS {
        // A `|` inside a table cell must be escaped, even between backticks.
        let usage = format!("{name} {args}").trim().replace('|', "\\|");
        let row = format!("| `:{usage}` | {desc} |");
        assert!(readme.contains(&row), "README.md lacks the row: {row}");
    }
}

#[test]
fn the_readme_starts_with_how_to_install_see_it_work_and_test_it() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    // The first screenful and a half: what bkops is, each way to install it, the demo, the tests.
    let head: String = readme.lines().take(36).collect::<Vec<_>>().join("\n");
    for needed in [
        "## Install",
        "bkops-installer.sh | sh",
        "brew install bkops/tap/bkops",
        "cargo binstall bkops",
        "cargo install --locked bkops",
        "cargo install --locked --path .",
        "bkops --demo",
        "cargo run --release -- --demo",
        "cargo test",
    ] {
        assert!(head.contains(needed), "the README's head lacks {needed}:\n{head}");
    }
}

#[test]
fn the_readmes_config_example_is_a_valid_config() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let section = readme.split("## Configuration").nth(1).expect("a Configuration section");
    let example =
        section.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml block");
    let config = bkops::commands::config::parse(std::path::Path::new("README.md"), example).expect("parses");
    assert!(config.buildkite.trusted_endpoints.is_empty(), "the example trusts nothing by default");
}

/// The words of a shell command line: spaces split, quotes group (no escapes or expansions:
/// the README's examples need none).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// Every command-line example in the README runs on the demo and prints something: the
/// instance and agent names in them stand for the demo's oldest instance, a following or interactive
/// one (`-f`, `--live`, `ssm`) and one for a real account (`--profile`, `--endpoint-url`) are
/// left out, and a pipe or a redirection is dropped (its output is read here instead).
#[test]
fn the_readmes_examples_run_on_the_demo() {
    let bin = env!("CARGO_BIN_EXE_bkops");
    let home = std::env::temp_dir().join(format!("bkops-readme-{}", std::process::id()));
    let run = |args: &[String]| {
        std::process::Command::new(bin)
            .args(args)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("BKOPS_CONFIG")
            .output()
            .expect("runs")
    };
    let status = run(&["--demo".into(), "status".into(), "--format".into(), "json".into()]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    // The oldest: its logs go back furthest, as the examples' windows do.
    let instances = v["stacks"][0]["auto_scaling"]["instances"].as_array().expect("instances");
    let oldest =
        instances.iter().max_by_key(|i| i["age_seconds"].as_i64().unwrap_or(0)).expect("an instance");
    let instance = oldest["id"].as_str().expect("an id").to_string();
    let agent = format!("ci-linux-{instance}-1");

    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let mut in_code = false;
    let mut ran = 0;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code || !line.starts_with("bkops ") || line.contains('[') || line.contains("...") {
            continue;
        }
        let command = line.split("  #").next().unwrap_or(line).trim();
        let command = command.split(" | ").next().unwrap_or(command);
        let command = command.split(" > ").next().unwrap_or(command);
        let mut args = words(command);
        args.remove(0);
        let interactive =
            ["-f", "--live", "ssm", "--profile", "--endpoint-url", "--context", "--all-contexts"];
        // `a|b` outside quotes is a synopsis's alternatives, not an example.
        let mut quoted = None;
        let unquoted: String = command
            .chars()
            .filter(|&c| match quoted {
                Some(q) if c == q => {
                    quoted = None;
                    false
                }
                Some(_) => false,
                None if c == '\'' || c == '"' => {
                    quoted = Some(c);
                    false
                }
                None => true,
            })
            .collect();
        if args.iter().any(|a| interactive.contains(&a.as_str())) || unquoted.contains('|') {
            continue;
        }
        for a in &mut args {
            if a == "i-…" || a == "i-0123456789abcdef0" {
                *a = instance.clone();
            } else if a == "ci-linux-i-0123456789abcdef0-1" {
                *a = agent.clone();
            }
        }
        // Options alone start the dashboard, which needs a terminal: the tmux tests drive it.
        if args.iter().all(|a| a.starts_with("--")) {
            continue;
        }
        if !args.iter().any(|a| a == "--demo") {
            args.insert(0, "--demo".into());
        }
        let out = run(&args);
        assert!(
            out.status.success(),
            "`{line}` as `bkops {}`: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        // A filter may match nothing in the demo's first seconds; anything else prints.
        let filtered = args.iter().any(|a| a == "--filter-pattern" || a == "--grep");
        assert!(filtered || !out.stdout.is_empty(), "`{line}` printed nothing");
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} examples ran");
}
