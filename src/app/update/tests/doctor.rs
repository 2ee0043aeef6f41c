//! The doctor in the dashboard: its findings of the stack on screen, from what the panes read
//! and the log groups' retention (read every 10 minutes), as a badge and a window.

use super::*;

#[tokio::test]
async fn the_doctors_findings_come_from_the_panes_reads_and_the_log_groups() {
    let (mut state, _, _) = loaded((160, 48)).await;
    assert!(state.log_groups.data.is_some(), "read with the stack's panes");
    let codes: Vec<&str> = state.findings().iter().map(|f| f.code).collect();
    assert!(codes.contains(&"log_groups_never_expire"), "{codes:?}");
    assert!(codes.contains(&"scaler_log_retention_one_day"), "{codes:?}");
    update(&mut state, key('C'));
    assert_eq!(state.overlay, Some(Overlay::Doctor));
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    typed(&mut state, "doctor");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.overlay, Some(Overlay::Doctor));
    // Read again only after ten minutes.
    let read = state.log_groups.fetched_at.expect("read");
    assert_eq!(state.log_groups.next_due, Some(read.plus_secs(600)));
}
