//! Says which commit bkops was built from, for `bkops --version`, the JSON outputs and the log
//! file: `BKOPS_BUILD` is " (abc1234)", " (abc1234, dirty)" with uncommitted changes, or empty
//! when built outside its repository (from the packaged crate, by `cargo install`).

use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let root = Path::new(&root);
    // Only the crate's own repository: a packaged crate unpacked inside another repository
    // must not take that one's commit.
    let build = if root.join(".git").exists() {
        // Run again when the commit, the index or a tracked file changes.
        for watched in [".git/HEAD", ".git/index", ".git/packed-refs", ".git/refs/heads", "src", "Cargo.toml"]
        {
            println!("cargo:rerun-if-changed={watched}");
        }
        match git(root, &["rev-parse", "--short=7", "HEAD"]) {
            Some(commit) if !commit.is_empty() => {
                let dirty = git(root, &["status", "--porcelain", "--untracked-files=no"])
                    .is_some_and(|changes| !changes.is_empty());
                if dirty { format!(" ({commit}, dirty)") } else { format!(" ({commit})") }
            }
            _ => String::new(),
        }
    } else {
        String::new()
    };
    println!("cargo:rustc-env=BKOPS_BUILD={build}");
}
