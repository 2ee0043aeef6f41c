//! Snapshots of every pane, drawn by ratatui's TestBackend from the simulated stack on its
//! virtual clock, at 80x24 and at 160x48.

use std::sync::Arc;

use async_trait::async_trait;
use bkops::app::{AppState, Msg, Pane};
use bkops::backend::sim::{SimBackend, World};
use bkops::backend::{Backends, QueueSource};
use bkops::clock::Clock;
use bkops::domain::BackendError;
use bkops::domain::{QueueMetrics, QueueSample, Timestamp};
use bkops::runtime::settle;
use bkops::theme::{self, Role};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const START: Timestamp = Timestamp(1_795_000_000_000);

struct Harness {
    state: AppState,
    backends: Backends,
    clock: Clock,
}

impl Harness {
    async fn new(size: (u16, u16)) -> Self {
        let clock = Clock::virtual_at(START);
        let mut backends = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
        // Not the operator's own audit log: what was done on this machine is no part of a picture.
        backends.audit_log = None;
        Self::with(backends, clock, size).await
    }

    async fn with(backends: Backends, clock: Clock, size: (u16, u16)) -> Self {
        let mut state = AppState::new("demo", START, size);
        settle(&mut state, &backends, Msg::Tick(START)).await;
        Self { state, backends, clock }
    }

    /// Moves the virtual clock second by second, refreshing as the dashboard would.
    async fn run_for(&mut self, secs: i64) {
        for _ in 0..secs {
            self.clock.advance_secs(1);
            settle(&mut self.state, &self.backends, Msg::Tick(self.clock.now())).await;
        }
    }

    async fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                '\x1b' => KeyCode::Esc,
                '↓' => KeyCode::Down,
                '→' => KeyCode::Right,
                c => KeyCode::Char(c),
            };
            settle(&mut self.state, &self.backends, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).await;
        }
    }

    fn draw(&self) -> Terminal<TestBackend> {
        self.draw_with("dark")
    }

    fn draw_with(&self, theme: &str) -> Terminal<TestBackend> {
        let theme = theme::load(theme, None).expect("theme");
        let (w, h) = self.state.size;
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| bkops::ui::draw(f, &self.state, &theme)).expect("draw");
        terminal
    }
}

macro_rules! snap {
    ($name:expr, $h:expr) => {
        insta::assert_snapshot!($name, $h.draw().backend())
    };
}

#[tokio::test]
async fn dashboard_small() {
    snap!("dashboard_80x24", Harness::new((80, 24)).await);
}

#[tokio::test]
async fn dashboard_large() {
    snap!("dashboard_160x48", Harness::new((160, 48)).await);
}

/// Wide enough, the instances say how long each took from launch to ready (BOOT), from their
/// own lines; one still booting says so.
#[tokio::test]
async fn the_boot_column_on_a_wide_screen() {
    let mut h = Harness::new((160, 40)).await;
    // At +400 s the slow boot (armed at +320 s) has just launched, Pending, and the zombie
    // is InService with no agent yet: both booting; the rest say how long they took.
    h.run_for(400).await;
    h.keys("z:sort age\n").await;
    snap!("boot_column_zoomed_160x40", h);
}

#[tokio::test]
async fn a_full_disk_shows_before_the_instance_is_replaced() {
    let mut h = Harness::new((80, 24)).await;
    // The disk check fails at +45 s; the group replaces the instance at +56 s.
    h.run_for(50).await;
    // The cursor stays on its instance when the rows are sorted: g takes it to the first row.
    h.keys(":sort disk desc\ng").await;
    snap!("disk_full_80x24", h);
}

#[tokio::test]
async fn incidents_show_up_small_and_large() {
    for size in [(80, 24), (160, 48)] {
        let mut h = Harness::new(size).await;
        // A failed launch, a replaced instance, a spot notice, and the MaxSize burst at +150 s.
        h.run_for(170).await;
        h.keys(":sort health desc\ng").await;
        let name = format!("incidents_{}x{}", size.0, size.1);
        snap!(name, h);
    }
}

#[tokio::test]
async fn fixed_size_and_paused_stacks() {
    let mut h = Harness::new((80, 24)).await;
    h.keys(":stack ci-windows\n").await;
    snap!("fixed_size_windows_80x24", h);
    h.keys(":stack ci-arm64\n").await;
    snap!("paused_arm64_80x24", h);
}

#[tokio::test]
async fn why_jobs_wait_from_the_queue_pane() {
    let mut h = Harness::new((80, 24)).await;
    h.keys(":stack ci-windows\n").await;
    // Enter on the queue opens every reason with its evidence; W does the same from anywhere.
    h.keys("2\n").await;
    snap!("why_windows_80x24", h);
    h.keys("\x1b").await;
    h.keys(":stack ci-arm64\n").await;
    h.keys("W").await;
    snap!("why_paused_arm64_80x24", h);
}

#[tokio::test]
async fn a_zombie_is_marked_on_its_row_and_in_its_details() {
    let mut h = Harness::new((80, 24)).await;
    // The demo's zombie launches with the burst at +210 s; at +540 s it has had no agent for
    // over five minutes.
    h.run_for(540).await;
    // Sorted by agent, the instance still booting slowly (launched at +300 s, no agent yet,
    // and not a zombie: under five minutes) comes first, the zombie second.
    h.keys(":sort agent\ngj").await;
    snap!("zombie_80x24", h);
    h.keys("\n").await;
    snap!("zombie_details_80x24", h);
    // The instance the zombie replaced: what ended it, in Auto Scaling's words and in bkops'.
    h.keys("\x1b").await;
    h.keys("4j\n").await;
    snap!("what_ended_an_instance_80x24", h);
}

#[tokio::test]
async fn help_overlay() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("?").await;
    snap!("help_80x24", h);
    let mut h = Harness::new((160, 48)).await;
    h.keys("?").await;
    snap!("help_160x48", h);
}

#[tokio::test]
async fn instance_and_activity_details() {
    let mut h = Harness::new((80, 24)).await;
    h.run_for(60).await;
    h.keys(":sort disk desc\ng\n").await;
    snap!("instance_detail_80x24", h);
    h.keys("\x1b4/Failed\n\n").await;
    snap!("failed_activity_detail_80x24", h);
}

#[tokio::test]
async fn prompts_and_stack_list_focus() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("/InSer").await;
    snap!("filter_prompt_80x24", h);
    h.keys("\n1:stack ci-").await;
    snap!("command_prompt_80x24", h);
}

#[tokio::test]
async fn a_terminal_too_small_is_told_so() {
    let h = Harness::new((60, 20)).await;
    snap!("too_small_60x20", h);
}

#[tokio::test]
async fn failures_use_the_warning_colour() {
    let mut h = Harness::new((160, 48)).await;
    h.run_for(60).await;
    h.keys("4").await;
    let terminal = h.draw();
    let buffer = terminal.backend().buffer();
    let warn = theme::load("dark", None).expect("dark").style(Role::warn).fg;
    let area = buffer.area;
    let failed_row = (0..area.height).find(|y| {
        let line: String = (0..area.width).map(|x| buffer[(x, *y)].symbol()).collect();
        line.contains(" Failed ")
    });
    let y = failed_row.expect("a failed activity on screen");
    let x = (0..area.width).find(|x| buffer[(*x, y)].symbol() == "F").expect("F");
    assert_eq!(buffer[(x, y)].fg, warn.expect("warn has a colour"));
}

/// A queue source that AWS is throttling: the panes keep their frames and say why.
struct Throttled;

#[async_trait]
impl QueueSource for Throttled {
    async fn queue(&self, _: &str) -> Result<QueueMetrics, BackendError> {
        Err(BackendError::Throttled {
            service: "cloudwatch".into(),
            retry_after: std::time::Duration::from_secs(20),
        })
    }
    async fn queue_history(&self, _: &str, _: Timestamp) -> Result<Vec<QueueSample>, BackendError> {
        Err(BackendError::PermissionDenied { action: "cloudwatch:GetMetricData".into() })
    }
}

#[tokio::test]
async fn errors_are_shown_in_the_panes_and_the_status_bar() {
    let clock = Clock::virtual_at(START);
    let mut backends = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    backends.queues = Arc::new(Throttled);
    let h = Harness::with(backends, clock, (80, 24)).await;
    assert_eq!(h.state.focus, Pane::Instances);
    snap!("errors_80x24", h);
}

#[tokio::test]
async fn every_built_in_theme_draws() {
    let h = Harness::new((80, 24)).await;
    for name in ["dark", "light", "high-contrast"] {
        let t = h.draw_with(name);
        let text = t.backend().to_string();
        assert!(text.contains("Stacks") && text.contains("Auto Scaling"), "{name}");
    }
}

/// An account or region without any Elastic CI Stack.
struct NoStacks;

#[async_trait]
impl bkops::backend::StackSource for NoStacks {
    async fn stacks(&self) -> Result<Vec<bkops::domain::StackSummary>, BackendError> {
        Ok(Vec::new())
    }
    async fn fleet(&self, s: &str) -> Result<bkops::domain::Fleet, BackendError> {
        Err(BackendError::NotFound { what: s.into() })
    }
    async fn activities(&self, s: &str) -> Result<Vec<bkops::domain::ScalingActivity>, BackendError> {
        Err(BackendError::NotFound { what: s.into() })
    }
}

#[tokio::test]
async fn an_account_without_stacks_says_so_and_where_to_look() {
    let clock = Clock::virtual_at(START);
    let mut backends = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    backends.stacks = Arc::new(NoStacks);
    backends.label =
        bkops::backend::BackendLabel::Aws { profile: "ci-prod".into(), region: "us-west-2".into() };
    let mut state = AppState::new(backends.label.to_string(), START, (100, 30));
    state.settings.aws = true;
    settle(&mut state, &backends, Msg::Tick(START)).await;
    let h = Harness { state, backends, clock };
    let screen = h.draw().backend().to_string();
    assert!(!screen.contains("reading"), "nothing is being read:\n{screen}");
    let says = "no Elastic CI Stack in aws ci-prod us-west-2; :region or :profile looks elsewhere";
    assert!(screen.contains(says), "{screen}");
    // Narrow panes wrap the sentence; each of the five starts with it.
    assert_eq!(screen.matches("no Elastic CI Stack in aws").count(), 5, "every pane says so:\n{screen}");
}

/// An account whose credentials are missing or expired: every read fails the same way.
struct NoCredentials;

#[async_trait]
impl bkops::backend::StackSource for NoCredentials {
    async fn stacks(&self) -> Result<Vec<bkops::domain::StackSummary>, BackendError> {
        Err(BackendError::Credentials { hint: "run `aws sso login --profile ci-prod`".into() })
    }
    async fn fleet(&self, s: &str) -> Result<bkops::domain::Fleet, BackendError> {
        Err(BackendError::NotFound { what: s.into() })
    }
    async fn activities(&self, s: &str) -> Result<Vec<bkops::domain::ScalingActivity>, BackendError> {
        Err(BackendError::NotFound { what: s.into() })
    }
}

/// Without credentials, at 80x24, every pane says so at once with the command that fixes it
/// (none says "reading…" for ever), and so does the status bar.
#[tokio::test]
async fn without_credentials_every_pane_says_what_to_run() {
    let clock = Clock::virtual_at(START);
    let mut backends = SimBackend::new(World::demo(1, START), clock.clone()).backends(1.0);
    backends.stacks = Arc::new(NoCredentials);
    backends.label =
        bkops::backend::BackendLabel::Aws { profile: "ci-prod".into(), region: "us-west-2".into() };
    let mut state = AppState::new(backends.label.to_string(), START, (80, 24));
    state.settings.aws = true;
    settle(&mut state, &backends, Msg::Tick(START)).await;
    let h = Harness { state, backends, clock };
    let terminal = h.draw();
    let screen = terminal.backend().to_string();
    assert!(!screen.contains("reading"), "nothing is being read:\n{screen}");
    assert_eq!(screen.matches("credentials missing or expired").count(), 5, "every pane says so:\n{screen}");
    assert!(screen.contains("aws sso login --profile ci-prod"), "{screen}");
    let bar = status_line(&terminal);
    assert!(bar.contains("stacks: credentials missing or expired"), "{bar}");
}

#[tokio::test]
async fn the_log_view_of_a_full_disk_instance() {
    use bkops::app::Effect;
    use bkops::logs::{TailSpec, read_range};

    let mut h = Harness::new((100, 30)).await;
    h.run_for(50).await;
    h.keys(":sort disk desc\ng").await;
    let fx =
        settle(&mut h.state, &h.backends, Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE)))
            .await;
    let Some(Effect::StartTail { instance, groups, .. }) = fx.into_iter().next() else { panic!("a tail") };
    // What the runtime's reader would send: the engine's range read.
    let spec = TailSpec {
        instance: instance.clone(),
        groups,
        start: Some(h.clock.now().plus_secs(-600)),
        end: None,
        pattern: None,
    };
    let (lines, _) = read_range(h.backends.logs.as_ref(), &spec).await;
    settle(&mut h.state, &h.backends, Msg::LogLines { instance, lines }).await;
    let screen = h.draw().backend().to_string();
    assert!(screen.contains("Insufficient disk space after cleanup."), "{screen}");
    assert!(screen.contains("Marking instance as unhealthy"), "{screen}");
    h.keys("/disk space\n").await;
    snap!("log_view_full_disk_100x30", h);
}

/// A newly booted instance's lines at 80x24, as the real stack writes them (syslog-prefixed
/// agent and docker lines, cloud-init's and the bootstrap's own): each says its message, and
/// the styles mark the time and the group apart from it.
#[tokio::test]
async fn the_log_view_at_80x24_shows_each_lines_message() {
    use bkops::app::Effect;
    use bkops::logs::{TailSpec, read_range};

    let mut h = Harness::new((80, 24)).await;
    h.run_for(5).await;
    let fx =
        settle(&mut h.state, &h.backends, Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE)))
            .await;
    let Some(Effect::StartTail { instance, groups, .. }) = fx.into_iter().next() else { panic!("a tail") };
    let spec =
        TailSpec { instance: instance.clone(), groups, start: Some(Timestamp(0)), end: None, pattern: None };
    let (lines, _) = read_range(h.backends.logs.as_ref(), &spec).await;
    settle(&mut h.state, &h.backends, Msg::LogLines { instance, lines }).await;
    h.keys("g").await;
    let terminal = h.draw();
    let screen = terminal.backend().to_string();
    for said in [
        "API listen on /run/docker.sock",
        "Registering agent with Buildkite...",
        "Starting /usr/local/bin/bk-install",
    ] {
        assert!(screen.contains(said), "{said}:\n{screen}");
    }
    assert!(!screen.contains("buildkite-agent[") && !screen.contains("dockerd["), "{screen}");
    insta::assert_snapshot!("log_view_boot_lines_80x24_styles", styles(&terminal));
    snap!("log_view_boot_lines_80x24", h);
}

#[tokio::test]
async fn json_lines_can_be_pretty_printed() {
    use bkops::domain::LogEvent;

    let mut h = Harness::new((100, 30)).await;
    h.keys("l").await;
    let instance = h.state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let event = |ms: i64, message: &str| LogEvent {
        timestamp: Timestamp(START.millis() - 10_000 + ms),
        ingestion_time: START,
        group: "/buildkite/buildkite-agent".into(),
        stream: instance.clone(),
        event_id: ms.to_string(),
        message: message.into(),
    };
    let lines = vec![
        event(1, r#"{"level":"error","msg":"upload failed","attempt":3,"note":"\u001b[2J"}"#),
        event(2, "plain text line"),
    ];
    settle(&mut h.state, &h.backends, Msg::LogLines { instance, lines }).await;
    h.keys("J").await;
    let screen = h.draw().backend().to_string();
    assert!(screen.contains("JSON pretty"), "{screen}");
    assert!(screen.contains(r#"    "level": "error","#), "{screen}");
    assert!(screen.contains(r#"    "attempt": 3,"#), "{screen}");
    assert!(screen.contains("plain text line"), "{screen}");
    assert!(!screen.chars().any(|c| c == '\u{1b}'), "no escape reaches the screen");
}

#[tokio::test]
async fn confirmation_dialogs_name_everything_and_open_on_cancel() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("P\t").await;
    snap!("pause_and_drain_dialog_80x24", h);
    // Its notes scroll; read to the end, the action can be chosen.
    h.keys("↓↓↓↓↓↓→").await;
    snap!("pause_and_drain_dialog_read_80x24", h);
    let mut h = Harness::new((80, 24)).await;
    h.state.settings.read_only = true;
    assert!(status_line(&h.draw()).contains(" READ-ONLY "), "{}", status_line(&h.draw()));
    h.keys("P").await;
    snap!("pause_dialog_read_only_80x24", h);
    let mut h = Harness::new((160, 48)).await;
    h.keys("3 X").await;
    snap!("terminate_dialog_160x48", h);
}

/// The status bar's last line, as drawn.
fn status_line(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let y = buf.area.height - 1;
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[tokio::test]
async fn the_account_is_named_when_the_status_bar_has_room() {
    let mut h = Harness::new((80, 24)).await;
    h.state.account = Some("123456789012".into());
    let line = status_line(&h.draw());
    assert!(line.contains("demo acct 123456789012 │"), "{line}");
    assert!(line.trim_end().ends_with("? help"), "{line}");
    // A long profile leaves no room: the account is left out rather than pushing the rest off.
    h.state.backend = "aws platform-production-admin eu-central-1".into();
    let line = status_line(&h.draw());
    assert!(!line.contains("acct") && line.contains("data 0s old"), "{line}");
}

/// However long its parts, the status bar drops whole fields, the least needed first, and never
/// runs two together: each field shown is whole, and the help key is always there.
#[tokio::test]
async fn the_status_bar_drops_whole_fields_and_never_runs_them_together() {
    let zones = ["Etc/UTC", "America/Argentina/ComodRivadavia"];
    let backends = ["demo", "aws buildkite-linux us-east-1", "aws platform-production-admin eu-central-1"];
    for width in [80u16, 100, 120, 200] {
        for zone in zones {
            for backend in backends {
                let mut h = Harness::new((width, 24)).await;
                h.state.account = Some("123456789012".into());
                h.state.backend = backend.into();
                h.state.settings.zone = jiff::tz::TimeZone::get(zone).expect("zone");
                let line = status_line(&h.draw());
                let shown = line.trim_end();
                let said = format!("{width} {zone} {backend}: {line:?}");
                assert!(shown.ends_with("? help"), "{said}");
                // Every field is whole, or not there.
                for field in [zone, backend, "acct 123456789012", "data 0s old", "ci-linux"] {
                    let cut = (4..field.len()).any(|n| {
                        let head = &field[..n];
                        shown.contains(head) && !shown.contains(field) && shown.ends_with(head)
                    });
                    assert!(!cut, "{field} cut: {said}");
                }
                assert!(!shown.contains(zone) || shown.contains(&format!(" {zone} ")), "{said}");
                assert!(line.contains("ci-linux") && line.contains("? help"), "{said}");
                // Fields apart: each one shown is followed by a separator or spaces.
                for field in [backend, "acct 123456789012", "ci-linux", "data 0s old"] {
                    if let Some(at) = shown.find(field) {
                        let after = &shown[at + field.len()..];
                        assert!(
                            after.is_empty() || after.starts_with(' '),
                            "{field} runs into the next: {said}"
                        );
                    }
                }
            }
        }
    }
}

/// The screen's styles, one letter a cell, with a legend of what each letter is: where the
/// style is the message (PAUSED, a warning, the focused button, the cursor and marked rows,
/// search matches), text snapshots alone would pass without it.
fn styles(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut legend: Vec<String> = Vec::new();
    let mut rows = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            let key = format!("fg {:?} bg {:?} {:?}", c.fg, c.bg, c.modifier);
            let i = legend.iter().position(|k| *k == key).unwrap_or_else(|| {
                legend.push(key);
                legend.len() - 1
            });
            let letters = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            rows.push(char::from(letters[i.min(letters.len() - 1)]));
        }
        rows.push('\n');
    }
    let legend: Vec<String> = legend
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            format!("{} = {k}", letters.chars().nth(i).unwrap_or('?'))
        })
        .collect();
    format!("{}\n\n{rows}", legend.join("\n"))
}

#[tokio::test]
async fn styles_carry_the_message_where_the_text_alone_does_not() {
    // PAUSED and the warning, in the status bar and the stack list.
    let mut h = Harness::new((80, 24)).await;
    h.keys(":stack ci-arm64\n").await;
    insta::assert_snapshot!("paused_arm64_80x24_styles", styles(&h.draw()));

    // The cursor row and a marked row in the instances.
    let mut h = Harness::new((80, 24)).await;
    h.keys("3 jj").await;
    insta::assert_snapshot!("marked_and_cursor_rows_80x24_styles", styles(&h.draw()));

    // The focused button of a confirmation, once the action may be chosen.
    let mut h = Harness::new((160, 48)).await;
    h.keys("3").await;
    let id = bkops::app::shown::instances(&h.state)[0].id.clone();
    h.keys(&format!("X{id}")).await;
    settle(&mut h.state, &h.backends, Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE))).await;
    assert!(h.state.confirm.as_ref().is_some_and(|c| c.on_go));
    insta::assert_snapshot!("terminate_focused_160x48_styles", styles(&h.draw()));

    // Every built-in theme's dashboard.
    let h = Harness::new((80, 24)).await;
    for theme in ["dark", "light", "high-contrast"] {
        insta::assert_snapshot!(format!("dashboard_{theme}_80x24_styles"), styles(&h.draw_with(theme)));
    }
}

/// The modifiers of the cell where `text` starts on screen, and whether any cell has a colour.
fn modifiers_at(t: &Terminal<TestBackend>, text: &str) -> ratatui::style::Modifier {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        let line: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let joined = line.concat();
        if let Some(byte) = joined.find(text) {
            let x = joined[..byte].chars().count() as u16;
            return buf[(x, y)].modifier;
        }
    }
    panic!("{text} is not on screen")
}

fn has_colour(t: &Terminal<TestBackend>) -> bool {
    use ratatui::style::Color;
    t.backend().buffer().content().iter().any(|c| c.fg != Color::Reset || c.bg != Color::Reset)
}

#[tokio::test]
async fn z_zooms_the_focused_pane_and_back() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("3z").await;
    snap!("instances_zoomed_80x24", h);
    h.keys("z").await;
    let screen = h.draw().backend().to_string();
    assert!(screen.contains("1 Stacks") && screen.contains("4 Scaling activity"), "{screen}");
}

#[tokio::test]
async fn help_is_about_where_it_was_opened_and_filters_with_a_slash() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("l?").await;
    let screen = h.draw().backend().to_string();
    let log_keys = screen.find("The log view").expect("the log view's keys");
    assert!(screen.find("Everywhere").is_none_or(|e| log_keys < e), "the log view's keys first:\n{screen}");
    h.keys("G").await;
    let end = h.draw().backend().to_string();
    assert!(
        !end.contains("Sort by the next column") && !end.contains(":stack"),
        "no key that does nothing here:\n{end}"
    );
    h.keys("\x1b\x1b").await;
    // On the dashboard: a filter keeps what mentions the word, keys and commands alike.
    h.keys("?/theme\n").await;
    let screen = h.draw().backend().to_string();
    assert!(screen.contains(":theme") && screen.contains("Only what mentions 'theme'"), "{screen}");
    assert!(!screen.contains("Sort by the next column"), "{screen}");
}

#[tokio::test]
async fn times_are_in_the_operators_zone_named_once_on_the_status_bar() {
    let mut h = Harness::new((80, 24)).await;
    let first = h.state.reads.activities.data.as_ref().expect("activities")[0].start;
    let utc = h.draw().backend().to_string();
    assert!(utc.contains(&first.clock()) && status_line(&h.draw()).contains("UTC"), "{utc}");
    h.state.settings.zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(2));
    let local = Timestamp(first.millis() + 2 * 3_600_000).clock();
    let screen = h.draw().backend().to_string();
    assert!(screen.contains(&format!("{local} Successful")), "{local} in\n{screen}");
    assert!(status_line(&h.draw()).contains("+02"), "{}", status_line(&h.draw()));
}

#[tokio::test]
async fn the_status_bar_hints_at_the_focused_panes_keys_as_bound_and_can_be_quiet() {
    let mut h = Harness::new((80, 24)).await;
    assert!(status_line(&h.draw()).contains("l logs · s shell"), "{}", status_line(&h.draw()));
    let rebinding = bkops::app::rebind::Rebinding {
        name: "instances.open-logs".into(),
        keys: vec![("L".into(), 0)],
        at: 0,
    };
    h.state.settings.keymap =
        std::sync::Arc::new(bkops::app::rebind::Keymap::with(&[rebinding]).expect("fine"));
    assert!(status_line(&h.draw()).contains("L logs"), "{}", status_line(&h.draw()));
    h.state.settings.hints = false;
    assert!(!status_line(&h.draw()).contains("logs"), "{}", status_line(&h.draw()));
}

#[tokio::test]
async fn tab_lists_the_candidates_when_more_than_one_fits() {
    let mut h = Harness::new((80, 24)).await;
    h.keys(":st\t").await;
    let line = status_line(&h.draw());
    assert!(line.contains(":stack▏") && line.contains("stack  stacks"), "{line}");
    // Typing on: the list goes, as it no longer stands for the text.
    h.keys("s").await;
    let line = status_line(&h.draw());
    assert!(line.contains(":stacks▏") && !line.contains("stack  stacks"), "{line}");
}

#[tokio::test]
async fn without_colour_the_cursor_and_marked_rows_still_read() {
    use ratatui::style::Modifier;
    let reversed = |m: Modifier| m.contains(Modifier::REVERSED);
    let underlined = |m: Modifier| m.contains(Modifier::UNDERLINED);

    let mut h = Harness::new((80, 24)).await;
    // Instances: the first row marked, the cursor two rows down.
    h.keys("3 jj").await;
    let ids: Vec<String> = bkops::app::shown::instances(&h.state).iter().map(|i| i.id.clone()).collect();
    let t = h.draw_with("monochrome");
    assert!(!has_colour(&t), "monochrome has no colour");
    let (marked, cursor, plain) =
        (modifiers_at(&t, &ids[0]), modifiers_at(&t, &ids[2]), modifiers_at(&t, &ids[1]));
    assert!(underlined(marked) && !reversed(marked), "marked: {marked:?}");
    assert!(reversed(cursor) && !underlined(cursor), "cursor: {cursor:?}");
    assert!(!reversed(plain) && !underlined(plain), "plain: {plain:?}");
    // The cursor on the marked row: both.
    h.keys("kk").await;
    let both = modifiers_at(&h.draw_with("monochrome"), &ids[0]);
    assert!(reversed(both) && underlined(both), "cursor on a marked row: {both:?}");

    // The stacks and the activity: the cursor row, and only it, is reversed.
    h.keys("1").await;
    let stacks: Vec<String> = bkops::app::shown::stacks(&h.state).iter().map(|s| s.name.clone()).collect();
    let t = h.draw_with("monochrome");
    assert!(reversed(modifiers_at(&t, &stacks[0])) && !reversed(modifiers_at(&t, &stacks[1])));
    h.keys("4j").await;
    let t = h.draw_with("monochrome");
    let rows = t.backend().buffer().area.height;
    let reversed_rows =
        (0..rows).filter(|&y| (1..79).all(|x| reversed(t.backend().buffer()[(x, y)].modifier))).count();
    assert_eq!(reversed_rows, 1, "one cursor row in the activity");
}

#[tokio::test]
async fn search_matches_are_highlighted() {
    use bkops::domain::LogEvent;

    let mut h = Harness::new((100, 24)).await;
    h.keys("l").await;
    let instance = h.state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let lines = ["Disk space free: 12G", "Starting docker", "Disk space free: 9G"]
        .iter()
        .enumerate()
        .map(|(n, m)| LogEvent {
            timestamp: Timestamp(START.millis() - 10_000 + n as i64),
            ingestion_time: START,
            group: "/buildkite/elastic-stack".into(),
            stream: instance.clone(),
            event_id: n.to_string(),
            message: (*m).into(),
        })
        .collect();
    settle(&mut h.state, &h.backends, Msg::LogLines { instance, lines }).await;
    h.keys("/space free\n").await;
    insta::assert_snapshot!("log_search_100x24_styles", styles(&h.draw()));
}

#[tokio::test]
async fn the_timeline_and_the_log_view_at_one_of_its_moments() {
    use bkops::app::Effect;
    use bkops::logs::{TailSpec, read_range};

    for size in [(80, 24), (160, 48)] {
        let mut h = Harness::new(size).await;
        h.run_for(600).await;
        h.keys("T").await;
        snap!(format!("timeline_{}x{}", size.0, size.1), h);
        if size.0 != 80 {
            continue;
        }
        // Down to the disk-full line, and its instance's logs at that moment.
        let events = h.state.reads.timeline.data.as_ref().map(|t| t.events.clone()).unwrap_or_default();
        let n = events.iter().position(|e| e.text.starts_with("disk full")).expect("disk full");
        h.keys(&"j".repeat(n)).await;
        let fx =
            settle(&mut h.state, &h.backends, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)))
                .await;
        let Some(Effect::StartTail { instance, groups, from, .. }) = fx.into_iter().next() else {
            panic!("a tail")
        };
        // What the runtime's reader would send: the engine's range read from that moment.
        let spec = TailSpec { instance: instance.clone(), groups, start: from, end: None, pattern: None };
        let (lines, _) = read_range(h.backends.logs.as_ref(), &spec).await;
        settle(&mut h.state, &h.backends, Msg::LogLines { instance, lines }).await;
        let screen = h.draw().backend().to_string();
        assert!(screen.contains("▶ "), "the moment is marked: {screen}");
        assert!(screen.contains("Insufficient disk space after cleanup."), "{screen}");
        snap!("log_view_at_a_timeline_moment_80x24", h);
    }
}

/// The fleet view across three contexts, one of them unreadable: the demo's stacks in the
/// first, made-up lines (as the snapshot of each context gives them) in the others.
fn fleet_state(h: &mut Harness) {
    use bkops::analysis::overview::StackLine;
    use bkops::app::overview::Overview;
    let line = |stack: &str, waiting: u32, warnings: &[&str], verdict: &str| StackLine {
        stack: stack.into(),
        queue: stack.trim_start_matches("ci-").into(),
        desired: 4,
        min: 0,
        max: 10,
        scaling: "enabled".into(),
        waiting: Some(waiting),
        agents: Some((0, 4)),
        warnings: warnings.iter().map(|w| w.to_string()).collect(),
        verdict: verdict.into(),
        why: None,
        scaler: None,
        problem: !warnings.is_empty() || verdict.starts_with("error"),
        stack_failed: false,
    };
    let mut o = Overview::new(vec!["prod-us".into(), "prod-eu".into(), "staging".into()], Some(0));
    let at = h.state.now;
    let us = vec![
        line("ci-linux", 12, &[], "scaled out 4→9"),
        line("ci-deploy", 0, &[], "no change"),
        line("ci-gpu", 3, &["1 disk FULL (i-0a1b2c3d4e5f60718)"], "wants more, at MaxSize 10"),
    ];
    let eu = vec![line(
        "ci-eu-linux",
        1,
        &[],
        "error: AccessDenied: not authorized to perform autoscaling:SetDesiredCapacity",
    )];
    for (n, lines) in [(0, us), (1, eu)] {
        for w in [0, 2, 5, 9, 12, 7] {
            let mut sample = lines.clone();
            sample[0].waiting = Some(w);
            o.record(n, &sample);
        }
        o.record(n, &lines);
        o.reads[n].set(Ok(lines), at, 60);
    }
    o.reads[2].set(
        Err(BackendError::Credentials {
            hint: "ExpiredToken: run `aws sso login --profile ci-staging` (or refresh profile ci-staging's credentials)".into(),
        }),
        at,
        60,
    );
    h.state.overview = o;
    h.state.overlay = Some(bkops::app::Overlay::Overview);
}

#[tokio::test]
async fn the_fleet_view_small_and_large() {
    for (name, size) in [("fleet_80x24", (80, 24)), ("fleet_160x48", (160, 48))] {
        let mut h = Harness::new(size).await;
        fleet_state(&mut h);
        snap!(name, h);
    }
}

#[tokio::test]
async fn the_doctor_window_small() {
    let mut h = Harness::new((80, 24)).await;
    h.keys("C").await;
    snap!("doctor_80x24", h);
}

#[tokio::test]
async fn the_events_window_small() {
    let mut h = Harness::new((80, 24)).await;
    h.keys(":events\n").await;
    snap!("events_80x24", h);
}

/// Incidents of stacks not on screen, from the demo read in the background by the dashboard's
/// own rules: the status bar says them (the key that goes there kept in view at 80 columns),
/// the fleet view gives each stack's and how long they have been open, and `I` goes there.
#[tokio::test]
async fn incidents_elsewhere_on_the_status_bar_in_the_fleet_and_i_goes_there() {
    let mut h = Harness::new((80, 24)).await;
    h.state.settings.incidents = true;
    assert_eq!(h.state.stack.as_deref(), Some("ci-linux"));
    // Jobs wait on ci-arm64 (paused): an incident once they have waited 5 minutes.
    h.run_for(4 * 60).await;
    assert!(!status_line(&h.draw()).contains("new:"), "held: {}", status_line(&h.draw()));
    h.run_for(2 * 60).await;
    let line = status_line(&h.draw());
    assert!(line.contains("1 new: ci-arm64 jobs stuck · I go"), "{line}");
    assert!(!line.contains("ci-linux disk"), "the stack on screen is not news: {line}");
    h.keys("0").await;
    snap!("fleet_incidents_80x24", h);
    h.keys("\x1bI").await;
    assert_eq!(h.state.stack.as_deref(), Some("ci-arm64"));
    let line = status_line(&h.draw());
    assert!(!line.contains("new:"), "seen: {line}");
}

/// However many incidents elsewhere and however long their names, the status bar says the
/// first (cut to fit), counts the rest, keeps the key that goes there, and still ends with help.
#[tokio::test]
async fn incidents_elsewhere_are_cut_to_the_room_and_counted() {
    use bkops::app::overview::News;
    use bkops::domain::incident::IncidentKey;
    let mut h = Harness::new((80, 24)).await;
    let key = |stack: &str, kind| IncidentKey { stack: stack.into(), kind, subject: String::new() };
    h.state.overview.news = vec![
        News { context: 0, key: key("platform-build-linux-x86-large-spot", "stack_rolling_back") },
        News { context: 0, key: key("ci-arm64", "jobs_stuck") },
        News { context: 0, key: key("ci-windows", "scaler_error") },
    ];
    let line = status_line(&h.draw());
    assert!(line.contains("│ 3 new: platform-build-linux"), "{line}");
    assert!(line.contains("…, +2 more · I go"), "{line}");
    assert!(line.trim_end().ends_with("? help"), "{line}");
    // Wide: every one, whole.
    h.state.size = (200, 50);
    let line = status_line(&h.draw());
    assert!(
        line.contains("stack rolling back, ci-arm64 jobs stuck, ci-windows scaler error · I go"),
        "{line}"
    );
}
