//! The manual pages and completion scripts the archives ship (`share/`) are the ones the
//! binary generates now: a change to the command line that leaves them behind fails here.
//! To write them again:
//!
//! ```sh
//! bkops man --dir share/man/man1
//! bkops completions bash > share/completions/bkops.bash
//! bkops completions zsh > share/completions/_bkops
//! bkops completions fish > share/completions/bkops.fish
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

fn bkops(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_bkops")).args(args).output().expect("bkops runs");
    assert!(out.status.success(), "bkops {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn shipped(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("share").join(rel)
}

const AGAIN: &str = "the shipped copy is behind the command line: write it again (tests/shipped.rs says how)";

#[test]
fn the_shipped_completions_are_the_ones_the_binary_writes() {
    for (shell, file) in [("bash", "bkops.bash"), ("zsh", "_bkops"), ("fish", "bkops.fish")] {
        let now = bkops(&["completions", shell]);
        let kept = std::fs::read(shipped(&format!("completions/{file}"))).expect("shipped completion");
        assert!(now == kept, "{file}: {AGAIN}");
    }
}

#[test]
fn the_shipped_manual_pages_are_the_ones_the_binary_writes_and_only_those() {
    let dir = std::env::temp_dir().join(format!("bkops-shipped-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    bkops(&["man", "--dir", dir.to_str().expect("utf8 path")]);
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("read dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let kept_dir = shipped("man/man1");
    assert_eq!(names(&dir), names(&kept_dir), "{AGAIN}");
    for name in names(&dir) {
        let now = std::fs::read(dir.join(&name)).expect("generated page");
        let kept = std::fs::read(kept_dir.join(&name)).expect("shipped page");
        assert!(now == kept, "{name}: {AGAIN}");
        // A page names the version, never the commit: it must not change with every commit.
        assert!(!String::from_utf8_lossy(&kept).contains("dirty"), "{name} names a build");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
