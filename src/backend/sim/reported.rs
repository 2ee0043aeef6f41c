//! What the backend reports of a simulated stack: its summary, its group and instances, and
//! its queue, shaped as the live backend returns them.

use super::logs::LogStore;
use super::stack::SimStack;
use crate::analysis::log_signals as signals;
use crate::domain::{Fleet, Instance, QueueMetrics, ScalingState, StackSummary, groups};

impl SimStack {
    pub fn summary(&self) -> StackSummary {
        let schedule = "rate(1 minute)".to_string();
        let scaling = match (&self.spec.scaler, self.rule_enabled) {
            (None, _) => ScalingState::FixedSize,
            (Some(_), true) => ScalingState::Enabled { schedule },
            (Some(_), false) => ScalingState::Paused { schedule },
        };
        StackSummary {
            name: self.spec.name.clone(),
            queue: self.spec.queue.clone(),
            version: self.spec.version.clone(),
            os: self.spec.os,
            status: self.cfn.status.clone(),
            asg_name: self.asg_name.clone(),
            desired: self.desired,
            min: self.min,
            max: self.max,
            agents_per_instance: self.per_instance(),
            scale_in_idle_period: self.spec.scale_in_idle_period,
            scaling,
            scaler_params: self.spec.scaler.clone(),
            launch: crate::domain::LaunchSettings {
                instance_types: self.spec.instance_types.clone(),
                on_demand_percentage: Some(if self.spec.spot { 0 } else { 100 }),
                terminate_after_job: false,
            },
        }
    }

    pub fn fleet(&self, logs: &LogStore) -> Fleet {
        let instances = self
            .instances
            .iter()
            .map(|i| Instance {
                id: i.id.clone(),
                lifecycle: i.lifecycle,
                health: i.health,
                instance_type: i.instance_type.clone(),
                availability_zone: i.az.clone(),
                launched_at: Some(i.launched_at),
                protected_from_scale_in: true,
                spot: Some(i.spot),
                agents: i.agent_summary(),
                disk: signals::disk_signal(logs.messages(groups::ELASTIC_STACK, &i.id)),
                boot_failed: logs.messages(groups::ELASTIC_STACK, &i.id).any(signals::is_boot_failure),
                spot_notice: logs.messages(groups::LIFECYCLED, &i.id).any(signals::is_spot_notice),
                disk_used_pct: None,
                launch_template_version: Some(i.template_version.to_string()),
            })
            .collect();
        Fleet {
            asg_name: self.asg_name.clone(),
            desired: self.desired,
            min: self.min,
            max: self.max,
            instances,
            agents_note: None,
            agents_error: None,
            scheduled: Vec::new(),
            paused_by: self.tags.get(crate::domain::tags::PAUSED_BY).cloned(),
            strangers: self
                .spec
                .strangers
                .iter()
                .map(|name| crate::domain::Stranger {
                    name: name.clone(),
                    idle: true,
                    kind: crate::domain::StrangerKind::NoStack,
                })
                .collect(),
            launch_template_version: Some(self.template_version.to_string()),
            paused_at: self
                .tags
                .get(crate::domain::tags::PAUSED_AT)
                .and_then(|t| crate::domain::tags::time(t)),
        }
    }

    pub fn queue(&self) -> QueueMetrics {
        self.metrics()
    }
}
