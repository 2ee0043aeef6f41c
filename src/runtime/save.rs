//! `Ctrl-S` in the log view: the lines shown, written to a file of the operator's own.

use crate::app::Msg;

/// Writes a log view's lines to `$XDG_STATE_HOME/bkops/logs/<instance>-<unix seconds>.log`.
fn write(instance: &str, text: &str) -> std::io::Result<std::path::PathBuf> {
    let dir = crate::paths::state_dir()
        .ok_or_else(|| std::io::Error::other("no state directory (set HOME or XDG_STATE_HOME)"))?
        .join("logs");
    // The instance ID was checked when the view opened; keep the name plain all the same.
    let name: String = instance.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let path = dir.join(format!("{name}-{}.log", crate::clock::Clock::System.now().secs()));
    // Build logs can hold secrets: the file is the operator's alone.
    crate::paths::write_private(&path, text.as_bytes())?;
    Ok(path)
}

/// Saves the lines, and says where (or why not).
pub fn save_logs(instance: &str, text: &str) -> Msg {
    match write(instance, text) {
        Ok(path) => {
            // ~/… reads shorter than the home directory spelt out.
            let shown = match std::env::var_os("HOME").map(std::path::PathBuf::from) {
                Some(home) if path.starts_with(&home) => {
                    format!("~/{}", path.strip_prefix(&home).unwrap_or(&path).display())
                }
                _ => path.display().to_string(),
            };
            Msg::Notice { text: format!("saved to {shown}"), is_error: false }
        }
        Err(e) => Msg::Notice { text: format!("cannot save the lines: {e}"), is_error: true },
    }
}
