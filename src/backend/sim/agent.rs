//! The demo's SSM agent: a WebSocket server on loopback that speaks the Session Manager data
//! channel as the real agent and gateway do, so the demo's sessions run through bkops' own
//! client exactly as an AWS session would. It checks the session's token, runs the SessionType
//! handshake, acknowledges and orders the client's stream, numbers its own, and ends with
//! channel_closed when the simulated shell exits.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

use super::shell::{Facts, SimShell, Step};
use crate::ssm::channel::{
    EXIT_CODE, HANDSHAKE_COMPLETE, HANDSHAKE_REQUEST, HANDSHAKE_RESPONSE, OUTPUT, SIZE,
};
use crate::ssm::frame::ClientMessage;
use crate::ssm::ids;

/// The agent version the demo's handshake announces.
const AGENT_VERSION: &str = "3.3.1345.0";

/// A session StartSession created and no client has opened yet.
struct Waiting {
    token: String,
    facts: Facts,
    command: Option<String>,
}

#[derive(Clone)]
pub struct SessionAgent {
    base: String,
    waiting: Arc<Mutex<HashMap<String, Waiting>>>,
}

impl SessionAgent {
    /// Listens on a free loopback port for the life of the process.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let agent = Self {
            base: format!("ws://{}/v1/data-channel", listener.local_addr()?),
            waiting: Arc::default(),
        };
        let accepting = agent.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let agent = accepting.clone();
                tokio::spawn(async move {
                    if let Err(e) = agent.serve(tcp).await {
                        tracing::warn!("demo session agent: {e}");
                    }
                });
            }
        });
        Ok(agent)
    }

    /// Expects a client for this session; returns the session's StreamUrl.
    pub fn register(&self, session_id: &str, token: &str, facts: Facts, command: Option<String>) -> String {
        let waiting = Waiting { token: token.to_string(), facts, command };
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).insert(session_id.to_string(), waiting);
        format!("{}/{session_id}?role=publish_subscribe", self.base)
    }

    /// TerminateSession of a session nobody opened.
    pub fn forget(&self, session_id: &str) {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(session_id);
    }

    async fn serve(&self, tcp: TcpStream) -> Result<(), String> {
        let mut path = String::new();
        // The callback's type is tungstenite's, large error and all.
        #[allow(clippy::result_large_err)]
        let read_path = |req: &Request, resp: Response| {
            path = req.uri().path().to_string();
            Ok(resp)
        };
        let mut ws = tokio_tungstenite::accept_hdr_async(tcp, read_path).await.map_err(|e| e.to_string())?;
        let session_id = path.rsplit('/').next().unwrap_or_default().to_string();
        let Some(Ok(Message::Text(open))) = ws.next().await else {
            return Err("the first frame was not open-data-channel".into());
        };
        let open: serde_json::Value = serde_json::from_str(&open).map_err(|e| e.to_string())?;
        let waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(&session_id);
        // A token opens its session once, as the gateway's do.
        let Some(w) = waiting.filter(|w| open["TokenValue"].as_str() == Some(w.token.as_str())) else {
            let _ = ws.close(None).await;
            return Err(format!("no session {session_id} for that token"));
        };
        let mut link = Link { ws, next_out: 0, seed: session_id.len() as u64 ^ 0x5eed_5eed, session_id };
        link.run(w).await
    }
}

struct Link {
    ws: tokio_tungstenite::WebSocketStream<TcpStream>,
    next_out: i64,
    seed: u64,
    session_id: String,
}

impl Link {
    fn frame(
        &mut self,
        message_type: &str,
        sequence: i64,
        flags: u64,
        payload_type: u32,
        payload: Vec<u8>,
    ) -> Message {
        let m = ClientMessage {
            message_type: message_type.into(),
            schema_version: 1,
            created_ms: crate::clock::Clock::System.now().millis().max(1) as u64,
            sequence,
            flags,
            message_id: ids::uuid_v4(&mut self.seed),
            payload_type,
            payload,
        };
        // Every field here is within the codec's limits.
        Message::Binary(m.encode().unwrap_or_default().into())
    }

    /// One message of the agent's own stream.
    async fn send(&mut self, payload_type: u32, payload: Vec<u8>) -> Result<(), String> {
        let seq = self.next_out;
        self.next_out += 1;
        let m = self.frame("output_stream_data", seq, u64::from(seq == 0), payload_type, payload);
        self.ws.send(m).await.map_err(|e| e.to_string())
    }

    async fn ack(&mut self, m: &ClientMessage) -> Result<(), String> {
        let payload = json!({
            "AcknowledgedMessageType": m.message_type,
            "AcknowledgedMessageId": ids::uuid_text(&m.message_id),
            "AcknowledgedMessageSequenceNumber": m.sequence,
            "IsSequentialMessage": true,
        });
        let f = self.frame("acknowledge", 0, 3, 0, payload.to_string().into_bytes());
        self.ws.send(f).await.map_err(|e| e.to_string())
    }

    async fn close(&mut self) -> Result<(), String> {
        let payload = json!({
            "MessageType": "channel_closed",
            "SessionId": self.session_id,
            "DestinationId": self.session_id,
            "SchemaVersion": 1,
            "Output": "",
        });
        let f = self.frame("channel_closed", 0, 0, 0, payload.to_string().into_bytes());
        let _ = self.ws.send(f).await;
        // The client closes the socket once it has read channel_closed (and acknowledged what
        // came before it); closing first would break its last acknowledgements.
        let drained = async { while let Some(Ok(_)) = self.ws.next().await {} };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drained).await;
        Ok(())
    }

    async fn run(&mut self, waiting: Waiting) -> Result<(), String> {
        let request = json!({
            "AgentVersion": AGENT_VERSION,
            "RequestedClientActions": [{
                "ActionType": "SessionType",
                "ActionParameters": {"SessionType": "Standard_Stream", "Properties": null},
            }],
        });
        self.send(HANDSHAKE_REQUEST, request.to_string().into_bytes()).await?;
        let mut shell: Option<SimShell> = None;
        let mut pending = Some(waiting);
        let mut expected = 0i64;
        let mut early: BTreeMap<i64, ClientMessage> = BTreeMap::new();
        while let Some(frame) = self.ws.next().await {
            let bytes = match frame {
                Ok(Message::Binary(b)) => b,
                Ok(Message::Close(_)) | Err(_) => return Ok(()),
                Ok(_) => continue,
            };
            let Ok(m) = ClientMessage::decode(&bytes) else { continue };
            if m.message_type != "input_stream_data" {
                continue;
            }
            self.ack(&m).await?;
            if m.sequence < expected {
                continue;
            }
            early.insert(m.sequence, m);
            while let Some(m) = early.remove(&expected) {
                expected += 1;
                let step = match m.payload_type {
                    HANDSHAKE_RESPONSE => {
                        let Some(w) = pending.take() else { continue };
                        let done = json!({"HandshakeTimeToComplete": 1_000_000, "CustomerMessage": ""});
                        self.send(HANDSHAKE_COMPLETE, done.to_string().into_bytes()).await?;
                        let (sh, first) = SimShell::start(w.facts, w.command.as_deref());
                        shell = Some(sh);
                        first
                    }
                    SIZE => {
                        let size: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
                        let dim = |k: &str| size[k].as_u64().and_then(|v| u16::try_from(v).ok());
                        if let (Some(sh), Some(c), Some(r)) = (shell.as_mut(), dim("cols"), dim("rows")) {
                            sh.resize(c, r);
                        }
                        Step::default()
                    }
                    OUTPUT => match shell.as_mut() {
                        Some(sh) => sh.input(&m.payload),
                        None => Step::default(),
                    },
                    _ => Step::default(),
                };
                if !step.output.is_empty() {
                    self.send(OUTPUT, step.output).await?;
                }
                if step.exit {
                    if let Some(status) = step.status {
                        self.send(EXIT_CODE, status.to_string().into_bytes()).await?;
                    }
                    return self.close().await;
                }
            }
        }
        Ok(())
    }
}
