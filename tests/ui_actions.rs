//! The dashboard's operator actions on the simulated stack, through `update` and the headless
//! runtime: each opens a confirmation on Cancel, goes ahead only when chosen on purpose, changes
//! the stack, and writes the audit log.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use bkops::app::{AppState, Msg, shown};
use bkops::backend::Backends;
use bkops::backend::sim::{SimBackend, World};
use bkops::clock::Clock;
use bkops::domain::{Lifecycle, ScalingState, Timestamp};
use bkops::runtime::settle;

const START: Timestamp = Timestamp(1_795_000_000_000);

fn backends(tag: &str, read_only: bool) -> (Backends, std::path::PathBuf) {
    let clock = Clock::virtual_at(START);
    let sim = SimBackend::new(World::demo(1, START), clock);
    let sim = if read_only { sim.read_only() } else { sim };
    let mut b = sim.backends(1.0);
    let log = std::env::temp_dir().join(format!("bkops-ui-actions-{tag}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&log);
    b.audit_log = Some(log.clone());
    (b, log)
}

async fn press(state: &mut AppState, b: &Backends, code: KeyCode) {
    settle(state, b, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).await;
}

async fn typed(state: &mut AppState, b: &Backends, text: &str) {
    for c in text.chars() {
        press(state, b, KeyCode::Char(c)).await;
    }
}

async fn loaded(b: &Backends) -> AppState {
    let mut state = AppState::new("demo", START, (160, 48));
    settle(&mut state, b, Msg::Tick(START)).await;
    state
}

fn audit(log: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn scaling(state: &AppState) -> ScalingState {
    state.stack_summary().expect("a stack").scaling.clone()
}

#[tokio::test]
async fn pause_with_drain_then_resume() {
    let (b, log) = backends("pause", false);
    let mut state = loaded(&b).await;
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));

    // Enter on the dialog as it opens is Cancel.
    press(&mut state, &b, KeyCode::Char('P')).await;
    assert!(state.confirm.is_some());
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(state.confirm.is_none());
    assert!(audit(&log).is_empty(), "nothing was called");

    press(&mut state, &b, KeyCode::Char('P')).await;
    press(&mut state, &b, KeyCode::Tab).await; // drain too
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(matches!(scaling(&state), ScalingState::Paused { .. }), "{:?}", scaling(&state));
    assert_eq!(state.stack_summary().map(|s| s.desired), Some(0), "drained");
    assert_eq!(audit(&log).len(), 4, "the intent, then tag, disable, drain");
    assert_eq!(audit(&log)[0]["action"], "intent");
    let stack = state.stack_summary().expect("stack").clone();
    let said =
        bkops::analysis::warnings(&stack, state.reads.queue.data.as_ref(), state.reads.fleet.data.as_ref());
    assert!(said.iter().any(|w| w.text.starts_with("autoscaling PAUSED by operator")), "{said:?}");

    press(&mut state, &b, KeyCode::Char('P')).await;
    let title = state.confirm.as_ref().and_then(|c| c.plan.as_ref().ok()).map(|p| p.title.clone());
    assert!(title.is_some_and(|t| {
        t.starts_with("Resume scaling of ci-linux (by arn:aws:sts::000000000000:assumed-role/demo/operator")
    }));
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));
    let actions: Vec<String> =
        audit(&log).iter().filter_map(|l| l["action"].as_str().map(String::from)).collect();
    assert_eq!(
        actions[4..],
        ["intent", "events:EnableRule", "autoscaling:DeleteTags"],
        "MinSize was 0 already"
    );
}

#[tokio::test]
async fn terminate_the_marked_instances_after_typing_their_count() {
    let (b, log) = backends("terminate", false);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    let ids: Vec<String> = shown::instances(&state).iter().take(2).map(|i| i.id.clone()).collect();
    press(&mut state, &b, KeyCode::Char(' ')).await;
    press(&mut state, &b, KeyCode::Char('j')).await;
    press(&mut state, &b, KeyCode::Char(' ')).await;
    assert_eq!(state.marked.len(), 2);
    press(&mut state, &b, KeyCode::Char('X')).await;
    press(&mut state, &b, KeyCode::Right).await;
    assert!(!state.confirm.as_ref().is_some_and(|c| c.on_go), "not before the count is typed");
    typed(&mut state, &b, "2").await;
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(state.confirm.is_none() && state.marked.is_empty());
    let fleet = state.reads.fleet.data.as_ref().expect("fleet");
    for id in &ids {
        let i = fleet.instances.iter().find(|i| &i.id == id).expect("still listed while terminating");
        assert_eq!(i.lifecycle, Lifecycle::Terminating, "{id}");
    }
    let terminated: Vec<String> =
        audit(&log).iter().filter_map(|l| l["request"]["instance"].as_str().map(String::from)).collect();
    assert_eq!(terminated, ids);
}

#[tokio::test]
async fn read_only_refuses_in_the_backend_and_says_so() {
    let (b, log) = backends("readonly", true);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('P')).await;
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("read-only: bkops does not call autoscaling:CreateOrUpdateTags"), "{flash}");
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));
    let lines = audit(&log);
    assert_eq!(lines.len(), 2, "the intent, and the refusal of its first call");
    assert!(lines[1]["result"].as_str().is_some_and(|r| r.starts_with("error: read-only")), "{lines:?}");
}

#[tokio::test]
async fn a_fixed_size_stack_says_it_has_no_scaler() {
    let (b, _) = backends("fixed", false);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char(':')).await;
    typed(&mut state, &b, "stack ci-windows").await;
    press(&mut state, &b, KeyCode::Enter).await;
    press(&mut state, &b, KeyCode::Char('P')).await;
    assert!(state.confirm.is_none());
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("ci-windows is a fixed-size stack"), "{flash}");
}

#[tokio::test]
async fn d_checks_the_disk_and_shows_the_percentage() {
    let (b, log) = backends("disk", false);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    let id = shown::instances(&state)[0].id.clone();
    press(&mut state, &b, KeyCode::Char('D')).await;
    let row = shown::instances(&state).into_iter().find(|i| i.id == id).expect("row");
    let pct = row.disk_used_pct.expect("a reading");
    // What the demo's disk holds: 250 GiB, of which the instance has this much free (the same
    // world, built again from the same seed at the same time).
    let world = World::demo(1, START);
    let free_kb = world
        .stacks
        .iter()
        .flat_map(|s| &s.instances)
        .find(|i| i.id == id)
        .map(|i| i.disk_free_kb)
        .expect("the instance in the demo world");
    let total_kb: u64 = 250 * 1024 * 1024;
    assert_eq!(u64::from(pct), 100 - free_kb * 100 / total_kb, "{free_kb} KB free of {total_kb}");
    assert!(pct > 0, "the demo's disks are never empty");
    assert_eq!(shown::instance_cell(row, bkops::app::InstanceColumn::Disk, START), format!("{pct}%"));
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.starts_with(&format!("disk: {id} {pct}% of /var/lib/docker (")), "{flash}");
    let actions: Vec<String> =
        audit(&log).iter().filter_map(|l| l["action"].as_str().map(String::from)).collect();
    assert_eq!(actions, ["intent", "ssm:SendCommand"], "running a command on an instance is audited");
    // It survives the next refresh of the group.
    settle(&mut state, &b, Msg::Tick(START.plus_secs(6))).await;
    let row = shown::instances(&state).into_iter().find(|i| i.id == id).expect("row");
    assert_eq!(row.disk_used_pct, Some(pct));

    let (b, _) = backends("disk-ro", true);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    press(&mut state, &b, KeyCode::Char('D')).await;
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("read-only: bkops does not call ssm:SendCommand"), "{flash}");
}

#[tokio::test]
async fn a_pasted_confirmation_types_the_id_and_presses_nothing() {
    let (b, log) = backends("paste", false);
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    let id = shown::instances(&state)[0].id.clone();
    press(&mut state, &b, KeyCode::Char('X')).await;
    assert!(state.confirm.is_some());
    // What a terminal sends for a paste of the ID, a right arrow and Enter.
    settle(&mut state, &b, Msg::Paste(format!("{id}\x1b[C\r\n"))).await;
    let c = state.confirm.as_ref().expect("the dialog is still open");
    assert_eq!(c.typed, id, "the ID, and only the ID, was typed");
    assert!(!c.on_go, "no button was pressed");
    assert!(audit(&log).is_empty(), "nothing was called");
    // Chosen on purpose, the pasted ID counts.
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(state.confirm.is_none());
    let terminated: Vec<String> =
        audit(&log).iter().filter_map(|l| l["request"]["instance"].as_str().map(String::from)).collect();
    assert_eq!(terminated, [id]);
}

/// The simulated stack, but the Buildkite API fails when asked for agents.
struct AgentsFail(std::sync::Arc<dyn bkops::ops::Operations>);

#[async_trait::async_trait]
impl bkops::ops::Operations for AgentsFail {
    async fn scaling_target(
        &self,
        stack: &str,
    ) -> Result<bkops::ops::ScalingTarget, bkops::domain::BackendError> {
        self.0.scaling_target(stack).await
    }
    async fn identity(&self) -> Result<bkops::ops::Identity, bkops::domain::BackendError> {
        self.0.identity().await
    }
    async fn execute(&self, call: &bkops::ops::Call) -> Result<(), bkops::domain::BackendError> {
        self.0.execute(call).await
    }
    async fn agents_on(
        &self,
        _: &str,
        _: &[String],
    ) -> Result<Vec<bkops::ops::AgentRef>, bkops::domain::BackendError> {
        Err(bkops::domain::BackendError::Transient("Buildkite REST API: HTTP 500".into()))
    }
}

#[tokio::test]
async fn agents_that_cannot_be_read_are_said_and_no_drain_is_offered() {
    let (mut b, log) = backends("agents-fail", false);
    b.ops = std::sync::Arc::new(AgentsFail(b.ops.clone()));
    let mut state = loaded(&b).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    press(&mut state, &b, KeyCode::Char('X')).await;
    let c = state.confirm.as_ref().expect("the dialog opens");
    let plan = c.plan.as_ref().expect("a plan");
    assert!(
        plan.warnings.iter().any(|w| w.starts_with(
            "Their agents could not be read (temporary failure: Buildkite REST API: HTTP 500), so they cannot be drained first"
        )),
        "{:?}",
        plan.warnings
    );
    assert!(!plan.warnings.iter().any(|w| w.contains("without BUILDKITE_API_TOKEN")), "{:?}", plan.warnings);
    let actions: Vec<&str> = plan.calls.iter().map(bkops::ops::Call::action).collect();
    assert_eq!(actions, ["autoscaling:TerminateInstanceInAutoScalingGroup"], "no drain");
    assert!(audit(&log).is_empty());
}

#[tokio::test]
async fn a_dialog_that_does_not_fit_scrolls_and_cannot_be_chosen_until_every_note_was_on_screen() {
    let (b, log) = backends("cut", false);
    let mut state = AppState::new("demo", START, (80, 24));
    settle(&mut state, &b, Msg::Tick(START)).await;
    press(&mut state, &b, KeyCode::Char('P')).await;
    press(&mut state, &b, KeyCode::Tab).await; // drain: four notes, more than 80x24 shows
    press(&mut state, &b, KeyCode::Right).await;
    assert!(!state.confirm.as_ref().is_some_and(|c| c.on_go), "the action cannot be focused");
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("more rows of notes to read first"), "{flash}");
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(state.confirm.is_none() && audit(&log).is_empty(), "Enter was Cancel");
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));
    // Read to the end, a row at a time: then, and only then, it can be chosen.
    press(&mut state, &b, KeyCode::Char('P')).await;
    press(&mut state, &b, KeyCode::Tab).await;
    let mut rows = 0;
    loop {
        press(&mut state, &b, KeyCode::Right).await;
        if state.confirm.as_ref().is_some_and(|c| c.on_go) {
            break;
        }
        assert!(rows < 40, "the end of the notes was never reached");
        press(&mut state, &b, KeyCode::Down).await;
        rows += 1;
    }
    assert!(rows > 0, "the notes did not fit: they had to be scrolled");
    // Scrolled to the end: the last note's last words and the buttons are both on screen.
    let screen = draw(&state);
    let last_note = state
        .confirm
        .as_ref()
        .and_then(|c| c.plan.as_ref().ok())
        .and_then(|p| p.warnings.last().cloned())
        .expect("notes");
    let last_words: String = last_note
        .split(' ')
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(screen.contains(&last_words), "{last_words:?} on screen:\n{screen}");
    assert!(screen.contains("[ Cancel ]") && screen.contains("Esc cancels"), "{screen}");
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(matches!(scaling(&state), ScalingState::Paused { .. }));
    assert_eq!(audit(&log).len(), 4, "the intent, then tag, disable, drain");
}

/// The screen as text, drawn at the state's size.
fn draw(state: &AppState) -> String {
    let theme = bkops::theme::load("dark", None).expect("theme");
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(state.size.0, state.size.1))
        .expect("terminal");
    t.draw(|f| bkops::ui::draw(f, state, &theme)).expect("draw");
    t.backend().to_string()
}

#[tokio::test]
async fn a_read_only_dashboard_says_so_in_the_dialog_before_anything_is_chosen() {
    let (b, log) = backends("ro-dialog", true);
    let mut state = AppState::new("demo", START, (160, 48));
    state.settings.read_only = true;
    settle(&mut state, &b, Msg::Tick(START)).await;
    press(&mut state, &b, KeyCode::Char('P')).await;
    let c = state.confirm.as_ref().expect("the dialog opens, to show what would be done");
    assert!(c.read_only);
    press(&mut state, &b, KeyCode::Right).await;
    assert!(!state.confirm.as_ref().is_some_and(|c| c.on_go), "the action cannot be focused");
    press(&mut state, &b, KeyCode::Enter).await;
    assert!(state.confirm.is_none() && audit(&log).is_empty(), "Enter was Cancel");
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));
}

/// Every instance of the stack marked and terminated at 80x24: the buttons stay on screen
/// however long the list and the calls are, and scrolling reaches the last call.
#[tokio::test]
async fn a_long_terminate_dialog_keeps_its_buttons_and_scrolls_to_its_last_call() {
    let (b, log) = backends("long-terminate", false);
    let mut state = AppState::new("demo", START, (80, 24));
    settle(&mut state, &b, Msg::Tick(START)).await;
    press(&mut state, &b, KeyCode::Char('3')).await;
    let ids: Vec<String> = bkops::app::shown::instances(&state).iter().map(|i| i.id.clone()).collect();
    assert!(ids.len() >= 8, "{ids:?}");
    for _ in &ids {
        press(&mut state, &b, KeyCode::Char(' ')).await;
        press(&mut state, &b, KeyCode::Char('j')).await;
    }
    press(&mut state, &b, KeyCode::Char('X')).await;
    let first = draw(&state);
    assert!(first.contains("[ Cancel ]") && first.contains("Type how many instances"), "{first}");
    assert!(first.contains("more rows"), "it says there is more: {first}");
    for _ in 0..60 {
        press(&mut state, &b, KeyCode::Down).await;
    }
    let end = draw(&state);
    let last = ids.last().expect("an instance");
    let calls = end.lines().filter(|l| l.contains(&format!("InstanceId={last}"))).count();
    assert_eq!(calls, 1, "the last call is on screen at the end:\n{end}");
    assert!(end.contains("[ Cancel ]") && end.contains("Esc cancels"), "{end}");
    press(&mut state, &b, KeyCode::Esc).await;
    assert!(audit(&log).is_empty());
}

#[tokio::test(start_paused = true)]
async fn u_previews_an_update_to_the_latest_release_and_runs_it_to_a_resume() {
    let (b, log) = backends("update", false);
    // The demo's clock follows tokio's (paused, so its sleeps pass at once): the update's
    // events come as its follow reads them.
    let clock = b.clock.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            clock.advance_secs(1);
        }
    });
    let mut state = loaded(&b).await;
    let actions = |log: &std::path::Path| -> Vec<String> {
        audit(log).iter().filter_map(|l| l["action"].as_str().map(String::from)).collect()
    };

    // The preview: a change set made, the dialog on Cancel asking for the stack's name.
    press(&mut state, &b, KeyCode::Char('U')).await;
    let c = state.confirm.as_ref().expect("the dialog");
    assert_eq!((c.verb(), c.expected().as_deref()), ("Update", Some("ci-linux")));
    let body: Vec<String> = bkops::app::dialog::body(c).iter().map(|l| l.text()).collect();
    assert!(
        body.iter().any(|l| l.contains("Preview of the update of ci-linux: v6.71.1 → v6.75.0")),
        "{body:?}"
    );
    // Cancelled: the change set is deleted, nothing else is called.
    press(&mut state, &b, KeyCode::Esc).await;
    assert_eq!(
        actions(&log),
        ["intent", "cloudformation:CreateChangeSet", "intent", "cloudformation:DeleteChangeSet"]
    );

    // Typed and chosen: paused, updated, followed, resumed.
    press(&mut state, &b, KeyCode::Char('U')).await;
    press(&mut state, &b, KeyCode::Right).await;
    assert!(!state.confirm.as_ref().expect("dialog").on_go, "not before the name is typed");
    typed(&mut state, &b, "ci-linux").await;
    press(&mut state, &b, KeyCode::Right).await;
    press(&mut state, &b, KeyCode::Enter).await;
    let made = actions(&log);
    let after_cancel = &made[4..];
    assert_eq!(
        after_cancel,
        [
            "intent",
            "cloudformation:CreateChangeSet",
            "intent",
            "autoscaling:CreateOrUpdateTags",
            "events:DisableRule",
            "cloudformation:ExecuteChangeSet",
            "intent",
            "events:EnableRule",
            "autoscaling:DeleteTags"
        ]
    );
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("(UPDATE_COMPLETE); scaling resumed"), "{flash}");
    assert_eq!(state.stack_summary().map(|s| s.version.as_str()), Some("v6.75.0"));
    assert!(matches!(scaling(&state), ScalingState::Enabled { .. }));
    ticker.abort();

    // On the latest release: nothing to update, and nothing is called. (The update opened
    // its events window; Esc closes it.)
    assert!(matches!(state.overlay, Some(bkops::app::Overlay::Events { .. })), "{:?}", state.overlay);
    press(&mut state, &b, KeyCode::Esc).await;
    press(&mut state, &b, KeyCode::Char('U')).await;
    assert!(state.confirm.is_none());
    let flash = state.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("nothing to update"), "{flash}");
    assert_eq!(actions(&log).len(), made.len());
}
