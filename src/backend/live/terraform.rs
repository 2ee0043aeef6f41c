//! Elastic CI Stacks deployed with the Terraform module, which creates no CloudFormation stack:
//! found from Auto Scaling alone. Every resource is named after one base, `<stack_name>-<8 hex>`:
//! the group `<base>-asg` (tagged `ManagedBy=Terraform` and `Stack=<base>`), the scaler function
//! `<base>-scaler` (whose environment holds the queue and the scaler's settings), its schedule
//! rule `<base>-scaler-schedule` (pausing disables it) and its log group
//! `/aws/lambda/<base>-scaler`. A fixed-size stack has no scaler: no function, rule or group.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_autoscaling::types::{AutoScalingGroup, Filter};

use super::LiveBackend;
use super::calls::ACCOUNT;
use super::errors::Checked;
use super::known::KnownStack;
use crate::domain::scaler::ScalerParams;
use crate::domain::{BackendError, LaunchSettings, Os, ScalingState, StackSummary};

/// What the stack list shows as the status of a stack with no CloudFormation status.
pub const STATUS: &str = "TERRAFORM";
/// The status of a group that has the module's tags but whose scaler does not vouch for it:
/// listed, never changed.
pub const TAGS_ONLY: &str = "TERRAFORM (found by tags only)";
/// How long a scaler function's environment is kept (it changes only with `terraform apply`).
const ENV_TTL: Duration = Duration::from_secs(600);

/// The base of a group the module made: `<base>-asg`, where the base ends in `-` and eight
/// hex digits and the group's `Stack` tag names it.
pub fn base_of(group: &str, stack_tag: Option<&str>) -> Option<String> {
    let base = group.strip_suffix("-asg")?;
    let (name, suffix) = base.rsplit_once('-')?;
    let hex = suffix.len() == 8 && suffix.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (hex && !name.is_empty() && stack_tag == Some(base)).then(|| base.to_string())
}

/// One stack the module deployed: its group, and its scaler's environment (none: fixed size).
pub struct Found {
    /// What it is listed as: its base, or its group's name when a CloudFormation stack has
    /// that name (names are unique in a listing).
    pub name: String,
    pub base: String,
    pub group: AutoScalingGroup,
    pub env: Option<HashMap<String, String>>,
    /// Why the scaler's environment could not be read (denied, throttled): the stack is
    /// still listed, its queue and settings unknown and its scaling state read from its rule.
    pub unreadable: Option<String>,
    /// Why only the group's tags say it is a stack (no scaler function names the group, or
    /// its name is taken): listed, and refused every change. Tags anyone may set on a group
    /// never make it something bkops acts on.
    pub tags_only: Option<String>,
}

impl Found {
    /// Whether the stack has a scaler: its function was read, or could not be read (it is
    /// there, or its absence would have been said).
    fn scales(&self) -> bool {
        self.env.is_some() || self.unreadable.is_some()
    }

    pub fn rule(&self) -> Option<String> {
        self.scales().then(|| format!("{}-scaler-schedule", self.base))
    }

    fn var(&self, key: &str) -> Option<&str> {
        self.env.as_ref()?.get(key).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// The scaler's settings as the module passes them (`300s` and the like for durations).
    fn scaler_params(&self) -> ScalerParams {
        let d = ScalerParams::default();
        let secs = |key: &str, default: i64| {
            self.var(key).and_then(|v| v.trim().trim_end_matches('s').parse().ok()).unwrap_or(default)
        };
        let flag =
            |key: &str, default: bool| self.var(key).map_or(default, |v| v.eq_ignore_ascii_case("true"));
        ScalerParams {
            agents_per_instance: self.var("AGENTS_PER_INSTANCE").and_then(|v| v.parse().ok()).unwrap_or(1),
            scale_out_factor: self
                .var("SCALE_OUT_FACTOR")
                .and_then(|v| v.parse().ok())
                .filter(|f: &f64| f.is_finite() && *f > 0.0)
                .unwrap_or(d.scale_out_factor),
            instance_buffer: self
                .var("INSTANCE_BUFFER")
                .and_then(|v| v.parse().ok())
                .unwrap_or(d.instance_buffer),
            include_waiting: flag("INCLUDE_WAITING", d.include_waiting),
            disable_scale_in: flag("DISABLE_SCALE_IN", d.disable_scale_in),
            scale_out_cooldown_secs: secs("SCALE_OUT_COOLDOWN_PERIOD", d.scale_out_cooldown_secs),
            scale_in_cooldown_secs: secs("SCALE_IN_COOLDOWN_PERIOD", d.scale_in_cooldown_secs),
            availability_threshold: d.availability_threshold,
        }
    }

    pub fn summary(&self, scaling: Option<ScalingState>) -> StackSummary {
        let size = |v: Option<i32>| v.unwrap_or(0).max(0) as u32;
        let g = &self.group;
        StackSummary {
            name: self.name.clone(),
            queue: self.var("BUILDKITE_QUEUE").unwrap_or("?").to_string(),
            // The version is on no AWS resource (only in the instances' user data).
            version: "?".into(),
            os: Os::Linux,
            status: if self.tags_only.is_some() { TAGS_ONLY } else { STATUS }.into(),
            asg_name: g.auto_scaling_group_name().unwrap_or_default().to_string(),
            desired: size(g.desired_capacity()),
            min: size(g.min_size()),
            max: size(g.max_size()),
            agents_per_instance: self.var("AGENTS_PER_INSTANCE").and_then(|v| v.parse().ok()).unwrap_or(1),
            // The module's default; the real value is in the instances' user data only.
            scale_in_idle_period: 600,
            scaling: match (&self.unreadable, scaling) {
                (Some(e), None) => {
                    ScalingState::Unknown { reason: format!("its scaler could not be read: {e}") }
                }
                (_, Some(s)) => s,
                (None, None) => ScalingState::FixedSize,
            },
            scaler_params: self.env.as_ref().map(|_| self.scaler_params()),
            launch: self.launch(),
        }
    }

    /// What the group launches, from its mixed instances policy (the module passes the
    /// instance types and the Spot share there); none known without one.
    fn launch(&self) -> LaunchSettings {
        let Some(policy) = self.group.mixed_instances_policy() else { return LaunchSettings::default() };
        LaunchSettings {
            instance_types: policy
                .launch_template()
                .map(|t| t.overrides().iter().filter_map(|o| o.instance_type().map(str::to_string)).collect())
                .unwrap_or_default(),
            on_demand_percentage: policy
                .instances_distribution()
                .and_then(|d| d.on_demand_percentage_above_base_capacity())
                .and_then(|p| u32::try_from(p).ok()),
            // BuildkiteTerminateInstanceAfterJob is in the instances' user data only.
            terminate_after_job: false,
        }
    }

    pub fn known(&self) -> KnownStack {
        KnownStack {
            asg: self.group.auto_scaling_group_name().unwrap_or_default().to_string(),
            queue: self.var("BUILDKITE_QUEUE").map(str::to_string),
            agent_endpoint: self.var("BUILDKITE_AGENT_ENDPOINT").map(str::to_string),
            token_parameter: self.var("BUILDKITE_AGENT_TOKEN_SSM_KEY").map_or_else(
                || format!("{}{}/agent-token", crate::backend::buildkite::trust::MODULE_TOKENS, self.base),
                str::to_string,
            ),
            // The module's own path for this stack is its own; one the scaler names elsewhere
            // is the operator's to trust. A group found by tags alone owns none.
            own_token_parameter: self.tags_only.is_none().then(|| {
                format!("{}{}/agent-token", crate::backend::buildkite::trust::MODULE_TOKENS, self.base)
            }),
            rule: self.rule(),
            scaler_stack: None,
            scaler_function: self.scales().then(|| format!("{}-scaler", self.base)),
            terraform: true,
            tags_only: self.tags_only.clone(),
            publishes_metrics: self
                .var("CLOUDWATCH_METRICS")
                .is_none_or(|v| !v.eq_ignore_ascii_case("false")),
        }
    }
}

/// The base of a group the module made, from the group itself.
fn base_of_group(group: &AutoScalingGroup) -> Option<String> {
    let tag = group.tags().iter().find(|t| t.key() == Some("Stack")).and_then(|t| t.value());
    base_of(group.auto_scaling_group_name().unwrap_or_default(), tag)
}

/// Whether the scaler function the group's base names vouches for the group (its `ASG_NAME`
/// is the group): the environment kept if so, and why not otherwise. A scaler that names
/// another group is not this group's: its settings are not shown as this stack's.
fn vouched(
    base: &str,
    group: &str,
    env: Option<HashMap<String, String>>,
    unreadable: Option<&str>,
) -> (Option<HashMap<String, String>>, Option<String>) {
    let function = format!("{base}-scaler");
    match (env, unreadable) {
        (Some(env), _) => match env.get("ASG_NAME").map(String::as_str) {
            Some(asg) if asg == group => (Some(env), None),
            Some(other) => (None, Some(format!("its scaler {function} manages {other}, not {group}"))),
            None => (None, Some(format!("its scaler {function} names no group"))),
        },
        (None, Some(e)) => (None, Some(format!("its scaler {function} could not be read: {e}"))),
        (None, None) => (None, Some(format!("no scaler function {function} names {group}"))),
    }
}

impl LiveBackend {
    /// The names of the module's groups: looked for by their `ManagedBy` tag (one
    /// DescribeAutoScalingGroups) every ten minutes, new stacks being rare; in between, their
    /// groups are read by name with the CloudFormation stacks' own, in the same call.
    pub(super) async fn terraform_group_names(&self) -> Result<Vec<String>, BackendError> {
        if let Some(names) = self.terraform_groups.fresh(&(), ENV_TTL) {
            return Ok(names);
        }
        let filter = Filter::builder().name("tag:ManagedBy").values("Terraform").build();
        let mut names = Vec::new();
        let mut pages =
            self.clients.asg.describe_auto_scaling_groups().filters(filter).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, ACCOUNT, "autoscaling:DescribeAutoScalingGroups")?;
            names.extend(
                page.auto_scaling_groups()
                    .iter()
                    .filter(|g| base_of_group(g).is_some())
                    .filter_map(|g| g.auto_scaling_group_name().map(str::to_string)),
            );
        }
        self.terraform_groups.put((), names.clone());
        Ok(names)
    }

    /// The module's stacks among the groups read, each with its scaler's environment
    /// (GetFunctionConfiguration, kept ten minutes).
    /// (A scaler that cannot be read is said on its stack, which is still listed.)
    pub(super) async fn terraform_stacks(&self, groups: &[AutoScalingGroup]) -> Vec<Found> {
        let mut out = Vec::new();
        for group in groups {
            let Some(base) = base_of_group(group) else { continue };
            let name = group.auto_scaling_group_name().unwrap_or_default();
            let (env, unreadable) = match self.scaler_env(&base).await {
                Ok(env) => (env, None),
                Err(e) => (None, Some(e.to_string())),
            };
            let (env, tags_only) = vouched(&base, name, env, unreadable.as_deref());
            out.push(Found { name: base.clone(), base, group: group.clone(), env, unreadable, tags_only });
        }
        out
    }

    async fn scaler_env(&self, base: &str) -> Result<Option<HashMap<String, String>>, BackendError> {
        let function = format!("{base}-scaler");
        if let Some(env) = self.terraform_env.fresh(&function, ENV_TTL) {
            return Ok(env);
        }
        let got =
            self.clients.lambda.get_function_configuration().function_name(&function).send().await.checked(
                self,
                base,
                "lambda:GetFunctionConfiguration",
            );
        let env = match got {
            Ok(c) => Some(c.environment().and_then(|e| e.variables()).cloned().unwrap_or_default()),
            // No scaler: a fixed-size stack.
            Err(BackendError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let env = env.map(|e| {
            e.into_iter().map(|(k, v)| (k, crate::domain::text::sanitize(&v).into_owned())).collect()
        });
        self.terraform_env.put(function, env.clone());
        Ok(env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_group_is_named_after_its_base_and_tagged_with_it() {
        let b = "buildkite-stack-1a2b3c4d";
        assert_eq!(base_of("buildkite-stack-1a2b3c4d-asg", Some(b)).as_deref(), Some(b));
        assert_eq!(base_of("buildkite-stack-1a2b3c4d-asg", Some("other")), None, "its Stack tag names it");
        assert_eq!(base_of("buildkite-stack-1a2b3c4d-asg", None), None);
        assert_eq!(base_of("buildkite-stack-1A2B3C4D-asg", Some("buildkite-stack-1A2B3C4D")), None);
        assert_eq!(base_of("buildkite-stack-1a2b3c-asg", Some("buildkite-stack-1a2b3c")), None, "eight hex");
        assert_eq!(base_of("buildkite-stack-1a2b3c4d", Some(b)), None);
        assert_eq!(base_of("-1a2b3c4d-asg", Some("-1a2b3c4d")), None);
    }

    #[test]
    fn only_a_scaler_that_names_the_group_vouches_for_it() {
        let env = |asg: &str| Some([("ASG_NAME".to_string(), asg.to_string())].into_iter().collect());
        let (kept, why) = vouched("ci-1a2b3c4d", "ci-1a2b3c4d-asg", env("ci-1a2b3c4d-asg"), None);
        assert!(kept.is_some() && why.is_none());
        let (kept, why) = vouched("ci-1a2b3c4d", "ci-1a2b3c4d-asg", env("prod-asg"), None);
        assert!(kept.is_none(), "another group's scaler's settings are not this stack's");
        assert_eq!(
            why.as_deref(),
            Some("its scaler ci-1a2b3c4d-scaler manages prod-asg, not ci-1a2b3c4d-asg")
        );
        let (_, why) = vouched("ci-1a2b3c4d", "ci-1a2b3c4d-asg", None, None);
        assert_eq!(why.as_deref(), Some("no scaler function ci-1a2b3c4d-scaler names ci-1a2b3c4d-asg"));
        let (_, why) = vouched("ci-1a2b3c4d", "ci-1a2b3c4d-asg", None, Some("permission denied"));
        assert!(why.is_some_and(|w| w.contains("could not be read: permission denied")));
    }

    #[test]
    fn the_instance_types_and_spot_share_come_from_the_groups_mixed_instances_policy() {
        use aws_sdk_autoscaling::types::{
            InstancesDistribution, LaunchTemplate, LaunchTemplateOverrides, MixedInstancesPolicy,
        };
        let policy = MixedInstancesPolicy::builder()
            .launch_template(
                LaunchTemplate::builder()
                    .overrides(LaunchTemplateOverrides::builder().instance_type("c6i.4xlarge").build())
                    .build(),
            )
            .instances_distribution(
                InstancesDistribution::builder().on_demand_percentage_above_base_capacity(0).build(),
            )
            .build();
        let group = AutoScalingGroup::builder()
            .auto_scaling_group_name("ci-1a2b3c4d-asg")
            .mixed_instances_policy(policy)
            .build();
        let f = Found {
            name: "ci-1a2b3c4d".into(),
            base: "ci-1a2b3c4d".into(),
            group,
            env: None,
            unreadable: None,
            tags_only: None,
        };
        let launch = f.summary(None).launch;
        assert_eq!(
            (launch.instance_types, launch.on_demand_percentage),
            (vec!["c6i.4xlarge".to_string()], Some(0))
        );
    }

    #[test]
    fn the_scalers_environment_gives_the_queue_and_its_settings() {
        let env: HashMap<String, String> = [
            ("BUILDKITE_QUEUE", "tf-queue"),
            ("AGENTS_PER_INSTANCE", "2"),
            ("SCALE_OUT_COOLDOWN_PERIOD", "300s"),
            ("SCALE_IN_COOLDOWN_PERIOD", "3600s"),
            ("DISABLE_SCALE_IN", "true"),
            ("BUILDKITE_AGENT_TOKEN_SSM_KEY", "/custom/token"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let group = AutoScalingGroup::builder()
            .auto_scaling_group_name("ci-1a2b3c4d-asg")
            .min_size(0)
            .max_size(10)
            .desired_capacity(2)
            .build();
        let f = Found {
            name: "ci-1a2b3c4d".into(),
            base: "ci-1a2b3c4d".into(),
            group,
            env: Some(env),
            unreadable: None,
            tags_only: None,
        };
        let s = f.summary(Some(ScalingState::Enabled { schedule: "rate(1 minute)".into() }));
        assert_eq!((s.queue.as_str(), s.agents_per_instance, s.status.as_str()), ("tf-queue", 2, STATUS));
        let p = s.scaler_params.expect("a scaler");
        assert_eq!(
            (p.scale_out_cooldown_secs, p.scale_in_cooldown_secs, p.disable_scale_in),
            (300, 3600, true)
        );
        let k = f.known();
        assert_eq!(k.rule.as_deref(), Some("ci-1a2b3c4d-scaler-schedule"));
        assert_eq!(k.scaler_function.as_deref(), Some("ci-1a2b3c4d-scaler"));
        assert_eq!(k.token_parameter, "/custom/token");
        assert_eq!(
            k.own_token_parameter.as_deref(),
            Some("/buildkite/elastic-ci-stack/ci-1a2b3c4d/agent-token"),
            "the module's path for its base is the stack's own; /custom/token is the operator's to trust"
        );
        assert_eq!(s.launch, LaunchSettings::default(), "no mixed instances policy: nothing known");
        let fixed = Found { env: None, ..f };
        assert!(fixed.known().queue_name("ci").is_err(), "no scaler, no queue to ask for");
        assert_eq!((fixed.rule(), fixed.summary(None).scaling), (None, ScalingState::FixedSize));
        let denied =
            Found { unreadable: Some("permission denied: lambda:GetFunctionConfiguration".into()), ..fixed };
        let s = denied.summary(None);
        assert!(
            matches!(&s.scaling, ScalingState::Unknown { reason } if reason.contains("lambda:GetFunctionConfiguration")),
            "{:?}",
            s.scaling
        );
        assert_eq!(
            denied.rule().as_deref(),
            Some("ci-1a2b3c4d-scaler-schedule"),
            "its rule still says paused or not"
        );
        let said = denied.known().queue_name("ci").expect_err("unknown queue").to_string();
        assert!(said.contains("the queue of ci is not known"), "{said}");
    }
}
