//! The built-in Session Manager client's transport: a WebSocket to the session's StreamUrl,
//! the open-data-channel text frame, then binary `ClientMessage` frames run through the pure
//! `Channel`, with a tick every 100 ms for resends and a keepalive ping every 5 minutes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::channel::{Channel, Event};
use super::frame::ClientMessage;
use super::signing::UpgradeSigner;
use crate::backend::buildkite::Secret;

/// The version bkops announces: the oldest plugin version AWS documents as supported, so the
/// agent enables what that version can do.
pub const CLIENT_VERSION: &str = "1.2.764.0";
pub const PING_EVERY: Duration = Duration::from_secs(300);
const TICK: Duration = Duration::from_millis(100);

/// Where a session's data channel is. Only AWS's own `wss://ssmmessages.…` hosts, unless
/// loopback was allowed on purpose (the demo's simulated agent, and the tests' fake one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamUrl(String);

impl StreamUrl {
    pub fn aws(url: &str) -> Result<Self, String> {
        let rest =
            url.strip_prefix("wss://").ok_or_else(|| format!("the stream URL is not wss://: {url}"))?;
        let host = rest.split(['/', '?', ':']).next().unwrap_or_default();
        let aws = host.starts_with("ssmmessages.")
            && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
        if aws {
            Ok(Self(url.to_string()))
        } else {
            Err(format!("the stream URL's host {host} is not AWS Session Manager's"))
        }
    }

    /// A `ws://127.0.0.1:…` URL: a simulated or fake agent on this machine.
    pub fn loopback(url: &str) -> Result<Self, String> {
        let ok = url.starts_with("ws://127.0.0.1:") || url.starts_with("ws://localhost:");
        if ok { Ok(Self(url.to_string())) } else { Err(format!("not a loopback stream URL: {url}")) }
    }
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// channel_closed, with the gateway's message.
    Closed(String),
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_millis() as u64)
}

/// What the session reads and writes: keystrokes and sizes in, terminal bytes out.
pub struct Terminal {
    pub input: mpsc::UnboundedReceiver<Vec<u8>>,
    pub resize: mpsc::UnboundedReceiver<(u16, u16)>,
    pub output: mpsc::UnboundedSender<Vec<u8>>,
    pub size: (u16, u16),
}

/// How often the client pings, how many sends of one message it tries before giving up, and
/// who signs the WebSocket upgrade.
#[derive(Debug, Clone)]
pub struct Options {
    pub ping_every: Duration,
    pub max_attempts: u32,
    pub signer: Option<UpgradeSigner>,
}

impl Default for Options {
    fn default() -> Self {
        Self { ping_every: PING_EVERY, max_attempts: super::channel::MAX_ATTEMPTS, signer: None }
    }
}

/// The upgrade request, signed when there is a signer (unsigned if signing fails, as the
/// plugin does).
fn upgrade_request(url: &StreamUrl, signer: Option<&UpgradeSigner>) -> Result<http::Request<()>, String> {
    let mut request =
        url.0.as_str().into_client_request().map_err(|e| format!("the stream URL is not usable: {e}"))?;
    if let Some(s) = signer
        && let Err(e) = s.sign(&mut request, SystemTime::now())
    {
        tracing::warn!("data channel: the upgrade goes unsigned: {e}");
    }
    Ok(request)
}

/// Runs a session until channel_closed. An error means the session could not go on (the
/// caller terminates it).
pub async fn run(
    url: &StreamUrl,
    token: &Secret,
    mut term: Terminal,
    options: Options,
) -> Result<Ended, String> {
    let ping_every = options.ping_every;
    let request = upgrade_request(url, options.signer.as_ref())?;
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| format!("cannot open the data channel: {e}"))?;
    let mut seed = now_ms() ^ u64::from(std::process::id()).rotate_left(32);
    let open = json!({
        "MessageSchemaVersion": "1.0",
        "RequestId": super::ids::uuid_text(&super::ids::uuid_v4(&mut seed)),
        "TokenValue": token.expose(),
        "ClientId": super::ids::uuid_text(&super::ids::uuid_v4(&mut seed)),
        "ClientVersion": CLIENT_VERSION,
    });
    ws.send(Message::Text(open.to_string().into())).await.map_err(|e| format!("data channel: {e}"))?;
    let mut channel = Channel::new(seed, CLIENT_VERSION).with_max_attempts(options.max_attempts);
    let mut pending = channel.resize(term.size.0, term.size.1, now_ms());
    let mut tick = tokio::time::interval(TICK);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    loop {
        for event in std::mem::take(&mut pending) {
            match event {
                Event::Send(m) => {
                    let bytes = m.encode().map_err(|e| e.to_string())?;
                    ws.send(Message::Binary(bytes.into())).await.map_err(|e| format!("data channel: {e}"))?;
                }
                Event::Output(b) => {
                    let _ = term.output.send(b);
                }
                Event::Message(t) => {
                    let _ = term.output.send(format!("{t}\r\n").into_bytes());
                }
                Event::Closed(t) => {
                    let _ = ws.close(None).await;
                    return Ok(Ended::Closed(t));
                }
                Event::Failed(t) => return Err(t),
            }
        }
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Binary(b))) => match ClientMessage::decode(&b) {
                    Ok(m) => pending = channel.on_frame(m, now_ms()),
                    // A corrupt frame is not acknowledged: the agent sends it again.
                    Err(e) => tracing::warn!("data channel: dropped a frame: {e}"),
                },
                Some(Ok(Message::Close(_))) | None => {
                    return Err("the data channel closed without ending the session".into());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(format!("data channel: {e}")),
            },
            Some(bytes) = term.input.recv() => pending = channel.input(&bytes, now_ms()),
            Some((cols, rows)) = term.resize.recv() => pending = channel.resize(cols, rows, now_ms()),
            _ = tick.tick() => pending = channel.tick(now_ms()),
            _ = ping.tick() => {
                ws.send(Message::Ping(b"keepalive".to_vec().into())).await.map_err(|e| format!("data channel: {e}"))?;
            }
        }
    }
}
