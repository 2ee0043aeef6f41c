//! What the local AWS API server lacks, through the SDK's own mocking tool (aws-smithy-mocks):
//! scaling activities (moto always returns none), Pending and Terminating instances (moto's are
//! always InService), each instance's own launch template version (moto gives every instance
//! the template's default version), and throttled, denied and expired calls. Auto Scaling answers are the
//! Query protocol's XML as AWS sends it, so the SDK's real parser reads them.

use aws_sdk_cloudformation::operation::describe_stack_resource::DescribeStackResourceOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesOutput;
use aws_sdk_cloudformation::types::{
    Parameter, Stack, StackResourceDetail, StackResourceSummary, StackStatus,
};
use aws_sdk_eventbridge::operation::describe_rule::DescribeRuleOutput;
use aws_sdk_eventbridge::types::RuleState;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use bkops::backend::StackSource;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::{Clients, LiveBackend};
use bkops::domain::BackendError;
use bkops::domain::{ActivityStatus, Health, Lifecycle, Timestamp};

const ASG: &str = "ci-linux-AgentAutoScaleGroup-1A2B3C4D5E6F";
const NS: &str = "https://autoscaling.amazonaws.com/doc/2011-01-01/";

fn xml(status: u16, body: String) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(status).expect("status"), SdkBody::from(body))
}

fn aws_error(code: &str, message: &str) -> HttpResponse {
    xml(
        400,
        format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>7c4b1e5f-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
        ),
    )
}

/// CloudFormation and EventBridge as they answer for one Elastic CI Stack with a scaler.
fn discovery() -> (aws_sdk_cloudformation::Client, aws_sdk_eventbridge::Client) {
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks).then_output(|| {
        let p = |k: &str, v: &str| Parameter::builder().parameter_key(k).parameter_value(v).build();
        DescribeStacksOutput::builder()
            .stacks(
                Stack::builder()
                    .stack_name("ci-linux")
                    .stack_id("arn:aws:cloudformation:us-east-1:123456789012:stack/ci-linux/1")
                    .description("Buildkite stack v6.71.1")
                    .stack_status(StackStatus::UpdateComplete)
                    .creation_time(aws_smithy_types::DateTime::from_secs(1_790_000_000))
                    .parameters(p("BuildkiteQueue", "default"))
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
    let rule = mock!(aws_sdk_cloudformation::Client::describe_stack_resource).then_output(|| {
        DescribeStackResourceOutput::builder()
            .stack_resource_detail(
                StackResourceDetail::builder()
                    .logical_resource_id("AutoscalingFunctionTimer")
                    .physical_resource_id("ci-linux-Autoscaling-X-AutoscalingFunctionTimer-Y")
                    .build(),
            )
            .build()
    });
    let state = mock!(aws_sdk_eventbridge::Client::describe_rule).then_output(|| {
        DescribeRuleOutput::builder().state(RuleState::Enabled).schedule_expression("rate(1 minute)").build()
    });
    (
        mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&stacks, &resources, &rule]),
        mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&state]),
    )
}

fn group_xml() -> String {
    group_xml_with("", ["3", "3", "3"])
}

/// The group, with its own launch template element (`group_template`, empty for none) and
/// each instance's launch template version.
fn group_xml_with(group_template: &str, versions: [&str; 3]) -> String {
    let instance = |id: &str, state: &str, health: &str, version: &str| {
        format!(
            "<member><InstanceId>{id}</InstanceId><InstanceType>c5.2xlarge</InstanceType><AvailabilityZone>us-east-1b</AvailabilityZone>\
<LifecycleState>{state}</LifecycleState><HealthStatus>{health}</HealthStatus><LaunchTemplate><LaunchTemplateId>lt-0a1b2c3d</LaunchTemplateId>\
<LaunchTemplateName>ci-linux-AgentLaunchTemplate</LaunchTemplateName><Version>{version}</Version></LaunchTemplate><ProtectedFromScaleIn>true</ProtectedFromScaleIn></member>"
        )
    };
    format!(
        "<DescribeAutoScalingGroupsResponse xmlns=\"{NS}\"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>\
<AutoScalingGroupName>{ASG}</AutoScalingGroupName><AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/{ASG}</AutoScalingGroupARN>\
<MinSize>0</MinSize><MaxSize>10</MaxSize><DesiredCapacity>3</DesiredCapacity><DefaultCooldown>60</DefaultCooldown>\
<AvailabilityZones><member>us-east-1a</member><member>us-east-1b</member></AvailabilityZones><HealthCheckType>EC2</HealthCheckType>\
<CreatedTime>2026-10-01T09:00:00.000Z</CreatedTime>{group_template}<Instances>{}{}{}</Instances><NewInstancesProtectedFromScaleIn>true</NewInstancesProtectedFromScaleIn>\
</member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>",
        instance("i-0aaaaaaaaaaaaaaa1", "InService", "Healthy", versions[0]),
        instance("i-0bbbbbbbbbbbbbbb2", "Pending", "Healthy", versions[1]),
        instance("i-0ccccccccccccccc3", "Terminating:Wait", "Unhealthy", versions[2]),
    )
}

fn activity_xml(
    id: &str,
    description: &str,
    cause: &str,
    status: &str,
    start: &str,
    end: Option<&str>,
) -> String {
    let end = end.map(|e| format!("<EndTime>{e}</EndTime>")).unwrap_or_default();
    format!(
        "<member><ActivityId>{id}</ActivityId><AutoScalingGroupName>{ASG}</AutoScalingGroupName><Description>{description}</Description>\
<Cause>{cause}</Cause><StartTime>{start}</StartTime>{end}<StatusCode>{status}</StatusCode><Progress>100</Progress>\
<Details>{{&quot;Subnet ID&quot;:&quot;subnet-0123&quot;,&quot;Availability Zone&quot;:&quot;us-east-1b&quot;}}</Details></member>"
    )
}

fn activities_page(members: &[String], next: Option<&str>) -> String {
    let next = next.map(|n| format!("<NextToken>{n}</NextToken>")).unwrap_or_default();
    format!(
        "<DescribeScalingActivitiesResponse xmlns=\"{NS}\"><DescribeScalingActivitiesResult><Activities>{}</Activities>{next}\
</DescribeScalingActivitiesResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></DescribeScalingActivitiesResponse>",
        members.concat()
    )
}

fn newest() -> String {
    activity_xml(
        "a3",
        "Launching a new EC2 instance: i-0bbbbbbbbbbbbbbb2",
        "At 2026-11-23T10:05:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 3.  At 2026-11-23T10:05:04Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.",
        "PreInService",
        "2026-11-23T10:05:04.512Z",
        None,
    )
}

fn older() -> Vec<String> {
    vec![
        activity_xml(
            "a2",
            "Launching a new EC2 instance.  Status Reason: We currently do not have sufficient c5.2xlarge capacity in the Availability Zone you requested (us-east-1a). Launching EC2 instance failed.",
            "At 2026-11-23T10:04:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.",
            "Failed",
            "2026-11-23T10:04:00.000Z",
            Some("2026-11-23T10:04:00.000Z"),
        ),
        activity_xml(
            "a1",
            "Launching a new EC2 instance: i-0aaaaaaaaaaaaaaa1",
            "At 2026-11-20T08:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.",
            "Successful",
            "2026-11-20T08:00:01.000Z",
            Some("2026-11-20T08:00:40.000Z"),
        ),
    ]
}

fn backend(asg_rules: &[&Rule]) -> LiveBackend {
    backend_with(asg_rules, &[])
}

fn backend_with(asg_rules: &[&Rule], ssm_rules: &[&Rule]) -> LiveBackend {
    let (cfn, events) = discovery();
    let scheduled = mock!(aws_sdk_autoscaling::Client::describe_scheduled_actions).then_http_response(|| {
        xml(200, format!("<DescribeScheduledActionsResponse xmlns=\"{NS}\"><DescribeScheduledActionsResult><ScheduledUpdateGroupActions/></DescribeScheduledActionsResult><ResponseMetadata><RequestId>3</RequestId></ResponseMetadata></DescribeScheduledActionsResponse>"))
    });
    let mut rules: Vec<&Rule> = asg_rules.to_vec();
    rules.push(&scheduled);
    let asg = mock_client!(aws_sdk_autoscaling, RuleMode::MatchAny, &rules);
    // The agent token is never read here; sessions are, when a test gives rules.
    let ssm = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, ssm_rules);
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, []);
    // No disk-check lines: the DISK column stays unknown.
    let no_lines = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| {
        aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput::builder().build()
    });
    let cwl = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&no_lines]);
    // Nothing here asks who is calling; a client that is never used.
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .build(),
    );
    // No group here is the Terraform module's: its scaler is never looked up.
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new("us-east-1"))
            .build(),
    );
    let clients = Clients { cfn, asg, events, lambda, ssm, cw, cwl, sts };
    LiveBackend::from_clients(
        clients,
        Some("ci-prod".into()),
        "us-east-1".into(),
        BuildkiteSettings::default(),
    )
}

#[tokio::test]
async fn activities_pending_and_terminating_instances_in_aws_shapes() {
    let groups = mock!(aws_sdk_autoscaling::Client::describe_auto_scaling_groups)
        .then_http_response(|| xml(200, group_xml()));
    let page2 = mock!(aws_sdk_autoscaling::Client::describe_scaling_activities)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_http_response(|| xml(200, activities_page(&older(), None)));
    let page1 = mock!(aws_sdk_autoscaling::Client::describe_scaling_activities)
        .match_requests(|r| r.next_token().is_none())
        .then_http_response(|| xml(200, activities_page(&[newest()], Some("page-2"))));
    let b = backend(&[&groups, &page2, &page1]);

    let activities = b.activities("ci-linux").await.expect("activities");
    let ids: Vec<&str> = activities.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a3", "a2", "a1"], "both pages, newest first");
    assert_eq!(activities[0].status, ActivityStatus::PreInService);
    assert!(
        activities[0].cause.contains("changing the desired capacity from 2 to 3.  At"),
        "AWS's words, verbatim"
    );
    assert_eq!(activities[1].status, ActivityStatus::Failed);
    assert_eq!(activities[2].start, Timestamp(1_795_161_601_000));
    assert_eq!(activities[2].end, Some(Timestamp(1_795_161_640_000)));

    let fleet = b.fleet("ci-linux").await.expect("fleet");
    assert_eq!((fleet.desired, fleet.min, fleet.max), (3, 0, 10));
    let by_id = |id: &str| fleet.instances.iter().find(|i| i.id == id).expect(id);
    assert_eq!(by_id("i-0aaaaaaaaaaaaaaa1").lifecycle, Lifecycle::InService);
    assert_eq!(by_id("i-0bbbbbbbbbbbbbbb2").lifecycle, Lifecycle::Pending);
    let leaving = by_id("i-0ccccccccccccccc3");
    assert_eq!((leaving.lifecycle, leaving.health), (Lifecycle::Terminating, Health::Unhealthy));
    assert!(leaving.protected_from_scale_in);
    // Ages come from the launch activities; an instance without one has no known age.
    assert_eq!(by_id("i-0aaaaaaaaaaaaaaa1").launched_at, Some(Timestamp(1_795_161_601_000)));
    assert_eq!(by_id("i-0bbbbbbbbbbbbbbb2").launched_at, Some(Timestamp(1_795_428_304_512)));
    assert_eq!(leaving.launched_at, None);
}

#[tokio::test]
async fn later_refreshes_read_only_until_known_activities() {
    let groups = mock!(aws_sdk_autoscaling::Client::describe_auto_scaling_groups)
        .then_http_response(|| xml(200, group_xml()));
    let page2 = mock!(aws_sdk_autoscaling::Client::describe_scaling_activities)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_http_response(|| xml(200, activities_page(&older(), None)));
    let page1 = mock!(aws_sdk_autoscaling::Client::describe_scaling_activities)
        .match_requests(|r| r.next_token().is_none())
        .then_http_response(|| {
            let mut members = vec![newest()];
            members.extend(older());
            xml(200, activities_page(&members, Some("page-2")))
        });
    let b = backend(&[&groups, &page2, &page1]);
    // Counted by the mock rules themselves, not by the code's own counter.
    b.activities("ci-linux").await.expect("first");
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1), "the first read follows every page");
    b.activities("ci-linux").await.expect("second");
    assert_eq!(
        (page1.num_calls(), page2.num_calls()),
        (2, 1),
        "the next read stops at finished activities it has"
    );
}

async fn fleet_error(code: &str, message: &str) -> BackendError {
    let (code, message) = (code.to_string(), message.to_string());
    let groups = mock!(aws_sdk_autoscaling::Client::describe_auto_scaling_groups)
        .then_http_response(move || aws_error(&code, &message));
    let b = backend(&[&groups]);
    b.fleet("ci-linux").await.expect_err("an error")
}

#[tokio::test]
async fn throttling_is_a_wait_not_a_failure() {
    match fleet_error("Throttling", "Rate exceeded").await {
        BackendError::Throttled { service, retry_after } => {
            assert_eq!(service, "autoscaling");
            assert!(retry_after.as_secs() >= 5);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_denied_call_names_the_iam_action() {
    let err = fleet_error(
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/oncall/me is not authorized to perform: autoscaling:DescribeAutoScalingGroups",
    )
    .await;
    assert_eq!(
        err,
        BackendError::PermissionDenied { action: "autoscaling:DescribeAutoScalingGroups".into() }
    );
    assert_eq!(err.to_string(), "permission denied: autoscaling:DescribeAutoScalingGroups");
}

#[tokio::test]
async fn expired_credentials_say_which_command_fixes_them() {
    let err = fleet_error("ExpiredToken", "The security token included in the request is expired").await;
    assert_eq!(
        err.to_string(),
        "credentials missing or expired: ExpiredToken: run `aws sso login --profile ci-prod` (or refresh profile ci-prod's credentials)"
    );
}

/// Session Manager, which moto lacks: DescribeInstanceInformation's ping status, StartSession's
/// request (target, document, parameters, a reason naming bkops), and read-only's refusal.
#[tokio::test]
async fn sessions_check_the_agent_and_start_with_a_reason() {
    use aws_sdk_ssm::operation::describe_instance_information::DescribeInstanceInformationOutput;
    use aws_sdk_ssm::operation::start_session::StartSessionOutput;
    use aws_sdk_ssm::types::{InstanceInformation, PingStatus};
    use bkops::ssm::Sessions;
    use bkops::ssm::{Registration, SessionRequest};

    let info = |status: Option<PingStatus>| {
        let mut out = DescribeInstanceInformationOutput::builder();
        if let Some(s) = status {
            out = out.instance_information_list(
                InstanceInformation::builder().instance_id("i-0aaaaaaaaaaaaaaa1").ping_status(s).build(),
            );
        }
        out.build()
    };
    let online = mock!(aws_sdk_ssm::Client::describe_instance_information)
        .match_requests(|r| {
            r.filters()
                .first()
                .is_some_and(|f| f.key() == "InstanceIds" && f.values() == ["i-0aaaaaaaaaaaaaaa1"])
        })
        .then_output(move || info(Some(PingStatus::Online)));
    let lost = mock!(aws_sdk_ssm::Client::describe_instance_information)
        .match_requests(|r| r.filters().first().is_some_and(|f| f.values() == ["i-0bbbbbbbbbbbbbbb2"]))
        .then_output(move || info(Some(PingStatus::ConnectionLost)));
    let none = mock!(aws_sdk_ssm::Client::describe_instance_information).then_output(move || info(None));
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .match_requests(|r| {
            r.target() == Some("i-0aaaaaaaaaaaaaaa1")
                && r.document_name() == Some("AWS-StartInteractiveCommand")
                && r.parameters()
                    .and_then(|p| p.get("command"))
                    .is_some_and(|c| c == &["sudo -iu buildkite-agent".to_string()])
                && r.reason() == Some("bkops: shell by arn:aws:sts::1:assumed-role/ops/ana")
        })
        .then_output(|| {
            StartSessionOutput::builder()
                .session_id("ana-0a1b2c3d4e5f60718")
                .token_value("AAEAAToken")
                .stream_url("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ana-0a1b2c3d4e5f60718")
                .build()
        });
    let b = backend_with(&[], &[&online, &lost, &none, &start]);
    assert_eq!(b.registration("i-0aaaaaaaaaaaaaaa1").await, Ok(Registration::Online));
    assert_eq!(
        b.registration("i-0bbbbbbbbbbbbbbb2").await,
        Ok(Registration::Offline("ConnectionLost".into()))
    );
    assert_eq!(b.registration("i-0ccccccccccccccc3").await, Ok(Registration::NotRegistered));
    let request = SessionRequest::new(
        "i-0aaaaaaaaaaaaaaa1",
        None,
        Some("sudo -iu buildkite-agent"),
        "arn:aws:sts::1:assumed-role/ops/ana",
    );
    let session = b.start_session(&request).await.expect("started");
    assert_eq!(session.session_id, "ana-0a1b2c3d4e5f60718");
    assert!(!format!("{session:?}").contains("AAEAAToken"), "the token is never printed");

    // ResumeSession after a broken connection: a new token for the same session, or none when
    // the session is gone.
    let resumed = mock!(aws_sdk_ssm::Client::resume_session)
        .match_requests(|r| r.session_id() == Some("ana-0a1b2c3d4e5f60718"))
        .then_output(|| {
            aws_sdk_ssm::operation::resume_session::ResumeSessionOutput::builder()
                .session_id("ana-0a1b2c3d4e5f60718")
                .token_value("AAEAAToken2")
                .stream_url("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ana-0a1b2c3d4e5f60718")
                .build()
        });
    let gone = mock!(aws_sdk_ssm::Client::resume_session)
        .then_output(|| aws_sdk_ssm::operation::resume_session::ResumeSessionOutput::builder().build());
    let b2 = backend_with(&[], &[&resumed, &gone]);
    let again = b2.resume_session("ana-0a1b2c3d4e5f60718").await.expect("resumed");
    assert_eq!((again.session_id.as_str(), again.token.expose()), ("ana-0a1b2c3d4e5f60718", "AAEAAToken2"));
    assert_eq!(
        b2.resume_session("ana-ffffffffffffffff0").await.map(|s| s.session_id),
        Err(BackendError::Other("session ana-ffffffffffffffff0 timed out".into()))
    );

    // An operator whose role lacks ssm:StartSession (awsJson 1.1's error shape).
    let denied = mock!(aws_sdk_ssm::Client::start_session).then_http_response(|| {
        let body = r#"{"__type":"AccessDeniedException","message":"User: arn:aws:sts::1:assumed-role/ops/ana is not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:us-east-1:1:instance/i-0aaaaaaaaaaaaaaa1"}"#;
        HttpResponse::new(StatusCode::try_from(400).expect("status"), SdkBody::from(body))
    });
    let refused = backend_with(&[], &[&denied]).start_session(&request).await;
    assert_eq!(
        refused.map(|s| s.session_id),
        Err(BackendError::PermissionDenied { action: "ssm:StartSession".into() })
    );

    let read_only = backend_with(&[], &[&start]).into_read_only();
    let refused = read_only.start_session(&request).await;
    assert_eq!(
        refused.map(|s| s.session_id),
        Err(BackendError::ReadOnly { action: "ssm:StartSession".into() })
    );
    assert_eq!(start.num_calls(), 1, "the read-only backend sent nothing");
}

/// A rollover: the group launches version 4 now (an update changed its launch template), two
/// of its instances were launched with version 3; the warnings name the rollover, and the
/// doctor the instances.
#[tokio::test]
async fn instances_on_an_older_launch_template_version_are_a_rollover() {
    let template = "<LaunchTemplate><LaunchTemplateId>lt-0a1b2c3d</LaunchTemplateId><LaunchTemplateName>ci-linux-AgentLaunchTemplate</LaunchTemplateName><Version>4</Version></LaunchTemplate>";
    let groups = mock!(aws_sdk_autoscaling::Client::describe_auto_scaling_groups)
        .then_http_response(move || xml(200, group_xml_with(template, ["3", "4", "3"])));
    let none = mock!(aws_sdk_autoscaling::Client::describe_scaling_activities)
        .then_http_response(|| xml(200, activities_page(&[], None)));
    let b = backend(&[&groups, &none]);
    let fleet = b.fleet("ci-linux").await.expect("fleet");
    assert_eq!(fleet.launch_template_version.as_deref(), Some("4"));
    let stacks = b.stacks().await.expect("stacks");
    let warnings = bkops::analysis::warnings(&stacks[0], None, Some(&fleet));
    let rollover = warnings.iter().find(|w| w.code == "rollover").expect("a rollover");
    assert_eq!(
        rollover.text,
        "rollover: 2 of 3 instances on an older launch template (the group's is v4): agents not read"
    );
}
