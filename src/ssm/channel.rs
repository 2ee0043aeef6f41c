//! The Session Manager data channel as a pure state machine: frames in, events out, no I/O.
//! It acknowledges and orders the agent's stream, numbers and resends its own, queues input
//! until the session is ready (the first Output of a shell without handshake, or
//! HandshakeComplete), answers the SessionType handshake, and refuses KMS sessions with a
//! message instead of hanging. The transport (a WebSocket) is the runtime's job.

use std::collections::{BTreeMap, VecDeque};

use serde_json::json;

use super::frame::ClientMessage;

pub const OUTPUT: u32 = 1;
pub const ERROR: u32 = 2;
pub const SIZE: u32 = 3;
pub const HANDSHAKE_REQUEST: u32 = 5;
pub const HANDSHAKE_RESPONSE: u32 = 6;
pub const HANDSHAKE_COMPLETE: u32 = 7;
pub const STD_ERR: u32 = 11;
/// The remote command's exit status (non-interactive commands), as decimal text.
pub const EXIT_CODE: u32 = 12;

/// Out-of-order messages kept, and unacknowledged ones, as the plugin does.
const CAPACITY: usize = 10_000;
/// After this many sends of one message the session is given up, as the plugin does.
pub const MAX_ATTEMPTS: u32 = 3_000;
const RTO_START_MS: f64 = 200.0;
const RTO_MAX_MS: f64 = 1_000.0;

pub const KMS_REFUSAL: &str = "this account requires KMS-encrypted sessions, which bkops' built-in client does not do yet: \
     install session-manager-plugin or set [ssm] client = \"plugin\"";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A frame for the WebSocket.
    Send(ClientMessage),
    /// Bytes for the terminal.
    Output(Vec<u8>),
    /// A line for the operator (the handshake's customer message).
    Message(String),
    /// The remote command's exit status, when the agent reports it.
    ExitCode(i32),
    /// The session is over; the gateway's last words, if any.
    Closed(String),
    /// The session cannot go on.
    Failed(String),
}

#[derive(Debug, Clone)]
struct Pending {
    message: ClientMessage,
    last_sent_ms: Option<u64>,
    attempts: u32,
}

pub struct Channel {
    next_out: i64,
    expected_in: i64,
    incoming: BTreeMap<i64, ClientMessage>,
    unacked: VecDeque<Pending>,
    ready: bool,
    /// Input and sizes written before the session was ready.
    queued: Vec<(u32, Vec<u8>)>,
    size: Option<(u16, u16)>,
    paused: bool,
    srtt_ms: f64,
    rttvar_ms: f64,
    rto_ms: f64,
    ids: u64,
    client_version: String,
    max_attempts: u32,
}

impl Channel {
    /// `seed` makes the message IDs (random UUIDs in the plugin) differ between sessions.
    pub fn new(seed: u64, client_version: &str) -> Self {
        Self {
            next_out: 0,
            expected_in: 0,
            incoming: BTreeMap::new(),
            unacked: VecDeque::new(),
            ready: false,
            queued: Vec::new(),
            size: None,
            paused: false,
            srtt_ms: 0.0,
            rttvar_ms: 0.0,
            rto_ms: RTO_START_MS,
            ids: seed,
            client_version: client_version.to_string(),
            max_attempts: MAX_ATTEMPTS,
        }
    }

    /// How many times one message is sent before the session is given up.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn is_ready(&self) -> bool {
        self.ready
    }

    fn new_id(&mut self) -> [u8; 16] {
        super::ids::uuid_v4(&mut self.ids)
    }

    fn ack(&mut self, m: &ClientMessage, now_ms: u64) -> Event {
        let payload = json!({
            "AcknowledgedMessageType": m.message_type,
            "AcknowledgedMessageId": super::ids::uuid_text(&m.message_id),
            "AcknowledgedMessageSequenceNumber": m.sequence,
            "IsSequentialMessage": true,
        })
        .to_string();
        Event::Send(ClientMessage {
            message_type: "acknowledge".into(),
            schema_version: 1,
            created_ms: now_ms.max(1),
            sequence: 0,
            flags: 3,
            message_id: self.new_id(),
            payload_type: 0,
            payload: payload.into_bytes(),
        })
    }

    /// Numbers a stream message and keeps it until acknowledged; sent now unless paused.
    fn stream(&mut self, payload_type: u32, payload: Vec<u8>, now_ms: u64) -> Vec<Event> {
        let message = ClientMessage {
            message_type: "input_stream_data".into(),
            schema_version: 1,
            created_ms: now_ms.max(1),
            sequence: self.next_out,
            flags: 0,
            message_id: self.new_id(),
            payload_type,
            payload,
        };
        self.next_out += 1;
        if self.unacked.len() >= CAPACITY {
            return vec![Event::Failed(
                "too many unacknowledged messages: the agent stopped answering".into(),
            )];
        }
        let mut pending = Pending { message, last_sent_ms: None, attempts: 0 };
        let mut out = Vec::new();
        if !self.paused {
            pending.last_sent_ms = Some(now_ms);
            pending.attempts = 1;
            out.push(Event::Send(pending.message.clone()));
        }
        self.unacked.push_back(pending);
        out
    }

    /// Keystrokes; queued until the session is ready, as the agent drops earlier input.
    pub fn input(&mut self, bytes: &[u8], now_ms: u64) -> Vec<Event> {
        if !self.ready {
            self.queued.push((OUTPUT, bytes.to_vec()));
            return Vec::new();
        }
        self.stream(OUTPUT, bytes.to_vec(), now_ms)
    }

    /// The terminal's size, at the start and on every change.
    pub fn resize(&mut self, cols: u16, rows: u16, now_ms: u64) -> Vec<Event> {
        self.size = Some((cols, rows));
        if !self.ready {
            return Vec::new();
        }
        let payload = json!({"cols": cols, "rows": rows}).to_string().into_bytes();
        self.stream(SIZE, payload, now_ms)
    }

    /// The session became ready: the size first, then what was typed.
    fn become_ready(&mut self, now_ms: u64) -> Vec<Event> {
        if self.ready {
            return Vec::new();
        }
        self.ready = true;
        let mut out = Vec::new();
        if let Some((c, r)) = self.size {
            out.extend(self.resize(c, r, now_ms));
        }
        for (t, p) in std::mem::take(&mut self.queued) {
            out.extend(self.stream(t, p, now_ms));
        }
        out
    }

    fn handshake(&mut self, payload: &[u8], now_ms: u64) -> Vec<Event> {
        let request: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
        let actions = request["RequestedClientActions"].as_array().cloned().unwrap_or_default();
        let mut processed = Vec::new();
        for a in &actions {
            let kind = a["ActionType"].as_str().unwrap_or_default();
            match kind {
                "KMSEncryption" => return vec![Event::Failed(KMS_REFUSAL.into())],
                "SessionType" => {
                    let t = a["ActionParameters"]["SessionType"].as_str().unwrap_or_default();
                    let ok = matches!(t, "Standard_Stream" | "InteractiveCommands");
                    processed.push(json!({
                        "ActionType": kind,
                        "ActionStatus": if ok { 1 } else { 3 },
                        "ActionResult": null,
                        "Error": if ok { String::new() } else { format!("session type {t} is not supported") },
                    }));
                }
                _ => processed.push(json!({
                    "ActionType": kind, "ActionStatus": 3, "ActionResult": null,
                    "Error": format!("{kind} is not supported"),
                })),
            }
        }
        let response = json!({
            "ClientVersion": self.client_version,
            "ProcessedClientActions": processed,
            "Errors": null,
        });
        self.stream(HANDSHAKE_RESPONSE, response.to_string().into_bytes(), now_ms)
    }

    fn process(&mut self, m: ClientMessage, now_ms: u64) -> Vec<Event> {
        match m.payload_type {
            OUTPUT | ERROR | STD_ERR => {
                let mut out = self.become_ready(now_ms);
                out.insert(0, Event::Output(m.payload));
                out
            }
            HANDSHAKE_REQUEST => self.handshake(&m.payload, now_ms),
            EXIT_CODE => exit_code(&m.payload).map(Event::ExitCode).into_iter().collect(),
            HANDSHAKE_COMPLETE => {
                let done: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
                let mut out = Vec::new();
                if let Some(text) = done["CustomerMessage"].as_str().filter(|t| !t.is_empty()) {
                    out.push(Event::Message(text.to_string()));
                }
                out.extend(self.become_ready(now_ms));
                out
            }
            _ => Vec::new(),
        }
    }

    fn acknowledged(&mut self, payload: &[u8], now_ms: u64) {
        let ack: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
        let Some(seq) = ack["AcknowledgedMessageSequenceNumber"].as_i64() else { return };
        let Some(pos) = self.unacked.iter().position(|p| p.message.sequence == seq) else { return };
        if let Some(p) = self.unacked.remove(pos)
            && let Some(sent) = p.last_sent_ms
        {
            // Jacobson/Karels, as the plugin computes it.
            let sample = now_ms.saturating_sub(sent) as f64;
            if self.srtt_ms == 0.0 {
                self.srtt_ms = sample;
                self.rttvar_ms = sample / 2.0;
            } else {
                self.rttvar_ms = 0.75 * self.rttvar_ms + 0.25 * (self.srtt_ms - sample).abs();
                self.srtt_ms = 0.875 * self.srtt_ms + 0.125 * sample;
            }
            self.rto_ms = (self.srtt_ms + (4.0 * self.rttvar_ms).max(10.0)).min(RTO_MAX_MS);
        }
    }

    /// One frame from the WebSocket.
    pub fn on_frame(&mut self, m: ClientMessage, now_ms: u64) -> Vec<Event> {
        match m.message_type.as_str() {
            "acknowledge" => {
                self.acknowledged(&m.payload, now_ms);
                Vec::new()
            }
            "channel_closed" => {
                let closed: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
                vec![Event::Closed(closed["Output"].as_str().unwrap_or_default().to_string())]
            }
            "pause_publication" => {
                self.paused = true;
                Vec::new()
            }
            "start_publication" => {
                self.paused = false;
                self.tick(now_ms)
            }
            "output_stream_data" => {
                let mut out = Vec::new();
                if m.sequence < self.expected_in {
                    // Already processed: the ack was lost, so acknowledge again.
                    out.push(self.ack(&m, now_ms));
                } else if m.sequence > self.expected_in {
                    if self.incoming.len() < CAPACITY {
                        out.push(self.ack(&m, now_ms));
                        self.incoming.insert(m.sequence, m);
                    }
                } else {
                    out.push(self.ack(&m, now_ms));
                    self.expected_in += 1;
                    out.extend(self.process(m, now_ms));
                    while let Some(next) = self.incoming.remove(&self.expected_in) {
                        self.expected_in += 1;
                        out.extend(self.process(next, now_ms));
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// Called every 100 ms: sends what a pause held back, and resends the oldest
    /// unacknowledged message once its retransmission timeout has passed.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Event> {
        if self.paused {
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in self.unacked.iter_mut().filter(|p| p.last_sent_ms.is_none()) {
            p.last_sent_ms = Some(now_ms);
            p.attempts = 1;
            out.push(Event::Send(p.message.clone()));
        }
        let rto = self.rto_ms as u64;
        if let Some(oldest) = self.unacked.front_mut()
            && oldest.last_sent_ms.is_some_and(|t| now_ms.saturating_sub(t) >= rto)
        {
            if oldest.attempts >= self.max_attempts {
                return vec![Event::Failed(
                    "the instance's SSM agent stopped acknowledging what was sent".into(),
                )];
            }
            oldest.attempts += 1;
            oldest.last_sent_ms = Some(now_ms);
            out.push(Event::Send(oldest.message.clone()));
        }
        out
    }
}

/// An exit status as the agent sends it: decimal text, or a 32-bit big-endian integer.
fn exit_code(payload: &[u8]) -> Option<i32> {
    let text = String::from_utf8_lossy(payload);
    match text.trim().trim_matches('\0').parse() {
        Ok(n) => Some(n),
        Err(_) => <[u8; 4]>::try_from(payload).ok().map(i32::from_be_bytes),
    }
}

#[cfg(test)]
mod tests;
