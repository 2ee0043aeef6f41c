//! The reasons jobs wait, one named rule each: a rule reads what was seen and gives its
//! reason, or none. A new reason is a function here and a row in `RULES`; the order of the
//! rows is the order the reasons are given in, the one to act on first.

use super::verdict::{Verdict, span};
use super::{Capacity, FAILED_LAUNCH_WINDOW_SECS, Facts, PENDING_TOO_LONG_SECS, Reason};
use super::{ScalerRead, Unusable, is_zombie, reason, should_want};
use crate::domain::scaler_log::{Direction, ScalerRun};
use crate::domain::text::count;
use crate::domain::{ActivityStatus, Instance, Lifecycle, ScalingState, Stranger, format_age};

/// What every rule reads: the facts, and what was worked out from them once.
pub(super) struct Seen<'a> {
    f: &'a Facts<'a>,
    capacity: &'a Capacity,
    verdict: Option<&'a Verdict>,
    /// The group's desired capacity and MaxSize (the stack's, when the group was not read).
    desired: u32,
    max: u32,
    /// The scaler's last run, when its log was read and holds one.
    last: Option<&'a ScalerRun>,
    /// Only a scaler that should be running is expected to have written anything.
    enabled: bool,
}

mod coming;
mod scaler;
mod stack;

use coming::capacity_coming;
use scaler::{scaler_disagrees, scaler_error, scaler_log_missing, scaler_not_running, scaler_unreadable};
use stack::stack_changing;

type Rule = fn(&Seen<'_>) -> Option<Reason>;

/// Every rule, the one to act on first at the top.
const RULES: &[Rule] = &[
    stack_changing,
    paused,
    fixed_size,
    at_max_size,
    cooldown,
    launches_failing,
    capacity_coming,
    pending_too_long,
    zombies,
    idle_agents_unusable,
    scaler_error,
    scaler_not_running,
    scaler_log_missing,
    scaler_unreadable,
    scaler_disagrees,
    shared_queue,
    strangers,
];

/// Every reason that holds while jobs wait with no idle agent able to take them, the one to
/// act on first.
pub(super) fn ranked(f: &Facts<'_>, capacity: &Capacity, verdict: Option<&Verdict>) -> Vec<Reason> {
    let (desired, max) = f.fleet.map_or((f.stack.desired, f.stack.max), |g| (g.desired, g.max));
    let last = match f.scaler {
        ScalerRead::Read(log) => log.last_run(),
        _ => None,
    };
    let enabled = matches!(f.stack.scaling, ScalingState::Enabled { .. });
    let seen = Seen { f, capacity, verdict, desired, max, last, enabled };
    let mut out: Vec<Reason> = RULES.iter().filter_map(|rule| rule(&seen)).collect();
    say_what_the_scaler_should_want(&seen, &mut out);
    out
}

/// When the scaler says nothing useful, say what it should want.
fn say_what_the_scaler_should_want(seen: &Seen<'_>, out: &mut [Reason]) {
    const SILENT: [&str; 4] =
        ["scaler_not_running", "scaler_error", "scaler_log_missing", "scaler_unreadable"];
    if let Some((want, _)) = should_want(seen.f)
        && let Some(r) = out.iter_mut().find(|r| SILENT.contains(&r.code))
    {
        r.evidence.push(format!(
            "from the numbers now, the scaler should want {}; the group's desired is {}",
            count(want, "instance", "instances"),
            seen.desired
        ));
    }
}

fn paused(seen: &Seen<'_>) -> Option<Reason> {
    if !seen.f.stack.scaling.is_paused() {
        return None;
    }
    let by = seen.f.fleet.and_then(|g| g.paused_by.clone());
    let short = by.as_deref().map_or(String::new(), |b| format!(" by {}", short_who(b)));
    let who = by.as_deref().map_or(String::new(), |b| format!(" by {b}"));
    Some(reason(
        "paused",
        format!("scaling paused{short}"),
        vec![
            format!("the scaler's rule is disabled{who}: no instance is added while it is paused"),
            "P in the dashboard, or bkops scaling resume, resumes it".into(),
        ],
    ))
}

/// `arn:aws:sts::1:assumed-role/ops/ana` → `ana`: who, in a few characters.
fn short_who(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn fixed_size(seen: &Seen<'_>) -> Option<Reason> {
    matches!(seen.f.stack.scaling, ScalingState::FixedSize).then(|| {
        reason(
            "fixed_size",
            "fixed size: no scaler".into(),
            vec![format!(
                "MinSize = MaxSize = {}: the stack was created without a scaler, so nothing adds instances",
                seen.max
            )],
        )
    })
}

fn at_max_size(seen: &Seen<'_>) -> Option<Reason> {
    let (desired, max) = (seen.desired, seen.max);
    (desired >= max).then(|| {
        reason(
            "at_max_size",
            format!("at MaxSize ({desired} of {max})"),
            vec![format!(
                "the group's desired capacity is {desired}, its MaxSize {max}: raise MaxSize to add instances"
            )],
        )
    })
}

/// The scaler wants more but waits out its scale-out cooldown.
fn cooldown(seen: &Seen<'_>) -> Option<Reason> {
    let v = seen.verdict?;
    let c = v.cooldown.as_ref()?;
    if c.direction != Direction::Out || c.left_secs.is_some_and(|left| left <= 0) {
        return None;
    }
    let wants = v.calculated.map_or("more instances".to_string(), |n| format!("{n}"));
    let (headline, wait) = match c.left_secs {
        Some(left) => (
            format!("scaler wants {wants}, cooldown {} left", span(left)),
            format!("waits {} more", span(left)),
        ),
        None => {
            (format!("scaler wants {wants}, in cooldown"), "is in cooldown (its line gives no length)".into())
        }
    };
    Some(reason(
        "cooldown",
        headline,
        vec![format!(
            "the scaler wants {wants} but {wait} (ScaleOutCooldownPeriod): it adds instances once that ends"
        )],
    ))
}

fn launches_failing(seen: &Seen<'_>) -> Option<Reason> {
    let f = seen.f;
    let a = f.activities.iter().find(|a| {
        a.status == ActivityStatus::Failed && f.now.secs_since(a.start) <= FAILED_LAUNCH_WINDOW_SECS
    })?;
    let text = a.status_message.clone().unwrap_or_else(|| a.description.clone());
    let (short, sentence) = launch_cause(&text);
    Some(reason(
        "launches_failing",
        format!("launches failing: {short}"),
        vec![format!("launches are failing: {sentence}"), format!("{} {text}", a.start.rfc3339())],
    ))
}

/// What a failed launch's message says the cause is: a few words, and the sentence.
fn launch_cause(text: &str) -> (&'static str, &'static str) {
    let t = text.to_ascii_lowercase();
    if t.contains("insufficient") && t.contains("capacity") || t.contains("do not have sufficient") {
        ("no capacity", "EC2 has no capacity for these instance types in these zones: add types or zones")
    } else if t.contains("spot") {
        ("Spot capacity", "Spot capacity or price: add instance types, or on-demand capacity")
    } else if t.contains("limit") || t.contains("quota") {
        ("a quota", "an account quota (vCPU or instance limit): ask AWS to raise it")
    } else if t.contains("not authorized") || t.contains("accessdenied") || t.contains("permission") {
        ("permissions", "permissions: the group may not use the launch template, its role or its key")
    } else {
        ("see the activity", "the activity says why")
    }
}

/// How long an instance has been up, in seconds.
fn age(seen: &Seen<'_>, i: &Instance) -> Option<i64> {
    i.launched_at.map(|t| seen.f.now.secs_since(t))
}

fn pending_too_long(seen: &Seen<'_>) -> Option<Reason> {
    let stuck: Vec<String> = seen
        .f
        .fleet?
        .instances
        .iter()
        .filter(|i| {
            i.lifecycle == Lifecycle::Pending && age(seen, i).is_some_and(|a| a > PENDING_TOO_LONG_SECS)
        })
        .map(|i| format!("{} Pending for {}", i.id, format_age(age(seen, i).unwrap_or(0))))
        .collect();
    if stuck.is_empty() {
        return None;
    }
    let mut evidence =
        vec!["Pending for over 10 minutes: they are not booting (see their cloud-init logs)".into()];
    evidence.extend(stuck.iter().cloned());
    Some(reason("pending_too_long", format!("{} Pending over 10 min", stuck.len()), evidence))
}

fn zombies(seen: &Seen<'_>) -> Option<Reason> {
    let zombies: Vec<String> = seen
        .f
        .fleet?
        .instances
        .iter()
        .filter(|i| is_zombie(i, seen.f.now))
        .map(|i| {
            let boot = if i.boot_failed { "; its bootstrap failed" } else { "" };
            format!("{} InService for {} with no agent{boot}", i.id, format_age(age(seen, i).unwrap_or(0)))
        })
        .collect();
    if zombies.is_empty() {
        return None;
    }
    let mut evidence = vec![
        "InService with no agent: the scaler counts them as capacity, but they take no job (X terminates them)".into(),
    ];
    evidence.extend(zombies.iter().cloned());
    Some(reason("zombies", format!("{} InService with no agent", zombies.len()), evidence))
}

fn idle_agents_unusable(seen: &Seen<'_>) -> Option<Reason> {
    let capacity = seen.capacity;
    if capacity.unusable.is_empty() {
        return None;
    }
    let idle: u32 = capacity.unusable.iter().map(|u| u.idle).sum();
    let mut evidence = vec![format!(
        "Buildkite counts {} on the queue, but none can take this stack's jobs, and the scaler counts them as capacity",
        count(capacity.queue_idle, "idle agent", "idle agents")
    )];
    evidence.extend(capacity.unusable.iter().map(Unusable::sentence));
    Some(reason(
        "idle_agents_unusable",
        format!("{} cannot take jobs", count(idle, "idle agent", "idle agents")),
        evidence,
    ))
}

fn shared_queue(seen: &Seen<'_>) -> Option<Reason> {
    let stack = seen.f.stack;
    let others: Vec<&str> = seen
        .f
        .stacks
        .iter()
        .filter(|s| s.name != stack.name && s.queue == stack.queue)
        .map(|s| s.name.as_str())
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(reason(
        "shared_queue",
        format!("queue shared with {}", others.join(", ")),
        std::iter::once(format!(
            "queue {} is also served by {}: each scaler counts the other's agents and jobs",
            stack.queue,
            others.join(", ")
        ))
        .chain(others.iter().map(|o| format!("stack {o} has BuildkiteQueue={}", stack.queue)))
        .collect(),
    ))
}

/// Agents named in the evidence at most; the rest are counted.
const STRANGERS_NAMED: usize = 3;

/// Idle strangers are named by `idle_agents_unusable`; those that hold jobs, or are lost, here.
fn strangers(seen: &Seen<'_>) -> Option<Reason> {
    let queue = &seen.f.stack.queue;
    let strangers: Vec<&Stranger> =
        seen.f.fleet.map_or(Vec::new(), |g| g.strangers.iter().filter(|s| !s.idle).collect());
    if strangers.is_empty() {
        return None;
    }
    let n = strangers.len();
    let named: Vec<&str> = strangers.iter().take(STRANGERS_NAMED).map(|s| s.name.as_str()).collect();
    let more = n.saturating_sub(STRANGERS_NAMED);
    Some(reason(
        "strangers",
        format!(
            "{} on queue {queue} {} to no stack",
            count(n as u64, "agent", "agents"),
            if n == 1 { "belongs" } else { "belong" }
        ),
        vec![
            format!(
                "{}{}: on queue {queue}, none of this stack's instances",
                named.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() },
            ),
            "the scaler counts them and their jobs as the queue's: busy or wedged, they hold capacity it will not add".into(),
            "stop them in Buildkite, or move them to another queue".into(),
        ],
    ))
}
