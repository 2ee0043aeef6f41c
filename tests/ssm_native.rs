//! The built-in Session Manager client against a fake agent on loopback (the real gateway and
//! agent cannot run here). The fake speaks the data channel as the agent does: it checks the
//! open-data-channel frame, sends sequenced output, acknowledges input, and closes the channel.

mod support;

use std::time::Duration;

use bkops::domain::Secret;
use bkops::ssm::channel::{
    HANDSHAKE_COMPLETE, HANDSHAKE_REQUEST, HANDSHAKE_RESPONSE, KMS_REFUSAL, OUTPUT, SIZE,
};
use bkops::ssm::frame::ClientMessage;
use bkops::ssm::native::{Ended, Options, StreamUrl, Terminal, run};
use bkops::ssm::session::terminate_on_failure;
use futures::{SinkExt, StreamExt};
use support::sessions::Recorder;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

fn agent_frame(message_type: &str, seq: i64, payload_type: u32, payload: &[u8]) -> Message {
    let m = ClientMessage {
        message_type: message_type.into(),
        schema_version: 1,
        created_ms: 1_795_000_000_000,
        sequence: seq,
        flags: u64::from(seq == 0),
        message_id: [0x10 + seq as u8; 16],
        payload_type,
        payload: payload.to_vec(),
    };
    Message::Binary(m.encode().expect("encodes").into())
}

#[tokio::test]
async fn a_shell_session_from_open_to_channel_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "ws://{}/v1/data-channel/sess-1?role=publish_subscribe",
        listener.local_addr().expect("addr")
    );
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let Some(Ok(Message::Text(open))) = ws.next().await else { panic!("the first frame is text") };
        let open: serde_json::Value = serde_json::from_str(&open).expect("json");
        assert_eq!(open["MessageSchemaVersion"], "1.0");
        assert_eq!(open["TokenValue"], "AAEAAToken");
        assert_eq!(open["ClientVersion"], "1.2.764.0");
        assert_eq!(open["RequestId"].as_str().map(str::len), Some(36), "a hyphenated UUID");
        assert!(open["ClientId"].is_string());
        // No handshake: the shell's prompt comes first.
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"sh-5.2$ ")).await.expect("send");
        let mut acks = Vec::new();
        let mut stream = Vec::new();
        let mut pings = 0;
        while stream.len() < 2 || pings == 0 {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => {
                    let m = ClientMessage::decode(&b).expect("a valid frame");
                    if m.message_type == "acknowledge" {
                        assert_eq!((m.sequence, m.flags), (0, 3));
                        let v: serde_json::Value = serde_json::from_slice(&m.payload).expect("ack json");
                        acks.push(v);
                    } else {
                        assert_eq!(m.message_type, "input_stream_data");
                        stream.push((m.sequence, m.payload_type, m.payload.clone()));
                        let ack = serde_json::json!({
                            "AcknowledgedMessageType": "input_stream_data",
                            "AcknowledgedMessageId": "x",
                            "AcknowledgedMessageSequenceNumber": m.sequence,
                            "IsSequentialMessage": true,
                        });
                        ws.send(agent_frame("acknowledge", 0, 0, ack.to_string().as_bytes()))
                            .await
                            .expect("ack");
                    }
                }
                Some(Ok(Message::Ping(p))) => {
                    assert_eq!(&p[..], b"keepalive");
                    pings += 1;
                }
                Some(Ok(_)) => {}
                other => panic!("the client went away: {other:?}"),
            }
        }
        // Output out of order: seq 2 before seq 1.
        ws.send(agent_frame("output_stream_data", 2, OUTPUT, b"sh-5.2$ ")).await.expect("send");
        ws.send(agent_frame("output_stream_data", 1, OUTPUT, b"hi\r\n")).await.expect("send");
        let closed = br#"{"SessionId":"sess-1","Output":"Exiting session with sessionId: sess-1."}"#;
        ws.send(agent_frame("channel_closed", 0, 0, closed)).await.expect("close");
        // Drain what is left (the acks of 1 and 2) until the client closes.
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Binary(b) = m
                && let Ok(m) = ClientMessage::decode(&b)
                && m.message_type == "acknowledge"
            {
                acks.push(serde_json::from_slice(&m.payload).expect("ack json"));
            }
        }
        (acks, stream, pings)
    });

    let (in_tx, input) = mpsc::unbounded_channel();
    let (_resize_tx, resize) = mpsc::unbounded_channel();
    let (output, mut out_rx) = mpsc::unbounded_channel();
    in_tx.send(b"echo hi\r".to_vec()).expect("typed before the prompt: queued");
    let term = Terminal { input, resize, output, size: (120, 40) };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        run(
            &url,
            &Secret::new("AAEAAToken"),
            term,
            Options { ping_every: Duration::from_millis(50), ..Options::default() },
        ),
    )
    .await
    .expect("in time");
    assert_eq!(ended, Ok(Ended::Closed("Exiting session with sessionId: sess-1.".into(), None)));
    let mut shown = Vec::new();
    while let Ok(b) = out_rx.try_recv() {
        shown.extend(b);
    }
    assert_eq!(String::from_utf8_lossy(&shown), "sh-5.2$ hi\r\nsh-5.2$ ", "in order, once");
    let (acks, stream, pings) = agent.await.expect("the agent's checks");
    let acked: Vec<i64> =
        acks.iter().filter_map(|a| a["AcknowledgedMessageSequenceNumber"].as_i64()).collect();
    assert_eq!(acked, [0, 2, 1], "every output frame acknowledged (2 when it arrived early)");
    assert_eq!(acks[0]["AcknowledgedMessageId"], "10101010-1010-1010-1010-101010101010", "the UUID's halves");
    assert_eq!(acks[0]["AcknowledgedMessageType"], "output_stream_data");
    assert_eq!(acks[0]["IsSequentialMessage"], true);
    assert_eq!(
        stream,
        [(0, SIZE, br#"{"cols":120,"rows":40}"#.to_vec()), (1, OUTPUT, b"echo hi\r".to_vec())],
        "the size first, then what was typed, numbered from 0"
    );
    assert!(pings >= 1, "keepalive pings");
}

#[test]
fn only_aws_or_loopback_stream_urls_are_taken() {
    assert!(
        StreamUrl::aws("wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/s?role=publish_subscribe")
            .is_ok()
    );
    for bad in [
        "ws://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/s",
        "wss://evil.example.com/v1/data-channel/s",
        "wss://ssmmessages.eu-west-1.amazonaws.com.evil.example/x",
        "ws://127.0.0.1:9/x",
    ] {
        assert!(StreamUrl::aws(bad).is_err(), "{bad}");
    }
    assert!(StreamUrl::loopback("ws://127.0.0.1:5000/x").is_ok());
    assert!(StreamUrl::loopback("ws://10.0.0.1:5000/x").is_err());
}

/// The fake agent's first input frame after the prompt, skipping acknowledgements.
async fn next_input<S>(ws: &mut S) -> ClientMessage
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => {
                let m = ClientMessage::decode(&b).expect("a valid frame");
                if m.message_type == "input_stream_data" {
                    return m;
                }
            }
            Some(Ok(_)) => {}
            other => panic!("the client went away: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unacknowledged_input_is_resent_identically_and_a_bare_close_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-2", listener.local_addr().expect("addr"));
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"$ ")).await.expect("send");
        // The Size, acknowledged at once; then the keystroke, whose ack is withheld.
        let size = next_input(&mut ws).await;
        let ack = |seq: i64| {
            serde_json::json!({"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"x",
                "AcknowledgedMessageSequenceNumber":seq,"IsSequentialMessage":true})
            .to_string()
        };
        ws.send(agent_frame("acknowledge", 0, 0, ack(size.sequence).as_bytes())).await.expect("ack");
        let first = next_input(&mut ws).await;
        let again = next_input(&mut ws).await;
        // A WebSocket close without channel_closed.
        ws.close(None).await.expect("close");
        (size, first, again)
    });
    let (in_tx, input) = mpsc::unbounded_channel();
    let (_resize_tx, resize) = mpsc::unbounded_channel();
    let (output, _out) = mpsc::unbounded_channel();
    in_tx.send(b"x".to_vec()).expect("queued");
    let term = Terminal { input, resize, output, size: (80, 24) };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended =
        tokio::time::timeout(Duration::from_secs(10), run(&url, &Secret::new("t"), term, Options::default()))
            .await
            .expect("in time");
    assert_eq!(ended, Err("the data channel closed without ending the session".into()));
    let (size, first, again) = agent.await.expect("the agent's checks");
    assert_eq!((size.sequence, size.payload_type), (0, SIZE));
    assert_eq!((first.sequence, first.payload.as_slice()), (1, &b"x"[..]));
    assert_eq!(again, first, "the identical frame (same ID and sequence) once the timeout passed");
}

/// An agent frame from its parts, with the 112-byte header some channel_closed frames arrive
/// with: no PayloadType, and the type name padded with NULs.
fn short_header_frame(message_type: &str, payload: &[u8]) -> Message {
    let Message::Binary(long) = agent_frame(message_type, 0, 0, payload) else { unreachable!() };
    let mut b = 112u32.to_be_bytes().to_vec();
    b.extend(long[4..112].iter().enumerate().map(|(i, &c)| if i < 32 && c == b' ' { 0 } else { c }));
    b.extend_from_slice(&long[116..]);
    Message::Binary(b.into())
}

fn ack_of(m: &ClientMessage) -> Message {
    let ack = serde_json::json!({
        "AcknowledgedMessageType": "input_stream_data",
        "AcknowledgedMessageId": "x",
        "AcknowledgedMessageSequenceNumber": m.sequence,
        "IsSequentialMessage": true,
    });
    agent_frame("acknowledge", 0, 0, ack.to_string().as_bytes())
}

/// A terminal for the client, and the test's ends of it: keys, sizes, and what was shown.
type TerminalEnds = (
    Terminal,
    mpsc::UnboundedSender<Vec<u8>>,
    mpsc::UnboundedSender<(u16, u16)>,
    mpsc::UnboundedReceiver<Vec<u8>>,
);

fn terminal(size: (u16, u16)) -> TerminalEnds {
    let (in_tx, input) = mpsc::unbounded_channel();
    let (resize_tx, resize) = mpsc::unbounded_channel();
    let (output, out_rx) = mpsc::unbounded_channel();
    (Terminal { input, resize, output, size }, in_tx, resize_tx, out_rx)
}

/// The fake agent's next frame of any kind but acknowledgements and pings, or None when the
/// client sent nothing for `quiet`.
async fn next_stream_frame<S>(ws: &mut S, quiet: Duration) -> Option<ClientMessage>
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match tokio::time::timeout(quiet, ws.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Binary(b)))) => {
                let m = ClientMessage::decode(&b).expect("a valid frame");
                if m.message_type != "acknowledge" {
                    return Some(m);
                }
            }
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the client went away: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_handshake_then_resize_paused_publication_and_a_short_channel_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-3", listener.local_addr().expect("addr"));
    let (paused_tx, paused_rx) = tokio::sync::oneshot::channel();
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        let request = serde_json::json!({
            "AgentVersion": "3.3.1345.0",
            "RequestedClientActions": [{"ActionType": "SessionType",
                "ActionParameters": {"SessionType": "Standard_Stream", "Properties": null}}],
        });
        ws.send(agent_frame("output_stream_data", 0, HANDSHAKE_REQUEST, request.to_string().as_bytes()))
            .await
            .expect("send");
        let response = next_stream_frame(&mut ws, Duration::from_secs(5)).await.expect("a response");
        ws.send(ack_of(&response)).await.expect("ack");
        // Nothing else before HandshakeComplete: the size and input wait for it.
        let early = next_stream_frame(&mut ws, Duration::from_millis(300)).await;
        let done = serde_json::json!({"HandshakeTimeToComplete": 1000, "CustomerMessage": "Welcome to the fake agent"});
        ws.send(agent_frame("output_stream_data", 1, HANDSHAKE_COMPLETE, done.to_string().as_bytes()))
            .await
            .expect("send");
        let size = next_stream_frame(&mut ws, Duration::from_secs(5)).await.expect("the size");
        ws.send(ack_of(&size)).await.expect("ack");
        ws.send(agent_frame("output_stream_data", 2, OUTPUT, b"$ ")).await.expect("prompt");
        let resized = next_stream_frame(&mut ws, Duration::from_secs(5)).await.expect("a resize");
        ws.send(ack_of(&resized)).await.expect("ack");
        // Paused: the keystroke typed now is held until start_publication.
        ws.send(agent_frame("pause_publication", 0, 0, b"")).await.expect("pause");
        paused_tx.send(()).expect("the test waits");
        let while_paused = next_stream_frame(&mut ws, Duration::from_millis(500)).await;
        ws.send(agent_frame("start_publication", 0, 0, b"")).await.expect("start");
        let typed = next_stream_frame(&mut ws, Duration::from_secs(5)).await.expect("the keystroke");
        ws.send(ack_of(&typed)).await.expect("ack");
        let closed = br#"{"SessionId":"sess-3","Output":""}"#;
        ws.send(short_header_frame("channel_closed", closed)).await.expect("close");
        while let Some(Ok(_)) = ws.next().await {}
        (response, early, size, resized, while_paused, typed)
    });
    let (term, in_tx, resize_tx, mut out_rx) = terminal((100, 30));
    let url = StreamUrl::loopback(&url).expect("loopback");
    let client = tokio::spawn(async move { run(&url, &Secret::new("t"), term, Options::default()).await });
    // Type once the prompt is shown, resize, then type while the agent has paused publication.
    let mut shown = Vec::new();
    while !String::from_utf8_lossy(&shown).ends_with("$ ") {
        shown.extend(
            tokio::time::timeout(Duration::from_secs(5), out_rx.recv()).await.expect("output").expect("open"),
        );
    }
    resize_tx.send((132, 43)).expect("resize");
    paused_rx.await.expect("paused");
    // The pause travels the same socket as everything before it: give the client a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;
    in_tx.send(b"l".to_vec()).expect("typed");
    let ended =
        tokio::time::timeout(Duration::from_secs(10), client).await.expect("in time").expect("joined");
    assert_eq!(
        ended,
        Ok(Ended::Closed(String::new(), None)),
        "a 112-byte, NUL-padded channel_closed ends it"
    );
    assert_eq!(String::from_utf8_lossy(&shown), "Welcome to the fake agent\r\n$ ");
    let (response, early, size, resized, while_paused, typed) = agent.await.expect("the agent's checks");
    assert_eq!((response.sequence, response.payload_type), (0, HANDSHAKE_RESPONSE));
    let r: serde_json::Value = serde_json::from_slice(&response.payload).expect("json");
    assert_eq!(r["ProcessedClientActions"][0]["ActionType"], "SessionType");
    assert_eq!(r["ProcessedClientActions"][0]["ActionStatus"], 1);
    assert_eq!(r["ClientVersion"], "1.2.764.0");
    assert_eq!(early, None, "nothing before HandshakeComplete");
    assert_eq!(
        (size.sequence, size.payload_type, size.payload.as_slice()),
        (1, SIZE, &br#"{"cols":100,"rows":30}"#[..])
    );
    assert_eq!((resized.sequence, resized.payload.as_slice()), (2, &br#"{"cols":132,"rows":43}"#[..]));
    assert_eq!(while_paused, None, "no sends while publication is paused");
    assert_eq!((typed.sequence, typed.payload_type, typed.payload.as_slice()), (3, OUTPUT, &b"l"[..]));
}

#[tokio::test]
async fn a_kms_session_is_refused_with_a_message_and_not_a_hang() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-4", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        let request = serde_json::json!({
            "AgentVersion": "3.3.1345.0",
            "RequestedClientActions": [{"ActionType": "KMSEncryption",
                "ActionParameters": {"KMSKeyId": "arn:aws:kms:us-east-1:1:key/k"}}],
        });
        ws.send(agent_frame("output_stream_data", 0, HANDSHAKE_REQUEST, request.to_string().as_bytes()))
            .await
            .expect("send");
        while let Some(Ok(_)) = ws.next().await {}
    });
    let (term, _in, _resize, _out) = terminal((80, 24));
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended =
        tokio::time::timeout(Duration::from_secs(5), run(&url, &Secret::new("t"), term, Options::default()))
            .await
            .expect("no hang");
    assert_eq!(ended, Err(KMS_REFUSAL.to_string()));
    assert!(KMS_REFUSAL.contains("session-manager-plugin"));
}

#[tokio::test]
async fn an_agent_that_stops_acknowledging_is_given_up_and_the_session_terminated() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-5", listener.local_addr().expect("addr"));
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"$ ")).await.expect("send");
        // Never acknowledges: count the sends of the size, the client's first message.
        let mut sends = Vec::new();
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Binary(b) = m
                && let Ok(m) = ClientMessage::decode(&b)
                && m.message_type == "input_stream_data"
            {
                sends.push(m);
            }
        }
        sends
    });
    let (term, _in, _resize, _out) = terminal((80, 24));
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ops = Recorder::default();
    let options = Options { max_attempts: 3, ..Options::default() };
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        terminate_on_failure(&ops, "sess-5", run(&url, &Secret::new("t"), term, options)),
    )
    .await
    .expect("gives up in time");
    let err = ended.expect_err("given up");
    assert!(err.to_string().contains("stopped acknowledging"), "{err}");
    assert!(err.to_string().contains("the session was terminated"), "{err}");
    assert_eq!(*ops.terminated.lock().expect("lock"), ["sess-5"]);
    let sends = agent.await.expect("the agent");
    assert_eq!(sends.len(), 3, "sent three times, then given up");
    assert!(sends.iter().all(|m| *m == sends[0]), "the identical frame each time");
}

#[tokio::test]
async fn the_upgrade_is_signed_with_sigv4_for_ssmmessages() {
    use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "ws://{}/v1/data-channel/sess-6?role=publish_subscribe",
        listener.local_addr().expect("addr")
    );
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let (tx, rx) = std::sync::mpsc::channel();
        #[allow(clippy::result_large_err)]
        let keep = move |req: &Request, resp: Response| {
            let headers: Vec<(String, String)> = req
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect();
            tx.send(headers).expect("kept");
            Ok(resp)
        };
        let mut ws = tokio_tungstenite::accept_hdr_async(tcp, keep).await.expect("upgrade");
        let _open = ws.next().await;
        let closed = br#"{"SessionId":"sess-6","Output":""}"#;
        ws.send(agent_frame("channel_closed", 0, 0, closed)).await.expect("close");
        while let Some(Ok(_)) = ws.next().await {}
        rx.recv().expect("the upgrade's headers")
    });
    let (term, _in, _resize, _out) = terminal((80, 24));
    let signer = bkops::ssm::port::UpgradeSigner {
        credentials: aws_credential_types::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            Some("tok".into()),
            None,
            "t",
        ),
        region: "us-east-1".into(),
    };
    let options = Options { signer: Some(signer), ..Options::default() };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended = tokio::time::timeout(Duration::from_secs(10), run(&url, &Secret::new("t"), term, options))
        .await
        .expect("in time");
    assert_eq!(ended, Ok(Ended::Closed(String::new(), None)));
    let headers = agent.await.expect("the agent");
    let get =
        |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    assert!(
        get("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && get("authorization").contains(
                "/us-east-1/ssmmessages/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token,"
            ),
        "{headers:?}"
    );
    assert_eq!(get("x-amz-security-token"), "tok");
    assert_eq!(get("x-amz-date").len(), "20261124T013000Z".len());
}

/// ResumeSession in the tests: the same loopback agent, with a new token each time.
struct FakeResume {
    url: String,
    calls: std::sync::atomic::AtomicUsize,
    works: bool,
}

#[async_trait::async_trait]
impl bkops::ssm::native::Resume for FakeResume {
    async fn resume(&self) -> Result<(StreamUrl, Secret), String> {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if !self.works {
            return Err("session sess-7 timed out".into());
        }
        Ok((StreamUrl::loopback(&self.url).expect("loopback"), Secret::new(format!("t{}", n + 2))))
    }
}

#[tokio::test]
async fn a_broken_connection_is_resumed_with_a_new_token_and_the_stream_goes_on() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-7", listener.local_addr().expect("addr"));
    let agent = tokio::spawn(async move {
        let token = |open: Option<Result<Message, _>>| match open {
            Some(Ok(Message::Text(t))) => {
                serde_json::from_str::<serde_json::Value>(&t).expect("json")["TokenValue"].to_string()
            }
            other => panic!("no open frame: {other:?}"),
        };
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let first_token = token(ws.next().await);
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"$ ")).await.expect("prompt");
        let size = next_input(&mut ws).await;
        // The connection breaks: no close frame, no acknowledgement of the size.
        drop(ws);
        let (tcp, _) = listener.accept().await.expect("accept again");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let second_token = token(ws.next().await);
        ws.send(agent_frame("start_publication", 0, 0, b"")).await.expect("start");
        // What was not acknowledged is sent again, as it was.
        let again = next_input(&mut ws).await;
        ws.send(ack_of(&again)).await.expect("ack");
        ws.send(agent_frame("output_stream_data", 1, OUTPUT, b"back\r\n")).await.expect("output");
        ws.send(agent_frame("channel_closed", 0, 0, br#"{"Output":""}"#)).await.expect("close");
        while let Some(Ok(_)) = ws.next().await {}
        (first_token, second_token, size, again)
    });
    let resume = std::sync::Arc::new(FakeResume { url: url.clone(), calls: Default::default(), works: true });
    let (term, _in, _resize, mut out) = terminal((80, 24));
    let options = Options { resume: Some(resume.clone()), ..Options::default() };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended = tokio::time::timeout(Duration::from_secs(10), run(&url, &Secret::new("t1"), term, options))
        .await
        .expect("in time");
    assert_eq!(ended, Ok(Ended::Closed(String::new(), None)));
    let mut shown = Vec::new();
    while let Ok(b) = out.try_recv() {
        shown.extend(b);
    }
    assert_eq!(String::from_utf8_lossy(&shown), "$ back\r\n", "one stream across both connections");
    let (first, second, size, again) = agent.await.expect("the agent's checks");
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("\"t1\"", "\"t2\""),
        "the resumed token opens the channel"
    );
    assert_eq!(resume.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(again, size, "the unacknowledged size, identical, on the new connection");
}

#[tokio::test]
async fn a_session_that_cannot_be_resumed_ends_and_is_terminated() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-7", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"$ ")).await.expect("prompt");
        drop(ws);
    });
    let resume =
        std::sync::Arc::new(FakeResume { url: url.clone(), calls: Default::default(), works: false });
    let (term, _in, _resize, _out) = terminal((80, 24));
    let options = Options { resume: Some(resume.clone()), ..Options::default() };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ops = Recorder::default();
    let ended = tokio::time::timeout(
        Duration::from_secs(15),
        terminate_on_failure(&ops, "sess-7", run(&url, &Secret::new("t1"), term, options)),
    )
    .await
    .expect("gives up in time");
    let err = ended.expect_err("not resumed");
    assert!(err.to_string().contains("could not be resumed: session sess-7 timed out"), "{err}");
    assert_eq!(resume.calls.load(std::sync::atomic::Ordering::SeqCst), 5, "the plugin's five attempts");
    assert_eq!(*ops.terminated.lock().expect("lock"), ["sess-7"]);
}
