//! What the local AWS API server cannot do for `bkops update`, through the SDK's own mocking
//! tool on AWS's response shapes: a change set's real preview (the local server lists every
//! resource as `Add`, with no `Replacement`), a change set that changes nothing (made, then
//! `FAILED` with CloudFormation's reason, where the local server makes one with changes), the
//! request a change set is made with, and an executed update that fails and rolls back (the
//! local server cannot execute this stack's change set, and writes no resource events), with
//! a throttled DescribeStackEvents in the middle.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stack_resource::DescribeStackResourceOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::get_template_summary::GetTemplateSummaryOutput;
use aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesOutput;
use aws_sdk_cloudformation::types::{
    Capability, Change, ChangeAction, ChangeSetStatus, Parameter, ParameterConstraints, ParameterDeclaration,
    Replacement, ResourceChange, Stack, StackEvent, StackResourceDetail, StackResourceSummary, StackStatus,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::{Clients, LiveBackend};
use bkops::clock::Clock;
use bkops::domain::Timestamp;
use bkops::ops::port::{Call, Operations, StackParameter};
use bkops::ops::update;

const ASG: &str = "ci-linux-AgentAutoScaleGroup-1A2B3C4D5E6F";
const NS: &str = "https://autoscaling.amazonaws.com/doc/2011-01-01/";
/// When the update is executed (the test's virtual clock).
const T0: i64 = 1_796_000_000;

fn xml(status: u16, body: String) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(status).expect("status"), SdkBody::from(body))
}

fn asg_ok(op: &str) -> HttpResponse {
    xml(
        200,
        format!(
            "<{op}Response xmlns=\"{NS}\"><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{op}Response>"
        ),
    )
}

fn group() -> HttpResponse {
    xml(
        200,
        format!(
            "<DescribeAutoScalingGroupsResponse xmlns=\"{NS}\"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>\
<AutoScalingGroupName>{ASG}</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>10</MaxSize><DesiredCapacity>2</DesiredCapacity>\
<DefaultCooldown>60</DefaultCooldown><HealthCheckType>EC2</HealthCheckType><CreatedTime>2026-10-01T09:00:00.000Z</CreatedTime><Instances/>\
</member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>"
        ),
    )
}

fn stack(status: StackStatus) -> DescribeStacksOutput {
    let p = |k: &str, v: &str| Parameter::builder().parameter_key(k).parameter_value(v).build();
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name("ci-linux")
                .stack_id("arn:aws:cloudformation:us-east-1:123456789012:stack/ci-linux/1")
                .description("Buildkite stack v6.71.1")
                .stack_status(status)
                .creation_time(aws_smithy_types::DateTime::from_secs(1_790_000_000))
                .parameters(p("BuildkiteQueue", "default"))
                .parameters(p("MaxSize", "10"))
                .parameters(p("BuildkiteAgentToken", "****"))
                .parameters(p("InstanceOperatingSystem", "linux"))
                .build(),
        )
        .build()
}

fn template_summary() -> GetTemplateSummaryOutput {
    let d = |k: &str, no_echo: bool, allowed: &[&str]| {
        let b = ParameterDeclaration::builder().parameter_key(k).no_echo(no_echo);
        if allowed.is_empty() {
            b.build()
        } else {
            let c = allowed.iter().fold(ParameterConstraints::builder(), |c, a| c.allowed_values(*a));
            b.parameter_constraints(c.build()).build()
        }
    };
    GetTemplateSummaryOutput::builder()
        .description("Buildkite stack v6.75.0")
        .parameters(d("BuildkiteQueue", false, &[]))
        .parameters(d("MaxSize", false, &[]))
        .parameters(d("BuildkiteAgentToken", true, &[]))
        .parameters(d("InstanceOperatingSystem", false, &["linux", "windows"]))
        .build()
}

fn resource_change(id: &str, kind: &str, replacement: Replacement) -> Change {
    Change::builder()
        .resource_change(
            ResourceChange::builder()
                .action(ChangeAction::Modify)
                .logical_resource_id(id)
                .resource_type(kind)
                .replacement(replacement)
                .build(),
        )
        .build()
}

fn event(secs: i64, stack: &str, logical: &str, kind: &str, status: &str, why: Option<&str>) -> StackEvent {
    StackEvent::builder()
        .stack_id(format!("arn:aws:cloudformation:us-east-1:123456789012:stack/{stack}/1"))
        .stack_name(stack)
        .event_id(format!("{logical}-{status}-{secs}"))
        .logical_resource_id(logical)
        .physical_resource_id(logical)
        .resource_type(kind)
        .resource_status(aws_sdk_cloudformation::types::ResourceStatus::from(status))
        .set_resource_status_reason(why.map(str::to_string))
        .timestamp(aws_smithy_types::DateTime::from_secs(T0 + secs))
        .build()
}

/// A failed update of the launch template, as CloudFormation tells it, newest first.
fn rollback_events() -> DescribeStackEventsOutput {
    let root = "AWS::CloudFormation::Stack";
    let lt = "AWS::EC2::LaunchTemplate";
    let bad = "Resource handler returned message: \"The image id '[ami-0bad]' does not exist (Service: Ec2, Status Code: 400)\"";
    let mut events = vec![
        event(1, "ci-linux", "ci-linux", root, "UPDATE_IN_PROGRESS", Some("User Initiated")),
        event(5, "ci-linux", "AgentLaunchTemplate", lt, "UPDATE_IN_PROGRESS", None),
        event(9, "ci-linux", "AgentLaunchTemplate", lt, "UPDATE_FAILED", Some(bad)),
        event(
            12,
            "ci-linux",
            "ci-linux",
            root,
            "UPDATE_ROLLBACK_IN_PROGRESS",
            Some("The following resource(s) failed to update: [AgentLaunchTemplate]."),
        ),
        event(150, "ci-linux", "ci-linux", root, "UPDATE_ROLLBACK_COMPLETE", None),
    ];
    events.reverse();
    DescribeStackEventsOutput::builder().set_stack_events(Some(events)).build()
}

struct World {
    executed: Arc<AtomicBool>,
    reads_after: Arc<AtomicUsize>,
}

fn backend(world: &World, extra_cfn: &[&Rule]) -> LiveBackend {
    let executed = world.executed.clone();
    let reads = world.reads_after.clone();
    // Stable until the change set is executed; then rolling back for one read, rolled back after.
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks).then_compute_output(move |_| {
        if !executed.load(Ordering::SeqCst) {
            return stack(StackStatus::UpdateComplete);
        }
        match reads.fetch_add(1, Ordering::SeqCst) {
            0 => stack(StackStatus::UpdateRollbackInProgress),
            _ => stack(StackStatus::UpdateRollbackComplete),
        }
    });
    let nested = mock!(aws_sdk_cloudformation::Client::list_stack_resources)
        .match_requests(|r| r.stack_name().is_some_and(|s| s.contains("Autoscaling")))
        .then_output(|| {
            ListStackResourcesOutput::builder()
                .stack_resource_summaries(
                    StackResourceSummary::builder()
                        .logical_resource_id("AutoscalingFunctionTimer")
                        .resource_type("AWS::Events::Rule")
                        .physical_resource_id("ci-linux-Autoscaling-X-AutoscalingFunctionTimer-Y")
                        .build(),
                )
                .build()
        });
    let resources = mock!(aws_sdk_cloudformation::Client::list_stack_resources).then_output(|| {
        let r = |l: &str, t: &str, p: &str| {
            StackResourceSummary::builder()
                .logical_resource_id(l)
                .resource_type(t)
                .physical_resource_id(p)
                .build()
        };
        ListStackResourcesOutput::builder()
            .stack_resource_summaries(r("AgentAutoScaleGroup", "AWS::AutoScaling::AutoScalingGroup", ASG))
            .stack_resource_summaries(r(
                "Autoscaling",
                "AWS::CloudFormation::Stack",
                "arn:aws:cloudformation:us-east-1:123456789012:stack/ci-linux-Autoscaling-X/2",
            ))
            .build()
    });
    let resource = |logical: &'static str, physical: &'static str| {
        mock!(aws_sdk_cloudformation::Client::describe_stack_resource)
            .match_requests(move |r| r.logical_resource_id() == Some(logical))
            .then_output(move || {
                DescribeStackResourceOutput::builder()
                    .stack_resource_detail(
                        StackResourceDetail::builder()
                            .logical_resource_id(logical)
                            .physical_resource_id(physical)
                            .build(),
                    )
                    .build()
            })
    };
    let rule = resource("AutoscalingFunctionTimer", "ci-linux-Autoscaling-X-AutoscalingFunctionTimer-Y");
    let own_group = resource("AgentAutoScaleGroup", ASG);
    let summary = mock!(aws_sdk_cloudformation::Client::get_template_summary).then_output(template_summary);
    let executed = world.executed.clone();
    let execute = mock!(aws_sdk_cloudformation::Client::execute_change_set).then_compute_output(move |_| {
        executed.store(true, Ordering::SeqCst);
        aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput::builder().build()
    });
    // Throttled while the update runs: the follow tries again, it does not give up.
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events)
        .sequence()
        .http_response(|| {
            xml(400, "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t</RequestId></ErrorResponse>".into())
        })
        // More than the SDK's own retries: bkops' follow sees the throttle and reads again.
        .times(4)
        .output(rollback_events)
        .repeatedly()
        .build();
    let mut cfn_rules: Vec<&Rule> =
        vec![&stacks, &nested, &resources, &rule, &own_group, &summary, &execute, &events];
    cfn_rules.extend_from_slice(extra_cfn);
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, &cfn_rules);
    let groups = mock!(aws_sdk_autoscaling::Client::describe_auto_scaling_groups).then_http_response(group);
    let scheduled = mock!(aws_sdk_autoscaling::Client::describe_scheduled_actions).then_http_response(|| {
        xml(200, format!("<DescribeScheduledActionsResponse xmlns=\"{NS}\"><DescribeScheduledActionsResult><ScheduledUpdateGroupActions/></DescribeScheduledActionsResult><ResponseMetadata><RequestId>3</RequestId></ResponseMetadata></DescribeScheduledActionsResponse>"))
    });
    let tags = mock!(aws_sdk_autoscaling::Client::create_or_update_tags)
        .then_http_response(|| asg_ok("CreateOrUpdateTags"));
    let asg = mock_client!(aws_sdk_autoscaling, RuleMode::MatchAny, [&groups, &scheduled, &tags]);
    let state = mock!(aws_sdk_eventbridge::Client::describe_rule).then_output(|| {
        aws_sdk_eventbridge::operation::describe_rule::DescribeRuleOutput::builder()
            .state(aws_sdk_eventbridge::types::RuleState::Enabled)
            .schedule_expression("rate(1 minute)")
            .build()
    });
    let disable = mock!(aws_sdk_eventbridge::Client::disable_rule)
        .then_output(|| aws_sdk_eventbridge::operation::disable_rule::DisableRuleOutput::builder().build());
    let events_client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&state, &disable]);
    let unused = |r: &str| aws_sdk_lambda::config::Region::new(r.to_string());
    let clients = Clients {
        cfn,
        asg,
        events: events_client,
        lambda: aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::Config::builder()
                .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
                .region(unused("us-east-1"))
                .build(),
        ),
        ssm: mock_client!(aws_sdk_ssm, RuleMode::MatchAny, []),
        cw: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, []),
        cwl: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, []),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
                .region(aws_sdk_sts::config::Region::new("us-east-1"))
                .build(),
        ),
    };
    LiveBackend::from_clients(
        clients,
        Some("ci-prod".into()),
        "us-east-1".into(),
        BuildkiteSettings::default(),
    )
}

fn world() -> World {
    World { executed: Arc::new(AtomicBool::new(false)), reads_after: Arc::new(AtomicUsize::new(0)) }
}

#[tokio::test]
async fn a_change_set_is_made_keeping_every_other_value_and_its_preview_calls_out_the_replaced_group() {
    // The request as CloudFormation must get it: the three capabilities, the stack's own
    // template, the changed value, every other parameter UsePreviousValue, the secret included.
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .match_requests(|r| {
            let previous = |k: &str| {
                r.parameters()
                    .iter()
                    .any(|p| p.parameter_key() == Some(k) && p.use_previous_value() == Some(true))
            };
            r.use_previous_template() == Some(true)
                && r.capabilities().contains(&Capability::CapabilityNamedIam)
                && r.capabilities().contains(&Capability::CapabilityAutoExpand)
                && r.parameters()
                    .iter()
                    .any(|p| p.parameter_key() == Some("MaxSize") && p.parameter_value() == Some("20"))
                && previous("BuildkiteAgentToken")
                && previous("BuildkiteQueue")
                && previous("InstanceOperatingSystem")
        })
        .then_output(|| {
            aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput::builder()
                .id("cs-1")
                .build()
        });
    let described = mock!(aws_sdk_cloudformation::Client::describe_change_set)
        .match_requests(|r| r.change_set_name() == Some("bkops-1"))
        .then_output(|| {
            DescribeChangeSetOutput::builder()
                .status(ChangeSetStatus::CreateComplete)
                .changes(resource_change(
                    "AgentLaunchTemplate",
                    "AWS::EC2::LaunchTemplate",
                    Replacement::False,
                ))
                .changes(resource_change(
                    "AgentAutoScaleGroup",
                    "AWS::AutoScaling::AutoScalingGroup",
                    Replacement::True,
                ))
                .build()
        });
    let nothing = mock!(aws_sdk_cloudformation::Client::describe_change_set)
        .match_requests(|r| r.change_set_name() == Some("bkops-2"))
        .then_output(|| {
            DescribeChangeSetOutput::builder()
                .status(ChangeSetStatus::Failed)
                .status_reason("The submitted information didn't contain changes. Submit different information to create a change set.")
                .build()
        });
    let w = world();
    let b = backend(&w, &[&create, &described, &nothing]);
    bkops::backend::StackSource::stacks(&b).await.expect("discovered");
    let source = b.update_source("ci-linux", None).await.expect("source");
    assert_eq!(source.template_version.as_deref(), Some("v6.75.0"));
    let secret = source.declared.iter().find(|d| d.key == "BuildkiteAgentToken").expect("token");
    assert!(secret.no_echo);
    let params = update::parameters(&source, &[("MaxSize".into(), "20".into())]).expect("params");
    let call = Call::CreateChangeSet {
        stack: "ci-linux".into(),
        name: "bkops-1".into(),
        template_url: None,
        parameters: params.parameters.clone(),
    };
    b.execute(&call).await.expect("made with the request's shape");
    assert_eq!(create.num_calls(), 1);

    let view = b.change_set("ci-linux", "bkops-1").await.expect("preview");
    let group = view.changes.iter().find(|c| c.logical_id == "AgentAutoScaleGroup").expect("group");
    assert_eq!(group.replacement.as_deref(), Some("True"));
    let notes = update::fleet_notes(&view, &source, false);
    assert!(
        notes[0].contains("the Auto Scaling group is replaced") && notes[0].contains("lost"),
        "{notes:?}"
    );
    let none = b.change_set("ci-linux", "bkops-2").await.expect("preview");
    assert!(update::is_no_change(&none), "{none:?}");
    // Giving the token a value sends it, and never shows it.
    let p =
        update::parameters(&source, &[("BuildkiteAgentToken".into(), "bkua_new".into())]).expect("params");
    assert!(p.parameters.contains(&StackParameter {
        key: "BuildkiteAgentToken".into(),
        value: Some("bkua_new".into()),
        secret: true
    }));
}

#[tokio::test(start_paused = true)]
async fn a_failed_update_is_followed_through_a_throttle_to_its_rollback_and_names_its_cause() {
    let w = world();
    let b = backend(&w, &[]);
    bkops::backend::StackSource::stacks(&b).await.expect("discovered");
    let target = b.scaling_target("ci-linux").await.expect("target");
    let clock = Clock::virtual_at(Timestamp::from_secs(T0));
    let plan = update::update(&target, "bkops-1", false, "arn:aws:iam::123456789012:user/me", clock.now())
        .expect("plan");
    let dir = std::env::temp_dir().join(format!("bkops-update-mocks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let audit = dir.join("audit.jsonl");
    let _ = std::fs::remove_file(&audit);
    let ctx = bkops::ops::CallContext {
        identity: bkops::ops::Identity {
            arn: "arn:aws:iam::123456789012:user/me".into(),
            account: "123456789012".into(),
        },
        backend: "aws ci-prod us-east-1".into(),
        stack: "ci-linux".into(),
    };
    let said = std::sync::Mutex::new(Vec::<String>::new());
    let ledger = bkops::ops::Ledger::default();
    let outcomes =
        bkops::ops::apply(&b, &plan, &ctx, &clock, Some(&audit), &|t| said.lock().unwrap().push(t), &ledger)
            .await
            .expect("audited");
    let actions: Vec<&str> = outcomes.iter().map(|o| o.call.action()).collect();
    assert_eq!(
        actions,
        [
            "autoscaling:CreateOrUpdateTags",
            "events:DisableRule",
            "cloudformation:ExecuteChangeSet",
            "bkops:WaitForUpdate"
        ]
    );
    let end = outcomes.last().expect("the wait").result.clone().expect_err("a rollback fails the wait");
    let text = end.to_string();
    assert!(text.contains("rolled back (UPDATE_ROLLBACK_COMPLETE)"), "{text}");
    assert!(
        text.contains("AgentLaunchTemplate UPDATE_FAILED") && text.contains("ami-0bad"),
        "the cause: {text}"
    );
    let said = said.lock().unwrap().join("\n");
    assert!(
        said.contains("Throttling") || said.contains("throttl"),
        "the throttle is said, and waited out: {said}"
    );
    assert!(said.contains("AgentLaunchTemplate UPDATE_FAILED"), "{said}");
    assert!(update::resume_after("UPDATE_ROLLBACK_COMPLETE", true));
    let log = std::fs::read_to_string(&audit).expect("audit");
    assert!(log.contains("cloudformation:ExecuteChangeSet"), "{log}");
}
