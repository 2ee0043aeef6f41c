//! A local AWS API server (moto) for the tests: installed by tests/aws/setup-moto.sh, started
//! on a free loopback port by each test that needs it, and stopped when the test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig};
use aws_sdk_cloudformation::config::Credentials;
use aws_sdk_cloudformation::types::{Capability, Parameter};

pub const SCALER_URL: &str = "https://templates.s3.amazonaws.com/scaler.yml";

fn moto_server() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aws/setup-moto.sh");
        let out = Command::new("bash").arg(script).output().expect("runs tests/aws/setup-moto.sh");
        assert!(out.status.success(), "installing moto failed:\n{}", String::from_utf8_lossy(&out.stderr));
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
    .clone()
}

pub struct Moto {
    child: Child,
    bridge: Child,
    /// Where the SDK goes: the bridge.
    pub endpoint: String,
    /// moto itself.
    port: u16,
}

/// Starts `cmd`, whose output names its port after `marker`; from then on its output is
/// drained so that it never blocks on a full pipe.
fn spawn_with_port(mut cmd: Command, marker: &'static str, from_stderr: bool) -> (Child, u16) {
    let mut child = if from_stderr {
        cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()
    }
    .expect("starts");
    let out: Box<dyn Read + Send> = if from_stderr {
        Box::new(child.stderr.take().expect("stderr"))
    } else {
        Box::new(child.stdout.take().expect("stdout"))
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(rest) = line.split(marker).nth(1) {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = tx.send(port.parse::<u16>().ok());
            }
        }
    });
    let port = rx.recv_timeout(Duration::from_secs(30)).ok().flatten().expect("printed its port");
    (child, port)
}

impl Moto {
    pub fn start() -> Self {
        let server = moto_server();
        let mut cmd = Command::new(&server);
        cmd.args(["-H", "127.0.0.1", "-p", "0"]);
        let (child, port) = spawn_with_port(cmd, "http://127.0.0.1:", true);
        let mut cmd = Command::new(server.with_file_name("python"));
        cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aws/cbor_bridge.py"))
            .arg(format!("http://127.0.0.1:{port}"));
        let (bridge, bridge_port) = spawn_with_port(cmd, "listening on ", false);
        let moto = Self { child, bridge, endpoint: format!("http://127.0.0.1:{bridge_port}"), port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while moto.http("GET", "/moto-api/", None, &[]).0 != 200 {
            assert!(Instant::now() < deadline, "moto did not answer");
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// The name of every operation the server has received, in order (the bridge records
    /// them).
    pub fn operations(&self) -> Vec<String> {
        let url = self.endpoint.trim_start_matches("http://").to_string();
        let Ok(mut s) = TcpStream::connect(url.as_str()) else { return Vec::new() };
        let req = format!("GET /__bridge/operations HTTP/1.1\r\nHost: {url}\r\nConnection: close\r\n\r\n");
        if s.write_all(req.as_bytes()).is_err() {
            return Vec::new();
        }
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        let body = resp.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).expect("a JSON list of operations")
    }

    /// A plain HTTP/1.1 request; returns the status and body.
    pub fn http(&self, method: &str, path: &str, body: Option<&[u8]>, headers: &[&str]) -> (u16, String) {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return (0, String::new()) };
        let body = body.unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.port,
            body.len()
        );
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        if s.write_all(req.as_bytes()).and_then(|_| s.write_all(body)).is_err() {
            return (0, String::new());
        }
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        let status = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, resp.split("\r\n\r\n").nth(1).unwrap_or_default().to_string())
    }

    /// Puts an object in moto's S3 (nested stack templates live there). A SigV4-shaped
    /// header scoped to s3 routes the request; moto does not check signatures.
    pub fn put_object(&self, bucket: &str, key: &str, body: &[u8]) {
        let auth = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
        assert_eq!(self.http("PUT", &format!("/{bucket}"), None, &[auth]).0, 200, "create bucket");
        assert_eq!(self.http("PUT", &format!("/{bucket}/{key}"), Some(body), &[auth]).0, 200, "put object");
    }

    /// An SDK configuration for this server: static test credentials, no retries (moto
    /// answers what it lacks with HTTP 500, which the SDK would retry for seconds).
    pub async fn sdk(&self, region: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("test", "test", None, None, "static"))
            .retry_config(RetryConfig::disabled())
            .load()
            .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        for child in [&mut self.bridge, &mut self.child] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn param(k: &str, v: &str) -> Parameter {
    Parameter::builder().parameter_key(k).parameter_value(v).build()
}

/// ci-linux (autoscaling, MinSize 2), ci-windows (fixed size 2/2/2), ci-lookalike (not one).
pub async fn deploy(moto: &Moto, sdk: &SdkConfig, agent_endpoint: &str) {
    moto.put_object("templates", "scaler.yml", include_bytes!("../aws/scaler-stack.yml"));
    let cfn = aws_sdk_cloudformation::Client::new(sdk);
    let elastic = include_str!("../aws/elastic-stack.yml");
    cfn.create_stack()
        .stack_name("ci-linux")
        .template_body(elastic)
        .parameters(param("ScalerTemplateURL", SCALER_URL))
        .parameters(param("MinSize", "2"))
        .parameters(param("AgentsPerInstance", "2"))
        .parameters(param("AgentEndpoint", agent_endpoint))
        .capabilities(Capability::CapabilityIam)
        .send()
        .await
        .expect("ci-linux");
    cfn.create_stack()
        .stack_name("ci-windows")
        .template_body(elastic)
        .parameters(param("ScalerTemplateURL", SCALER_URL))
        .parameters(param("BuildkiteQueue", "windows"))
        .parameters(param("MinSize", "2"))
        .parameters(param("MaxSize", "2"))
        .parameters(param("InstanceOperatingSystem", "windows"))
        .send()
        .await
        .expect("ci-windows");
    cfn.create_stack()
        .stack_name("ci-lookalike")
        .template_body(include_str!("../aws/not-elastic.yml"))
        .send()
        .await
        .expect("ci-lookalike");
}

/// `n` autoscaling Elastic CI Stacks, `fleet-00`, `fleet-01`, …, each on its own queue: an
/// account of many stacks, for what a refresh of them costs.
pub async fn deploy_many(moto: &Moto, sdk: &SdkConfig, n: usize) {
    moto.put_object("templates", "scaler.yml", include_bytes!("../aws/scaler-stack.yml"));
    let cfn = aws_sdk_cloudformation::Client::new(sdk);
    let elastic = include_str!("../aws/elastic-stack.yml");
    for i in 0..n {
        cfn.create_stack()
            .stack_name(format!("fleet-{i:02}"))
            .template_body(elastic)
            .parameters(param("ScalerTemplateURL", SCALER_URL))
            .parameters(param("BuildkiteQueue", &format!("queue-{i:02}")))
            .parameters(param("MinSize", "0"))
            .capabilities(Capability::CapabilityIam)
            .send()
            .await
            .expect("stack");
    }
}

/// Puts an agent token in SSM, as the stack (or an operator) stores it.
pub async fn put_token(sdk: &SdkConfig, name: &str, value: &str) {
    aws_sdk_ssm::Client::new(sdk)
        .put_parameter()
        .name(name)
        .value(value)
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .send()
        .await
        .expect("put parameter");
}

/// A resource of the stack's nested scaler stack (`Autoscaling`), by its logical ID.
pub async fn scaler_resource(sdk: &SdkConfig, stack: &str, logical: &str) -> String {
    let cfn = aws_sdk_cloudformation::Client::new(sdk);
    let nested = cfn
        .describe_stack_resource()
        .stack_name(stack)
        .logical_resource_id("Autoscaling")
        .send()
        .await
        .expect("nested");
    let nested =
        nested.stack_resource_detail().and_then(|d| d.physical_resource_id()).expect("id").to_string();
    let found = cfn.describe_stack_resource().stack_name(nested).logical_resource_id(logical).send().await;
    found
        .expect(logical)
        .stack_resource_detail()
        .and_then(|d| d.physical_resource_id())
        .expect("name")
        .to_string()
}

/// The first instance of the stack's Auto Scaling group (named `<stack>-…`).
pub async fn first_instance_of(sdk: &SdkConfig, stack: &str) -> String {
    let groups =
        aws_sdk_autoscaling::Client::new(sdk).describe_auto_scaling_groups().send().await.expect("groups");
    let prefix = format!("{stack}-");
    let group = groups
        .auto_scaling_groups()
        .iter()
        .find(|g| g.auto_scaling_group_name().is_some_and(|n| n.starts_with(&prefix)))
        .expect("the stack's group");
    group.instances()[0].instance_id().expect("id").to_string()
}

/// The stack's scaler's log group: `/aws/lambda/<its AutoscalingFunction>`.
pub async fn scaler_group(sdk: &SdkConfig, stack: &str) -> String {
    format!("/aws/lambda/{}", scaler_resource(sdk, stack, "AutoscalingFunction").await)
}

/// One invocation of the scaler whose run ends in its role's refusal: `Scaling error:`.
pub const SCALER_DENIED: [&str; 3] = [
    "START RequestId: 6f1c2b7a-0000-4000-8000-000000000000 Version: $LATEST",
    "2026/11/30 07:31:40 Collecting Buildkite metrics for queue \"default\"",
    "2026/11/30 07:31:40 Scaling error: AccessDenied: User is not authorized to perform: autoscaling:SetDesiredCapacity",
];

/// Writes lines to the scaler's log group as its Lambda would, `ago_ms` before now, one
/// millisecond apart (creating the group and a stream).
pub async fn put_scaler_lines(sdk: &SdkConfig, group: &str, ago_ms: i64, lines: &[&str]) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    logs.create_log_group().log_group_name(group).send().await.expect("group");
    let stream = "2026/11/30/[$LATEST]0123456789abcdef0123456789abcdef";
    logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await.expect("stream");
    let now = bkops::clock::Clock::System.now().millis();
    let mut req = logs.put_log_events().log_group_name(group).log_stream_name(stream);
    for (n, line) in lines.iter().enumerate() {
        req = req.log_events(
            InputLogEvent::builder()
                .timestamp(now - ago_ms + n as i64)
                .message(*line)
                .build()
                .expect("event"),
        );
    }
    req.send().await.expect("put");
}

/// The bkops binary, about to run against this server: test credentials, no Buildkite token,
/// Buildkite's agent API at a closed port, and its own state and cache directories (`home`,
/// under the temporary directory), so that no run reads another's discovery file.
pub fn bkops(endpoint: &str, home: &str) -> Command {
    let home = std::env::temp_dir().join(format!("{home}-{}", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bkops"));
    cmd.args(["--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:9/v3")
        .env_remove("BUILDKITE_AGENT_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("BKOPS_CONFIG")
        .env("XDG_STATE_HOME", &home)
        .env("XDG_CACHE_HOME", &home);
    cmd
}
