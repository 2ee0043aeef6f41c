//! An incident timeline of one stack, read: its activities, its scaler's log, its
//! instances' own log signals, its agents, the queue's history and bkops' audit log, all
//! since one moment, made into events by `domain::timeline`. Used by the dashboard's `T`
//! and by `bkops timeline`.

use std::collections::{BTreeMap, BTreeSet};

use super::lines::log_lines;
use crate::analysis::log_signals;
use crate::analysis::timeline::{Inputs, Timeline, build};
use crate::backend::Backends;
use crate::deadline::within;
use crate::domain::scaler_log::ScalerRead;
use crate::domain::{AgentState, BackendError, Timestamp, groups};

/// How long before the window a job may have started and still be running when its instance
/// ended in it.
const JOB_LOOK_BACK_SECS: i64 = 6 * 3600;

/// The timeline of `stack` since `since`; what operators did comes from the backends' audit
/// log.
pub async fn read(backends: &Backends, stack: &str, since: Timestamp) -> Timeline {
    let now = backends.clock.now();
    let b = &backends.stacks;
    let (fleet, activities, scaler, queue, cfn) = tokio::join!(
        within(b.fleet(stack)),
        within(b.activities(stack)),
        within(b.scaler_log(stack, since)),
        within(backends.queues.queue_history(stack, since)),
        within(b.stack_events(stack, since))
    );
    let mut unread = Vec::new();
    let mut keep = |what: &str, e: BackendError| unread.push(format!("{what}: {e}"));
    let fleet = fleet.map_err(|e| keep("auto scaling group", e)).ok();
    let activities = activities.map_err(|e| keep("scaling activity", e)).unwrap_or_default();
    let queue = queue.map_err(|e| keep("queue history", e)).unwrap_or_default();
    // A stack deployed by Terraform has no CloudFormation events: nothing is missing.
    let cfn = match cfn {
        Err(BackendError::Unconfigured(_)) => Vec::new(),
        other => other.map_err(|e| keep("stack events", e)).unwrap_or_default(),
    };
    let scaler = scaler_log(scaler, since, &mut unread);
    // The instances there are now, and those that came and went since.
    let mut ids: BTreeSet<String> =
        fleet.iter().flat_map(|f| f.instances.iter().map(|i| i.id.clone())).collect();
    ids.extend(
        activities
            .iter()
            .filter(|a| a.start >= since)
            .filter_map(|a| crate::analysis::timeline::activity_instance(&a.description).map(str::to_string)),
    );
    let ids: Vec<String> = ids.into_iter().collect();
    let mut lines = Vec::new();
    let signal = |m: &str| log_signals::disk_line(m).is_some() || log_signals::is_boot_failure(m);
    match within(log_lines(backends.logs.as_ref(), groups::ELASTIC_STACK, None, &ids, since, signal)).await {
        Ok(l) => lines.extend(l),
        Err(e) => unread.push(format!("{}: {e}", groups::ELASTIC_STACK)),
    }
    let notice = format!("\"{}\"", log_signals::SPOT_NOTICE);
    match within(log_lines(
        backends.logs.as_ref(),
        groups::LIFECYCLED,
        Some(&notice),
        &ids,
        since,
        log_signals::is_spot_notice,
    ))
    .await
    {
        Ok(l) => lines.extend(l),
        Err(e) => unread.push(format!("{}: {e}", groups::LIFECYCLED)),
    }
    let jobs = unfinished_jobs(backends, &activities, since, &mut unread).await;
    let lost: Vec<String> = fleet
        .iter()
        .flat_map(|f| f.instances.iter())
        .filter(|i| i.agents.state == AgentState::Lost)
        .map(|i| i.id.clone())
        .collect();
    let zombies: Vec<(String, Timestamp)> = fleet
        .iter()
        .flat_map(|f| f.instances.iter())
        .filter(|i| crate::analysis::why::is_zombie(i, now))
        .filter_map(|i| Some((i.id.clone(), i.launched_at?)))
        .collect();
    let operated = match backends.audit_log.as_deref() {
        Some(path) => crate::ops::audit_read::operated(path, &backends.label.to_string(), stack, since)
            .unwrap_or_else(|e| {
                unread.push(format!("audit log {}: {e}", path.display()));
                Vec::new()
            }),
        None => Vec::new(),
    };
    let paused = fleet.as_ref().and_then(|f| Some((f.paused_by.as_deref()?, f.paused_at?)));
    let events = build(&Inputs {
        now,
        since,
        activities: &activities,
        jobs: &jobs,
        scaler: scaler.as_ref(),
        lines: &lines,
        lost: &lost,
        zombies: &zombies,
        operated: &operated,
        paused,
        queue: &queue,
        stack,
        stack_events: &cfn,
    });
    Timeline { events, unread }
}

/// The scaler's log, when it was read; why not, in `unread`, when it was not.
fn scaler_log(
    scaler: Result<ScalerRead, BackendError>,
    since: Timestamp,
    unread: &mut Vec<String>,
) -> Option<crate::domain::scaler_log::ScalerLog> {
    let why = match scaler {
        Ok(ScalerRead::Read(log)) => return Some(log),
        Ok(ScalerRead::None) => return None,
        Ok(ScalerRead::Missing { group }) => format!("{group} holds nothing since {}", since.rfc3339()),
        Ok(ScalerRead::Unreadable { text }) => text,
        Err(e) => e.to_string(),
    };
    unread.push(format!("scaler: {why}"));
    None
}

/// The instances that ended in the window, and the jobs their agents were running then.
async fn unfinished_jobs(
    backends: &Backends,
    activities: &[crate::domain::ScalingActivity],
    since: Timestamp,
    unread: &mut Vec<String>,
) -> Vec<(String, Vec<crate::analysis::forensics::JobRef>)> {
    let ended: Vec<String> = activities
        .iter()
        .filter(|a| a.start >= since && crate::analysis::forensics::ended_by(a).is_some())
        .filter_map(|a| crate::analysis::timeline::activity_instance(&a.description).map(str::to_string))
        .collect();
    let job_lines = format!("\"{}\"", crate::analysis::forensics::JOB_LINE);
    // From a while before the window: a job may have started well before its instance ended.
    let from = since.plus_secs(-JOB_LOOK_BACK_SECS);
    match within(log_lines(
        backends.logs.as_ref(),
        groups::BUILDKITE_AGENT,
        Some(&job_lines),
        &ended,
        from,
        |_| true,
    ))
    .await
    {
        Ok(l) => {
            let mut by: BTreeMap<String, Vec<(Timestamp, String)>> = BTreeMap::new();
            for line in l {
                by.entry(line.instance).or_default().push((line.at, line.message));
            }
            by.into_iter()
                .map(|(id, mut m)| {
                    m.sort();
                    (id, crate::analysis::forensics::unfinished_jobs(m.iter().map(|(_, l)| l.as_str())))
                })
                .filter(|(_, j)| !j.is_empty())
                .collect()
        }
        Err(e) => {
            unread.push(format!("{}: {e}", groups::BUILDKITE_AGENT));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::timeline::Source;
    use crate::backend::sim::{SimBackend, World};
    use crate::clock::Clock;

    const START: Timestamp = Timestamp(1_795_000_000_000);

    #[tokio::test]
    async fn the_demos_incidents_are_on_its_timeline_with_the_jobs_they_cut_short() {
        let clock = Clock::virtual_at(START);
        let sim = SimBackend::new(World::demo(1, START), clock.clone());
        let mut b = sim.backends(1.0);
        b.audit_log = None;
        // Ten minutes: the zombie (launched at about 230 s) is still in the group then.
        for _ in 0..600 {
            clock.advance_secs(1);
            let _ = b.stacks.fleet("ci-linux").await;
        }
        let t = read(&b, "ci-linux", clock.now().plus_secs(-3600)).await;
        assert!(t.unread.is_empty(), "{:?}", t.unread);
        let said = |source: Source, start: &'static str| {
            t.events.iter().filter(move |e| e.source == source && e.text.starts_with(start))
        };
        // The full disk, from its lines to its end, and the job it cut short: the one its
        // agent started and never finished, by its own lines.
        let full = said(Source::Log, "disk full").next().expect("a full disk");
        let id = full.instance.clone().expect("on an instance");
        let ended = said(Source::Activity, "terminated running")
            .find(|e| e.instance.as_ref() == Some(&id))
            .expect("its termination, mid-job");
        assert!(ended.text.ends_with(": marked Unhealthy (disk full or failed boot)"), "{}", ended.text);
        let lines: Vec<String> =
            sim.log_events(groups::BUILDKITE_AGENT, &id).into_iter().map(|e| e.message).collect();
        for job in &ended.jobs {
            assert!(job.build_url.starts_with("https://buildkite.com/acme/"), "{job:?}");
            assert!(lines.iter().any(|l| l.contains(&format!("Starting job {}", job.id))));
            assert!(!lines.iter().any(|l| l.contains(&format!("Finished job {}", job.id))));
        }
        // The Spot interruption: the notice, then EC2's termination; the zombie; newest first.
        assert!(said(Source::Log, "Spot interruption notice").next().is_some());
        assert!(said(Source::Activity, "terminated").any(|e| e.text.contains("stopped by EC2")));
        assert!(said(Source::Agent, "no agent 5m after launch").next().is_some());
        assert!(t.events.windows(2).all(|w| w[0].at >= w[1].at));
    }
}
