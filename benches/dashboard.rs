//! `cargo bench --bench dashboard`: time to first frame, render time of a large dashboard,
//! and the CPU an idle dashboard uses. Prints figures; asserts nothing about speed.
//!
//! BKOPS_BENCH_IDLE_SECS shortens the idle measurement (default 60).

use std::process::Command;
use std::time::{Duration, Instant};

use bkops::app::{AppState, Msg, Payload, Resource, update};
use bkops::backend::sim::{SimBackend, World};
use bkops::clock::Clock;
use bkops::domain::{
    ActivityStatus, AgentState, AgentSummary, DiskSignal, Fleet, Health, Instance, Lifecycle, Os,
    QueueMetrics, QueueSample, ScalingActivity, ScalingState, StackSummary, Timestamp,
};
use bkops::runtime::settle;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const START: Timestamp = Timestamp(1_795_000_000_000);

fn stats(mut xs: Vec<f64>) -> String {
    xs.sort_by(f64::total_cmp);
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let p = |q: f64| xs[((xs.len() - 1) as f64 * q) as usize];
    format!("mean {mean:.3} ms, median {:.3} ms, p99 {:.3} ms (n={})", p(0.5), p(0.99), xs.len())
}

fn first_frame_in_process() {
    let mut times = Vec::new();
    for seed in 0..10 {
        let t0 = Instant::now();
        let clock = Clock::virtual_at(START);
        let backends = SimBackend::new(World::demo(seed, START), clock).backends(1.0);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let mut state = AppState::new("demo", START, (160, 48));
        rt.block_on(settle(&mut state, &backends, Msg::Tick(START)));
        let theme = bkops::theme::load("dark", None).expect("theme");
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "first frame, in process (demo world incl. its 1 h warm-up, all panes read, drawn at 160x48): {}",
        stats(times)
    );
}

struct Tmux(String);

impl Tmux {
    fn new(tag: &str, w: u16, h: u16) -> Self {
        let t = Tmux(format!("bkops-bench-{tag}-{}", std::process::id()));
        t.run(&["new-session", "-d", "-s", "b", "-x", &w.to_string(), "-y", &h.to_string(), "sh"]);
        t
    }
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.0).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "b"])
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// The real binary in a terminal: from the keystroke that starts it to the first screen
/// showing instances (polled every 2 ms).
fn first_frame_real_binary() {
    let bin = env!("CARGO_BIN_EXE_bkops");
    let mut times = Vec::new();
    for n in 0..5 {
        let t = Tmux::new(&format!("ttff{n}"), 160, 48);
        std::thread::sleep(Duration::from_millis(300));
        t.run(&["send-keys", "-t", "b", "-l", &format!("XDG_STATE_HOME=/tmp/bkops-bench exec {bin} --demo")]);
        let t0 = Instant::now();
        t.run(&["send-keys", "-t", "b", "Enter"]);
        while !t.screen().contains("InService") {
            assert!(t0.elapsed() < Duration::from_secs(20), "no frame:\n{}", t.screen());
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    println!("first frame, real binary in tmux (process start to instances on screen): {}", stats(times));
}

fn big_state(size: (u16, u16), activity_count: usize) -> AppState {
    let instances = (0..1000)
        .map(|n| Instance {
            id: format!("i-0{n:016x}"),
            lifecycle: [Lifecycle::InService, Lifecycle::Pending, Lifecycle::Terminating][n % 3],
            health: if n % 17 == 0 { Health::Unhealthy } else { Health::Healthy },
            instance_type: "c5.2xlarge".into(),
            availability_zone: format!("us-east-1{}", ["a", "b", "c"][n % 3]),
            launched_at: Some(START.plus_secs(-(n as i64) * 37)),
            protected_from_scale_in: true,
            spot: Some(n % 2 == 0),
            agents: AgentSummary {
                state: AgentState::Busy,
                busy: 1,
                total: 1,
                job: Some(format!("job-{n}")),
            },
            disk: [DiskSignal::Ok, DiskSignal::Low, DiskSignal::Full, DiskSignal::Unknown][n % 4],
            boot_failed: false,
            spot_notice: false,
            disk_used_pct: None,
            launch_template_version: None,
        })
        .collect();
    let fleet = Fleet {
        asg_name: "big-AgentAutoScaleGroup-X".into(),
        desired: 1000,
        min: 0,
        max: 1000,
        instances,
        agents_note: None,
        agents_error: None,
        paused_by: None,
        paused_at: None,
        strangers: Vec::new(),
        launch_template_version: None,
        scheduled: Vec::new(),
    };
    let activities = (0..activity_count)
        .map(|n| ScalingActivity {
            id: format!("a-{n}"),
            description: format!("Launching a new EC2 instance: i-0{n:016x}"),
            cause: format!("At 2026-11-18T11:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {n} to {}.", n + 1),
            status: if n % 50 == 0 { ActivityStatus::Failed } else { ActivityStatus::Successful },
            status_message: None,
            start: START.plus_secs(-(n as i64)),
            end: Some(START.plus_secs(-(n as i64) + 30)),
        })
        .collect();
    let stack = StackSummary {
        name: "big".into(),
        queue: "default".into(),
        version: "v6.71.1".into(),
        os: Os::Linux,
        status: "UPDATE_COMPLETE".into(),
        asg_name: "big-AgentAutoScaleGroup-X".into(),
        desired: 1000,
        min: 0,
        max: 1000,
        agents_per_instance: 1,
        scale_in_idle_period: 600,
        scaling: ScalingState::Enabled { schedule: "rate(1 minute)".into() },
        scaler_params: None,
        launch: Default::default(),
    };
    let history = (0..60)
        .map(|m| QueueSample {
            at: START.plus_secs(-60 * (60 - m)),
            scheduled: m as f64,
            running: 100.0,
            waiting: 3.0,
        })
        .collect();
    let queue = QueueMetrics {
        scheduled: 40,
        running: 960,
        waiting: 3,
        idle_agents: 0,
        busy_agents: 960,
        total_agents: 960,
    };
    let mut state = AppState::new("demo", START, size);
    let load = |state: &mut AppState, resource, payload| {
        update(state, Msg::Loaded { resource, result: Ok(payload), at: START });
    };
    load(&mut state, Resource::Stacks, Payload::Stacks(vec![stack]));
    load(&mut state, Resource::Fleet("big".into()), Payload::Fleet(fleet));
    load(&mut state, Resource::Activities("big".into()), Payload::Activities(activities));
    load(&mut state, Resource::Queue("big".into()), Payload::Queue(queue));
    load(&mut state, Resource::History("big".into()), Payload::History(history));
    state
}

fn render_big() {
    let theme = bkops::theme::load("dark", None).expect("theme");
    for size in [(80, 24), (160, 48)] {
        let mut state = big_state(size, 10_000);
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
        let mut times = Vec::new();
        for n in 0..300 {
            // Move the selection so that each frame differs, as it would while scrolling.
            state.lists.instances.sel = n % 1000;
            let t0 = Instant::now();
            terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        println!("render, 1,000 instances + 10,000 activities at {}x{}: {}", size.0, size.1, stats(times));
        // The same with a filter on the instances: worked out once, then kept across frames.
        state.lists.instances.filter = bkops::app::filter::Filter::parse("InService");
        let mut times = Vec::new();
        for n in 0..300 {
            state.lists.instances.sel = n % 500;
            let t0 = Instant::now();
            terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        println!("  the same with the filter /InService: {}", stats(times));
    }
    // What the activity list costs is what is on screen, not what exists.
    for count in [20, 10_000] {
        let state = big_state((160, 48), count);
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        let mut times = Vec::new();
        for _ in 0..300 {
            let t0 = Instant::now();
            terminal.draw(|f| bkops::ui::draw(f, &state, &theme)).expect("draw");
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        println!("render at 160x48 with {count} activities: {}", stats(times));
    }
}

fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn idle_cpu() {
    let secs: u64 = std::env::var("BKOPS_BENCH_IDLE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let bin = env!("CARGO_BIN_EXE_bkops");
    let t = Tmux::new("idle", 160, 48);
    let pidfile = std::env::temp_dir().join(format!("bkops-bench-{}.pid", std::process::id()));
    let line = format!("sh -c 'echo $$ > {}; exec {bin} --demo'", pidfile.display());
    t.run(&["send-keys", "-t", "b", "-l", &line]);
    t.run(&["send-keys", "-t", "b", "Enter"]);
    let t0 = Instant::now();
    while !t.screen().contains("InService") {
        assert!(t0.elapsed() < Duration::from_secs(20), "no frame");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_secs(2));
    let pid = std::fs::read_to_string(&pidfile).expect("pid").trim().to_string();
    // Linux reports /proc stat times in USER_HZ, which is 100.
    let hz = 100.0;
    // What reaches the terminal meanwhile: frames write only the cells that changed.
    let written = std::env::temp_dir().join(format!("bkops-bench-{}.out", std::process::id()));
    t.run(&["pipe-pane", "-o", "-t", "b", &format!("cat > {}", written.display())]);
    let before = cpu_ticks(&pid);
    let w0 = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let used = (cpu_ticks(&pid) - before) as f64 / hz;
    let wall = w0.elapsed().as_secs_f64();
    t.run(&["pipe-pane", "-t", "b"]);
    let bytes = std::fs::metadata(&written).map_or(0, |m| m.len());
    println!(
        "idle dashboard (demo, 160x48, no keys) over {wall:.0} s: {used:.2} CPU s = {:.2}% of one core; \
         {bytes} bytes written to the terminal ({:.0} a second)",
        100.0 * used / wall,
        bytes as f64 / wall
    );
    let _ = std::fs::remove_file(written);
    let _ = std::fs::remove_file(pidfile);
}

fn main() {
    // `cargo test --benches` runs this too; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // BKOPS_BENCH_ONLY=render measures the renders alone.
    if std::env::var("BKOPS_BENCH_ONLY").as_deref() == Ok("render") {
        render_big();
        return;
    }
    first_frame_in_process();
    first_frame_real_binary();
    render_big();
    idle_cpu();
}
