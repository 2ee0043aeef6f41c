//! The dashboard on AWS, in a real terminal: the real binary against the local AWS API server
//! (moto, behind the CBOR bridge) and a loopback stand-in for Buildkite's agent API.

mod support;

use support::buildkite::{FakeBuildkite, Reply, queue_body};
use support::moto::Moto;
use support::tmux::Tmux;

#[tokio::test]
async fn the_dashboard_shows_what_aws_holds() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    let fake = FakeBuildkite::start();
    support::moto::deploy(&moto, &sdk, &fake.url).await;
    for _ in 0..40 {
        fake.metrics(Reply::json(200, &queue_body("acme", 7, 2, 1, 0, 2)));
    }
    let t = Tmux::start("aws");
    let env = format!(
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true BUILDKITE_AGENT_TOKEN=bkua_test BUILDKITE_AGENT_ENDPOINT={}",
        fake.url
    );
    t.run_bkops_with(&env, &format!("--region us-east-1 --endpoint-url {}", moto.endpoint));
    // A capture can land mid-frame: wait for everything the test reads.
    let s = t.wait_for("the stacks, the fleet and the live numbers", |s| {
        [
            "ci-linux",
            "InService",
            "aws default us-east-1",
            "ci-windows",
            "fixed size",
            "Scheduled   7",
            "desired 2",
            "AGENT: set BUILDKITE_API_TOKEN",
        ]
        .iter()
        .all(|w| s.contains(w))
    });
    assert!(!s.contains("ci-lookalike"), "{s}");
    assert!(!s.contains("bkua_test"), "the token never shows");

    // A shell: moto has no SSM agents, so the session is refused before it starts, with the
    // reason on the status line, and the dashboard goes on answering keys.
    t.keys(&["3"]);
    t.wait_for("the instances", |s| s.contains("┏3 Auto Scaling"));
    t.keys(&["s"]);
    t.wait_for("why there is no session", |s| {
        s.contains("ssm:DescribeInstanceInformation") || s.contains("is not registered with SSM")
    });
    assert!(!moto.operations().iter().any(|o| o == "StartSession"), "no session was started");

    // The scaler's own error, on the timeline, read when T opens it.
    let scaler = support::moto::scaler_group(&sdk, "ci-linux").await;
    support::moto::put_scaler_lines(&sdk, &scaler, 60_000, &support::moto::SCALER_DENIED).await;
    t.keys(&["T"]);
    t.wait_for("the timeline", |s| s.contains("Timeline") && s.contains("Scaling error: AccessDenied"));
    t.keys(&["Escape"]);
    t.wait_for("the timeline closed", |s| !s.contains("Timeline"));

    t.keys(&[":"]);
    t.type_text("region us-west-2");
    t.keys(&["Enter"]);
    t.wait_for("an empty region", |s| s.contains("no Elastic CI Stack in aws default us-west-2"));

    t.keys(&["q"]);
    assert_eq!(t.wait_file("exit").trim(), "exit=0");
    assert_eq!(t.read("before"), t.read("after"), "terminal modes restored");
}
