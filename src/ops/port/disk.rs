//! The live disk check: what bkops runs on instances through SSM Run Command, and how it reads
//! the answer. On Linux, `df` of the Docker data root (from /etc/docker/daemon.json, else
//! /var/lib/docker) and of `/`; on Windows, the C: drive.

use serde::Serialize;

pub const LINUX_DOCUMENT: &str = "AWS-RunShellScript";
pub const WINDOWS_DOCUMENT: &str = "AWS-RunPowerShellScript";

/// Runs as root through the SSM agent; prints POSIX `df` lines for both mounts, then, after a
/// marker line, their inodes (a disk can be full of small files with blocks to spare).
pub const LINUX_SCRIPT: &str = r#"root=$(sed -n 's/.*"data-root"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' /etc/docker/daemon.json 2>/dev/null); df -Pk "${root:-/var/lib/docker}" /; echo '# inodes'; df -Pi "${root:-/var/lib/docker}" /"#;

/// The line between the script's block and inode figures.
const INODES_MARKER: &str = "# inodes";

/// Prints `C <used bytes> <free bytes>`.
pub const WINDOWS_SCRIPT: &str = r#"$d = Get-PSDrive C; Write-Output ("C {0} {1}" -f $d.Used, $d.Free)"#;

/// The fullest filesystem an instance reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiskReading {
    pub used_pct: u8,
    pub free_kb: u64,
    pub mount: String,
    /// Percent of inodes used on the fullest mount, where `df -i` tells (not on Windows).
    pub inodes_used_pct: Option<u8>,
}

impl DiskReading {
    /// The fuller of blocks and inodes: what the DISK column shows.
    pub fn fullest_pct(&self) -> u8 {
        self.used_pct.max(self.inodes_used_pct.unwrap_or(0))
    }
}

/// `df -Pk` output: the line with the highest use wins (the Docker root, usually); after the
/// marker, `df -Pi` output gives the highest inode use.
pub fn parse_df(output: &str) -> Option<DiskReading> {
    let (blocks, inodes) = output.split_once(INODES_MARKER).unwrap_or((output, ""));
    let inodes_used_pct = inodes
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4)?.strip_suffix('%')?.parse::<u8>().ok())
        .max();
    let reading = blocks
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            let used_pct = f[4].strip_suffix('%')?.parse::<u8>().ok()?;
            let free_kb = f[3].parse::<u64>().ok()?;
            Some(DiskReading { used_pct, free_kb, mount: f[5..].join(" "), inodes_used_pct: None })
        })
        .max_by_key(|r| r.used_pct)?;
    Some(DiskReading { inodes_used_pct, ..reading })
}

/// The Windows script's `C <used> <free>` line.
pub fn parse_windows(output: &str) -> Option<DiskReading> {
    let line = output.lines().find(|l| l.starts_with("C "))?;
    let f: Vec<u64> = line.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
    let (used, free) = (*f.first()?, *f.get(1)?);
    let total = used.checked_add(free).filter(|t| *t > 0)?;
    Some(DiskReading {
        used_pct: (used * 100 / total) as u8,
        free_kb: free / 1024,
        mount: "C:".into(),
        inodes_used_pct: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fullest_mount_of_df_wins() {
        let out = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n\
                   /dev/nvme1n1     262144000 228065280  34078720      88% /var/lib/docker\n\
                   /dev/nvme0n1p1    8376300  2513828   5862472      31% /\n";
        assert_eq!(
            parse_df(out),
            Some(DiskReading {
                used_pct: 88,
                free_kb: 34_078_720,
                mount: "/var/lib/docker".into(),
                inodes_used_pct: None
            })
        );
        // With the inodes after the marker: the Docker root's inode table is what is full.
        let with_inodes = format!(
            "{out}# inodes\nFilesystem      Inodes   IUsed   IFree IUse% Mounted on\n\
             /dev/nvme1n1  16384000 16220160  163840   99% /var/lib/docker\n\
             /dev/nvme0n1p1  524288   81234  443054   16% /\n"
        );
        let r = parse_df(&with_inodes).expect("a reading");
        assert_eq!((r.used_pct, r.inodes_used_pct, r.fullest_pct()), (88, Some(99), 99));
        // A filesystem without inodes prints "-": no figure, no error.
        let dash =
            format!("{out}# inodes\nFilesystem Inodes IUsed IFree IUse% Mounted on\nbtrfs - - - - /\n");
        assert_eq!(parse_df(&dash).and_then(|r| r.inodes_used_pct), None);
        assert_eq!(parse_df("df: /var/lib/docker: No such file or directory\n"), None);
        assert_eq!(parse_df(""), None);
    }

    #[test]
    fn windows_reports_the_c_drive() {
        let r = parse_windows("C 75000000000 25000000000\r\n").expect("a reading");
        assert_eq!((r.used_pct, r.free_kb, r.mount.as_str()), (75, 24_414_062, "C:"));
        assert_eq!(parse_windows("C 0 0"), None);
    }
}
