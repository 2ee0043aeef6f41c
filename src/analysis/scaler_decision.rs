//! The buildkite-agent-scaler's desired-capacity decision (v1.12.0, as the stack pins it),
//! as a pure function of what one `Run()` sees. Default mode: scale-in is left to instances
//! that go idle, because the stack sets `DISABLE_SCALE_IN=true`.

use crate::domain::Timestamp;
use crate::domain::scaler::ScalerParams;

/// What one `Run()` reads: the agent metrics API and DescribeAutoScalingGroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScalerInputs {
    pub scheduled: u32,
    pub running: u32,
    pub waiting: u32,
    pub total_agents: u32,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    /// InService instances.
    pub actual: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    NoChange {
        desired: u32,
    },
    ScaleOut {
        from: u32,
        to: u32,
    },
    ScaleIn {
        from: u32,
        to: u32,
    },
    OutInCooldown {
        want: u32,
        remaining_secs: i64,
    },
    InCooldown {
        want: u32,
        remaining_secs: i64,
    },
    /// The scaler wanted fewer instances but scale-in is disabled.
    ScaleInDisabled {
        want: u32,
    },
}

/// The instance count the jobs call for, before cooldowns and the scale-out factor.
pub fn wanted(p: &ScalerParams, i: &ScalerInputs) -> u32 {
    let per = p.agents_per_instance.max(1);
    let total_jobs = i.scheduled + i.running + i.waiting;
    let busy = if p.include_waiting && i.waiting > i.running { i.waiting } else { i.running };
    let agents_required = i.scheduled + busy;
    let mut desired = agents_required.div_ceil(per);

    // Availability boost: too few agents connected for the instances we have, and the group
    // has converged, so ask for one more.
    if total_jobs > 0 && i.actual > 0 && i.actual == i.desired {
        let availability = f64::from(i.total_agents) / f64::from(per * i.actual);
        if availability < p.availability_threshold {
            desired = desired.max(i.desired + 1);
        }
    }
    if total_jobs > 0 {
        desired += p.instance_buffer.min(total_jobs.div_ceil(per));
    }
    desired.clamp(i.min, i.max.max(i.min))
}

pub fn decide(
    p: &ScalerParams,
    i: &ScalerInputs,
    now: Timestamp,
    last_out: Option<Timestamp>,
    last_in: Option<Timestamp>,
) -> Decision {
    let want = wanted(p, i);
    if want > i.desired {
        if let Some(remaining_secs) = cooldown_left(now, last_out, p.scale_out_cooldown_secs) {
            return Decision::OutInCooldown { want, remaining_secs };
        }
        let change = f64::from(want - i.desired);
        let to = (i.desired + (change * p.scale_out_factor).ceil() as u32).min(i.max);
        return Decision::ScaleOut { from: i.desired, to };
    }
    if want < i.desired {
        if p.disable_scale_in {
            return Decision::ScaleInDisabled { want };
        }
        if let Some(remaining_secs) = cooldown_left(now, last_in, p.scale_in_cooldown_secs) {
            return Decision::InCooldown { want, remaining_secs };
        }
        return Decision::ScaleIn { from: i.desired, to: want };
    }
    Decision::NoChange { desired: i.desired }
}

fn cooldown_left(now: Timestamp, last: Option<Timestamp>, cooldown: i64) -> Option<i64> {
    let since = now.secs_since(last?);
    (since < cooldown).then_some(cooldown - since)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(scheduled: u32, running: u32, desired: u32) -> ScalerInputs {
        ScalerInputs {
            scheduled,
            running,
            waiting: 0,
            total_agents: desired,
            desired,
            min: 0,
            max: 10,
            actual: desired,
        }
    }

    const NOW: Timestamp = Timestamp(1_000_000_000);

    #[test]
    fn scheduled_and_running_jobs_need_one_agent_each() {
        let p = ScalerParams { agents_per_instance: 2, ..Default::default() };
        assert_eq!(wanted(&p, &inputs(3, 2, 3)), 3); // ceil(5 / 2)
        assert_eq!(wanted(&p, &inputs(0, 0, 3)), 0);
    }

    #[test]
    fn waiting_jobs_count_only_when_asked_and_above_running() {
        let mut i = inputs(1, 1, 2);
        i.waiting = 4;
        assert_eq!(wanted(&ScalerParams::default(), &i), 2);
        let p = ScalerParams { include_waiting: true, ..Default::default() };
        assert_eq!(wanted(&p, &i), 5);
    }

    #[test]
    fn clamped_to_max_size() {
        assert_eq!(wanted(&ScalerParams::default(), &inputs(40, 0, 2)), 10);
        let d = decide(&ScalerParams::default(), &inputs(40, 0, 2), NOW, None, None);
        assert_eq!(d, Decision::ScaleOut { from: 2, to: 10 });
    }

    #[test]
    fn instance_buffer_is_added_when_jobs_exist() {
        let p = ScalerParams { instance_buffer: 2, ..Default::default() };
        assert_eq!(wanted(&p, &inputs(1, 0, 1)), 2); // 1 + min(2, 1)
        assert_eq!(wanted(&p, &inputs(0, 0, 1)), 0);
    }

    #[test]
    fn availability_boost_adds_one_when_agents_are_missing() {
        let mut i = inputs(1, 0, 4);
        i.total_agents = 1; // 1 / 4 < 0.5
        assert_eq!(wanted(&ScalerParams::default(), &i), 5);
    }

    #[test]
    fn scale_out_factor_multiplies_the_change() {
        let p = ScalerParams { scale_out_factor: 0.5, ..Default::default() };
        let d = decide(&p, &inputs(6, 0, 1), NOW, None, None);
        assert_eq!(d, Decision::ScaleOut { from: 1, to: 4 }); // 1 + ceil(5 * 0.5)
    }

    #[test]
    fn scale_out_waits_for_its_cooldown() {
        let p = ScalerParams::default();
        let last = Some(NOW.plus_secs(-100));
        let d = decide(&p, &inputs(6, 0, 1), NOW, last, None);
        assert_eq!(d, Decision::OutInCooldown { want: 6, remaining_secs: 200 });
        let d = decide(&p, &inputs(6, 0, 1), NOW, Some(NOW.plus_secs(-300)), None);
        assert_eq!(d, Decision::ScaleOut { from: 1, to: 6 });
    }

    #[test]
    fn scale_in_is_disabled_by_default() {
        let d = decide(&ScalerParams::default(), &inputs(0, 1, 5), NOW, None, None);
        assert_eq!(d, Decision::ScaleInDisabled { want: 1 });
        let p = ScalerParams { disable_scale_in: false, ..Default::default() };
        assert_eq!(decide(&p, &inputs(0, 1, 5), NOW, None, None), Decision::ScaleIn { from: 5, to: 1 });
    }

    #[test]
    fn min_size_holds_instances_without_jobs() {
        let mut i = inputs(0, 0, 2);
        i.min = 2;
        assert_eq!(decide(&ScalerParams::default(), &i, NOW, None, None), Decision::NoChange { desired: 2 });
    }
}
