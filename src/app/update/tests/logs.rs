//! The log view from the dashboard: opening, its keys, search, and its groups.

use super::*;

#[tokio::test]
async fn l_opens_the_instances_logs_and_esc_stops_them() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let id = shown::instances(&state)[0].id.clone();
    let fx = update(&mut state, key('l'));
    let groups: Vec<String> = crate::domain::groups::default_groups(crate::domain::Os::Linux)
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(fx, vec![Effect::StartTail { instance: id.clone(), groups, from: None, live: false }]);
    assert_eq!(state.logs.as_ref().map(|v| v.instance.as_str()), Some(id.as_str()));

    let line = |stream: &str, n: i64, message: &str| crate::domain::LogEvent {
        timestamp: START.plus_secs(n),
        ingestion_time: START.plus_secs(n),
        group: "/buildkite/elastic-stack".into(),
        stream: stream.into(),
        event_id: n.to_string(),
        message: message.into(),
    };
    // Lines for another instance (a reader not yet stopped) are not shown.
    let other = vec![line("i-0other", 1, "Disk space free: 1G"), line("i-0other", 2, "not mine")];
    update(&mut state, Msg::LogLines { instance: "i-0other".into(), lines: other });
    assert_eq!(state.logs.as_ref().map(|v| v.kept()), Some(0), "another instance's lines");
    let mine = vec![
        line(&id, 3, "Disk space free: 9G"),
        line(&id, 4, "Starting docker"),
        line(&id, 5, "Disk space free: 8G"),
    ];
    update(&mut state, Msg::LogLines { instance: id.clone(), lines: mine });
    assert_eq!(state.logs.as_ref().map(|v| v.kept()), Some(3));

    update(&mut state, key(' '));
    assert!(state.logs.as_ref().is_some_and(|v| !v.follow), "Space pauses");
    update(&mut state, key('w'));
    assert!(state.logs.as_ref().is_some_and(|v| v.wrap));
    // A filter that keeps one line of three.
    update(&mut state, key('&'));
    typed(&mut state, "docker");
    update(&mut state, code(KeyCode::Enter));
    let shown: Vec<String> = state
        .logs
        .as_ref()
        .map(|v| v.visible().iter().map(|e| e.message.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(shown, ["Starting docker"]);
    assert_eq!(update(&mut state, code(KeyCode::Esc)), vec![Effect::StopTail]);
    assert!(state.logs.is_none());
    assert_eq!(state.focus, Pane::Instances, "back where it was");
}

#[tokio::test]
async fn logs_by_command_and_ctrl_c() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key(':'));
    typed(&mut state, "logs nope");
    assert_eq!(update(&mut state, code(KeyCode::Enter)), vec![]);
    assert!(state.flash.as_ref().is_some_and(|f| f.is_error && f.text.contains("is not an instance ID")));
    update(&mut state, key(':'));
    typed(&mut state, "logs ci-linux-i-0123456789abcdef0-1");
    let fx = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::StartTail { instance, .. }] if instance == "i-0123456789abcdef0")
    );
    assert_eq!(update(&mut state, ctrl('c')), vec![Effect::StopTail], "Ctrl-C closes the logs first");
    assert!(state.logs.is_none() && !state.exit.is_quit());
}

#[tokio::test]
async fn the_log_views_keys_save_toggle_and_find_errors() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('l'));
    let id = state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let line = |g: &str, ms: i64, m: &str| crate::domain::LogEvent {
        timestamp: Timestamp(ms),
        ingestion_time: Timestamp(ms),
        group: g.into(),
        stream: id.clone(),
        event_id: ms.to_string(),
        message: m.into(),
    };
    let lines = vec![
        line("/buildkite/buildkite-agent", 1, "Registering agent with Buildkite..."),
        line("/buildkite/elastic-stack", 2, "Insufficient disk space after cleanup."),
        line("/buildkite/buildkite-agent", 3, "Waiting for instructions..."),
    ];
    update(&mut state, Msg::LogLines { instance: id.clone(), lines });
    update(&mut state, key('1'));
    assert_eq!(
        state.logs.as_ref().map(|v| v.visible().len()),
        Some(1),
        "the first group (buildkite-agent) hidden"
    );
    update(&mut state, key('1'));
    update(&mut state, key('e'));
    // Three lines on 21 rows: all on screen, the error with the line after it, paused there.
    assert_eq!(state.logs.as_ref().map(|v| (v.offset, v.follow)), Some((0, false)));
    let fx = update(&mut state, ctrl('s'));
    match fx.as_slice() {
        [Effect::SaveLogs { instance, text }] => {
            assert_eq!(instance, &id);
            assert_eq!(text.lines().count(), 3);
            assert!(
                text.contains("/buildkite/elastic-stack")
                    && text.contains("Insufficient disk space after cleanup.")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn search_moves_between_matches_like_less() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('l'));
    let id = state.logs.as_ref().map(|v| v.instance.clone()).expect("open");
    let lines = (0..6)
        .map(|n| crate::domain::LogEvent {
            timestamp: Timestamp(n),
            ingestion_time: Timestamp(n),
            group: "/buildkite/buildkite-agent".into(),
            stream: id.clone(),
            event_id: n.to_string(),
            message: if n % 2 == 0 { format!("Assigned job {n}") } else { format!("Finished job {n}") },
        })
        .collect();
    update(&mut state, Msg::LogLines { instance: id, lines });
    update(&mut state, key('/'));
    typed(&mut state, "assigned");
    update(&mut state, code(KeyCode::Enter));
    let which = |s: &AppState| s.logs.as_ref().and_then(|v| v.match_of);
    let flash = |s: &AppState| s.flash.as_ref().map(|f| f.text.clone());
    assert_eq!(which(&state), Some((3, 3)), "the newest match (line 4)");
    update(&mut state, key('N'));
    assert_eq!(which(&state), Some((2, 3)), "line 2");
    update(&mut state, key('N'));
    assert_eq!(which(&state), Some((1, 3)), "line 0");
    update(&mut state, key('N'));
    assert_eq!(which(&state), Some((3, 3)), "round to the newest, as less does");
    assert_eq!(flash(&state).as_deref(), Some("search went round: from the newest match again"));
    update(&mut state, key('n'));
    assert_eq!(which(&state), Some((1, 3)), "and round to the oldest");
    assert_eq!(flash(&state).as_deref(), Some("search went round: from the oldest match again"));
}

#[tokio::test]
async fn every_log_group_is_a_digit_away_and_read_only_once_shown() {
    let (mut state, _, _) = loaded((80, 24)).await;
    let id = shown::instances(&state)[0].id.clone();
    update(&mut state, key('l'));
    let view = state.logs.as_ref().expect("open");
    let all = crate::domain::groups::all_groups(crate::domain::Os::Linux);
    assert_eq!(view.groups, all, "every group of the stack has its toggle");
    assert_eq!(view.reading.len(), 4, "the default four are read");
    assert_eq!(view.groups[4], "/buildkite/system");
    assert!(view.hidden.contains("/buildkite/system"));
    // 5 shows /buildkite/system: it is read from now on, with the four, from the last hour.
    let fx = update(&mut state, key('5'));
    let mut groups: Vec<String> = crate::domain::groups::default_groups(crate::domain::Os::Linux)
        .into_iter()
        .map(String::from)
        .collect();
    groups.push("/buildkite/system".into());
    assert_eq!(fx, vec![Effect::StartTail { instance: id, groups, from: None, live: false }]);
    // Hiding it again, or hiding a group already read, reads nothing new.
    assert_eq!(update(&mut state, key('5')), vec![]);
    assert_eq!(update(&mut state, key('1')), vec![]);
    assert!(state.logs.as_ref().is_some_and(|v| v.hidden.contains("/buildkite/buildkite-agent")));
}

#[tokio::test]
async fn help_scrolls_no_further_than_its_end_so_up_moves_at_once() {
    let (mut state, _, _) = loaded((80, 24)).await;
    update(&mut state, key('?'));
    let max = crate::app::windows::max_scroll(&state);
    assert!(max > 10, "the help is longer than a screen: {max}");
    let scroll = |s: &AppState| match &s.overlay {
        Some(Overlay::Help { scroll, .. }) => *scroll,
        other => panic!("{other:?}"),
    };
    update(&mut state, key('G'));
    assert_eq!(scroll(&state), max);
    update(&mut state, key('k'));
    assert_eq!(scroll(&state), max - 1, "up moves at once after the end");
    for _ in 0..50 {
        update(&mut state, key('j'));
    }
    assert_eq!(scroll(&state), max, "down stops at the end");
}
