//! The Buildkite agent metrics client against a loopback server that serves the documented
//! shapes: a queue's numbers, the poll-duration header, 401, 429 with rate-limit headers, 5xx.

mod support;

use std::time::Duration;

use bkops::backend::buildkite::{MetricsClient, POLL_DURATION_HEADER};
use bkops::domain::BackendError;
use bkops::domain::QueueMetrics;
use bkops::domain::Secret;
use support::buildkite::{FakeBuildkite, Reply, queue_body};

const TOKEN: &str = "bkua_test_0123456789";

async fn ask(fake: &FakeBuildkite) -> Result<bkops::backend::buildkite::QueueReading, BackendError> {
    MetricsClient::new().expect("client").queue(&fake.endpoint(), &Secret::new(TOKEN), "deploy queue").await
}

#[tokio::test]
async fn a_queue_reading_and_its_poll_duration() {
    let fake = FakeBuildkite::start();
    fake.metrics(Reply::json(200, &queue_body("acme", 3, 1, 2, 0, 1)).header(POLL_DURATION_HEADER, "15"));
    let reading = ask(&fake).await.expect("reading");
    assert_eq!(
        reading.metrics,
        QueueMetrics {
            scheduled: 3,
            running: 1,
            waiting: 2,
            idle_agents: 0,
            busy_agents: 1,
            total_agents: 1
        }
    );
    assert_eq!(reading.org, "acme");
    assert_eq!(reading.poll_after, Some(Duration::from_secs(15)));
    let req = &fake.requests()[0];
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/v3/metrics/queue?name=deploy+queue");
    assert_eq!(req.header("Authorization"), Some(format!("Token {TOKEN}").as_str()));
    assert!(req.header("User-Agent").is_some_and(|u| u.starts_with("bkops/")));
}

#[tokio::test]
async fn a_refused_token_says_where_the_token_comes_from() {
    let fake = FakeBuildkite::start();
    fake.metrics(Reply::json(401, r#"{"message":"Unauthorized"}"#));
    let err = ask(&fake).await.expect_err("refused");
    assert!(matches!(err, BackendError::Credentials { .. }));
    let text = err.to_string();
    assert!(text.contains("the Buildkite agent token was refused (HTTP 401: Unauthorized)"), "{text}");
    assert!(!text.contains(TOKEN), "the token never appears in a message");
}

#[tokio::test]
async fn rate_limits_wait_as_long_as_asked() {
    let fake = FakeBuildkite::start();
    fake.metrics(
        Reply::json(429, r#"{"message":"You have exceeded your rate limit"}"#)
            .header("RateLimit-Remaining", "0")
            .header("RateLimit-Limit", "200")
            .header("RateLimit-Reset", "37"),
    );
    match ask(&fake).await {
        Err(BackendError::Throttled { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(37)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_transient_and_garbage_is_reported() {
    let fake = FakeBuildkite::start();
    fake.metrics(Reply::json(503, r#"{"message":"Service Unavailable"}"#));
    assert!(
        matches!(ask(&fake).await, Err(BackendError::Transient(m)) if m.contains("HTTP 503 Service Unavailable"))
    );
    fake.metrics(Reply::json(200, "<html>captive portal</html>"));
    assert!(matches!(ask(&fake).await, Err(BackendError::Other(m)) if m.contains("unexpected answer")));
}

#[tokio::test]
async fn an_unreachable_api_is_transient() {
    let fake = FakeBuildkite::start();
    let url = fake.endpoint();
    drop(fake);
    let err =
        MetricsClient::new().expect("client").queue(&url, &Secret::new(TOKEN), "q").await.expect_err("down");
    assert!(matches!(err, BackendError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn a_refused_api_token_names_the_scope_it_needs() {
    let fake = FakeBuildkite::start();
    fake.agents(Reply::json(401, r#"{"message":"Authentication required"}"#));
    let client = MetricsClient::new().expect("client");
    let err = client
        .agents(&fake.destinations().api(), &Secret::new("bkapi_nope"), "acme")
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "credentials missing or expired: BUILDKITE_API_TOKEN was refused (HTTP 401: Authentication required); it needs the read_agents scope"
    );
}

#[tokio::test]
async fn an_api_that_takes_the_connection_and_never_answers_times_out_within_its_bound() {
    // Accepted by the kernel, never read nor answered.
    let stalled = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let url = format!("http://{}/v3", stalled.local_addr().expect("address"));
    let endpoint = bkops::backend::buildkite::trust::Destinations::new(Some(&url), None, &[])
        .expect("loopback")
        .agent_endpoint(None)
        .expect("trusted");
    let started = std::time::Instant::now();
    let err = MetricsClient::new()
        .expect("client")
        .queue(&endpoint, &Secret::new(TOKEN), "q")
        .await
        .expect_err("no answer");
    let took = started.elapsed();
    assert!(matches!(err, BackendError::TimedOut(_)), "{err:?}");
    assert!(took < Duration::from_secs(15), "ended by its 10 s bound, not a hang: {took:?}");
    drop(stalled);
}
