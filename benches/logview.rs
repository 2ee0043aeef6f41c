//! `cargo bench --bench logview`: the log view with 1,000,000 lines pushed through its ring, in
//! batches as the tail sends them: the memory it holds, the time to search every line it
//! keeps, and the time to draw it. Each ring size runs in its own process, so that one
//! measurement's allocations do not count in the next. Prints figures; asserts nothing.

use std::process::Command;
use std::time::Instant;

use bkops::app::logview::LogView;
use bkops::app::{AppState, Msg, update};
use bkops::domain::{LogEvent, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LINES: usize = 1_000_000;
const BATCH: usize = 1_000;
const INSTANCE: &str = "i-0123456789abcdef0";
const START: i64 = 1_795_000_000_000;

/// Kilobytes of a /proc/self/status field (VmRSS: now, VmHWM: the peak).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Lines shaped like the stack's: syslog-framed agent lines, dockerd, the bootstrap script.
fn line(i: usize) -> LogEvent {
    let ms = START + i as i64 * 7;
    let (group, message) = match i % 4 {
        0 => (
            "/buildkite/buildkite-agent",
            format!(
                "Nov 23 22:15:26 ip-10-0-4-222 buildkite-agent[3039]: 2026-11-23 22:15:26 INFO   \
                 ci-linux-i-0123456789abcdef0-1 Uploading log chunk {} (job 0190b9a3-{i:08x})",
                i % 977
            ),
        ),
        1 => (
            "/buildkite/docker-daemon",
            format!(
                "Nov 23 22:15:26 ip-10-0-4-222 dockerd[812]: time=\"2026-11-23T22:15:26.{:09}Z\" \
                 level=info msg=\"ignoring event\" container={i:064x} module=libcontainerd",
                i % 1_000_000_000
            ),
        ),
        2 => ("/buildkite/elastic-stack", format!("Disk space free: {}G", 100 + i % 150)),
        _ => (
            "/buildkite/cloud-init/output",
            format!("Cloud-init v. 22.2.2 running 'modules:final' at step {i}. Up 36.52 seconds."),
        ),
    };
    LogEvent {
        timestamp: Timestamp(ms),
        ingestion_time: Timestamp(ms + 900),
        group: group.to_string(),
        stream: INSTANCE.to_string(),
        event_id: format!("{:056}", i),
        message,
    }
}

fn measure(capacity: usize) {
    let rss_before = status_kb("VmRSS:");
    let mut state = AppState::new("bench", Timestamp(START), (160, 48));
    state.logs = Some(LogView::new(INSTANCE.into(), Vec::new(), capacity));
    // Only the pushes are timed: making the test lines is not the ring's cost.
    let mut push = std::time::Duration::ZERO;
    let mut i = 0;
    while i < LINES {
        let mut batch: Vec<LogEvent> = (i..(i + BATCH).min(LINES)).map(line).collect();
        // The oldest line the ring keeps holds the only match: the search reads every line.
        if i + BATCH > LINES - capacity && i <= LINES - capacity {
            let at = LINES - capacity - i;
            batch[at].message = "Marking instance as unhealthy".into();
        }
        i += batch.len();
        let t0 = Instant::now();
        let _ = update(&mut state, Msg::LogLines { instance: INSTANCE.into(), lines: batch });
        push += t0.elapsed();
    }
    let rss_after = status_kb("VmRSS:");
    let text: usize = (LINES - capacity.min(LINES)..LINES).map(|i| line(i).message.len()).sum();
    let peak = status_kb("VmHWM:");
    let Some(view) = state.logs.as_mut() else { return };
    let kept = view.kept();
    let dropped = view.dropped;

    let mut searches = Vec::new();
    let mut found = false;
    for _ in 0..5 {
        view.follow = true;
        let t = Instant::now();
        found = view.set_search("marking instance as unhealthy", 45);
        searches.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let t = Instant::now();
    let missing = view.set_search("exit code 254", 45);
    let miss = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let error = view.next_error(45).is_some();
    let first_error = t.elapsed().as_secs_f64() * 1e3;
    view.set_search("", 45);
    view.follow = true;

    let theme = bkops::theme::load("dark", None).expect("theme");
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut draws = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
        draws.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // The same with a filter on (a word most lines have, and one few have).
    let mut filtered = Vec::new();
    for text in ["dockerd", "unhealthy"] {
        if let Some(view) = state.logs.as_mut() {
            view.set_filter(bkops::app::filter::Filter::parse(text));
        }
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        filtered.push((text, times[times.len() / 2]));
    }
    searches.sort_by(f64::total_cmp);
    draws.sort_by(f64::total_cmp);
    println!("ring of {capacity} lines, {LINES} pushed in batches of {BATCH}:");
    println!("  kept {kept}, dropped {dropped}; pushing took {:.2} s", push.as_secs_f64());
    println!(
        "  text of the kept lines: {:.0} MB ({} bytes a line)",
        text as f64 / 1048576.0,
        text / kept.max(1)
    );
    println!(
        "  memory: {:.0} MB resident after ({:.0} MB before, peak {:.0} MB)",
        rss_after as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    println!(
        "  search every kept line (match in the oldest, found={found}): median {:.1} ms; no match \
         (found={missing}): {miss:.1} ms; first error (found={error}): {first_error:.1} ms",
        searches[searches.len() / 2]
    );
    println!("  draw at 160x48 while following: median {:.2} ms", draws[draws.len() / 2]);
    for (text, ms) in filtered {
        println!("  the same with the filter &{text}: median {ms:.2} ms");
    }
}

fn main() {
    // `cargo test --benches` runs this too; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if let Some(capacity) = std::env::var("BKOPS_BENCH_RING").ok().and_then(|c| c.parse().ok()) {
        measure(capacity);
        return;
    }
    let me = std::env::current_exe().expect("own path");
    for capacity in [bkops::app::logview::DEFAULT_CAPACITY, LINES] {
        let status = Command::new(&me).arg("--bench").env("BKOPS_BENCH_RING", capacity.to_string()).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("the run with a ring of {capacity} failed");
        }
    }
}
