//! `bkops update` through the binary against a local AWS API server: a dry run makes a change
//! set, shows the parameters that change, deletes it and sends no other write; bad parameters, a Terraform stack and read-only are refused with
//! exit 2 before anything is made. (The local server cannot execute a change set of this
//! stack — it re-creates named resources — and lists every resource as `Add`: the executed
//! update, the replacement preview, a change set with no changes (which the local server makes
//! as if it had some) and a rollback are in `tests/aws_mocks.rs`, on AWS's shapes.)

mod support;

use support::moto::Moto;

const REGION: &str = "us-east-1";

fn update(endpoint: &str, args: &[&str]) -> std::process::Output {
    support::moto::bkops(endpoint, "bkops-update")
        .args(["--region", REGION, "--stack", "ci-linux", "update"])
        .args(args)
        .output()
        .expect("runs")
}

/// Operations that would change the account, among those the server received.
fn writes(moto: &Moto) -> Vec<String> {
    let reads = ["Describe", "List", "Get", "Filter"];
    moto.operations().into_iter().filter(|op| !reads.iter().any(|r| op.starts_with(r))).collect()
}

#[tokio::test]
async fn a_dry_run_previews_through_a_change_set_it_deletes_and_makes_no_other_write() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    let before = writes(&moto).len();

    let out = update(&moto.endpoint, &["--parameter", "MaxSize=12", "--dry-run"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("parameter   MaxSize: 10 → 12"), "{stdout}");
    assert!(stdout.contains("cloudformation:ExecuteChangeSet"), "the calls it would make: {stdout}");
    assert!(stderr.contains("dry run: the change set was deleted"), "{stderr}");
    let made: Vec<String> = writes(&moto).split_off(before);
    assert_eq!(made, ["CreateChangeSet", "DeleteChangeSet"], "no write but the preview's");
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    let left = cfn.list_change_sets().stack_name("ci-linux").send().await.expect("list");
    assert!(left.summaries().is_empty(), "no change set left: {:?}", left.summaries());
    let stack = cfn.describe_stacks().stack_name("ci-linux").send().await.expect("stack");
    assert_eq!(stack.stacks()[0].stack_status().map(|s| s.as_str()), Some("CREATE_COMPLETE"));
}

#[tokio::test]
async fn bad_parameters_read_only_and_a_stack_that_is_not_there_are_refused_before_anything_is_made() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    for (args, says) in [
        (vec!["--parameter", "MaxSzie=12", "--yes"], "MaxSzie is not a parameter of the template"),
        (vec!["--parameter", "MaxSize", "--yes"], "expected KEY=VALUE"),
        (vec!["--template-url", "http://example.com/aws-stack.yml", "--yes"], "plain http"),
    ] {
        let out = update(&moto.endpoint, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let out = support::moto::bkops(&moto.endpoint, "bkops-update")
        .args([
            "--region",
            REGION,
            "--read-only",
            "--stack",
            "ci-linux",
            "update",
            "-p",
            "MaxSize=12",
            "--yes",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    // Read-only, a dry run says the parameters and makes no change set.
    let out = support::moto::bkops(&moto.endpoint, "bkops-update")
        .args([
            "--region",
            REGION,
            "--read-only",
            "--stack",
            "ci-linux",
            "update",
            "-p",
            "MaxSize=12",
            "--dry-run",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("MaxSize: 10 → 12"));
    let out = support::moto::bkops(&moto.endpoint, "bkops-update")
        .args(["--region", REGION, "--stack", "nope", "update", "--yes"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let refused = ["CreateChangeSet", "ExecuteChangeSet", "DisableRule", "CreateOrUpdateTags"];
    assert!(!writes(&moto).iter().any(|w| refused.contains(&w.as_str())), "{:?}", writes(&moto));
}

fn param(k: &str, v: &str) -> aws_sdk_cloudformation::types::Parameter {
    aws_sdk_cloudformation::types::Parameter::builder().parameter_key(k).parameter_value(v).build()
}

#[tokio::test]
async fn external_pauses_follows_an_update_made_elsewhere_to_its_end_and_resumes() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    let child = support::moto::bkops(&moto.endpoint, "bkops-update-external")
        .args(["--region", REGION, "--stack", "ci-linux", "update", "--external", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // Paused first: the update is started once the rule is off.
    let events = aws_sdk_eventbridge::Client::new(&sdk);
    let rule = support::moto::scaler_resource(&sdk, "ci-linux", "AutoscalingFunctionTimer").await;
    let mut paused = false;
    for _ in 0..100 {
        let r = events.describe_rule().name(&rule).send().await.expect("rule");
        if r.state().map(|s| s.as_str()) == Some("DISABLED") {
            paused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(paused, "bkops paused the stack before the update");
    // The update, made elsewhere (the local server needs every parameter given a value).
    aws_sdk_cloudformation::Client::new(&sdk)
        .update_stack()
        .stack_name("ci-linux")
        .use_previous_template(true)
        .parameters(param("ScalerTemplateURL", support::moto::SCALER_URL))
        .parameters(param("MinSize", "2"))
        .parameters(param("MaxSize", "12"))
        .parameters(param("AgentsPerInstance", "2"))
        .parameters(param("AgentEndpoint", "http://127.0.0.1:9/v3"))
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityIam)
        .send()
        .await
        .expect("update");
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("ci-linux UPDATE_IN_PROGRESS: User Initiated"), "its events followed: {stderr}");
    assert!(stderr.contains("ci-linux UPDATE_COMPLETE"), "{stderr}");
    assert!(stderr.contains("done    events:EnableRule"), "resumed: {stderr}");
    let r = events.describe_rule().name(&rule).send().await.expect("rule");
    assert_eq!(r.state().map(|s| s.as_str()), Some("ENABLED"), "{stderr}");
}
