//! When an update is due, through the binary against a local AWS API server: the latest
//! release read from a template served by the test on a loopback port (as Buildkite publishes
//! it), once a day at most, kept in the cache, with no credential in the request; unknown said
//! as unknown when it cannot be read; not read at all when turned off.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use support::moto::Moto;

/// Serves the published template's head to every request, and keeps each request's head.
fn serve(version: &str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/buildkite-aws-stack/aws-stack.yml", listener.local_addr().expect("addr"));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (kept, body) = (
        asked.clone(),
        format!(
            "---\nAWSTemplateFormatVersion: \"2010-09-09\"\nDescription: \"Buildkite stack {version}\"\n"
        ),
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut head = String::new();
            while let Ok(n) = reader.read_line(&mut head) {
                if n == 0 || head.ends_with("\r\n\r\n") {
                    break;
                }
            }
            kept.lock().expect("lock").push(head);
            let mut s = &stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, asked)
}

fn status(endpoint: &str, home: &str, config: &str) -> (Value, String) {
    let path = std::env::temp_dir().join(format!("{home}-{}.toml", std::process::id()));
    std::fs::write(&path, config).expect("config");
    let out = support::moto::bkops(endpoint, home)
        .args([
            "--config",
            path.to_str().expect("utf8"),
            "status",
            "--region",
            "us-east-1",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    (serde_json::from_slice(&out.stdout).expect("JSON"), err)
}

#[tokio::test]
async fn the_latest_release_is_read_once_a_day_from_the_operators_url_and_said_per_stack() {
    let moto = Moto::start();
    let sdk = moto.sdk("us-east-1").await;
    support::moto::deploy(&moto, &sdk, "http://127.0.0.1:9/v3").await;
    let (url, asked) = serve("v6.80.0");
    let config = format!("[updates]\nlatest_template_url = \"{url}\"\n");

    let (json, _) = status(&moto.endpoint, "bkops-release", &config);
    support::schema::assert_valid("status", &json);
    let linux = json["stacks"]
        .as_array()
        .expect("stacks")
        .iter()
        .find(|s| s["name"] == "ci-linux")
        .expect("ci-linux");
    assert_eq!(
        (linux["version"].as_str(), linux["latest_version"].as_str()),
        (Some("v6.71.1"), Some("v6.80.0"))
    );
    assert_eq!(linux["update_available"], true);
    assert!(json["latest_release_error"].is_null(), "{json}");
    {
        let asked = asked.lock().expect("lock");
        assert_eq!(asked.len(), 1, "{asked:?}");
        let head = asked[0].to_ascii_lowercase();
        assert!(head.starts_with("get /buildkite-aws-stack/aws-stack.yml "), "{head}");
        assert!(!head.contains("authorization") && !head.contains("x-amz"), "no credential is sent: {head}");
    }

    // Again, within the day: from the cache, not read again.
    let (json, _) = status(&moto.endpoint, "bkops-release", &config);
    assert_eq!(json["stacks"][0]["latest_version"], "v6.80.0");
    assert_eq!(asked.lock().expect("lock").len(), 1, "kept a day");

    // Turned off: not asked, and nothing said of it.
    let (json, _) = status(&moto.endpoint, "bkops-release-off", &format!("{config}check = false\n"));
    assert!(json["stacks"][0]["latest_version"].is_null() && json["stacks"][0]["update_available"].is_null());
    assert_eq!(asked.lock().expect("lock").len(), 1);

    // Cannot be read (nothing listens there): unknown, said once, and the snapshot is whole.
    let closed = "[updates]\nlatest_template_url = \"http://127.0.0.1:9/aws-stack.yml\"\n";
    let (json, _) = status(&moto.endpoint, "bkops-release-closed", closed);
    assert!(json["stacks"][0]["latest_version"].is_null(), "{json}");
    let said = json["latest_release_error"].as_str().expect("why it is unknown");
    assert!(
        said.starts_with("the latest release is unknown: http://127.0.0.1:9/aws-stack.yml could not be read"),
        "{said}"
    );
    assert_eq!(json["stacks"].as_array().map(Vec::len), Some(2), "the stacks are still read");
}

#[test]
fn a_plain_http_url_to_another_host_is_refused_in_the_config() {
    let path = std::env::temp_dir().join(format!("bkops-release-bad-{}.toml", std::process::id()));
    std::fs::write(&path, "[updates]\nlatest_template_url = \"http://example.com/aws-stack.yml\"\n")
        .expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bkops"))
        .args(["--demo", "--config", path.to_str().expect("utf8"), "status"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("latest_template_url") || err.contains("plain http"), "{err}");
}
