//! `bkops events` through the binary against a local AWS API server: a stack created and then
//! updated by the test, its events read back with DescribeStackEvents, newest first, the
//! update's own (`UPDATE_IN_PROGRESS`, "User Initiated", then `UPDATE_COMPLETE`) among them.
//! (The local server writes only the stack's own events, none per resource: the rollback's
//! cause is tested on CloudFormation's shapes in `analysis::stack_events`.)

mod support;

use aws_sdk_cloudformation::types::{Capability, Parameter};
use serde_json::Value;
use support::moto::Moto;

const REGION: &str = "us-east-1";

fn param(k: &str, v: &str) -> Parameter {
    Parameter::builder().parameter_key(k).parameter_value(v).build()
}

fn events(endpoint: &str, args: &[&str]) -> std::process::Output {
    support::moto::bkops(endpoint, "bkops-events")
        .args(["events", "--region", REGION])
        .args(args)
        .output()
        .expect("runs")
}

#[tokio::test]
async fn an_update_made_by_the_test_is_read_back_newest_first_with_the_stacks_status() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    // The local server updates only with every parameter given a value.
    cfn.update_stack()
        .stack_name("ci-linux")
        .use_previous_template(true)
        .parameters(param("ScalerTemplateURL", support::moto::SCALER_URL))
        .parameters(param("MinSize", "2"))
        .parameters(param("MaxSize", "12"))
        .parameters(param("AgentsPerInstance", "2"))
        .parameters(param("AgentEndpoint", "http://127.0.0.1:9/v3"))
        .capabilities(Capability::CapabilityIam)
        .send()
        .await
        .expect("update");

    let out = events(&moto.endpoint, &["--stack", "ci-linux", "--since", "1h", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    support::schema::assert_valid("events", &json);
    assert_eq!(json["status"], "UPDATE_COMPLETE");
    let list = json["events"].as_array().expect("events");
    let of_stack: Vec<(&str, Option<&str>)> = list
        .iter()
        .filter(|e| e["logical_id"] == "ci-linux")
        .map(|e| (e["status"].as_str().expect("status"), e["reason"].as_str()))
        .collect();
    let update = of_stack.iter().position(|s| s == &("UPDATE_IN_PROGRESS", Some("User Initiated")));
    let complete = of_stack.iter().position(|s| s.0 == "UPDATE_COMPLETE");
    assert!(
        matches!((complete, update), (Some(c), Some(u)) if c < u),
        "newest first, the update's completion before its start: {of_stack:?}"
    );
    let times: Vec<&str> = list.iter().map(|e| e["at"].as_str().expect("at")).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    assert!(list.iter().all(|e| e["failure"] == false && e["cause"] == false), "{list:?}");

    // In text: the status and the count on the first line, an event a line.
    let out = events(&moto.endpoint, &["--stack", "ci-linux", "--since", "1h"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ci-linux: UPDATE_COMPLETE · "), "{text}");
    assert!(text.contains("UPDATE_IN_PROGRESS") && text.contains("User Initiated"), "{text}");

    // A stack that is not there, and a window that cannot be read: exit 2, named.
    for (args, says) in [
        (vec!["--stack", "nope"], "nope"),
        (vec!["--stack", "ci-linux", "--since", "lately"], "lately"),
        (vec![], "which stack?"),
    ] {
        let out = events(&moto.endpoint, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{args:?}");
    }
}
