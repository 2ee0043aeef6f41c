//! Time to capacity through the AWS backend's real SDK code against a local AWS API server
//! (moto): boot lines written by the test into the stack's shared log groups, each at its own
//! millisecond, read back with one FilterLogEvents per group for every instance, and made
//! into milestones at exactly those times. (moto has no scaling activities: the launches are
//! given; `snapshot::boot::launches` reads them from the activities, tested on the demo.)

mod support;

use aws_config::SdkConfig;
use bkops::analysis::boot::{Launch, boots, phases, ready_secs};
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::LiveBackend;
use bkops::domain::Timestamp;
use bkops::domain::boot::Milestone;
use support::moto::Moto;

const REGION: &str = "us-east-1";

async fn put(sdk: &SdkConfig, group: &str, stream: &str, lines: &[(i64, &str)]) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    let _ = logs.create_log_group().log_group_name(group).send().await;
    logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await.expect("stream");
    let mut req = logs.put_log_events().log_group_name(group).log_stream_name(stream);
    for (at, line) in lines {
        req = req.log_events(InputLogEvent::builder().timestamp(*at).message(*line).build().expect("event"));
    }
    req.send().await.expect("put");
}

#[tokio::test]
async fn each_milestone_is_its_own_lines_time_to_the_millisecond_through_the_sdk() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    let backend = LiveBackend::new(&sdk, None, BuildkiteSettings::default());
    let launched = bkops::clock::Clock::System.now().millis() - 20 * 60_000;
    let at = |ms: i64| launched + ms;
    let (linux, windows) = ("i-0b00700000000000a", "i-0b00700000000000b");
    put(&sdk, "/buildkite/cloud-init/output", linux, &[
        (at(21_250), "Cloud-init v. 22.2.2 running 'init' at Mon, 07 Dec 2026 16:30:08 +0000. Up 8.01 seconds."),
        (at(22_000), "Generating public/private rsa key pair."),
        (at(33_125), "Cloud-init v. 22.2.2 running 'modules:final' at Mon, 07 Dec 2026 16:30:17 +0000. Up 17.02 seconds."),
    ])
    .await;
    put(
        &sdk,
        "/buildkite/elastic-stack",
        linux,
        &[
            (at(34_007), "Starting /usr/local/bin/bk-install-elastic-stack.sh..."),
            (at(50_000), "Disk space free: 80%"),
            (at(95_401), "/usr/local/bin/bk-install-elastic-stack.sh completed successfully."),
        ],
    )
    .await;
    put(
        &sdk,
        "/buildkite/elastic-stack",
        windows,
        &[
            (at(40_003), "Starting C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1..."),
            (
                at(161_999),
                "C:\\buildkite-agent\\bin\\bk-install-elastic-stack.ps1 errored with exit code 1 on line 80.",
            ),
        ],
    )
    .await;
    put(&sdk, "/buildkite/buildkite-agent", linux, &[
        (at(98_000), "2026-12-07 16:31:38 INFO   Registering agent with Buildkite..."),
        (at(99_999), "2026-12-07 16:31:40 INFO   Successfully registered agent \"ci-linux-1\" with tags [queue=default]"),
        (at(104_001), "2026-12-07 16:31:44 INFO   ci-linux-1 Starting job 0190a1 for build at https://buildkite.com/acme/app/builds/7"),
    ])
    .await;

    let ids = vec![linux.to_string(), windows.to_string()];
    let since = Timestamp(launched - 60_000);
    let (lines, unread) = bkops::snapshot::boot::milestone_lines(&backend, &ids, since).await;
    assert!(unread.is_empty(), "{unread:?}");
    let launches: Vec<Launch> =
        ids.iter().map(|i| Launch { instance: i.clone(), at: Timestamp(launched) }).collect();
    let found = boots(&launches, &lines);
    let ms = |b: usize, m| found[b].when(m).map(|t: Timestamp| t.millis() - launched);
    assert_eq!(
        Milestone::ALL.map(|m| ms(0, m)),
        [Some(0), Some(21_250), Some(33_125), Some(95_401), None, Some(99_999), Some(104_001)],
        "the Linux boot's milestones, in order"
    );
    assert_eq!(ready_secs(&found[0]), Some(99));
    assert_eq!(
        phases(&found[0]).iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [Some(21), Some(11), Some(62), Some(4), Some(4)]
    );
    // Windows: no cloud-init group; its bootstrap failed, with its line.
    assert_eq!(ms(1, Milestone::FirstLine), Some(40_003));
    assert_eq!(ms(1, Milestone::BootstrapFailed), Some(161_999));
    assert_eq!(ms(1, Milestone::CloudInitFinal), None);
    assert!(found[1].failure.as_deref().is_some_and(|f| f.ends_with("errored with exit code 1 on line 80.")));
    assert_eq!(ready_secs(&found[1]), None);
    // Only the milestones' lines were kept of what the groups hold.
    assert_eq!(lines.len(), 8, "{lines:?}");
}
