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
use crate::domain::Secret;

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
    /// channel_closed, with the gateway's message, and the remote command's exit status when
    /// the agent reported one.
    Closed(String, Option<i32>),
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

/// ResumeSession: a new token (and stream URL) for the same session, after the connection
/// broke. The channel's sequence state is kept across it.
#[async_trait::async_trait]
pub trait Resume: Send + Sync {
    async fn resume(&self) -> Result<(StreamUrl, Secret), String>;
}

/// How often the client pings, how many sends of one message it tries before giving up, who
/// signs the WebSocket upgrade, and how a broken connection is resumed (without, it ends the
/// session).
#[derive(Clone)]
pub struct Options {
    pub ping_every: Duration,
    pub max_attempts: u32,
    pub signer: Option<UpgradeSigner>,
    pub resume: Option<std::sync::Arc<dyn Resume>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ping_every: PING_EVERY,
            max_attempts: super::channel::MAX_ATTEMPTS,
            signer: None,
            resume: None,
        }
    }
}

/// Reconnects after a broken connection: the plugin's schedule (100 ms doubling up to 5 s,
/// 5 attempts).
const RESUME_ATTEMPTS: u32 = 5;
const RESUME_FIRST_DELAY: Duration = Duration::from_millis(100);
const RESUME_MAX_DELAY: Duration = Duration::from_secs(5);

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

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and sends the open-data-channel frame.
async fn open(
    url: &StreamUrl,
    token: &Secret,
    signer: Option<&UpgradeSigner>,
    seed: &mut u64,
) -> Result<Socket, String> {
    let request = upgrade_request(url, signer)?;
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| format!("cannot open the data channel: {e}"))?;
    let open = json!({
        "MessageSchemaVersion": "1.0",
        "RequestId": super::ids::uuid_text(&super::ids::uuid_v4(seed)),
        "TokenValue": token.expose(),
        "ClientId": super::ids::uuid_text(&super::ids::uuid_v4(seed)),
        "ClientVersion": CLIENT_VERSION,
    });
    ws.send(Message::Text(open.to_string().into())).await.map_err(|e| format!("data channel: {e}"))?;
    Ok(ws)
}

/// After the connection broke: ResumeSession and a new connection, retried on the plugin's
/// schedule. Without a way to resume, the session is over.
async fn reopen(options: &Options, broke: String, seed: &mut u64) -> Result<Socket, String> {
    let Some(resume) = &options.resume else { return Err(broke) };
    tracing::warn!("data channel: {broke}; resuming the session");
    let mut delay = RESUME_FIRST_DELAY;
    let mut last = broke;
    for _ in 0..RESUME_ATTEMPTS {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(RESUME_MAX_DELAY);
        match resume.resume().await {
            Ok((url, token)) => match open(&url, &token, options.signer.as_ref(), seed).await {
                Ok(ws) => return Ok(ws),
                Err(e) => last = e,
            },
            Err(e) => last = e,
        }
    }
    Err(format!("the connection broke and the session could not be resumed: {last}"))
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
    let mut seed = now_ms() ^ u64::from(std::process::id()).rotate_left(32);
    let mut ws = open(url, token, options.signer.as_ref(), &mut seed).await?;
    let mut channel = Channel::new(seed, CLIENT_VERSION).with_max_attempts(options.max_attempts);
    let mut pending = channel.resize(term.size.0, term.size.1, now_ms());
    // The remote command's exit status, once the agent says it.
    let mut status: Option<i32> = None;
    let mut tick = tokio::time::interval(TICK);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    loop {
        let mut broke = None;
        for event in std::mem::take(&mut pending) {
            match event {
                // A frame that cannot be sent is sent again after the connection is resumed
                // (the channel keeps it until it is acknowledged).
                Event::Send(m) if broke.is_none() => {
                    let bytes = m.encode().map_err(|e| e.to_string())?;
                    if let Err(e) = ws.send(Message::Binary(bytes.into())).await {
                        broke = Some(format!("data channel: {e}"));
                    }
                }
                Event::Send(_) => {}
                Event::Output(b) => {
                    let _ = term.output.send(b);
                }
                Event::Message(t) => {
                    let _ = term.output.send(format!("{t}\r\n").into_bytes());
                }
                Event::ExitCode(n) => status = Some(n),
                Event::Closed(t) => {
                    let _ = ws.close(None).await;
                    return Ok(Ended::Closed(t, status));
                }
                Event::Failed(t) => return Err(t),
            }
        }
        if let Some(b) = broke {
            ws = reopen(&options, b, &mut seed).await?;
            continue;
        }
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Binary(b))) => match ClientMessage::decode(&b) {
                    Ok(m) => pending = channel.on_frame(m, now_ms()),
                    // A corrupt frame is not acknowledged: the agent sends it again.
                    Err(e) => tracing::warn!("data channel: dropped a frame: {e}"),
                },
                Some(Ok(Message::Close(_))) | None => {
                    let broke = "the data channel closed without ending the session".to_string();
                    ws = reopen(&options, broke, &mut seed).await?;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => ws = reopen(&options, format!("data channel: {e}"), &mut seed).await?,
            },
            Some(bytes) = term.input.recv() => pending = channel.input(&bytes, now_ms()),
            Some((cols, rows)) = term.resize.recv() => pending = channel.resize(cols, rows, now_ms()),
            _ = tick.tick() => pending = channel.tick(now_ms()),
            _ = ping.tick() => {
                if let Err(e) = ws.send(Message::Ping(b"keepalive".to_vec().into())).await {
                    ws = reopen(&options, format!("data channel: {e}"), &mut seed).await?;
                }
            }
        }
    }
}
