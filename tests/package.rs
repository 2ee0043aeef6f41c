//! The packaged crate (`cargo package --list`) carries the project's own parts and nothing
//! else, and packaging it warns of nothing (every field crates.io shows is filled in).

use std::process::Command;

/// What may be in the package: the program, its themes and output schema, its benchmarks and
/// what they share with the tests, its documents, and what cargo itself adds.
const PARTS: &[&str] = &[
    "src/",
    "benches/",
    "tests/",
    "share/",
    "themes/",
    "schema/",
    "build.rs",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "Cargo.toml",
    "Cargo.toml.orig",
    "Cargo.lock",
    ".cargo_vcs_info.json",
];

fn cargo(args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("cargo runs")
}

fn package_list() -> (Vec<String>, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--offline", "--allow-dirty"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo package --list runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    (files, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn outside(files: &[String]) -> Vec<&String> {
    files
        .iter()
        .filter(|f| !PARTS.iter().any(|p| if p.ends_with('/') { f.starts_with(p) } else { f == p }))
        .collect()
}

#[test]
fn the_package_holds_the_projects_parts_and_nothing_else_and_warns_of_nothing() {
    let (files, stderr) = package_list();
    assert_eq!(outside(&files), Vec::<&String>::new(), "files outside the project's parts");
    for needed in ["src/main.rs", "build.rs", "themes/dark.toml", "README.md", "CHANGELOG.md", "LICENSE"] {
        assert!(files.iter().any(|f| f == needed), "{needed} is missing from the package");
    }
    assert!(!stderr.to_lowercase().contains("warning"), "cargo package --list warns:\n{stderr}");
    // Packing it warns of what the list does not: a test or benchmark left out of it.
    let packed = cargo(&["package", "--no-verify", "--offline", "--allow-dirty"]);
    let stderr = String::from_utf8_lossy(&packed.stderr);
    assert!(packed.status.success(), "{stderr}");
    assert!(!stderr.to_lowercase().contains("warning"), "cargo package warns:\n{stderr}");
}

#[test]
fn a_stray_file_is_caught() {
    let stray =
        vec!["src/main.rs".to_string(), "mutants.out/outcomes.json".to_string(), "notes.txt".to_string()];
    assert_eq!(outside(&stray), vec![&stray[1], &stray[2]]);
}
