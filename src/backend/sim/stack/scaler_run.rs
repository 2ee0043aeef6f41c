//! The simulated scaler Lambda's run, once a minute: what it reads, what it decides with the
//! real scaler's algorithm, the log lines the real one writes, and the desired capacity it sets.

use super::{Ctx, SimStack};
use crate::analysis::scaler_decision::{self as scaler, Decision, ScalerInputs};
use crate::domain::Lifecycle;

impl SimStack {
    /// One scaler `Run()`, with the log lines the scaler writes.
    pub(super) fn run_scaler(&mut self, ctx: &mut Ctx<'_>) {
        let Some(params) = self.spec.scaler.clone() else { return };
        let now = ctx.now;
        let m = self.metrics();
        let inputs = ScalerInputs {
            scheduled: m.scheduled,
            running: m.running,
            waiting: m.waiting,
            total_agents: m.total_agents,
            desired: self.desired,
            min: self.min,
            max: self.max,
            actual: self.instances.iter().filter(|i| i.lifecycle == Lifecycle::InService).count() as u32,
        };
        let pending = self.instances.iter().filter(|i| i.lifecycle == Lifecycle::Pending).count();
        let stream = format!(
            "{}/[$LATEST]{:032x}",
            ctx.now.rfc3339().get(..10).unwrap_or("").replace('-', "/"),
            now.secs() / 3600
        );
        let group = self.scaler_log_group.clone();
        // Go's log.Printf prefix, in UTC, as the scaler writes it.
        let prefix = now.rfc3339().get(..19).unwrap_or_default().replacen('-', "/", 2).replace('T', " ");
        if ctx.elapsed % 60 == 0 {
            // From the clock, not the world's random numbers: the demo stays the same world.
            let id = format!("{:08x}", now.secs());
            ctx.logs.put(
                &group,
                &stream,
                now,
                format!("START RequestId: {id}-0000-4000-8000-000000000000 Version: $LATEST"),
            );
            if params.disable_scale_in {
                ctx.logs.put(&group, &stream, now, format!("{prefix} Disabling scale-in 🙅🏼‍"));
            }
        }
        let mut log = |text: String| ctx.logs.put(&group, &stream, now, format!("{prefix} {text}"));
        log(format!("Collecting Buildkite metrics for queue \"{}\"", self.spec.queue));
        log(format!("↳ Agents: idle={}, busy={}, total={}", m.idle_agents, m.busy_agents, m.total_agents));
        log(format!("↳ Jobs: scheduled={}, running={}, waiting={}", m.scheduled, m.running, m.waiting));
        log(format!(
            "↳ Got pending={pending}, desired={}, actual={}, min={}, max={}",
            self.desired, inputs.actual, self.min, self.max
        ));
        let decision = scaler::decide(&params, &inputs, now, self.last_scale_out, self.last_scale_in);
        // What the scaler logs as calculated: before the scale-out factor and cooldowns.
        let calculated = scaler::wanted(&params, &inputs);
        log(format!("Scaling calculation based on metrics collected at {}", now.rfc3339()));
        log(format!("↳ 🧮 Agents required {}, Instances required {calculated}", m.scheduled + m.running));
        let action = match decision {
            Decision::ScaleOut { from, to } => format!("Scale out from {from} to {to}"),
            Decision::ScaleIn { from, to } => format!("Scale in from {from} to {to}"),
            _ => "No change needed".to_string(),
        };
        // Scale-in wanted but disabled: the scaler returns without a decision line.
        let silent = matches!(decision, Decision::ScaleInDisabled { .. });
        (!silent).then(|| log(format!(
            "Scaling decision: calculated desired {calculated} instances. ASG current desired: {}, ASG actual running: {} (approx {} agents), Buildkite scheduled: {}, running: {}, waiting: {} Action: {action}",
            self.desired, inputs.actual, m.total_agents, m.scheduled, m.running, m.waiting
        )));
        match decision {
            Decision::ScaleOut { .. } | Decision::ScaleIn { .. } if self.scaling_errors > 0 => {
                self.scaling_errors -= 1;
                log("Scaling error: Throttling: Rate exceeded\n\tstatus code: 400, request id: 6f1c2b7a-0000-4000-8000-000000000000".to_string());
            }
            Decision::ScaleOut { from, to } => {
                log(format!("Scaling OUT 📈 to {to} instances (currently {from})"));
                self.desired = to;
                self.set_desired = Some((now, from, to));
                self.last_scale_out = Some(now);
            }
            Decision::ScaleIn { from, to } => {
                log(format!("Scaling IN 📉 to {to} instances (currently {from})"));
                self.desired = to;
                self.set_desired = Some((now, from, to));
                self.last_scale_in = Some(now);
            }
            Decision::OutInCooldown { remaining_secs, .. } => {
                log(format!("⏲ Want to scale OUT but in cooldown for {remaining_secs} seconds"));
            }
            Decision::InCooldown { remaining_secs, .. } => {
                log(format!("⏲ Want to scale IN but in cooldown for {remaining_secs} seconds"));
            }
            Decision::ScaleInDisabled { .. } | Decision::NoChange { .. } => {}
        }
    }
}
