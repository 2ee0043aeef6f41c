//! What bkops trusts, tested through the binary against a local AWS API server and loopback
//! stand-ins for Buildkite: nothing read from the account or from Buildkite decides where a
//! token goes, no hostile byte reaches the terminal from any output, an explicit profile wins,
//! bkops' own files are private, and no credential is logged at any level.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aws_config::SdkConfig;
use aws_sdk_cloudformation::types::Parameter;
use support::buildkite::{FakeBuildkite, Reply, queue_body};
use support::moto::{Moto, put_token};

const REGION: &str = "us-east-1";
/// A closed loopback port: no test ever sends anything off this machine.
const NOWHERE: &str = "http://127.0.0.1:9/v3";

fn home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bkops-security-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config/bkops")).expect("mkdir");
    dir
}

/// `bkops ARGS` against the local server, with test credentials, its own state and config
/// directories, and no Buildkite settings but those in `env`.
fn bkops(moto: &Moto, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bkops"));
    cmd.args(args)
        .args(["--region", REGION, "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("BKOPS_CONFIG");
    for k in
        ["BUILDKITE_AGENT_TOKEN", "BUILDKITE_AGENT_ENDPOINT", "BUILDKITE_API_TOKEN", "BUILDKITE_API_ENDPOINT"]
    {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn param(k: &str, v: &str) -> Parameter {
    Parameter::builder().parameter_key(k).parameter_value(v).build()
}

async fn stack(sdk: &SdkConfig, name: &str, params: &[(&str, &str)]) {
    let cfn = aws_sdk_cloudformation::Client::new(sdk);
    let mut create = cfn
        .create_stack()
        .stack_name(name)
        .template_body(include_str!("aws/elastic-stack.yml"))
        .parameters(param("ScalerTemplateURL", "https://templates.s3.amazonaws.com/scaler.yml"));
    for (k, v) in params {
        create = create.parameters(param(k, v));
    }
    create.send().await.expect("stack");
}

fn stack_json<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["stacks"].as_array().expect("stacks").iter().find(|s| s["name"] == name).expect(name)
}

fn errors_of(v: &serde_json::Value, name: &str) -> String {
    stack_json(v, name)["errors"].to_string()
}

#[tokio::test]
async fn a_stack_cannot_steer_an_agent_token_to_an_endpoint_of_its_own() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, NOWHERE).await;
    put_token(&sdk, "/ci-linux/buildkite/agent-token", "bkua_victim").await;
    let trap = FakeBuildkite::start();
    // Anyone who can create a stack: another stack's token, sent to a listener of theirs.
    stack(
        &sdk,
        "ci-hostile",
        &[
            ("AgentEndpoint", &trap.url),
            ("BuildkiteAgentTokenParameterStorePath", "/ci-linux/buildkite/agent-token"),
        ],
    )
    .await;
    // An endpoint the operator trusts, but another stack's token.
    let trusted = FakeBuildkite::start();
    stack(
        &sdk,
        "ci-borrower",
        &[
            ("AgentEndpoint", &trusted.url),
            ("BuildkiteAgentTokenParameterStorePath", "/ci-linux/buildkite/agent-token"),
        ],
    )
    .await;
    let home = home("steer");
    let config = home.join("config/bkops/config.toml");
    std::fs::write(&config, format!("[buildkite]\ntrusted_endpoints = [\"{}\"]\n", trusted.url))
        .expect("config");

    for env in [vec![], vec![("BUILDKITE_AGENT_TOKEN", "bkua_operator")]] {
        let out = bkops(&moto, &home, &["status", "--format", "json"], &env);
        assert!(out.status.success(), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert!(trap.requests().is_empty(), "the stack's listener was sent: {:?}", trap.requests());
        if env.is_empty() {
            assert!(trusted.requests().is_empty(), "without a token of its own: {:?}", trusted.requests());
        }
        let hostile = stack_json(&v, "ci-hostile");
        assert!(hostile["queue_metrics"].is_null(), "{hostile}");
        let why = errors_of(&v, "ci-hostile");
        assert!(
            why.contains(&format!("AgentEndpoint \\\"{}\\\"", trap.url))
                && why.contains("no agent token is sent there"),
            "{why}"
        );
        if env.is_empty() {
            let why = errors_of(&v, "ci-borrower");
            assert!(
                why.contains("\\\"/ci-linux/buildkite/agent-token\\\" is not under /ci-borrower/"),
                "{why}"
            );
            // ci-linux names a plain-http endpoint on another port than any trusted one.
            assert!(errors_of(&v, "ci-linux").contains("no agent token is sent there"));
            assert!(
                errors_of(&v, "ci-windows").contains("/ci-windows/buildkite/agent-token"),
                "its own, read"
            );
        }
    }
    // The one parameter read is ci-windows' own (/ci-windows/…, which does not exist here):
    // neither hostile stack had another stack's token read.
    let reads = moto.operations().iter().filter(|op| *op == "GetParameter").count();
    assert_eq!(reads, 1, "{:?}", moto.operations());

    // Listed by the operator, the same endpoint is read, with the token: the trap works.
    std::fs::write(&config, format!("[buildkite]\ntrusted_endpoints = [\"{}\"]\n", trap.url))
        .expect("config");
    trap.metrics(Reply::json(200, &queue_body("acme", 3, 0, 0, 0, 0)));
    let out = bkops(
        &moto,
        &home,
        &["status", "--format", "json", "--stack", "ci-hostile"],
        &[("BUILDKITE_AGENT_TOKEN", "bkua_operator")],
    );
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(stack_json(&v, "ci-hostile")["queue_metrics"]["scheduled"], 3, "{v}");
    assert_eq!(trap.requests().len(), 1);
    assert_eq!(trap.requests()[0].header("Authorization"), Some("Token bkua_operator"));
}

#[tokio::test]
async fn endpoints_an_operator_gives_must_be_https_or_loopback() {
    let moto = Moto::start();
    let home = home("endpoints");
    for (k, v) in [
        ("BUILDKITE_AGENT_ENDPOINT", "http://buildkite.example/v3"),
        ("BUILDKITE_API_ENDPOINT", "http://10.1.2.3/v2"),
        ("BUILDKITE_API_ENDPOINT", "https://user:pw@api.buildkite.com/v2"),
    ] {
        let out = bkops(&moto, &home, &["status"], &[(k, v)]);
        assert_eq!(out.status.code(), Some(2), "{k}={v}: {}", text(&out));
        assert!(text(&out).contains(k), "{}", text(&out));
    }
    std::fs::write(
        home.join("config/bkops/config.toml"),
        "[buildkite]\ntrusted_endpoints = [\"http://bk.example\"]\n",
    )
    .expect("config");
    let out = bkops(&moto, &home, &["status"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("trusted_endpoints"), "{}", text(&out));
    assert!(moto.operations().is_empty(), "refused before any call: {:?}", moto.operations());
}

/// Bytes a terminal would act on: ESC and the other C0 controls but line breaks, C1 controls,
/// and bidi or other invisible formatting characters. Written out here rather than taken from
/// `domain::text`, so that the test does not trust the definition it checks.
fn hostile_chars(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(
                    *c,
                    '\u{061c}'
                        | '\u{200b}'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{2028}'
                        | '\u{2029}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{feff}'
                        | '\u{e0000}'..='\u{e007f}'
                )
        })
        .collect()
}

#[tokio::test]
async fn hostile_text_from_aws_and_buildkite_never_reaches_stdout_or_stderr() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, NOWHERE).await;
    // A queue name with a C1 CSI and a right-to-left override, and a tag with an OSC in C1.
    stack(&sdk, "ci-odd", &[("BuildkiteQueue", "q\u{9b}31m\u{202e}exe.txt")]).await;
    let group = aws_sdk_autoscaling::Client::new(&sdk)
        .describe_auto_scaling_groups()
        .send()
        .await
        .expect("groups")
        .auto_scaling_groups()
        .iter()
        .filter_map(|g| g.auto_scaling_group_name())
        .find(|n| n.starts_with("ci-linux"))
        .expect("ci-linux group")
        .to_string();
    aws_sdk_autoscaling::Client::new(&sdk)
        .create_or_update_tags()
        .tags(
            aws_sdk_autoscaling::types::Tag::builder()
                .resource_id(&group)
                .resource_type("auto-scaling-group")
                .key("bkops:paused-by")
                .value("arn:aws:iam::1:user/\u{9d}0;owned\u{9c}\u{2066}ana")
                .propagate_at_launch(false)
                .build(),
        )
        .send()
        .await
        .expect("tag");
    // Buildkite answers every queue read with an error full of escape sequences.
    let bk = FakeBuildkite::start();
    let evil = r#"{"message":"\u001b]52;c;aGFja2Vk\u0007\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil"}"#;
    for _ in 0..12 {
        bk.metrics(Reply::json(500, evil));
    }
    let env = [("BUILDKITE_AGENT_TOKEN", "bkua_test"), ("BUILDKITE_AGENT_ENDPOINT", bk.url.as_str())];
    let home = home("hostile");
    let runs: [&[&str]; 3] =
        [&["status"], &["status", "--format", "json"], &["--stack", "ci-linux", "scaling", "status"]];
    for args in runs {
        let out = bkops(&moto, &home, args, &env);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let shown = text(&out);
        assert_eq!(hostile_chars(&shown), Vec::<char>::new(), "{args:?}: {shown}");
        if args.contains(&"json") {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("still JSON");
            assert!(
                errors_of(&v, "ci-linux").contains("]52;c;aGFja2Vk"),
                "the message is kept, escaped: {v}"
            );
        } else if args.contains(&"scaling") {
            assert!(shown.contains("\\x9d0;owned\\x9c\\u{2066}ana"), "{shown}");
        } else {
            assert!(shown.contains("\\x1b]52;c;aGFja2Vk\\x07"), "{shown}");
            assert!(shown.contains("q\\x9b31m\\u{202e}exe.txt"), "{shown}");
        }
    }
    assert!(!bk.requests().is_empty(), "the stand-in was asked");
}

#[tokio::test]
async fn an_explicit_profile_wins_over_environment_credentials_and_an_unknown_one_is_refused() {
    let home = home("profiles");
    let aws = home.join("aws");
    std::fs::create_dir_all(&aws).expect("mkdir");
    std::fs::write(
        aws.join("config"),
        "[default]\nregion = us-east-1\n[profile ci-prod]\nregion = us-east-1\n",
    )
    .expect("config");
    std::fs::write(
        aws.join("credentials"),
        "[ci-prod]\naws_access_key_id = AKIAPROFILEKEY\naws_secret_access_key = profile-secret\n",
    )
    .expect("credentials");
    // A recorder in place of AWS: which access key signs the first call.
    let recorder = FakeBuildkite::start();
    let endpoint = recorder.url.trim_end_matches("/v3").to_string();
    let run = |profile: &str| {
        Command::new(env!("CARGO_BIN_EXE_bkops"))
            .args(["--profile", profile, "--endpoint-url", &endpoint, "status"])
            .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY")
            .env("AWS_SECRET_ACCESS_KEY", "env-secret")
            .env("AWS_CONFIG_FILE", aws.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env_remove("AWS_PROFILE")
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("state"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .output()
            .expect("runs")
    };
    let out = run("ci-prod");
    assert_eq!(out.status.code(), Some(1), "the recorder answers 500: {}", text(&out));
    let first = recorder.requests().into_iter().next().expect("a call was made");
    let auth = first.header("Authorization").expect("signed").to_string();
    assert!(auth.contains("Credential=AKIAPROFILEKEY/"), "{auth}");

    let out = run("ci-staging");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no AWS profile named 'ci-staging'") && text(&out).contains("ci-prod, default"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn no_credential_or_token_is_logged_even_at_trace() {
    let moto = Moto::start();
    let sdk = moto.sdk(REGION).await;
    support::moto::deploy(&moto, &sdk, NOWHERE).await;
    let bk = FakeBuildkite::start();
    bk.metrics(Reply::json(200, &queue_body("acme", 1, 0, 0, 0, 0)));
    let home = home("trace");
    let out = bkops(
        &moto,
        &home,
        &["status"],
        &[
            ("BKOPS_LOG", "trace"),
            ("AWS_SESSION_TOKEN", "SESSIONTOKENMARKER"),
            ("BUILDKITE_AGENT_TOKEN", "bkua_AGENTTOKENMARKER"),
            ("BUILDKITE_AGENT_ENDPOINT", bk.url.as_str()),
            ("BUILDKITE_API_TOKEN", "bkapi_APITOKENMARKER"),
            ("BUILDKITE_API_ENDPOINT", bk.api_url.as_str()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        bk.requests()[0].header("Authorization"),
        Some("Token bkua_AGENTTOKENMARKER"),
        "the token was used"
    );
    let log = std::fs::read_to_string(home.join("state/bkops/bkops.log")).expect("log");
    assert!(log.contains("TRACE"), "the log is at trace: {} bytes", log.len());
    for marker in ["SESSIONTOKENMARKER", "AGENTTOKENMARKER", "APITOKENMARKER", "x-amz-security-token"] {
        assert!(!log.to_lowercase().contains(&marker.to_lowercase()), "{marker} is in the log");
    }
}

#[test]
fn bkops_own_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = home("modes");
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "--stack", "ci-linux", "scaling", "pause", "--yes"])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    let state = home.join("state/bkops");
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("bkops.log")), 0o600);
    assert_eq!(mode(&state.join("audit.jsonl")), 0o600);
}

#[test]
fn the_session_plugin_gets_no_buildkite_token() {
    let home = home("plugin-env");
    let plugin = home.join("session-manager-plugin");
    let seen = home.join("plugin-env.txt");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\n[ \"$1\" = \"--version\" ] && {{ echo 1.2.764.0; exit 0; }}\nenv > {}\nexit 0\n",
            seen.display()
        ),
    )
    .expect("plugin");
    std::fs::set_permissions(&plugin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    std::fs::write(
        home.join("config/bkops/config.toml"),
        format!("[ssm]\nclient = \"plugin\"\nplugin = \"{}\"\n", plugin.display()),
    )
    .expect("config");
    let status = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "status", "--format", "json"])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let id = v["stacks"][0]["auto_scaling"]["instances"][0]["id"].as_str().expect("an instance").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "ssm", &id])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("BUILDKITE_AGENT_TOKEN", "bkua_SECRETMARKER")
        .env("BUILDKITE_API_TOKEN", "bkapi_SECRETMARKER")
        .env("BUILDKITE_ORGANIZATION_SLUG", "acme")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    let env = std::fs::read_to_string(&seen).expect("the plugin ran");
    assert!(env.contains("AWS_SSM_START_SESSION_RESPONSE="), "the plugin got its session: {env}");
    assert!(!env.contains("SECRETMARKER") && !env.contains("BUILDKITE_"), "{env}");
}
