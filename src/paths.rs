//! Where bkops keeps its files, following the XDG base directories.

use std::path::{Path, PathBuf};

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(fallback)))
        .map(|d| d.join("bkops"))
}

/// `$XDG_CONFIG_HOME/bkops`: config.toml and themes/.
pub fn config_dir() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_STATE_HOME/bkops`: the log file (and, later, the audit log).
pub fn state_dir() -> Option<PathBuf> {
    xdg("XDG_STATE_HOME", ".local/state")
}

/// `$XDG_CACHE_HOME/bkops`: what can be read again from AWS, kept to save the reading.
pub fn cache_dir() -> Option<PathBuf> {
    xdg("XDG_CACHE_HOME", ".cache")
}

/// The audit log, one JSON line per mutating call (`~/.local/state/bkops/audit.jsonl`).
pub fn audit_log() -> Option<PathBuf> {
    state_dir().map(|d| d.join("audit.jsonl"))
}

pub fn themes_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// Creates `dir` (and its parents) for bkops' own files: 0700 when bkops makes it, and
/// tightened to 0700 when it exists. Its files can hold build output and account details. The
/// directory itself must be a directory of the operator's, not a link to somewhere else.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != rustix::process::getuid().as_raw() {
        return Err(refused(dir, "is not a directory of yours"));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Reads a file the operator named or bkops keeps (a config, a theme, the audit log, the
/// discovery file) as text: only a regular file (a FIFO or a device is refused at once, never
/// waited on or read for ever), and at most `cap` bytes: of a longer file, its last `cap` bytes
/// when `tail` (a log whose newest lines matter), else an error.
pub fn read_regular(path: &Path, cap: u64, tail: bool) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    if meta.len() > cap {
        if !tail {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is larger than {} bytes", path.display(), cap),
            ));
        }
        file.seek(SeekFrom::Start(meta.len() - cap))?;
    }
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes)?;
    String::from_utf8(bytes).or_else(|e| {
        if tail {
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not UTF-8", path.display()),
            ))
        }
    })
}

fn refused(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!("{} {why}: bkops will not write to it", path.display()),
    )
}

/// Opens one of bkops' own files to add to it (the audit log, bkops.log), readable by its
/// owner alone. What an attacker could plant in its place is refused, never followed or
/// waited on: a symbolic link (not followed), a FIFO or a device (opened without blocking, then
/// refused), a file of another user's, a hard link to another file.
pub fn append_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = std::fs::OpenOptions::new()
        .mode(0o600)
        .create(true)
        .append(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == rustix::io::Errno::LOOP.raw_os_error() => {
                refused(path, "is a symbolic link")
            }
            Some(code) if code == rustix::io::Errno::NXIO.raw_os_error() => {
                refused(path, "is not a regular file")
            }
            _ => e,
        })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refused(path, "is not a regular file"));
    }
    if meta.uid() != rustix::process::getuid().as_raw() {
        return Err(refused(path, "belongs to another user"));
    }
    if meta.nlink() > 1 {
        return Err(refused(path, "has other names (a hard link)"));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Writes one of bkops' own files whole (a saved log, the discovery file), readable by its
/// owner alone: into a new file under an unpredictable name beside it (created new, never an
/// existing one), renamed into place. A link planted at `path` is replaced, never written
/// through; a write that fails (a full disk) leaves nothing behind.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::hash::BuildHasher;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().ok_or_else(|| refused(path, "has no directory"))?;
    private_dir(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for attempt in 0u32..16 {
        // Seeded from the system's randomness: a name nobody can plant a link under first.
        let salt = std::collections::hash_map::RandomState::new().hash_one((std::process::id(), attempt));
        let tmp = dir.join(format!(".{name}.{salt:016x}.tmp"));
        let opened = std::fs::OpenOptions::new()
            .mode(0o600)
            .write(true)
            .create_new(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&tmp);
        let mut file = match opened {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let written =
            file.write_all(bytes).and_then(|()| file.sync_all()).and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        return written;
    }
    Err(refused(path, "could not be given a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn own_files_are_private_even_when_they_were_not() {
        let root = std::env::temp_dir().join(format!("bkops-private-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let file = root.join("state/bkops/audit.jsonl");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        append_private(&file).unwrap();
        assert_eq!((mode(&file), mode(file.parent().unwrap())), (0o600, 0o700));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(file.parent().unwrap(), std::fs::Permissions::from_mode(0o755)).unwrap();
        append_private(&file).unwrap();
        assert_eq!((mode(&file), mode(file.parent().unwrap())), (0o600, 0o700));
        let saved = root.join("state/bkops/logs/i-1.log");
        write_private(&saved, b"lines").unwrap();
        assert_eq!((mode(&saved), std::fs::read(&saved).unwrap()), (0o600, b"lines".to_vec()));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_link_fifo_or_foreign_file_planted_in_place_of_bkops_files_is_never_written_through() {
        let root = std::env::temp_dir().join(format!("bkops-planted-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("bkops");
        private_dir(&dir).unwrap();
        let victim = root.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        // A symbolic link where the audit log goes: refused, the victim untouched.
        let audit = dir.join("audit.jsonl");
        std::os::unix::fs::symlink(&victim, &audit).unwrap();
        let e = append_private(&audit).expect_err("a link is refused");
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        // A hard link: refused too.
        let log = dir.join("bkops.log");
        std::fs::hard_link(&victim, &log).unwrap();
        assert!(append_private(&log).expect_err("a hard link").to_string().contains("hard link"));
        // A FIFO: refused at once, not waited on.
        let fifo = dir.join("fifo.log");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(append_private(&fifo).expect_err("a FIFO").to_string().contains("not a regular file"));
        // A whole-file write over a planted link replaces the link, not the victim.
        let saved = dir.join("discovery.json");
        std::os::unix::fs::symlink(&victim, &saved).unwrap();
        write_private(&saved, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!std::fs::symlink_metadata(&saved).unwrap().file_type().is_symlink());
        // A directory of bkops' that is a link elsewhere is refused.
        let elsewhere = root.join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join("logs")).unwrap();
        assert!(write_private(&dir.join("logs/i-1.log"), b"x").is_err());
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written through the link");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_whole_file_write_that_fails_leaves_nothing_behind() {
        // The write is made to fail at its last step (a directory is in the way of the
        // rename), as a full disk makes it fail at any step: no temporary file stays.
        let root = std::env::temp_dir().join(format!("bkops-full-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("bkops");
        let target = dir.join("saved.log");
        std::fs::create_dir_all(target.join("inside")).unwrap();
        assert!(write_private(&target, b"lines").is_err(), "a directory in the way");
        let left: Vec<_> =
            std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(left, ["saved.log"], "no temporary file left behind");
        let _ = std::fs::remove_dir_all(&root);
    }
}
