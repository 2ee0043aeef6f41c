//! The README documents the keys and commands the code has: its key tables are the `?` help,
//! rendered as markdown, so they cannot drift from the keymap.

use bkops::app::command::COMMANDS;
use bkops::app::keymap::help_sections;

fn keys_markdown() -> String {
    let mut out = String::new();
    for (section, rows) in help_sections() {
        out.push_str(&format!("**{section}**\n\n| Keys | Does |\n|---|---|\n"));
        for (keys, desc) in rows {
            let keys = keys.split(' ').map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" ");
            out.push_str(&format!("| {keys} | {} |\n", desc.replace('|', "\\|")));
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
fn the_readme_starts_with_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let head: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release -- --demo"), "{head}");
    assert!(head.contains("cargo test"), "{head}");
}

#[test]
fn the_readmes_config_example_is_a_valid_config() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let section = readme.split("## Configuration").nth(1).expect("a Configuration section");
    let example =
        section.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml block");
    let config = bkops::config::parse(std::path::Path::new("README.md"), example).expect("parses");
    assert!(config.buildkite.trusted_endpoints.is_empty(), "the example trusts nothing by default");
}
