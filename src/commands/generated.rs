//! What is generated from the command line's own definition: shell completion scripts and the
//! manual page, so that neither can drift from the options bkops takes.

use clap::CommandFactory;

use super::Cli;
use super::error::AppError;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "bkops", &mut out);
    out
}

/// The command line as the manual pages describe it: built (each command knows its full name,
/// `bkops-scaling-pause`), without clap's `help` command, which has no page of its own. A page
/// names the version alone, not the commit: the pages shipped in the archives (`man/`) change
/// only when the command line does.
fn manual_command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true).version(env!("CARGO_PKG_VERSION"));
    cmd.build();
    cmd
}

/// The manual page of bkops, or of one of its commands (`["scaling", "pause"]`), in roff.
pub fn man_page(path: &[String]) -> Result<Vec<u8>, AppError> {
    let mut page = manual_command();
    for (i, name) in path.iter().enumerate() {
        let Some(sub) = page.find_subcommand(name).cloned() else {
            let known: Vec<String> = page.get_subcommands().map(|c| c.get_name().to_string()).collect();
            let of = if i == 0 { "bkops".to_string() } else { format!("bkops {}", path[..i].join(" ")) };
            return Err(AppError::Usage(format!(
                "bkops man: {of} has no command {name:?}; its commands: {}",
                known.join(", ")
            )));
        };
        page = sub;
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| AppError::Terminal(format!("cannot write the manual page: {e}")))?;
    Ok(out)
}

/// Every manual page (`bkops.1`, `bkops-status.1`, …) written to `dir`, for packagers; returns
/// the files written.
pub fn man_pages_to(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, AppError> {
    fn write(
        cmd: &clap::Command,
        dir: &std::path::Path,
        out: &mut Vec<std::path::PathBuf>,
    ) -> std::io::Result<()> {
        out.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            write(sub, dir, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    write(&manual_command(), dir, &mut out)
        .map_err(|e| AppError::Usage(format!("bkops man --dir {}: {e}", dir.display())))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_and_the_manual_name_the_commands_and_their_options() {
        for shell in [clap_complete::Shell::Bash, clap_complete::Shell::Zsh, clap_complete::Shell::Fish] {
            let script = String::from_utf8(completions(shell)).expect("utf8");
            for word in ["timeline", "terminate", "read-only", "grep-v", "case-sensitive"] {
                assert!(script.contains(word), "{shell:?} lacks {word}");
            }
        }
        let man = String::from_utf8(man_page(&[]).expect("renders")).expect("utf8");
        assert!(man.starts_with(".ie") || man.contains(".TH bkops"), "{}", &man[..200.min(man.len())]);
        for word in ["\\-\\-read\\-only", "timeline", "Elastic CI Stack"] {
            assert!(man.contains(word), "the manual lacks {word}");
        }
    }

    /// The pages a page names (`bkops\-status(1)`).
    fn named(page: &str) -> Vec<String> {
        page.split("(1)")
            .filter_map(|before| before.rsplit(|c: char| c.is_whitespace()).next())
            .filter(|name| name.starts_with("bkops\\-"))
            .map(|name| name.replace("\\-", "-"))
            .collect()
    }

    #[test]
    fn every_page_a_page_names_is_given_and_written() {
        let dir = std::env::temp_dir().join(format!("bkops-man-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let written = man_pages_to(&dir).expect("written");
        let files: Vec<String> =
            written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert!(
            files.contains(&"bkops.1".to_string()) && files.contains(&"bkops-scaling-pause.1".to_string()),
            "{files:?}"
        );
        let mut checked = 0;
        for file in &written {
            let page = std::fs::read_to_string(file).expect("read");
            for name in named(&page) {
                assert!(
                    files.contains(&format!("{name}.1")),
                    "{} names {name}(1): {files:?}",
                    file.display()
                );
                let path: Vec<String> =
                    name.trim_start_matches("bkops-").split('-').map(str::to_string).collect();
                let given = String::from_utf8(man_page(&path).expect("given")).expect("utf8");
                assert!(
                    given.contains(&format!(".TH {name} 1")),
                    "{name}: {}",
                    &given[..120.min(given.len())]
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "{checked} pages named");
        assert!(!files.iter().any(|f| f == "bkops-help.1"), "no page for clap's help");
        let said = man_page(&["nope".to_string()]).expect_err("no such command").to_string();
        assert!(said.contains("no command \"nope\"") && said.contains("status"), "{said}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
