//! The doctor in the dashboard: its findings of the stack on screen, from what the panes read
//! and the log groups' retention (read every 10 minutes), as a badge and a window.

use super::*;

#[tokio::test]
async fn the_doctors_findings_come_from_the_panes_reads_and_the_log_groups() {
    let (mut state, _, _) = loaded((160, 48)).await;
    assert!(state.reads.log_groups.data.is_some(), "read with the stack's panes");
    let codes: Vec<&str> = state.findings().iter().map(|f| f.code).collect();
    assert!(codes.contains(&"log_groups_never_expire"), "{codes:?}");
    assert!(codes.contains(&"scaler_log_retention_one_day"), "{codes:?}");
    update(&mut state, key('C'));
    assert_eq!(state.overlay, Some(Overlay::Doctor { scroll: 0 }));
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    typed(&mut state, "doctor");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.overlay, Some(Overlay::Doctor { scroll: 0 }));
    // Read again only after ten minutes.
    let read = state.reads.log_groups.fetched_at.expect("read");
    assert_eq!(state.reads.log_groups.next_due, Some(read.plus_secs(600)));
}

#[tokio::test]
async fn a_window_of_text_scrolls_to_its_end_and_no_further() {
    let (mut state, _, _) = loaded((80, 24)).await;
    // More findings than 80x24 can show at once.
    if let Some(s) = state.stacks.data.as_mut().and_then(|v| v.iter_mut().find(|s| s.name == "ci-linux")) {
        s.scale_in_idle_period = 0;
        s.min = 1;
        s.launch.terminate_after_job = true;
        s.launch.instance_types = vec!["c6i.4xlarge".into()];
        s.launch.on_demand_percentage = Some(0);
    }
    for open in ['C', 'W', 'E'] {
        update(&mut state, key(open));
        let max = crate::app::windows::max_scroll(&state);
        let scroll = |s: &AppState| s.overlay.clone().and_then(|mut o| o.scroll_mut().copied());
        if open == 'C' {
            assert!(max > 0, "the doctor's findings do not fit 80x24");
        }
        for _ in 0..50 {
            update(&mut state, key('j'));
        }
        assert_eq!(scroll(&state), Some(max), "{open}: at its end, not past it");
        update(&mut state, key('k'));
        assert_eq!(scroll(&state), Some(max.saturating_sub(1)), "{open}: k moves at once");
        update(&mut state, key('g'));
        assert_eq!(scroll(&state), Some(0));
        // The wheel scrolls it too, three rows a notch, and not past its end.
        let wheel = |kind| {
            Msg::Mouse(crossterm::event::MouseEvent {
                kind,
                column: 40,
                row: 12,
                modifiers: crossterm::event::KeyModifiers::NONE,
            })
        };
        update(&mut state, wheel(crossterm::event::MouseEventKind::ScrollDown));
        assert_eq!(scroll(&state), Some(3.min(max)), "{open}: the wheel scrolls");
        for _ in 0..50 {
            update(&mut state, wheel(crossterm::event::MouseEventKind::ScrollDown));
        }
        assert_eq!(scroll(&state), Some(max), "{open}: the wheel stops at its end");
        update(&mut state, wheel(crossterm::event::MouseEventKind::ScrollUp));
        assert_eq!(scroll(&state), Some(max.saturating_sub(3)));
        update(&mut state, code(KeyCode::Esc));
    }
}

/// The stacks pane's count of findings is the findings' own, worked out again when a read
/// answers or the moment moves, and not for every frame in between.
#[tokio::test]
async fn the_count_of_findings_follows_the_reads() {
    let (mut state, b, _) = loaded((160, 48)).await;
    assert_eq!(state.findings_count(), state.findings().len());
    let kept = state.findings_count.borrow().clone().expect("kept");
    assert_eq!(state.findings_count(), kept.1, "asked again, the same");
    // The log groups now expire: a read answers, and the count follows it.
    let before = state.findings().len();
    let groups = vec![crate::domain::groups::LogGroup {
        name: "/buildkite/elastic-stack".into(),
        retention_days: Some(7),
    }];
    let at = b.clock.now();
    update(
        &mut state,
        Msg::Loaded {
            resource: Resource::LogGroups("ci-linux".into()),
            result: Ok(crate::app::Payload::LogGroups(groups)),
            at,
        },
    );
    assert!(state.findings().len() < before, "fewer findings with the groups expiring");
    assert_eq!(state.findings_count(), state.findings().len());
}
