//! What is generated from the command line's own definition: shell completion scripts and the
//! manual page, so that neither can drift from the options bkops takes.

use clap::CommandFactory;

use super::Cli;
use crate::error::AppError;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "bkops", &mut out);
    out
}

/// The manual page, in roff.
pub fn man_page() -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| AppError::Terminal(format!("cannot write the manual page: {e}")))?;
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
        let man = String::from_utf8(man_page().expect("renders")).expect("utf8");
        assert!(man.starts_with(".ie") || man.contains(".TH bkops"), "{}", &man[..200.min(man.len())]);
        for word in ["\\-\\-read\\-only", "timeline", "Elastic CI Stack"] {
            assert!(man.contains(word), "the manual lacks {word}");
        }
    }
}
