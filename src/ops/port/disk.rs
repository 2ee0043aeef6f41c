//! The live disk check: what bkops runs on instances through SSM Run Command, and how it reads
//! the answer. On Linux, `df` of the Docker data root (from /etc/docker/daemon.json, else
//! /var/lib/docker) and of `/`; on Windows, the C: drive.

use serde::Serialize;

pub const LINUX_DOCUMENT: &str = "AWS-RunShellScript";
pub const WINDOWS_DOCUMENT: &str = "AWS-RunPowerShellScript";

/// Runs as root through the SSM agent; prints POSIX `df` lines for both mounts.
pub const LINUX_SCRIPT: &str = r#"root=$(sed -n 's/.*"data-root"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' /etc/docker/daemon.json 2>/dev/null); df -Pk "${root:-/var/lib/docker}" /"#;

/// Prints `C <used bytes> <free bytes>`.
pub const WINDOWS_SCRIPT: &str = r#"$d = Get-PSDrive C; Write-Output ("C {0} {1}" -f $d.Used, $d.Free)"#;

/// The fullest filesystem an instance reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiskReading {
    pub used_pct: u8,
    pub free_kb: u64,
    pub mount: String,
}

/// `df -Pk` output: the line with the highest use wins (the Docker root, usually).
pub fn parse_df(output: &str) -> Option<DiskReading> {
    output
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            let used_pct = f[4].strip_suffix('%')?.parse::<u8>().ok()?;
            let free_kb = f[3].parse::<u64>().ok()?;
            Some(DiskReading { used_pct, free_kb, mount: f[5..].join(" ") })
        })
        .max_by_key(|r| r.used_pct)
}

/// The Windows script's `C <used> <free>` line.
pub fn parse_windows(output: &str) -> Option<DiskReading> {
    let line = output.lines().find(|l| l.starts_with("C "))?;
    let f: Vec<u64> = line.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
    let (used, free) = (*f.first()?, *f.get(1)?);
    let total = used.checked_add(free).filter(|t| *t > 0)?;
    Some(DiskReading { used_pct: (used * 100 / total) as u8, free_kb: free / 1024, mount: "C:".into() })
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
            Some(DiskReading { used_pct: 88, free_kb: 34_078_720, mount: "/var/lib/docker".into() })
        );
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
