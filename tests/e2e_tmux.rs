//! The real binary in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads
//! the screen. The terminal's modes are compared before and after.

mod support;

use std::process::Command;

use support::tmux::Tmux;

fn assert_restored(t: &Tmux) {
    // The shell writes these after the exit status: wait for the last one (a loaded machine
    // can be slow to get there).
    t.wait_file("after-a");
    assert_eq!(t.read("before"), t.read("after"), "terminal modes differ after bkops");
    let modes = t.read("after-a");
    assert!(modes.split_whitespace().any(|w| w == "icanon"), "cooked mode: {modes}");
    assert!(modes.split_whitespace().any(|w| w == "echo"), "echo: {modes}");
    let after = t.wait_for("the shell back", |s| !s.contains("Stacks"));
    assert!(!after.contains("Auto Scaling"), "the alternate screen was left:\n{after}");
}

#[test]
fn start_switch_panes_help_filter_quit() {
    let t = Tmux::start("keys");
    t.run_bkops("--demo --demo-seed 3");
    t.wait_for("the whole dashboard, instances focused first", |s| {
        ["ci-linux", "InService", "Stacks", "Queue default", "Scaling activity", "┏3 Auto Scaling"]
            .iter()
            .all(|w| s.contains(w))
    });

    t.keys(&["Tab"]);
    t.wait_for("the activity pane focused", |s| s.contains("┏4 Scaling activity"));
    t.keys(&["BTab"]);
    t.wait_for("back on the instances", |s| s.contains("┏3 Auto Scaling"));

    t.keys(&["?"]);
    // A capture can land mid-frame: wait for everything the test reads. The focused pane's
    // keys come first; `/` finds the rest.
    t.wait_for("help", |s| s.contains("Instances") && s.contains("Sort by the next column"));
    t.keys(&["/"]);
    t.type_text("quit");
    t.keys(&["Enter"]);
    t.wait_for("help filtered", |s| {
        s.contains("Only what mentions 'quit'")
            && s.contains("Ctrl-C")
            && !s.contains("Sort by the next column")
    });
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Only what mentions"));

    // A filter on a value that is there: the rows left all have it, and the others are gone.
    // (The capture waits for the rows: one taken mid-frame may not have them yet.)
    let screen = t.wait_for("the instance rows", |s| s.lines().any(|l| row_id(l).is_some()));
    let rows: Vec<&str> = screen.lines().filter(|l| row_id(l).is_some()).collect();
    let kind = rows[0].split_whitespace().nth(4).expect("the TYPE column").to_string();
    let others = rows.iter().filter(|l| !l.contains(&kind)).count();
    t.keys(&["/"]);
    t.type_text(&format!("type:{kind}"));
    t.wait_for("the filter prompt", |s| s.contains(&format!("/type:{kind}▏")));
    t.keys(&["Enter"]);
    let filtered =
        t.wait_for("the filter applied", |s| s.contains(&format!("/type:{kind} ")) && !s.contains("▏"));
    let kept: Vec<&str> = filtered.lines().filter(|l| row_id(l).is_some()).collect();
    assert!(!kept.is_empty() && kept.iter().all(|l| l.contains(&kind)), "only {kind} rows:\n{filtered}");
    assert_eq!(kept.len(), rows.len() - others, "the {others} other rows are gone:\n{filtered}");

    // Esc and a key sent together read as Alt-key: one at a time.
    t.keys(&["Escape"]);
    let cleared = t.wait_for("the filter cleared", |s| !s.contains(&format!("/type:{kind}")));
    // The cursor was on the first row the filter kept: it stays on that instance once the
    // filter is cleared, wherever its row is now.
    let id = row_id(kept[0]).expect("a row");
    assert!(cleared.lines().any(|l| row_id(l).as_deref() == Some(id.as_str())), "{cleared}");
    t.keys(&["l"]);
    t.wait_for("the log view", |s| s.contains(&format!("Logs {id}")) && s.contains("following"));
    t.keys(&["C-s"]);
    let saved = t.wait_for("the save", |s| s.contains("saved to "));
    let path = saved.split("saved to ").nth(1).and_then(|r| r.split_whitespace().next()).expect("a path");
    let text = std::fs::read_to_string(path).expect("the saved file");
    assert!(text.lines().count() > 0 && text.lines().all(|l| l.contains(&id)), "{path}: {text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "saved logs are the operator's alone");
    t.keys(&["Escape"]);
    t.wait_for("the dashboard again", |s| s.contains("┏3 Auto Scaling"));

    t.keys(&[":"]);
    t.type_text("stack ci-windows");
    t.keys(&["Enter"]);
    t.wait_for("the Windows stack", |s| s.contains("Queue windows"));

    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = Tmux::start("term");
    t.run_bkops("--demo");
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
    let pid = t.wait_file("pid");
    let ok = Command::new("kill").args(["-TERM", pid.trim()]).status().expect("kill").success();
    assert!(ok);
    assert_eq!(t.wait_file("exit").trim(), "exit=143", "ended by a signal: 128 + 15, as a shell expects");
    assert_restored(&t);
}

#[test]
fn sigint_and_sigquit_restore_the_terminal_too() {
    for (signal, code) in [("-INT", 130), ("-QUIT", 131), ("-HUP", 129)] {
        let t = Tmux::start(&format!("sig{}", &signal[1..].to_lowercase()));
        t.run_bkops("--demo");
        t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
        let pid = t.wait_file("pid");
        assert!(Command::new("kill").args([signal, pid.trim()]).status().expect("kill").success());
        assert_eq!(t.wait_file("exit").trim(), format!("exit={code}"), "{signal}");
        assert_restored(&t);
        let modes = t.cmd(&["display", "-p", "#{alternate_on} #{mouse_any_flag}"]);
        assert_eq!(
            String::from_utf8_lossy(&modes.stdout).trim(),
            "0 0",
            "{signal}: alternate screen and mouse off"
        );
    }
}

#[test]
fn a_stop_signal_gives_the_shell_back_and_fg_redraws_everything() {
    let t = Tmux::start("tstp");
    t.run_bkops("--demo");
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
    let pid = t.wait_file("pid");
    assert!(Command::new("kill").args(["-TSTP", pid.trim()]).status().expect("kill").success());
    // The shell's prompt, on the ordinary screen, with the mouse off and the terminal cooked.
    t.wait_for("the shell", |s| s.contains("Stopped"));
    let modes = t.cmd(&["display", "-p", "#{alternate_on} #{mouse_any_flag}"]);
    assert_eq!(String::from_utf8_lossy(&modes.stdout).trim(), "0 0");
    // The shell went on with the line that started bkops (its status then was 128+SIGSTOP):
    // `fg` and the same bookkeeping again.
    let d = t.dir.display();
    t.type_text(&format!(
        "stty -a > {d}/stopped-a; rm -f {d}/exit {d}/after {d}/after-a; fg; echo \"exit=$?\" > {d}/exit; stty -g > {d}/after; stty -a > {d}/after-a; clear"
    ));
    t.keys(&["Enter"]);
    t.wait_for("the whole dashboard again", |s| {
        ["Stacks", "Queue default", "┏3 Auto Scaling", "Scaling activity", "? help"]
            .iter()
            .all(|w| s.contains(w))
    });
    let stopped = t.read("stopped-a");
    assert!(stopped.split_whitespace().any(|w| w == "icanon"), "cooked while stopped: {stopped}");
    // Keys work after the return.
    t.keys(&["?"]);
    t.wait_for("the help", |s| s.contains("Show this help"));
    // Escape and q sent at once read as Alt-q: the help is seen closed first.
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Show this help"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn a_small_terminal_gets_a_message_not_a_crash() {
    let t = Tmux::start("small");
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "60", "-y", "20"]).status.success());
    t.run_bkops("--demo");
    t.wait_for("the size message", |s| s.contains("bkops needs a terminal of at least"));
    // Keys that would act on the dashboard do nothing while it cannot be drawn.
    t.keys(&["P"]);
    t.keys(&["Right"]);
    t.keys(&["Enter"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]).status.success());
    let s = t.wait_for("the dashboard after enlarging", |s| s.contains("Scaling activity"));
    let linux = s.lines().find(|l| l.contains("ci-linux ")).unwrap_or_default();
    assert!(linux.contains("enabled") && !s.contains("Pause scaling"), "nothing was paused unseen:\n{s}");
    assert_eq!(t.read("state/bkops/audit.jsonl"), "", "nothing was called");
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn pause_drain_resume_and_terminate_with_confirmations() {
    let t = Tmux::start("actions");
    t.run_bkops("--demo --demo-seed 3");
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));

    t.keys(&["P"]);
    t.wait_for("the pause dialog", |s| s.contains("Pause scaling of ci-linux") && s.contains("[ Cancel ]"));
    t.keys(&["Tab"]);
    t.wait_for("drain chosen", |s| {
        s.contains("Pause scaling of ci-linux and drain it") && s.contains("[x] drain")
    });
    t.keys(&["Right"]);
    t.keys(&["Enter"]);
    t.wait_for("paused and drained", |s| {
        s.contains("done: Pause scaling of ci-linux and drain it") && s.contains("desired 0")
    });

    t.keys(&["P"]);
    t.wait_for("the resume dialog", |s| {
        s.contains("Resume scaling of ci-linux (by arn:aws:sts::000000000000")
    });
    // Esc cancels: nothing changes.
    t.keys(&["Escape"]);
    t.wait_for("cancelled", |s| s.contains("cancelled: nothing changed"));
    t.keys(&["P"]);
    t.wait_for("the resume dialog again", |s| s.contains("[ Resume ]"));
    t.keys(&["Right"]);
    t.keys(&["Enter"]);
    t.wait_for("resumed", |s| s.contains("done: Resume scaling of ci-linux"));

    t.keys(&["3"]);
    let screen = t.wait_for("the instances", |s| s.contains("┏3 Auto Scaling"));
    let id = screen.lines().find_map(row_id).expect("an instance row");
    t.keys(&["X"]);
    t.wait_for("the terminate dialog", |s| s.contains("Type the instance ID"));
    // The action cannot be chosen before the ID is typed.
    t.keys(&["Right"]);
    t.keys(&["Enter"]);
    t.wait_for("Enter on Cancel cancels", |s| s.contains("cancelled: nothing changed"));
    t.keys(&["X"]);
    t.wait_for("the terminate dialog again", |s| s.contains("Type the instance ID"));
    t.type_text(&id);
    t.keys(&["Right"]);
    t.keys(&["Enter"]);
    t.wait_for("terminating", |s| {
        s.lines()
            .any(|l| row_id(l).as_deref() == Some(id.as_str()) && l.contains(&format!("{id} Terminating")))
    });

    let audit = t.read("state/bkops/audit.jsonl");
    let calls = audit.lines().filter(|l| !l.contains(r#""action":"intent""#)).count();
    assert_eq!(calls, 6, "tag, disable, drain, enable, untag, terminate:\n{audit}");
    assert_eq!(audit.lines().count(), 9, "and an intent before each of the three:\n{audit}");
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn the_command_line_asks_on_the_terminal_and_wants_the_id_typed() {
    let status = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "status", "--format", "json"])
        .output()
        .expect("status");
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let id = v["stacks"][0]["auto_scaling"]["instances"][0]["id"].as_str().expect("an instance").to_string();

    let other = v["stacks"][0]["auto_scaling"]["instances"][1]["id"].as_str().expect("another").to_string();
    let typo = format!("{}x", &id[..id.len() - 1]);
    let t = Tmux::start("ask");
    // Anything but the ID itself cancels: a yes, a typo, another instance's ID.
    for answer in ["i-0000000000000000", "y", "yes", typo.as_str(), other.as_str()] {
        let _ = std::fs::remove_file(t.dir.join("exit"));
        t.keys(&["C-l"]);
        t.run_bkops(&format!("--demo terminate {id}"));
        t.wait_for("the question", |s| s.contains("Type the instance ID to terminate it:"));
        t.type_text(answer);
        t.keys(&["Enter"]);
        // The shell clears the screen after bkops exits: the files tell what happened.
        assert_eq!(t.wait_file("exit").trim(), "exit=1", "{answer:?} is no confirmation");
        assert!(t.read("state/bkops/audit.jsonl").is_empty(), "{answer:?} cancels: nothing was called");
    }

    let _ = std::fs::remove_file(t.dir.join("exit"));
    t.run_bkops(&format!("--demo terminate {id}"));
    t.wait_for("the question again", |s| s.matches("Type the instance ID to terminate it:").count() == 1);
    t.type_text(&id);
    t.keys(&["Enter"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    let audit = t.read("state/bkops/audit.jsonl");
    assert_eq!(audit.lines().count(), 2, "the intent and the call: {audit}");
    assert!(
        audit.contains(&format!(r#""instance":"{id}""#)) && audit.contains(r#""result":"ok""#),
        "{audit}"
    );
}

/// Filters the instances to InService ones and returns the first row's ID (the selected one).
fn first_in_service(t: &Tmux) -> String {
    t.keys(&["3"]);
    t.wait_for("the instances", |s| s.contains("┏3 Auto Scaling") && s.contains("InService"));
    t.keys(&["/"]);
    t.type_text("InService");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the filter applied", |s| s.contains("/InService ") && !s.contains("▏"));
    screen.lines().find_map(row_id).expect("an instance row")
}

#[test]
fn a_shell_from_the_demo_dashboard_and_back() {
    let t = Tmux::start("shell");
    t.run_bkops("--demo --demo-seed 3");
    let id = first_in_service(&t);
    t.keys(&["s"]);
    t.wait_for("the simulated instance's shell", |s| {
        s.contains("through the built-in client") && s.contains("sh-5.2$")
    });
    t.type_text("ec2-metadata");
    t.keys(&["Enter"]);
    t.wait_for("the command's output", |s| s.contains(&format!("instance-id: {id}")));
    // The session has the terminal's size, and Ctrl-C is the remote shell's, not a signal.
    t.type_text("stty size");
    t.keys(&["Enter"]);
    t.wait_for("the size", |s| s.lines().any(|l| l == "30 100"));
    // A resize (SIGWINCH) reaches the remote terminal.
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "120", "-y", "35"]).status.success());
    t.type_text("stty size");
    t.keys(&["Enter"]);
    t.wait_for("the new size", |s| s.lines().any(|l| l == "35 120"));
    t.type_text("sleep 100");
    t.keys(&["C-c"]);
    t.wait_for("Ctrl-C in the shell", |s| s.contains("sleep 100^C"));
    t.type_text("exit");
    t.keys(&["Enter"]);
    let back = t.wait_for("the dashboard, saying how the session ended", |s| {
        s.contains("┏3 Auto Scaling") && s.contains(&format!("{id}: session operator-"))
    });
    assert!(back.lines().last().is_some_and(|l| l.contains(" ended")), "{back}");
    assert!(
        back.lines().any(|l| l.chars().count() == 120 && l.starts_with("┏3 Auto Scaling")),
        "redrawn at the new size:\n{back}"
    );
    // The dashboard answers keys again.
    t.keys(&["?"]);
    t.wait_for("help", |s| s.contains("Show this help"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Show this help"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
    let audit = t.read("state/bkops/audit.jsonl");
    assert!(audit.contains("\"action\":\"ssm:StartSession\"") && audit.contains(&id), "{audit}");
}

/// Waits until the file `name` in the test's directory contains `text`.
fn wait_in_file(t: &Tmux, name: &str, text: &str) -> String {
    t.wait_for(&format!("{text} in {name}"), |_| t.read(name).contains(text));
    t.read(name)
}

#[test]
fn the_plugin_gets_the_terminal_in_cooked_mode_and_ctrl_c_is_its_own() {
    let t = Tmux::start("plugin");
    let d = t.dir.display();
    let plugin = t.dir.join("session-manager-plugin");
    // A fake plugin: the real one is in no package here. It reports the terminal modes it was
    // given, echoes what it reads, and traps SIGINT.
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\n[ \"$1\" = \"--version\" ] && {{ echo 1.2.764.0; exit 0; }}\n\
             trap 'echo child-INT >> {d}/plugin-log' INT\nstty -a > {d}/plugin-stty\necho plugin ready\n\
             while :; do read l || continue; echo \"got:$l\" >> {d}/plugin-log; [ \"$l\" = bye ] && exit 0; done\n"
        ),
    )
    .expect("plugin");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::create_dir_all(t.dir.join("config/bkops")).expect("config dir");
    std::fs::write(
        t.dir.join("config/bkops/config.toml"),
        format!("[ssm]\nclient = \"plugin\"\nplugin = \"{}\"\n", plugin.display()),
    )
    .expect("config");
    t.run_bkops("--demo --demo-seed 3");
    let id = first_in_service(&t);
    t.keys(&["s"]);
    t.wait_for("the plugin running", |s| s.contains("plugin ready"));
    let modes = wait_in_file(&t, "plugin-stty", "speed");
    for mode in ["icanon", "echo", "isig"] {
        assert!(modes.split_whitespace().any(|w| w == mode), "{mode} for the plugin: {modes}");
    }
    // The first keystrokes reach the plugin: no reader of bkops' is left to steal them.
    t.type_text("hello");
    t.keys(&["Enter"]);
    wait_in_file(&t, "plugin-log", "got:hello");
    t.keys(&["C-c"]);
    wait_in_file(&t, "plugin-log", "child-INT");
    t.type_text("bye");
    t.keys(&["Enter"]);
    t.wait_for("the dashboard after the plugin exited", |s| {
        s.contains("┏3 Auto Scaling") && s.contains(&format!("{id}: session operator-"))
    });
    assert!(t.read("exit").is_empty(), "Ctrl-C did not end bkops");
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}

#[test]
fn a_pasted_confirmation_types_the_id_and_presses_nothing() {
    let t = Tmux::start("paste");
    t.run_bkops("--demo --demo-seed 3");
    t.keys(&["3"]);
    let screen = t.wait_for("the instances", |s| s.contains("┏3 Auto Scaling") && s.contains("InService"));
    let id = screen.lines().find_map(row_id).expect("an instance row");
    t.keys(&["X"]);
    t.wait_for("the terminate dialog", |s| s.contains("Type the instance ID"));
    // The ID, a right arrow and Enter, pasted as one (tmux brackets it, as terminals do).
    std::fs::write(t.dir.join("clip"), format!("{id}\x1b[C\r")).expect("clip");
    assert!(t.cmd(&["load-buffer", &t.dir.join("clip").display().to_string()]).status.success());
    assert!(t.cmd(&["paste-buffer", "-p", "-t", "e2e"]).status.success());
    t.wait_for("the ID typed", |s| s.contains(&format!("({id}): {id}▏")));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let s = t.screen();
    assert!(s.contains("[ Cancel ]") && !s.contains("Terminating"), "nothing was pressed:\n{s}");
    assert_eq!(t.read("state/bkops/audit.jsonl"), "", "nothing was called");
    t.keys(&["Escape"]);
    t.wait_for("the dialog closed", |s| !s.contains("[ Cancel ]"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
    // Bracketed paste is off again: a paste into the shell arrives without the markers.
    std::fs::write(t.dir.join("clip"), "echo pasted-$((40+2))").expect("clip");
    assert!(t.cmd(&["load-buffer", &t.dir.join("clip").display().to_string()]).status.success());
    assert!(t.cmd(&["paste-buffer", "-p", "-t", "e2e"]).status.success());
    t.keys(&["Enter"]);
    let s = t.wait_for("the shell ran the paste", |s| s.contains("pasted-42"));
    assert!(!s.contains("200~"), "bracketed paste left on:\n{s}");
}

/// The instance ID of an instance row as drawn (`┃`, the problem mark, a space, the ID).
fn row_id(line: &str) -> Option<String> {
    let rest = line.strip_prefix('┃')?;
    let mut chars = rest.chars();
    chars.next()?;
    let id: String = chars.as_str().strip_prefix(' ')?.chars().take(19).collect();
    (id.starts_with("i-") && id.len() == 19).then_some(id)
}

#[test]
fn the_cursor_stays_on_its_instance_while_new_ones_arrive_and_l_opens_its_logs() {
    let t = Tmux::start("arrivals");
    // At 30x, the demo's burst (at +150 s) launches new instances within seconds; the young
    // sort first, above the cursor.
    t.run_bkops("--demo --demo-speed 30");
    t.keys(&["3"]);
    t.wait_for("the instances", |s| s.contains("┏3 Auto Scaling") && s.contains("InService"));
    t.keys(&["j", "j"]);
    let screen = t.wait_for("the cursor on the third row", |s| s.lines().any(|l| l.contains(" 3/")));
    let before: Vec<String> = screen.lines().filter_map(row_id).collect();
    let id = before[2].clone();
    t.wait_for("a new instance above", |s| s.lines().filter_map(row_id).any(|r| !before.contains(&r)));
    t.keys(&["l"]);
    t.wait_for("that instance's logs", |s| s.contains(&format!("Logs {id}")));
    t.keys(&["Escape"]);
    t.wait_for("the dashboard again", |s| s.contains("┏3 Auto Scaling"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
}

#[test]
fn a_terminal_that_goes_away_is_a_hang_up_not_a_crash() {
    let t = Tmux::start("lost");
    let d = t.dir.display();
    let bin = env!("CARGO_BIN_EXE_bkops");
    // The wrapper outlives the terminal (it ignores the hang-up) to write bkops' status.
    let line = format!(
        "XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache XDG_CONFIG_HOME={d}/config \
         sh -c 'trap \"\" HUP; {bin} --demo 2> {d}/stderr; echo \"exit=$?\" > {d}/exit'"
    );
    t.type_text(&line);
    t.keys(&["Enter"]);
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
    // The window closes: the terminal is gone under bkops.
    t.cmd(&["kill-server"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=129", "stderr: {}", t.read("stderr"));
    let log = t.read("state/bkops/bkops.log");
    assert!(!log.contains("panic"), "no panic on the way out:\n{log}");
    assert!(t.read("stderr").is_empty(), "nothing printed to a terminal that is gone: {}", t.read("stderr"));
}

#[test]
fn a_stack_named_on_the_command_line_never_holds_up_the_first_frame() {
    // An AWS endpoint that takes connections and never answers: the stack list stalls.
    let stalled = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let endpoint = format!("http://{}", stalled.local_addr().expect("address"));
    let t = Tmux::start("stack-stalled");
    t.run_bkops_with(
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true",
        &format!("--stack ci-linux --region us-east-1 --endpoint-url {endpoint}"),
    );
    let started = std::time::Instant::now();
    t.wait_for("the dashboard, drawn while the list is read", |s| {
        s.contains("bkops │") && s.contains("Stacks")
    });
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "drawn at once, not after the listing");
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0", "keys work while the list stalls");
    drop(stalled);
}

#[test]
fn a_stack_named_on_the_command_line_is_shown_when_the_list_arrives() {
    let t = Tmux::start("stack-named");
    t.run_bkops("--demo --stack ci-arm64");
    t.wait_for("ci-arm64 chosen", |s| s.lines().any(|l| l.contains("▶ ci-arm64")));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    // A name that is no stack is said when the list arrives; the first stack is shown.
    let t = Tmux::start("stack-unknown");
    t.run_bkops("--demo --stack nope");
    t.wait_for("the unknown name said", |s| s.contains("no stack named 'nope'") && s.contains("▶ ci-linux"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
}

/// The rows inside the log view's box that show something.
fn log_rows(screen: &str) -> Vec<String> {
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows.iter().position(|l| l.contains(" Logs i-")).unwrap_or(0);
    rows[top + 1..]
        .iter()
        .take_while(|l| l.starts_with('┃'))
        .map(|l| l.trim_start_matches('┃').trim_end().trim_end_matches('┃').trim_end().to_string())
        .collect()
}

/// What an on-call engineer meets first in the log view, at 80x24 on the demo's syslog-shaped
/// lines: the message (not the syslog time, host and program again), a search match on
/// screen with wrapping on, `g` filling the screen from the oldest line, and `e` saying which
/// error it went to (or that there is none).
#[test]
fn the_log_view_at_80x24_shows_messages_matches_the_oldest_lines_and_errors() {
    let t = Tmux::start("logview");
    assert!(t.cmd(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"]).status.success());
    t.run_bkops("--demo");
    t.wait_for("the dashboard", |s| s.contains("ci-linux") && s.contains("InService"));
    let id = first_in_service(&t);
    t.keys(&["Escape"]);
    t.wait_for("the filter cleared", |s| !s.contains("/InService"));
    t.keys(&["l"]);
    let screen = t.wait_for("the agent's lines", |s| {
        s.contains(&format!("Logs {id}")) && s.contains("Registering agent with Buildkite")
    });
    let agent = log_rows(&screen).into_iter().find(|l| l.contains("Registering agent")).expect("the line");
    assert!(
        !agent.contains("ip-10-") && !agent.contains("buildkite-agent[") && agent.matches(':').count() <= 2,
        "the time once, no host, no program: {agent:?}"
    );
    assert!(agent.contains("INFO") && agent.ends_with("Registering agent with Buildkite..."), "{agent:?}");

    // `r`: the lines as written, prefix and all.
    t.keys(&["r"]);
    t.wait_for("the raw lines", |s| s.contains("buildkite-agent[") && s.contains("lines as written"));

    // Search with wrapping on (and the lines as written, each over two rows or more): the
    // match is on screen, where the title says it is.
    t.keys(&["w"]);
    t.keys(&["/"]);
    t.type_text("Registering");
    t.keys(&["Enter"]);
    let found = t.wait_for("the match", |s| s.contains("/Registering match"));
    assert!(log_rows(&found).iter().any(|l| l.contains("Registering")), "the match is on screen:\n{found}");
    t.keys(&["w"]);
    t.keys(&["r"]);
    t.wait_for("compact again", |s| !s.contains("buildkite-agent["));

    // `G` then `g`: as many rows shown from the oldest line as from the newest.
    t.keys(&["G"]);
    let newest = t.wait_for("following", |s| s.contains("following"));
    let filled = log_rows(&newest).iter().filter(|l| !l.is_empty()).count();
    t.keys(&["g"]);
    let oldest = t.wait_for("paused at the oldest", |s| s.contains("PAUSED"));
    let rows = log_rows(&oldest);
    assert_eq!(rows.iter().filter(|l| !l.is_empty()).count(), filled, "g fills the screen:\n{oldest}");
    assert!(!rows[0].is_empty(), "{oldest}");

    // `e`: the error line marked and counted, or "no error lines".
    t.keys(&["e"]);
    let said = t.wait_for("what e found", |s| s.contains("error 1/") || s.contains("no error lines"));
    if said.contains("error 1/") {
        assert!(log_rows(&said).iter().any(|l| l.starts_with("» ")), "the error line is marked:\n{said}");
    }
    t.keys(&["Escape"]);
    t.wait_for("the dashboard again", |s| s.contains("┏3 Auto Scaling"));
    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_restored(&t);
}
