//! The session-manager-plugin path with a fake plugin (the real one is in no package here): a
//! script that records its arguments and environment. Both version forms, a missing binary and
//! a failing plugin, which must leave no session open.

mod support;

use std::path::{Path, PathBuf};

use bkops::domain::Secret;
use bkops::ssm::PluginContext;
use bkops::ssm::plugin::run_plugin;
use bkops::ssm::session::Ending as Ended;
use bkops::ssm::{Session, SessionRequest};
use support::sessions::Recorder;

fn fake_plugin(tag: &str, version: &str, exit: i32) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("bkops-fake-plugin-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let script = dir.join("session-manager-plugin");
    let d = dir.display();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo {version}; exit 0; fi\n\
             for a in \"$@\"; do printf '%s\\n' \"$a\"; done > {d}/argv\nenv > {d}/env\nexit {exit}\n"
        ),
    )
    .expect("script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (script, dir)
}

fn session() -> Session {
    Session {
        session_id: "ana-0a1b2c3d4e5f60718".into(),
        token: Secret::new("AAEAAFakeToken"),
        stream_url: "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ana-0a1b2c3d4e5f60718".into(),
        local_agent: false,
    }
}

fn request() -> SessionRequest {
    SessionRequest::new(
        "i-0123456789abcdef0",
        None,
        Some("sudo -iu buildkite-agent"),
        "arn:aws:sts::1:assumed-role/ops/ana",
    )
}

fn ctx(profile: &str) -> PluginContext {
    PluginContext {
        region: "eu-west-1".into(),
        profile: profile.into(),
        endpoint: "https://ssm.eu-west-1.amazonaws.com".into(),
        credentials_env: if profile.is_empty() {
            vec![
                ("AWS_ACCESS_KEY_ID".into(), "ASIAFAKE".into()),
                ("AWS_SECRET_ACCESS_KEY".into(), "s3cr3t".into()),
            ]
        } else {
            Vec::new()
        },
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

#[tokio::test]
async fn a_current_plugin_gets_six_arguments_and_the_response_in_its_environment() {
    let (plugin, dir) = fake_plugin("new", "1.2.707.0", 0);
    let ops = Recorder::default();
    let ended = run_plugin(&plugin, &session(), &request(), &ctx("ci-prod"), &ops).await.expect("runs");
    assert_eq!(ended, Ended::Exit(0));
    let argv: Vec<String> = read(&dir, "argv").lines().map(String::from).collect();
    assert_eq!(
        argv,
        [
            "AWS_SSM_START_SESSION_RESPONSE",
            "eu-west-1",
            "StartSession",
            "ci-prod",
            r#"{"Target":"i-0123456789abcdef0","DocumentName":"AWS-StartInteractiveCommand","Parameters":{"command":["sudo -iu buildkite-agent"]},"Reason":"bkops: shell by arn:aws:sts::1:assumed-role/ops/ana"}"#,
            "https://ssm.eu-west-1.amazonaws.com",
        ]
    );
    let env = read(&dir, "env");
    assert!(
        env.contains(r#"AWS_SSM_START_SESSION_RESPONSE={"SessionId":"ana-0a1b2c3d4e5f60718","TokenValue":"AAEAAFakeToken","#),
        "{env}"
    );
    assert!(env.contains("AWS_REGION=eu-west-1"));
    assert!(ops.terminated.lock().expect("lock").is_empty(), "a clean exit leaves the session to the agent");
}

#[tokio::test]
async fn an_old_plugin_takes_the_response_as_its_first_argument_and_credentials_travel() {
    let (plugin, dir) = fake_plugin("old", "1.2.497.0", 0);
    let ops = Recorder::default();
    run_plugin(&plugin, &session(), &request(), &ctx(""), &ops).await.expect("runs");
    let argv: Vec<String> = read(&dir, "argv").lines().map(String::from).collect();
    assert!(argv[0].starts_with(r#"{"SessionId":"ana-0a1b2c3d4e5f60718""#), "{argv:?}");
    assert_eq!(argv[3], "", "no profile: an empty fourth argument, as the AWS CLI passes");
    let env = read(&dir, "env");
    assert!(!env.contains("AWS_SSM_START_SESSION_RESPONSE="));
    assert!(env.contains("AWS_ACCESS_KEY_ID=ASIAFAKE") && env.contains("AWS_SECRET_ACCESS_KEY=s3cr3t"));
}

#[tokio::test]
async fn a_missing_or_failing_plugin_terminates_the_session() {
    let ops = Recorder::default();
    let missing = std::env::temp_dir().join("bkops-no-such-dir/session-manager-plugin");
    let err = run_plugin(&missing, &session(), &request(), &ctx("p"), &ops).await.expect_err("cannot run");
    assert!(err.to_string().contains("the session was terminated"), "{err}");
    let (plugin, _) = fake_plugin("fails", "1.2.707.0", 3);
    let ended = run_plugin(&plugin, &session(), &request(), &ctx("p"), &ops).await.expect("ran");
    assert_eq!(ended, Ended::Exit(3));
    assert_eq!(*ops.terminated.lock().expect("lock"), ["ana-0a1b2c3d4e5f60718", "ana-0a1b2c3d4e5f60718"]);
}

#[test]
fn a_configured_plugin_path_is_used_and_a_wrong_one_is_not() {
    let (plugin, dir) = fake_plugin("configured", "1.2.707.0", 0);
    assert_eq!(bkops::ssm::plugin::find(Some(&plugin)), Some(plugin.clone()));
    assert_eq!(bkops::ssm::plugin::find(Some(&dir.join("nothing-here"))), None);
}
