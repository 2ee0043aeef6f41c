//! Finding the Elastic CI Stacks among an account's CloudFormation stacks, by their resources
//! (an `AgentAutoScaleGroup` of type `AWS::AutoScaling::AutoScalingGroup`), never by name.
//!
//! A stack's resources only change when the stack is updated, so what was learnt about each
//! stack is kept, keyed by its ID and last update time: a refresh of an unchanged account costs
//! one DescribeStacks, one DescribeAutoScalingGroups, and one DescribeRule per scaler.

use std::collections::HashMap;

use futures::StreamExt;

use aws_sdk_cloudformation::types::Stack;

use super::LiveBackend;
use super::calls::ACCOUNT;
use super::cfn_stack::{self, param, unreadable_stack};
use super::discovery_file::{Kept, now_secs, read_kept, write_kept};
use super::errors::Checked;
use super::known::{KnownStack, Resources};
use crate::domain::BackendError;
use crate::domain::{ScalingState, StackSummary};

pub const ASG_LOGICAL_ID: &str = "AgentAutoScaleGroup";
pub const ASG_TYPE: &str = "AWS::AutoScaling::AutoScalingGroup";
/// The nested scaler stack (`AWS::Serverless::Application`, deployed as a nested stack).
pub const SCALER_LOGICAL_IDS: [&str; 2] = ["Autoscaling", "AutoscalingArm64"];
pub const RULE_LOGICAL_ID: &str = "AutoscalingFunctionTimer";
/// The stack's own agent token parameter (`/<stack>/buildkite/agent-token`), when the stack
/// was given a token rather than a parameter path.
pub const TOKEN_PARAMETER_LOGICAL_ID: &str = "BuildkiteAgentTokenParameter";

#[derive(Debug, Default)]
pub struct Cache {
    /// Stack ID → (version key, resources).
    resources: HashMap<String, (String, Resources)>,
    /// Stack name → what its other reads need.
    pub known: HashMap<String, KnownStack>,
    /// Stack name → why its resources could not be read at the last discovery.
    pub unreadable: HashMap<String, BackendError>,
    /// Where `resources` is kept between runs.
    file: Option<std::path::PathBuf>,
}

fn version_key(stack: &Stack) -> String {
    let t = stack.last_updated_time().or(stack.creation_time());
    format!("{}", t.map_or(0, |t| t.secs()))
}

impl LiveBackend {
    /// Keeps what is learnt of each stack's resources in `file` between runs (keyed by the
    /// stack's ARN and last update time, for a day at most), and starts from what it holds: a
    /// warm `bkops status` lists no stack's resources again.
    pub fn keep_discovery_in(&self, file: Option<std::path::PathBuf>) {
        let Some(path) = file else { return };
        let kept = read_kept(&path);
        let mut cache = self.cache();
        for (id, k) in kept {
            cache.resources.insert(id, (k.version, k.resources));
        }
        cache.file = Some(path);
    }

    /// Forgets what was learnt of a stack whose names no longer hold (in memory and in the
    /// discovery file): its next read learns them again.
    pub(super) fn forget(&self, stack: &str) {
        let (path, kept) = {
            let mut cache = self.cache();
            let Some(known) = cache.known.remove(stack) else { return };
            let stale = |r: &Resources| r.asg_name.as_deref() == Some(known.asg.as_str());
            cache.resources.retain(|_, (_, r)| !stale(r));
            let Some(path) = cache.file.clone() else { return };
            let mut kept = read_kept(&path);
            kept.retain(|_, k| !stale(&k.resources));
            (path, kept)
        };
        if let Err(e) = write_kept(&path, &kept) {
            tracing::warn!(file = %path.display(), error = %e, "the discovery file could not be written");
        }
    }

    /// Writes what is known to the discovery file, if one is kept (a failure is logged: the
    /// file only saves calls).
    fn save_discovery(&self) {
        let (path, entries) = {
            let cache = self.cache();
            let Some(path) = cache.file.clone() else { return };
            (path, cache.resources.clone())
        };
        let mut kept = read_kept(&path);
        let now = now_secs();
        for (id, (version, resources)) in entries {
            let same = kept.get(&id).is_some_and(|k| k.version == version && k.resources == resources);
            if !same {
                kept.insert(id, Kept { version, resources, learnt: now });
            }
        }
        if let Err(e) = write_kept(&path, &kept) {
            tracing::warn!(file = %path.display(), error = %e, "the discovery file could not be written");
        }
    }

    async fn root_stacks(&self) -> Result<Vec<Stack>, BackendError> {
        let mut out = Vec::new();
        let mut pages = self.clients.cfn.describe_stacks().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, ACCOUNT, "cloudformation:DescribeStacks")?;
            out.extend(page.stacks().iter().filter(|s| s.parent_id().is_none()).cloned());
        }
        out.retain(|s| !s.stack_status().is_some_and(|st| st.as_str().starts_with("DELETE_COMPLETE")));
        Ok(out)
    }

    async fn learn_resources(&self, stack: &Stack) -> Result<Resources, BackendError> {
        let id = stack.stack_id().or(stack.stack_name()).unwrap_or_default();
        let name = stack.stack_name().unwrap_or_default();
        let mut asg_name = None;
        let mut scaler_stack = None;
        let mut token_parameter = None;
        let mut pages = self.clients.cfn.list_stack_resources().stack_name(id).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, name, "cloudformation:ListStackResources")?;
            for r in page.stack_resource_summaries() {
                let logical = r.logical_resource_id().unwrap_or_default();
                if logical == ASG_LOGICAL_ID && r.resource_type() == Some(ASG_TYPE) {
                    asg_name = r.physical_resource_id().map(str::to_string);
                }
                if logical == TOKEN_PARAMETER_LOGICAL_ID {
                    token_parameter = r.physical_resource_id().map(str::to_string);
                }
                if SCALER_LOGICAL_IDS.contains(&logical) {
                    scaler_stack = r.physical_resource_id().map(str::to_string);
                }
            }
        }
        // The nested scaler stack's timer rule and function, from one listing of it.
        let (mut rule_name, mut scaler_function) = (None, None);
        if let (Some(_), Some(nested)) = (&asg_name, scaler_stack.clone()) {
            let mut pages =
                self.clients.cfn.list_stack_resources().stack_name(nested).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.checked(self, name, "cloudformation:ListStackResources")?;
                for r in page.stack_resource_summaries() {
                    let id = r.physical_resource_id().map(str::to_string);
                    match r.logical_resource_id() {
                        Some(RULE_LOGICAL_ID) => rule_name = id,
                        Some(super::scaler::FUNCTION_LOGICAL_ID) => scaler_function = id,
                        _ => {}
                    }
                }
            }
        }
        Ok(Resources { asg_name, rule_name, token_parameter, scaler_stack, scaler_function })
    }

    /// The scaling state of every stack's scaler rule (stack name, rule): a DescribeRule each
    /// for a few, else the account's rules listed (ListRules, 100 a page), so the cost stays
    /// about constant in the number of stacks. A rule the list lacks, or a list that cannot be
    /// read, falls back to DescribeRule.
    async fn scaling_states(&self, rules: &[(String, String)]) -> HashMap<String, ScalingState> {
        let mut listed: HashMap<String, ScalingState> = HashMap::new();
        if rules.len() > DESCRIBE_RULES_UP_TO {
            let mut token: Option<String> = None;
            for _ in 0..LIST_RULES_PAGES {
                let page = self.clients.events.list_rules().set_next_token(token.clone()).send().await;
                let Ok(page) = page.checked(self, ACCOUNT, "events:ListRules") else { break };
                for r in page.rules() {
                    if let Some(name) = r.name() {
                        let schedule = r.schedule_expression().unwrap_or("?").to_string();
                        listed.insert(name.to_string(), rule_state(r.state().map(|s| s.as_str()), schedule));
                    }
                }
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
        }
        let mut out = HashMap::new();
        for (stack, rule) in rules {
            let state = match listed.remove(rule) {
                Some(s) => s,
                None => self.scaling_state(stack, Some(rule)).await,
            };
            out.insert(stack.clone(), state);
        }
        out
    }

    async fn scaling_state(&self, stack: &str, rule: Option<&str>) -> ScalingState {
        let Some(rule) = rule else { return ScalingState::FixedSize };
        match self.clients.events.describe_rule().name(rule).send().await.checked(
            self,
            stack,
            "events:DescribeRule",
        ) {
            Ok(r) => rule_state(r.state().map(|s| s.as_str()), r.schedule_expression().unwrap_or("?").into()),
            Err(e) => ScalingState::Unknown { reason: e.to_string() },
        }
    }

    /// Each stack's resources: from the cache when its version is known, else read, several
    /// stacks at once (and then kept in the discovery file). A stack whose resources cannot be
    /// read is its own error, not the list's.
    async fn resources_of<'a>(
        &'a self,
        stacks: &'a [Stack],
    ) -> Vec<(&'a Stack, Result<Resources, BackendError>)> {
        let learnt = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Boxed, so that the futures name no closure (async_trait needs them Send for any
        // lifetime).
        type Read<'b> = std::pin::Pin<
            Box<dyn std::future::Future<Output = (&'b Stack, Result<Resources, BackendError>)> + Send + 'b>,
        >;
        let mut reads: Vec<Read<'a>> = Vec::with_capacity(stacks.len());
        for stack in stacks {
            let learnt = learnt.clone();
            reads.push(Box::pin(async move {
                let id = stack.stack_id().unwrap_or_default().to_string();
                let key = version_key(stack);
                let known =
                    self.cache().resources.get(&id).filter(|(k, _)| *k == key).map(|(_, r)| r.clone());
                let resources = match known {
                    Some(r) => Ok(r),
                    None => {
                        let read = self.learn_resources(stack).await;
                        if let Ok(r) = &read {
                            self.cache().resources.insert(id, (key, r.clone()));
                            learnt.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        read
                    }
                };
                (stack, resources)
            }));
        }
        let out = futures::stream::iter(reads).buffered(DISCOVERY_CONCURRENCY).collect().await;
        if learnt.load(std::sync::atomic::Ordering::Relaxed) {
            self.save_discovery();
        }
        out
    }

    pub(super) async fn discover(&self) -> Result<Vec<StackSummary>, BackendError> {
        let stacks = self.root_stacks().await?;
        let mut found = Vec::new();
        let mut unreadable = Vec::new();
        for (stack, resources) in self.resources_of(&stacks).await {
            let resources = match resources {
                Ok(r) => r,
                // Shown with its error if it looks like an Elastic CI Stack (it has the stack's
                // BuildkiteQueue parameter); any other stack is not bkops' business.
                Err(e) if param(stack, "BuildkiteQueue").is_some() => {
                    unreadable.push(unreadable_stack(stack, &e));
                    let name = stack.stack_name().unwrap_or_default().to_string();
                    self.cache().unreadable.insert(name, e);
                    continue;
                }
                Err(e) => {
                    tracing::warn!(stack = stack.stack_name().unwrap_or_default(), error = %e, "resources unreadable");
                    continue;
                }
            };
            if let Some(asg) = resources.asg_name.clone() {
                found.push((stack, asg, resources));
            }
        }
        // Stacks the Terraform module deployed have no CloudFormation stack: found by their
        // group's tags, and read with the others. Without that read, the CloudFormation
        // stacks are still listed.
        let terraform_groups = self.terraform_group_names().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "Terraform-deployed stacks could not be looked for");
            Vec::new()
        });
        let mut names: Vec<String> = found.iter().map(|(_, asg, ..)| asg.clone()).collect();
        for g in terraform_groups {
            if !names.contains(&g) {
                names.push(g);
            }
        }
        let groups = self.describe_groups(&names, ACCOUNT).await?;
        let mut terraform = self.terraform_stacks(&groups).await;
        // A name is one stack's. A CloudFormation stack's name is its own (its stack ID stands
        // behind it); a group that claims it is listed by its group's name, and never changed.
        for t in &mut terraform {
            if found.iter().any(|(stack, ..)| stack.stack_name() == Some(t.base.as_str())) {
                t.tags_only = Some(format!("its name {} is a CloudFormation stack's", t.base));
                t.name = t.group.auto_scaling_group_name().unwrap_or_default().to_string();
                t.env = None;
                t.unreadable = None;
            }
        }
        for g in &groups {
            if let Some(name) = g.auto_scaling_group_name() {
                self.groups.described.put(name.to_string(), g.clone());
            }
        }
        let mut rules: Vec<(String, String)> = found
            .iter()
            .filter_map(|(stack, _, r)| Some((stack.stack_name()?.to_string(), r.rule_name.clone()?)))
            .collect();
        rules.extend(terraform.iter().filter_map(|t| Some((t.name.clone(), t.rule()?))));
        let mut states = self.scaling_states(&rules).await;
        let mut out = Vec::new();
        for (stack, asg, resources) in found {
            let name = stack.stack_name().unwrap_or_default().to_string();
            let group = groups.iter().find(|g| g.auto_scaling_group_name() == Some(asg.as_str()));
            let scaling = states.remove(&name).unwrap_or(ScalingState::FixedSize);
            out.push(cfn_stack::summary(stack, &asg, &resources, group, scaling));
            self.cache().unreadable.remove(&name);
            self.cache().known.insert(name, cfn_stack::known(stack, asg, resources));
        }
        for t in terraform {
            out.push(t.summary(states.remove(&t.name)));
            self.cache().unreadable.remove(&t.name);
            self.cache().known.insert(t.name.clone(), t.known());
        }
        out.extend(unreadable);
        Ok(out)
    }
}

/// Up to this many scaler rules are read with a DescribeRule each; more, with ListRules.
const DESCRIBE_RULES_UP_TO: usize = 2;
/// ListRules pages read at most (100 rules a page).
const LIST_RULES_PAGES: usize = 20;

/// A rule's state as the scaling state of its stack.
fn rule_state(state: Option<&str>, schedule: String) -> ScalingState {
    match state {
        Some("DISABLED") => ScalingState::Paused { schedule },
        _ => ScalingState::Enabled { schedule },
    }
}

/// ListStackResources calls in flight at once on a first discovery: a 50-stack account is
/// learnt in about 7 round trips rather than 50, well inside CloudFormation's rate limits.
const DISCOVERY_CONCURRENCY: usize = 8;
