//! The fleet view through the headless runtime and the real SDK code, against a local AWS API
//! server with stacks in two regions, each region a context of its own.

mod support;

use std::sync::Arc;

use bkops::app::overview::{Overview, RowId};
use bkops::app::{AppState, Effect, Msg, Overlay};
use bkops::backend::ContextSource;
use bkops::backend::buildkite::BuildkiteSettings;
use bkops::backend::live::{Connect, Connector, LiveBackend};
use bkops::clock::Clock;
use bkops::domain::Context;
use bkops::runtime::settle;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::moto::Moto;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn context(name: &str, region: &str) -> Context {
    Context { name: name.into(), profile: None, region: region.into() }
}

#[tokio::test]
async fn the_fleet_view_reads_two_regions_and_opens_a_stack_in_the_other() {
    let moto = Arc::new(Moto::start());
    let us = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &us, "http://127.0.0.1:9/v3").await;
    let eu = moto.sdk("eu-west-1").await;
    support::moto::deploy_many(&moto, &eu, 1).await;

    let server = moto.clone();
    let connect: Connect = Arc::new(move |c: Context| {
        let server = server.clone();
        Box::pin(async move {
            let sdk = server.sdk(&c.region).await;
            let mut b = LiveBackend::new(&sdk, None, BuildkiteSettings::default()).backends();
            b.audit_log = None;
            b
        })
    });
    let contexts =
        Arc::new(Connector::new(vec![context("us", "us-east-1"), context("eu", "eu-west-1")], connect));
    let mut backends = contexts.backends(0).await.expect("us");
    backends.contexts = Some(contexts.clone());

    let mut state = AppState::new(backends.label.to_string(), Clock::System.now(), (160, 48));
    state.overview = Overview::new(vec!["us".into(), "eu".into()], Some(0));
    state.overlay = Some(Overlay::Overview);
    settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;

    let mut stacks: Vec<(usize, String)> = state
        .overview
        .rows()
        .into_iter()
        .filter_map(|r| match r {
            RowId::Stack(n, s) => Some((n, s)),
            RowId::Context(_) => None,
        })
        .collect();
    stacks.sort();
    assert_eq!(
        stacks,
        [(0, "ci-linux".to_string()), (0, "ci-windows".to_string()), (1, "fleet-00".to_string())],
        "every stack of both regions: {:?}",
        state.overview.reads.iter().map(|r| r.error.clone()).collect::<Vec<_>>()
    );
    let linux = state.overview.line(0, "ci-linux").expect("ci-linux");
    assert_eq!((linux.desired, linux.min), (2, 2), "the group as read in us-east-1");
    assert_eq!(state.overview.line(1, "fleet-00").map(|l| l.queue.as_str()), Some("queue-00"));

    // Enter on the other region's stack: the runtime is asked to switch to that context.
    state.overview.cursor = Some(RowId::Stack(1, "fleet-00".into()));
    let asked = settle(&mut state, &backends, key(KeyCode::Enter)).await;
    assert_eq!(asked, vec![Effect::SwitchContext(1)]);
    // As the dashboard does it: the context's own backends, then the stack asked for.
    let mut eu_backends = contexts.backends(1).await.expect("eu");
    eu_backends.contexts = Some(contexts.clone());
    settle(&mut state, &eu_backends, Msg::BackendChanged(eu_backends.label.to_string())).await;
    settle(&mut state, &eu_backends, Msg::Tick(Clock::System.now())).await;
    assert_eq!(state.stack.as_deref(), Some("fleet-00"), "{:?}", state.stacks.error);
    assert_eq!(
        state.reads.fleet.data.as_ref().map(|f| f.max),
        Some(10),
        "fleet-00's group, read in eu-west-1"
    );
    assert!(state.backend.contains("eu-west-1"), "{}", state.backend);
}

/// The dashboard on eu-west-1's fleet-00, with every context read in the background: an
/// instance made Unhealthy in us-east-1 by the test is news, once, and `I` asks to switch
/// there; a context whose endpoint refuses every call is news too, and `I` shows it in the
/// fleet view.
#[tokio::test]
async fn incidents_of_other_regions_are_news_and_i_goes_there() {
    let moto = Arc::new(Moto::start());
    let us = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &us, "http://127.0.0.1:9/v3").await;
    let eu = moto.sdk("eu-west-1").await;
    support::moto::deploy_many(&moto, &eu, 1).await;
    let asg = aws_sdk_autoscaling::Client::new(&us);
    let sick = support::moto::first_instance_of(&us, "ci-linux").await;

    let server = moto.clone();
    let connect: Connect = Arc::new(move |c: Context| {
        let server = server.clone();
        Box::pin(async move {
            // The `gone` context's endpoint refuses every call.
            let sdk = match c.name.as_str() {
                "gone" => {
                    let mut conf = server.sdk(&c.region).await.into_builder();
                    conf.set_endpoint_url(Some("http://127.0.0.1:9".into()));
                    conf.build()
                }
                _ => server.sdk(&c.region).await,
            };
            let mut b = LiveBackend::new(&sdk, None, BuildkiteSettings::default()).backends();
            b.audit_log = None;
            b
        })
    });
    let all = vec![context("us", "us-east-1"), context("eu", "eu-west-1"), context("gone", "eu-west-2")];
    let contexts = Arc::new(Connector::new(all, connect));
    let mut backends = contexts.backends(1).await.expect("eu");
    backends.contexts = Some(contexts.clone());
    let mut state = AppState::new(backends.label.to_string(), Clock::System.now(), (160, 48));
    state.overview = Overview::new(vec!["us".into(), "eu".into(), "gone".into()], Some(1));
    state.settings.incidents = true;
    settle(&mut state, &backends, Msg::Tick(Clock::System.now())).await;
    assert_eq!(state.stack.as_deref(), Some("fleet-00"));
    let news = |state: &AppState| -> Vec<String> {
        state
            .overview
            .news(state.stack.as_deref())
            .iter()
            .map(|n| format!("{} {} {}", state.overview.place(n), n.key.kind, n.key.subject))
            .collect()
    };
    assert!(
        news(&state).contains(&"gone unreadable ".to_string()),
        "read in the background: {:?}",
        news(&state)
    );
    assert!(!news(&state).iter().any(|n| n.contains("unhealthy")));

    asg.set_instance_health().instance_id(&sick).health_status("Unhealthy").send().await.expect("health");
    // The next background read, a minute on (as its interval is), and the one after.
    let unhealthy = format!("us/ci-linux unhealthy {sick}");
    for minutes in 1..=2 {
        settle(&mut state, &backends, Msg::Tick(Clock::System.now().plus_secs(61 * minutes))).await;
        let said = news(&state);
        assert_eq!(said.iter().filter(|n| **n == unhealthy).count(), 1, "once: {said:?}");
    }
    // Its queue cannot be read here (no Buildkite token): that is open on it too.
    let open: Vec<&str> = state.overview.open_on(0, "ci-linux").iter().map(|(i, _)| i.key.kind).collect();
    assert_eq!(open, ["unreadable", "unhealthy"], "the fleet view's OPEN column counts them");

    // `I`, oldest first: the context that cannot be read is shown in the fleet view, on its
    // row; then a stack of us asks for the switch to us, that stack wanted there.
    for _ in 0..10 {
        let Some((context, stack)) =
            state.overview.news(state.stack.as_deref()).first().map(|n| (n.context, n.key.stack.clone()))
        else {
            panic!("no switch to us was asked for")
        };
        let asked = settle(&mut state, &backends, key(KeyCode::Char('I'))).await;
        if context == 2 {
            assert_eq!(state.overview.cursor, Some(RowId::Context(2)));
            continue;
        }
        assert_eq!((context, asked), (0, vec![Effect::SwitchContext(0)]));
        assert_eq!(state.wanted_stack.as_deref(), Some(stack.as_str()));
        assert!(
            !news(&state).iter().any(|n| n.starts_with(&format!("us/{stack} "))),
            "seen: {:?}",
            news(&state)
        );
        return;
    }
}
