//! What an instance's own log lines say about it. The Elastic CI Stack publishes no disk or
//! bootstrap metric: its scripts write these lines to `/buildkite/elastic-stack`, so the
//! dashboard reads its disk and boot signals from them (the same lines for every backend).

use crate::domain::DiskSignal;

/// Lines of `bk-check-disk-space.sh` and `docker-low-disk-gc` that say the disk is short.
const DISK_LOW: [&str; 2] = ["Not enough disk space free", "Not enough inodes free"];
/// Lines that say cleanup did not help and the instance is being given up.
const DISK_FULL: [&str; 4] = [
    "Insufficient disk space after cleanup.",
    "Insufficient disk space remaining after build purge.",
    // Newer stacks, when build purging is off.
    "Insufficient disk space. Build purge not enabled.",
    "Marking instance as unhealthy",
];
/// Lines of a passing check.
const DISK_OK: [&str; 1] = ["Disk space free:"];

/// The disk signal of one elastic-stack line, if it is about the disk.
pub fn disk_line(message: &str) -> Option<DiskSignal> {
    if DISK_FULL.iter().any(|p| message.contains(p)) {
        Some(DiskSignal::Full)
    } else if DISK_LOW.iter().any(|p| message.contains(p)) {
        Some(DiskSignal::Low)
    } else if DISK_OK.iter().any(|p| message.starts_with(p)) {
        Some(DiskSignal::Ok)
    } else {
        None
    }
}

/// The disk signal of a stream: a `Full` verdict sticks (the instance is being replaced);
/// otherwise the latest check wins.
pub fn disk_signal<'a>(messages: impl IntoIterator<Item = &'a str>) -> DiskSignal {
    let mut signal = DiskSignal::Unknown;
    for line in messages {
        match disk_line(line) {
            Some(DiskSignal::Full) => return DiskSignal::Full,
            Some(s) => signal = s,
            None => {}
        }
    }
    signal
}

/// A bootstrap failure line: `bk-install-elastic-stack.sh errored with exit code N on line L.`
pub fn is_boot_failure(message: &str) -> bool {
    message.contains("errored with exit code")
        || message.contains("Bootstrap previously failed, will not continue from unknown state.")
}

/// lifecycled's line for a Spot interruption notice (`/buildkite/lifecycled`).
pub const SPOT_NOTICE: &str = "Received termination notice";

/// Whether a lifecycled line is a Spot interruption notice.
pub fn is_spot_notice(message: &str) -> bool {
    message.contains(SPOT_NOTICE) && message.contains("notice=spot")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_disk_lines_are_recognised() {
        let low = "Not enough disk space free: 3.1G (3250586KB) available, cutoff is 5.0GiB (5242880KB) 🚨";
        assert_eq!(disk_line(low), Some(DiskSignal::Low));
        assert_eq!(
            disk_line("Not enough inodes free: 1200 available, cutoff is 250000 🚨"),
            Some(DiskSignal::Low)
        );
        assert_eq!(disk_line("Insufficient disk space after cleanup."), Some(DiskSignal::Full));
        // The newer checks' variants.
        assert_eq!(disk_line("Insufficient disk space. Build purge not enabled."), Some(DiskSignal::Full));
        assert_eq!(disk_line("ERROR: Not enough inodes free in /var/lib/docker"), Some(DiskSignal::Low));
        assert_eq!(
            disk_line("Not enough inodes free: 1200 available, cutoff is 250000 🚨"),
            Some(DiskSignal::Low)
        );
        assert_eq!(disk_line("Disk space free: 182G"), Some(DiskSignal::Ok));
        assert_eq!(disk_line("Cleaning up docker resources older than 4h to free disk space"), None);
    }

    #[test]
    fn full_sticks_and_latest_check_wins_otherwise() {
        assert_eq!(disk_signal(["Disk space free: 1G"]), DiskSignal::Ok);
        assert_eq!(disk_signal(["Not enough disk space free: x", "Disk space free: 9G"]), DiskSignal::Ok);
        assert_eq!(disk_signal(["Marking instance as unhealthy", "Disk space free: 9G"]), DiskSignal::Full);
        assert_eq!(disk_signal(["hello"]), DiskSignal::Unknown);
    }

    #[test]
    fn spot_notices_are_recognised() {
        let line = "time=\"2026-11-30T07:00:00Z\" level=info msg=\"Received termination notice\" instanceId=i-0123456789abcdef0 notice=spot";
        assert!(is_spot_notice(line));
        assert!(!is_spot_notice("level=info msg=\"Received termination notice\" notice=autoscaling"));
    }

    #[test]
    fn bootstrap_failures_are_recognised() {
        assert!(is_boot_failure(
            "/usr/local/bin/bk-install-elastic-stack.sh errored with exit code 1 on line 219."
        ));
        assert!(!is_boot_failure("Signaling success to CloudFormation..."));
    }
}
