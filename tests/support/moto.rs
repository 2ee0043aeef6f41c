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
    pub endpoint: String,
    port: u16,
}

impl Moto {
    pub fn start() -> Self {
        let mut child = Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("moto_server starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the port from " * Running on http://127.0.0.1:PORT", then keeps draining the
        // pipe so that moto never blocks on a full one.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(port.parse::<u16>().ok());
                }
            }
        });
        let port =
            rx.recv_timeout(Duration::from_secs(30)).ok().flatten().expect("moto_server printed its port");
        let moto = Self { child, endpoint: format!("http://127.0.0.1:{port}"), port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while moto.http("GET", "/moto-api/", None, &[]).0 != 200 {
            assert!(Instant::now() < deadline, "moto did not answer");
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
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
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
