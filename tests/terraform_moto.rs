//! A stack deployed with the Elastic CI Stack's Terraform module, made by the test from the
//! resources the module creates (no CloudFormation stack: a group named and tagged after the
//! stack's base, the scaler function with its environment, its schedule rule and log group),
//! found and read by the real SDK code against the local AWS API server.

mod support;

use aws_sdk_autoscaling::types::Tag;
use bkops::backend::StackSource;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::LiveBackend;
use bkops::domain::scaler_log::ScalerRead;
use bkops::domain::{ScalingState, Timestamp};
use support::moto::Moto;

const BASE: &str = "buildkite-stack-1a2b3c4d";

/// An empty zip archive: the function's code is never run here.
const EMPTY_ZIP: [u8; 22] = [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

fn tag(group: &str, k: &str, v: &str) -> Tag {
    Tag::builder()
        .resource_id(group)
        .resource_type("auto-scaling-group")
        .key(k)
        .value(v)
        .propagate_at_launch(false)
        .build()
}

async fn deploy_terraform_stack(moto: &Moto, sdk: &aws_config::SdkConfig) {
    // The scaler's role (IAM, through moto's query API: the tests carry no IAM client).
    let auth = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0";
    let body = format!(
        "Action=CreateRole&Version=2010-05-08&RoleName={BASE}-scaler-lambda-role&AssumeRolePolicyDocument=%7B%7D"
    );
    let (status, _) = moto.http(
        "POST",
        "/",
        Some(body.as_bytes()),
        &[auth, "Content-Type: application/x-www-form-urlencoded"],
    );
    assert_eq!(status, 200, "role");
    let env = aws_sdk_lambda::types::Environment::builder()
        .variables("BUILDKITE_QUEUE", "tf-queue")
        .variables("AGENTS_PER_INSTANCE", "2")
        .variables("ASG_NAME", format!("{BASE}-asg"))
        .variables("BUILDKITE_AGENT_TOKEN_SSM_KEY", format!("/buildkite/elastic-ci-stack/{BASE}/agent-token"))
        .variables("SCALE_OUT_COOLDOWN_PERIOD", "300s")
        .variables("SCALE_IN_COOLDOWN_PERIOD", "3600s")
        .variables("DISABLE_SCALE_IN", "true")
        .variables("CLOUDWATCH_METRICS", "false")
        .build();
    aws_sdk_lambda::Client::new(sdk)
        .create_function()
        .function_name(format!("{BASE}-scaler"))
        .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
        .handler("bootstrap")
        .role(format!("arn:aws:iam::123456789012:role/{BASE}-scaler-lambda-role"))
        .code(aws_sdk_lambda::types::FunctionCode::builder().zip_file(EMPTY_ZIP.to_vec().into()).build())
        .environment(env)
        .send()
        .await
        .expect("function");
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    asg.create_launch_configuration()
        .launch_configuration_name(format!("{BASE}-lc"))
        .image_id("ami-12c6146b")
        .instance_type("t3.large")
        .send()
        .await
        .expect("launch configuration");
    for (group, tags) in [
        (format!("{BASE}-asg"), vec![("ManagedBy", "Terraform"), ("Stack", BASE)]),
        // Another team's Terraform group: no Stack tag naming it, not a stack.
        ("web-frontend-asg".to_string(), vec![("ManagedBy", "Terraform")]),
    ] {
        let mut req = asg
            .create_auto_scaling_group()
            .auto_scaling_group_name(&group)
            .launch_configuration_name(format!("{BASE}-lc"))
            .min_size(1)
            .max_size(5)
            .availability_zones("us-east-1a");
        for (k, v) in tags {
            req = req.tags(tag(&group, k, v));
        }
        req.send().await.expect("group");
    }
    aws_sdk_eventbridge::Client::new(sdk)
        .put_rule()
        .name(format!("{BASE}-scaler-schedule"))
        .schedule_expression("rate(1 minute)")
        .state(aws_sdk_eventbridge::types::RuleState::Enabled)
        .send()
        .await
        .expect("rule");
    // The scaler's own log: one run.
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    let group = format!("/aws/lambda/{BASE}-scaler");
    logs.create_log_group().log_group_name(&group).send().await.expect("log group");
    logs.create_log_stream()
        .log_group_name(&group)
        .log_stream_name("2026/11/30/[$LATEST]abc")
        .send()
        .await
        .expect("stream");
    let now = bkops::clock::Clock::System.now().millis();
    let mut put = logs.put_log_events().log_group_name(&group).log_stream_name("2026/11/30/[$LATEST]abc");
    for (n, line) in [
        "START RequestId: 6f1c2b7a-0000-4000-8000-000000000000 Version: $LATEST",
        "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"tf-queue\"",
        "2026/11/30 07:32:00 Scaling decision: calculated desired 1 instances. ASG current desired: 1, ASG actual running: 1 (approx 2 agents), Buildkite scheduled: 0, running: 1, waiting: 0 Action: No change needed",
    ]
    .iter()
    .enumerate()
    {
        put = put.log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now - 60_000 + n as i64)
                .message(*line)
                .build()
                .expect("event"),
        );
    }
    put.send().await.expect("put");
}

#[tokio::test]
async fn a_terraform_deployed_stack_is_found_read_and_paused_by_its_schedule_rule() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    deploy_terraform_stack(&moto, &sdk).await;

    let backend = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    let stacks = backend.stacks().await.expect("stacks");
    let mut names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        ["buildkite-stack-1a2b3c4d", "ci-linux", "ci-windows"],
        "the module's stack beside the others"
    );
    let tf = stacks.iter().find(|s| s.name == BASE).expect("the Terraform stack");
    assert_eq!((tf.queue.as_str(), tf.status.as_str(), tf.min, tf.max), ("tf-queue", "TERRAFORM", 1, 5));
    assert_eq!(tf.agents_per_instance, 2);
    assert!(matches!(tf.scaling, ScalingState::Enabled { .. }), "{:?}", tf.scaling);
    let params = tf.scaler_params.clone().expect("its scaler's settings");
    assert_eq!((params.scale_out_cooldown_secs, params.disable_scale_in), (300, true));

    let fleet = backend.fleet(BASE).await.expect("fleet");
    assert_eq!((fleet.asg_name.as_str(), fleet.instances.len()), ("buildkite-stack-1a2b3c4d-asg", 1));
    let since = Timestamp(bkops::clock::Clock::System.now().millis() - 600_000);
    match backend.scaler_log(BASE, since).await.expect("scaler log") {
        ScalerRead::Read(log) => assert_eq!(log.runs.len(), 1, "{log:?}"),
        other => panic!("the scaler's log group /aws/lambda/{BASE}-scaler was not read: {other:?}"),
    }

    // The module turned its scaler's metrics off: the chart says why it is empty.
    let history = bkops::backend::QueueSource::queue_history(&backend, BASE, since).await;
    let said = history.expect_err("no history").to_string();
    assert!(said.contains("CLOUDWATCH_METRICS is false"), "{said}");

    // Pausing disables the module's schedule rule: the listing says PAUSED.
    let target = bkops::ops::port::Operations::scaling_target(&backend, BASE).await.expect("target");
    assert_eq!(target.rule.as_deref(), Some("buildkite-stack-1a2b3c4d-scaler-schedule"));
    assert!(target.terraform, "the pause says a terraform apply may enable the rule again");
    aws_sdk_eventbridge::Client::new(&sdk)
        .disable_rule()
        .name(format!("{BASE}-scaler-schedule"))
        .send()
        .await
        .expect("disable");
    let again = LiveBackend::new(&sdk, None, BuildkiteSettings::default()).stacks().await.expect("stacks");
    let tf = again.iter().find(|s| s.name == BASE).expect("still there");
    assert!(tf.scaling.is_paused(), "{:?}", tf.scaling);

    // Through the binary: `bkops status` lists it, as its schema says, with its queue's
    // numbers read with the token the module keeps for it (its own, no setting needed).
    let fake = support::buildkite::FakeBuildkite::start();
    fake.metrics(support::buildkite::Reply::json(
        200,
        &support::buildkite::queue_body("acme", 4, 1, 0, 0, 2),
    ));
    support::moto::put_token(&sdk, &format!("/buildkite/elastic-ci-stack/{BASE}/agent-token"), "bkua_tf")
        .await;
    let out = support::moto::bkops(&moto.endpoint, "bkops-terraform")
        .env("BUILDKITE_AGENT_ENDPOINT", &fake.url)
        .args(["status", "--format", "json", "--stack", BASE, "--region", "us-east-1"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("status", &v);
    let s = &v["stacks"][0];
    assert_eq!(
        (s["name"].as_str(), s["status"].as_str(), s["queue"].as_str()),
        (Some(BASE), Some("TERRAFORM"), Some("tf-queue"))
    );
    assert_eq!(s["scaling"]["state"], "paused");
    assert_eq!(s["queue_metrics"]["scheduled"], 4, "read with the module's token for it: {s}");
    assert_eq!(s["auto_scaling"]["in_service"], 1);

    // CloudFormation cannot update it: refused, naming terraform apply and --external, which
    // pauses around an apply instead (paused already here: resumed when the apply ends).
    let run = |args: &[&str]| {
        support::moto::bkops(&moto.endpoint, "bkops-terraform")
            .args(["--region", "us-east-1", "--stack", BASE, "update"])
            .args(args)
            .output()
            .expect("runs")
    };
    let out = run(&["--parameter", "MaxSize=12", "--yes"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("update it with terraform apply") && stderr.contains("--external"), "{stderr}");
    let out = run(&["--external", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("for terraform apply") && stdout.contains("bkops:WaitForUpdate"), "{stdout}");
    assert!(stdout.contains("resumed when the update ends"), "{stdout}");
}

/// A group tagged as the module tags its groups, with no scaler of its own.
async fn look_alike(sdk: &aws_config::SdkConfig, base: &str) {
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    let _ = asg
        .create_launch_configuration()
        .launch_configuration_name("look-alike-lc")
        .image_id("ami-12c6146b")
        .instance_type("t3.large")
        .send()
        .await;
    let group = format!("{base}-asg");
    asg.create_auto_scaling_group()
        .auto_scaling_group_name(&group)
        .launch_configuration_name("look-alike-lc")
        .min_size(1)
        .max_size(1)
        .availability_zones("us-east-1a")
        .tags(tag(&group, "ManagedBy", "Terraform"))
        .tags(tag(&group, "Stack", base))
        .send()
        .await
        .expect("look-alike");
}

#[tokio::test]
async fn a_look_alike_group_takes_no_stacks_name_and_a_group_found_by_tags_alone_is_never_changed() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    // A CloudFormation Elastic CI Stack whose name has the module's shape, and a group that
    // claims that name with the module's tags; and a group with the tags and no scaler.
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    cfn.create_stack()
        .stack_name("ci-0badc0de")
        .template_body(include_str!("aws/elastic-stack.yml"))
        .parameters(
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key("ScalerTemplateURL")
                .parameter_value(support::moto::SCALER_URL)
                .build(),
        )
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityIam)
        .send()
        .await
        .expect("ci-0badc0de");
    look_alike(&sdk, "ci-0badc0de").await;
    look_alike(&sdk, "tags-1a2b3c4d").await;

    let out = support::moto::bkops(&moto.endpoint, "bkops-look-alike")
        .args(["status", "--format", "json", "--region", "us-east-1"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let stacks = v["stacks"].as_array().expect("stacks");
    let named = |n: &str| stacks.iter().filter(|s| s["name"] == n).collect::<Vec<_>>();
    let real = named("ci-0badc0de");
    assert_eq!(real.len(), 1, "one stack answers to the name: {stacks:#?}");
    assert_eq!(real[0]["status"], "CREATE_COMPLETE", "the CloudFormation stack keeps its name");
    let clash = named("ci-0badc0de-asg");
    assert_eq!(clash.len(), 1, "the look-alike is shown, by its group's name: {stacks:#?}");
    assert!(clash[0]["status"].as_str().is_some_and(|s| s.contains("tags only")), "{:?}", clash[0]);
    let tags_only = named("tags-1a2b3c4d");
    assert!(tags_only[0]["status"].as_str().is_some_and(|s| s.contains("tags only")), "{:?}", tags_only[0]);

    // A change of a stack found by tags alone is refused before anything is sent.
    let state = std::env::temp_dir().join(format!("bkops-look-alike-ops-{}", std::process::id()));
    for name in ["tags-1a2b3c4d", "ci-0badc0de-asg"] {
        let before = moto.operations().len();
        let out = support::moto::bkops(&moto.endpoint, "bkops-look-alike")
            .env("XDG_STATE_HOME", &state)
            .args(["scaling", "pause", "--stack", name, "--yes", "--region", "us-east-1"])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("found by tags only"), "{name}: {err}");
        let sent: Vec<String> = moto.operations()[before..].to_vec();
        for mutation in ["DisableRule", "CreateOrUpdateTags", "UpdateAutoScalingGroup"] {
            assert!(!sent.iter().any(|o| o == mutation), "{name}: {mutation} sent: {sent:?}");
        }
    }
    // The real stack's pause acts on its own rule.
    let rule = support::moto::scaler_resource(&sdk, "ci-0badc0de", "AutoscalingFunctionTimer").await;
    let out = support::moto::bkops(&moto.endpoint, "bkops-look-alike")
        .env("XDG_STATE_HOME", &state)
        .args(["scaling", "pause", "--stack", "ci-0badc0de", "--yes", "--region", "us-east-1"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = aws_sdk_eventbridge::Client::new(&sdk).describe_rule().name(&rule).send().await.expect("rule");
    assert_eq!(r.state().map(|s| s.as_str()), Some("DISABLED"), "the CloudFormation stack's rule");
    let _ = std::fs::remove_dir_all(&state);
}

/// A scaler function that exists but cannot be read (throttled, or denied) is not a stack
/// without a scaler: the stack is listed with what its schedule rule says (not "fixed size"),
/// as found by tags only, and a pause is refused before anything is sent, naming the read that
/// failed (a fixed-size stack would be refused for having no scaler).
#[tokio::test]
async fn a_throttled_or_denied_scaler_read_is_never_taken_for_a_stack_without_a_scaler() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    deploy_terraform_stack(&moto, &sdk).await;
    let read = format!("/2015-03-31/functions/{BASE}-scaler/configuration");
    let answers = [
        (429, "{\"__type\":\"TooManyRequestsException\",\"message\":\"Rate exceeded\"}"),
        (403, "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized\"}"),
    ];
    for (status, body) in answers {
        let proxy = support::faults::FaultProxy::start(&moto.endpoint);
        proxy.on(&read, support::faults::Fault::Status(status, body));
        let home = format!("bkops-tf-unreadable-{status}");
        let out = support::moto::bkops(&proxy.url, &home)
            .args(["status", "--format", "json", "--stack", BASE, "--region", "us-east-1"])
            .output()
            .expect("runs");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        support::schema::assert_valid("status", &v);
        let stack = &v["stacks"][0];
        // Its schedule rule still says whether it scales; nothing says it has no scaler.
        assert_eq!(stack["scaling"]["state"], "enabled", "{status}: {stack}");
        assert!(
            stack["status"].as_str().is_some_and(|s| s.contains("found by tags only")),
            "{status}: {stack}"
        );
        assert!(proxy.seen().contains(&read), "{status}: the read was made: {:?}", proxy.seen());

        let before = moto.operations().len();
        let out = support::moto::bkops(&proxy.url, &home)
            .args(["scaling", "pause", "--stack", BASE, "--yes", "--region", "us-east-1"])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{status}: {err}");
        let said = format!("its scaler {BASE}-scaler could not be read");
        assert!(err.contains(&said) && !err.contains("no scaler"), "{status}: {err}");
        let sent = moto.operations()[before..].to_vec();
        for mutation in ["DisableRule", "CreateOrUpdateTags", "UpdateAutoScalingGroup"] {
            assert!(!sent.iter().any(|o| o == mutation), "{status}: {mutation} sent: {sent:?}");
        }
    }
}

/// An EC2 Query API call to the local server (the tests carry no EC2 client).
fn ec2(moto: &Moto, body: &str) {
    let auth = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0";
    let body = format!("{body}&Version=2016-11-15");
    let (status, answer) = moto.http(
        "POST",
        "/",
        Some(body.as_bytes()),
        &[auth, "Content-Type: application/x-www-form-urlencoded"],
    );
    assert_eq!(status, 200, "{body}: {answer}");
}

#[tokio::test]
async fn external_pauses_a_terraform_stack_until_its_group_takes_a_new_launch_template_and_resumes() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    deploy_terraform_stack(&moto, &sdk).await;
    let template = format!("{BASE}-lt");
    ec2(
        &moto,
        &format!(
            "Action=CreateLaunchTemplate&LaunchTemplateName={template}&LaunchTemplateData.ImageId=ami-12c6146b"
        ),
    );
    let asg = aws_sdk_autoscaling::Client::new(&sdk);
    let use_version = |v: &'static str| {
        asg.update_auto_scaling_group()
            .auto_scaling_group_name(format!("{BASE}-asg"))
            .launch_template(
                aws_sdk_autoscaling::types::LaunchTemplateSpecification::builder()
                    .launch_template_name(&template)
                    .version(v)
                    .build(),
            )
            .send()
    };
    use_version("1").await.expect("v1");

    let child = support::moto::bkops(&moto.endpoint, "bkops-terraform-external")
        .args(["--region", "us-east-1", "--stack", BASE, "update", "--external", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let events = aws_sdk_eventbridge::Client::new(&sdk);
    let rule = format!("{BASE}-scaler-schedule");
    let state = || async { events.describe_rule().name(&rule).send().await.expect("rule").state().cloned() };
    let mut paused = false;
    for _ in 0..100 {
        if state().await == Some(aws_sdk_eventbridge::types::RuleState::Disabled) {
            paused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(paused, "paused before the apply");
    // The apply: a new launch template version, and the group on it.
    ec2(
        &moto,
        &format!(
            "Action=CreateLaunchTemplateVersion&LaunchTemplateName={template}&LaunchTemplateData.ImageId=ami-0abcdef1234567890"
        ),
    );
    use_version("2").await.expect("v2");
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("done    events:EnableRule"), "resumed: {stderr}");
    assert_eq!(state().await, Some(aws_sdk_eventbridge::types::RuleState::Enabled));
}
