//! `cargo bench --profile dev --bench fleet`: the fleet view across 3 contexts (three regions
//! of the local AWS API server, 10 stacks each, 30 in all) behind a proxy that adds 45 ms to
//! every call: the time to its first full screen (every context's lines read), and the AWS
//! calls a minute, by operation, while it shows and nobody touches it (bkops' own counters).
//! Prints figures; asserts nothing.
//!
//! BKOPS_BENCH_FLEET_SECS sets the idle period (default 60). Needs the venv
//! `tests/aws/setup-moto.sh` makes.

#[path = "../tests/support/buildkite.rs"]
#[allow(dead_code)]
mod buildkite;
#[path = "../tests/support/faults.rs"]
#[allow(dead_code)]
mod faults;
#[path = "../tests/support/moto.rs"]
#[allow(dead_code)]
mod moto;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
use aws_credential_types::Credentials;
use bkops::app::overview::Overview;
use bkops::app::{AppState, Msg, Overlay};
use bkops::backend::ContextSource;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::{CallCounter, Connect, Connector, LiveBackend};
use bkops::clock::Clock;
use bkops::domain::{Context, Secret};
use bkops::runtime::settle;

const LATENCY: Duration = Duration::from_millis(45);
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const STACKS_EACH: usize = 10;

fn main() {
    let secs: u64 = std::env::var("BKOPS_BENCH_FLEET_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let moto = moto::Moto::start();
        for region in REGIONS {
            let sdk = moto.sdk(region).await;
            moto::deploy_many(&moto, &sdk, STACKS_EACH).await;
        }
        let fake = buildkite::FakeBuildkite::start();
        for _ in 0..(secs as usize * 30 + 500) {
            fake.metrics(buildkite::Reply::json(200, &buildkite::queue_body("acme", 3, 2, 0, 0, 2)));
        }
        let proxy = faults::FaultProxy::start(&moto.endpoint);
        proxy.latency(LATENCY);
        let (url, destinations) = (proxy.url.clone(), fake.destinations());
        let counters: Arc<std::sync::Mutex<Vec<Arc<CallCounter>>>> = Arc::default();
        let kept = counters.clone();
        let connect: Connect = Arc::new(move |c: Context| {
            let (url, destinations, kept) = (url.clone(), destinations.clone(), kept.clone());
            Box::pin(async move {
                let sdk = aws_config::defaults(BehaviorVersion::latest())
                    .region(Region::new(c.region.clone()))
                    .endpoint_url(&url)
                    .credentials_provider(Credentials::new("test", "test", None, None, "static"))
                    .retry_config(RetryConfig::disabled())
                    .load()
                    .await;
                let settings = BuildkiteSettings {
                    agent_token: Some(Secret::new("bkua_bench")),
                    api_token: None,
                    destinations,
                    trusted_token_parameters: Vec::new(),
                };
                let backend = LiveBackend::new(&sdk, None, settings);
                kept.lock().expect("lock").push(backend.calls.clone());
                let mut b = backend.backends();
                b.audit_log = None;
                b
            })
        });
        let contexts: Vec<Context> = REGIONS
            .iter()
            .map(|r| Context { name: format!("prod-{r}"), profile: None, region: r.to_string() })
            .collect();
        let names = contexts.iter().map(|c| c.name.clone()).collect();
        let connector = Arc::new(Connector::new(contexts, connect));
        let mut backends = connector.backends(0).await.expect("first context");
        backends.contexts = Some(connector.clone());

        let mut state = AppState::new("bench", Clock::System.now(), (160, 48));
        state.overview = Overview::new(names, Some(0));
        state.overlay = Some(Overlay::Overview);
        let t0 = Instant::now();
        settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;
        let first = t0.elapsed();
        let lines: usize = state.overview.reads.iter().filter_map(|r| r.data.as_ref()).map(Vec::len).sum();
        let failed = state.overview.reads.iter().filter(|r| r.error.is_some()).count();
        let total = |c: &[Arc<CallCounter>]| -> BTreeMap<&'static str, u64> {
            let mut by_op = BTreeMap::new();
            for counter in c {
                for ((_, op), n) in counter.snapshot() {
                    *by_op.entry(op).or_default() += n;
                }
            }
            by_op
        };
        let before = total(&counters.lock().expect("lock"));
        let start = Instant::now();
        for n in 1..=secs {
            tokio::time::sleep_until((start + Duration::from_secs(n)).into()).await;
            settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;
        }
        let after = total(&counters.lock().expect("lock"));
        let per_minute = |n: u64| n as f64 * 60.0 / secs as f64;
        println!(
            "fleet view, {} contexts, {} stacks ({lines} lines read, {failed} contexts failed), {} ms a call:",
            REGIONS.len(),
            REGIONS.len() * STACKS_EACH,
            LATENCY.as_millis()
        );
        let aws = |m: &BTreeMap<&'static str, u64>| -> u64 {
            m.iter().filter(|(op, _)| !op.starts_with("buildkite:")).map(|(_, n)| n).sum()
        };
        println!("  first full screen: {:.2} s, {} AWS calls", first.as_secs_f64(), aws(&before));
        println!(
            "  shown, idle, {secs} s: {:.1} AWS calls a minute (and {:.1} to Buildkite)",
            per_minute(aws(&after) - aws(&before)),
            per_minute(after.get("buildkite:GET /metrics/queue").copied().unwrap_or(0)
                - before.get("buildkite:GET /metrics/queue").copied().unwrap_or(0))
        );
        for (op, n) in &after {
            let d = n - before.get(op).copied().unwrap_or(0);
            if d > 0 {
                println!("    {op:<40} {:>6.1}", per_minute(d));
            }
        }
    });
}
