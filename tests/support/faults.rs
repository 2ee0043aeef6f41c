//! A fault-injecting HTTP/1.1 proxy for the tests, in front of the local AWS API server (or the
//! Buildkite stand-in): chosen operations can stall before or after reaching the server, have
//! their connection reset, or get an error status, as a flaky network or an overloaded
//! endpoint would do. Everything else passes through. Loopback only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Never forwarded, never answered (until the proxy is dropped, or a minute passes).
    StallBefore,
    /// Forwarded (so the server acts on it), but the answer never comes back.
    StallAfter,
    /// The connection is closed without an answer.
    Reset,
    /// Answered with this status and body, not forwarded.
    Status(u16, &'static str),
}

struct Rule {
    operation: String,
    fault: Fault,
    /// How many more requests it applies to; `None`: all.
    times: Option<u32>,
}

/// Random faults on any request: one in `one_in` gets one of the faults, chosen by a seeded
/// generator so that a run can be repeated.
struct Chaos {
    one_in: u64,
    state: u64,
    /// How long a stall lasts before the connection is closed (the client's timeout should
    /// fire first).
    stall: Duration,
}

impl Chaos {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick(&mut self) -> Option<Fault> {
        if !self.next().is_multiple_of(self.one_in) {
            return None;
        }
        Some(match self.next() % 5 {
            0 => Fault::StallBefore,
            1 => Fault::StallAfter,
            2 => Fault::Reset,
            3 => Fault::Status(500, "{\"__type\":\"InternalFailure\",\"message\":\"injected\"}"),
            _ => Fault::Status(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"),
        })
    }
}

pub struct FaultProxy {
    pub url: String,
    latency: Arc<Mutex<Duration>>,
    rules: Arc<Mutex<Vec<Rule>>>,
    chaos: Arc<Mutex<Option<Chaos>>>,
    /// Faults injected, by kind.
    injected: Arc<Mutex<Vec<(String, Fault)>>>,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

/// The operation a request names: the JSON protocols' `X-Amz-Target` (`AWSEvents.DisableRule`),
/// or the query protocol's `Action=` (`Action=UpdateAutoScalingGroup`), else the path.
fn operation(head: &str, body: &[u8]) -> String {
    for line in head.lines() {
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case("x-amz-target")
        {
            return v.trim().rsplit('.').next().unwrap_or_default().to_string();
        }
    }
    let body = String::from_utf8_lossy(body);
    if let Some(a) = body.split('&').find_map(|p| p.strip_prefix("Action=")) {
        return a.to_string();
    }
    head.split_whitespace().nth(1).unwrap_or_default().to_string()
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length: usize = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// Sends the request upstream on a connection of its own and returns the whole answer.
fn forward(upstream: u16, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", upstream)).ok()?;
    let head: String = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:") && !l.is_empty())
        .map(|l| format!("{l}\r\n"))
        .collect();
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(b"Connection: close\r\n\r\n").ok()?;
    s.write_all(body).ok()?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).ok()?;
    Some(answer)
}

fn stall(stop: &AtomicBool, how_long: Duration) {
    let until = Instant::now() + how_long;
    while !stop.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Shared {
    upstream: u16,
    /// Added before every forwarded request: a far region's round trip.
    latency: Arc<Mutex<Duration>>,
    rules: Arc<Mutex<Vec<Rule>>>,
    chaos: Arc<Mutex<Option<Chaos>>>,
    injected: Arc<Mutex<Vec<(String, Fault)>>>,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

fn serve(client: TcpStream, s: &Shared) {
    let (upstream, rules, seen, stop) = (s.upstream, &s.rules, &s.seen, &s.stop);
    let Ok(read_half) = client.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut client = client;
    while let Some((head, body)) = read_request(&mut reader) {
        let op = operation(&head, &body);
        seen.lock().expect("lock").push(op.clone());
        let fault = {
            let mut rules = rules.lock().expect("lock");
            let rule = rules.iter_mut().find(|r| r.operation == op && r.times != Some(0));
            rule.map(|r| {
                if let Some(n) = r.times.as_mut() {
                    *n -= 1;
                }
                r.fault.clone()
            })
        };
        let mut stall_for = Duration::from_secs(60);
        let fault = fault.or_else(|| {
            let mut chaos = s.chaos.lock().expect("lock");
            let c = chaos.as_mut()?;
            stall_for = c.stall;
            let f = c.pick()?;
            s.injected.lock().expect("lock").push((op.clone(), f.clone()));
            Some(f)
        });
        let latency = *s.latency.lock().expect("lock");
        if fault.is_none() && !latency.is_zero() {
            std::thread::sleep(latency);
        }
        match fault {
            None => match forward(upstream, &head, &body) {
                Some(answer) => {
                    if client.write_all(&answer).is_err() {
                        return;
                    }
                    // The server closed its side: so does the proxy, unless the answer
                    // says how long it is.
                    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
                    if !text.contains("content-length:") {
                        return;
                    }
                }
                None => return,
            },
            Some(Fault::StallBefore) => return stall(stop, stall_for),
            Some(Fault::StallAfter) => {
                let _ = forward(upstream, &head, &body);
                return stall(stop, stall_for);
            }
            Some(Fault::Reset) => return,
            Some(Fault::Status(code, text)) => {
                let answer = format!(
                    "HTTP/1.1 {code} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                );
                if client.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}

impl FaultProxy {
    /// A proxy to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let upstream: u16 =
            upstream.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let shared = Arc::new(Shared {
            upstream,
            latency: Arc::default(),
            rules: Arc::default(),
            chaos: Arc::default(),
            injected: Arc::default(),
            seen: Arc::default(),
            stop: Arc::default(),
        });
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    let s = s.clone();
                    std::thread::spawn(move || serve(stream, &s));
                }
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}"),
            latency: shared.latency.clone(),
            rules: shared.rules.clone(),
            chaos: shared.chaos.clone(),
            injected: shared.injected.clone(),
            seen: shared.seen.clone(),
            stop: shared.stop.clone(),
            port,
        }
    }

    /// Delays every request it forwards by `latency`, as a far region would.
    pub fn latency(&self, latency: Duration) {
        *self.latency.lock().expect("lock") = latency;
    }

    /// Applies `fault` to every request for `operation` (e.g. `DisableRule`).
    pub fn on(&self, operation: &str, fault: Fault) {
        self.rules.lock().expect("lock").push(Rule { operation: operation.into(), fault, times: None });
    }

    /// Applies `fault` to the next `times` requests for `operation`.
    pub fn on_times(&self, operation: &str, fault: Fault, times: u32) {
        self.rules.lock().expect("lock").push(Rule {
            operation: operation.into(),
            fault,
            times: Some(times),
        });
    }

    /// From now on one request in `one_in` (any operation) gets a random fault; stalls last
    /// `stall`. The same seed gives the same faults for the same requests.
    pub fn chaos(&self, seed: u64, one_in: u64, stall: Duration) {
        *self.chaos.lock().expect("lock") = Some(Chaos { one_in: one_in.max(1), state: seed | 1, stall });
    }

    /// The faults injected at random so far: the operation and the fault.
    pub fn injected(&self) -> Vec<(String, Fault)> {
        self.injected.lock().expect("lock").clone()
    }

    /// Every operation that reached the proxy, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
