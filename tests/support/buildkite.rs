//! A loopback stand-in for Buildkite's hosted APIs (which cannot run here), as two endpoints as
//! Buildkite has them: the agent API under `/v3` and the REST API under `/v2`. Replies are
//! queued by the test per method and path, in the documented shapes; a request no queued reply
//! matches gets 404. Every request is recorded.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bkops::backend::buildkite::{Destinations, TrustedUrl};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self { status, headers: Vec::new(), body: body.to_string() }
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
}

/// `GET /metrics/queue?name=…` as documented (buildkite-agent-metrics' collector tests).
pub fn queue_body(org: &str, scheduled: u32, running: u32, waiting: u32, idle: u32, busy: u32) -> String {
    format!(
        r#"{{"organization":{{"slug":"{org}"}},"jobs":{{"scheduled":{scheduled},"running":{running},"waiting":{waiting},"total":{}}},"agents":{{"idle":{idle},"busy":{busy},"total":{}}}}}"#,
        scheduled + running + waiting,
        idle + busy
    )
}

/// A reply for requests of one method whose path starts with a prefix.
struct Route {
    method: &'static str,
    prefix: String,
    reply: Reply,
}

pub struct FakeBuildkite {
    /// The agent API (`…/v3`): what `BUILDKITE_AGENT_ENDPOINT` or a stack's AgentEndpoint names.
    pub url: String,
    /// The REST API (`…/v2`): what `BUILDKITE_API_ENDPOINT` names.
    pub api_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    replies: Arc<Mutex<VecDeque<Route>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

fn serve(mut stream: TcpStream, requests: &Mutex<Vec<Request>>, replies: &Mutex<VecDeque<Route>>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    let reply = {
        let mut replies = replies.lock().expect("lock");
        let found = replies.iter().position(|r| r.method == method && target.starts_with(&r.prefix));
        found
            .and_then(|i| replies.remove(i))
            .map(|r| r.reply)
            .unwrap_or_else(|| Reply::json(404, r#"{"message":"Not Found"}"#))
    };
    requests.lock().expect("lock").push(Request { method, target, headers, body });
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&reply.body);
    let _ = stream.write_all(out.as_bytes());
}

impl FakeBuildkite {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(Mutex::new(VecDeque::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, q, s) = (requests.clone(), replies.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    serve(stream, &r, &q);
                }
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/v3"),
            api_url: format!("http://127.0.0.1:{port}/v2"),
            requests,
            replies,
            stop,
            port,
        }
    }

    /// The operator's choice of this stand-in for both APIs (`BUILDKITE_AGENT_ENDPOINT` and
    /// `BUILDKITE_API_ENDPOINT`): loopback http, which bkops allows.
    pub fn destinations(&self) -> Destinations {
        Destinations::new(Some(&self.url), Some(&self.api_url), &[]).expect("loopback http is allowed")
    }

    /// The agent API's address, as bkops would send a token to it.
    pub fn endpoint(&self) -> TrustedUrl {
        self.destinations().agent_endpoint(None).expect("trusted")
    }

    /// Queues `reply` for the next `method` request whose path starts with `prefix`.
    pub fn on(&self, method: &'static str, prefix: &str, reply: Reply) {
        self.replies.lock().expect("lock").push_back(Route { method, prefix: prefix.into(), reply });
    }

    /// The next `GET /v3/metrics/queue`.
    pub fn metrics(&self, reply: Reply) {
        self.on("GET", "/v3/metrics/queue?", reply);
    }

    /// The next `GET /v2/organizations/acme/agents` (any page).
    pub fn agents(&self, reply: Reply) {
        self.on("GET", "/v2/organizations/acme/agents?", reply);
    }

    /// The next `PUT /v2/organizations/acme/agents/{id}/stop`.
    pub fn stop(&self, reply: Reply) {
        self.on("PUT", "/v2/organizations/acme/agents/", reply);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for FakeBuildkite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
