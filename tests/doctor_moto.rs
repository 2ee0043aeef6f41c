//! `bkops doctor` through the binary against a local AWS API server: a stack created with the
//! pitfalls' real parameters, its log groups as the stack leaves them.

mod support;

use aws_sdk_cloudformation::types::{Capability, Parameter};
use support::moto::Moto;

fn param(k: &str, v: &str) -> Parameter {
    Parameter::builder().parameter_key(k).parameter_value(v).build()
}

fn doctor(endpoint: &str, args: &[&str]) -> std::process::Output {
    support::moto::bkops(endpoint, "bkops-doctor")
        .args(["doctor", "--region", "us-east-1"])
        .args(args)
        .output()
        .expect("runs")
}

#[tokio::test]
async fn doctor_finds_each_pitfall_of_a_stack_and_says_nothing_of_a_sound_one() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    moto.put_object("templates", "scaler.yml", include_bytes!("aws/scaler-stack.yml"));
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    let elastic = include_str!("aws/elastic-stack.yml");
    let url = "https://templates.s3.amazonaws.com/scaler.yml";
    for (name, params) in [
        (
            "ci-risky",
            vec![
                param("BuildkiteQueue", "shared"),
                param("MinSize", "1"),
                param("ScaleInIdlePeriod", "0"),
                param("InstanceTypes", "c6i.4xlarge"),
                param("OnDemandPercentage", "0"),
                param("BuildkiteTerminateInstanceAfterJob", "true"),
            ],
        ),
        ("ci-twin", vec![param("BuildkiteQueue", "shared")]),
        ("ci-sound", vec![param("BuildkiteQueue", "sound"), param("InstanceTypes", "m5.large,m5a.large")]),
    ] {
        let mut req = cfn
            .create_stack()
            .stack_name(name)
            .template_body(elastic)
            .parameters(param("ScalerTemplateURL", url));
        for p in params {
            req = req.parameters(p);
        }
        req.capabilities(Capability::CapabilityIam).send().await.expect(name);
    }
    // The log groups as the stack leaves them: the instances' never expire, the scaler's keeps
    // a day (LogRetentionDays' default); ci-sound's scaler keeps a week.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    logs.create_log_group().log_group_name("/buildkite/elastic-stack").send().await.expect("group");
    for (stack, days) in [("ci-risky", 1), ("ci-sound", 7)] {
        let group = support::moto::scaler_group(&sdk, stack).await;
        logs.create_log_group().log_group_name(&group).send().await.expect("scaler group");
        logs.put_retention_policy()
            .log_group_name(&group)
            .retention_in_days(days)
            .send()
            .await
            .expect("retention");
    }

    let out = doctor(&moto.endpoint, &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "findings exit 1: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    support::schema::assert_valid("doctor", &v);
    let codes = |stack: &str| -> Vec<String> {
        let s = v["stacks"].as_array().expect("stacks").iter().find(|s| s["stack"] == stack).expect(stack);
        let mut c: Vec<String> = s["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str().map(str::to_string))
            .collect();
        c.sort();
        c
    };
    assert_eq!(
        codes("ci-risky"),
        [
            "log_groups_never_expire",
            "min_size_with_terminate_after_job",
            "scale_in_idle_period_zero",
            "scaler_log_retention_one_day",
            "shared_queue",
            "spot_single_type"
        ]
    );
    assert_eq!(codes("ci-twin"), ["log_groups_never_expire", "shared_queue"]);
    assert_eq!(codes("ci-sound"), ["log_groups_never_expire"]);

    // Once the instances' groups keep a month, the sound stack has nothing to say (exit 0).
    logs.put_retention_policy()
        .log_group_name("/buildkite/elastic-stack")
        .retention_in_days(30)
        .send()
        .await
        .expect("retention");
    let out = doctor(&moto.endpoint, &["--stack", "ci-sound"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("ci-sound: nothing found"), "{stdout}");
}
